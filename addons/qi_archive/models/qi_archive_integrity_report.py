import logging

from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.qi_window.tools.china import recipient_env
from odoo.addons.qi_window.tools.ondelete import deletion_guard

_logger = logging.getLogger(__name__)


class QiArchiveIntegrityReport(models.Model):
    """One run of the integrity check: every file's bytes against the SHA-256
    taken at archiving, every record against its hash and its chain link.
    Run by a button or weekly; mismatches go to the windows' leaders."""

    _name = "qi.archive.integrity.report"
    _description = "QI Archive Integrity Report"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"

    name = fields.Char(required=True, readonly=True)
    date = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now, index=True)
    user_id = fields.Many2one("res.users", string="Run By", readonly=True, default=lambda self: self.env.user)
    trigger = fields.Selection(
        [("manual", "Button"), ("cron", "Scheduled")], required=True, readonly=True, default="manual"
    )
    state = fields.Selection(
        [("ok", "All Intact"), ("issues", "Mismatches Found")], required=True, readonly=True, default="ok", index=True
    )
    record_count = fields.Integer(string="Records Checked", readonly=True)
    file_count = fields.Integer(string="Files Checked", readonly=True)
    issue_ids = fields.One2many("qi.archive.integrity.issue", "report_id", string="Mismatches", readonly=True)
    issue_count = fields.Integer(string="Mismatch Count", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("Integrity reports are written by the integrity check only."))
        return super().create(vals_list)

    def write(self, vals):
        if not (self.env["qi.archive.record"]._qi_internal() or set(vals) <= {"message_main_attachment_id"}):
            raise AccessError(self.env._("An integrity report cannot be changed."))
        return super().write(vals)

    @deletion_guard
    def _unlink_except_archive_process(self):
        if not self.env["qi.archive.record"]._qi_internal():
            raise AccessError(self.env._("An integrity report cannot be deleted."))

    @api.model
    def _qi_run(self, records, trigger="manual", batch_size=200):
        """Check ``records`` (those the current user may read) and keep the result."""
        from odoo.addons.qi_window.tools.cron import batches

        if not self.env.su and not self.env.user.has_group("qi_window.group_qi_user"):
            raise AccessError(self.env._("Only window staff and leaders run the integrity check."))
        records.check_access("read")
        now = fields.Datetime.now()
        # sudo: the report only records hash comparisons; users cannot forge it
        report = (
            self.sudo()
            .with_context(qi_archive_internal=True)
            .create(
                {
                    "name": self.env._("Integrity check of %s", fields.Datetime.to_string(now)),
                    "date": now,
                    "trigger": trigger,
                    "user_id": self.env.uid,
                }
            )
        )
        issues = []
        files = 0
        for batch in batches(self.env, records, batch_size):
            issues += batch._qi_integrity_issues()
            # sudo: counting the checked files of records the caller may read
            files += sum(len(r.file_ids) for r in batch.sudo() if r.state == "archived")
        report.write(
            {
                "record_count": len(records),
                "file_count": files,
                "issue_ids": [(0, 0, issue) for issue in issues],
                "issue_count": len(issues),
                "state": "issues" if issues else "ok",
            }
        )
        if issues:
            report._qi_alert()
        # sudo(False): the report goes back to the caller with his own rights
        return report.sudo(False).with_context(qi_archive_internal=False)

    def _qi_alert(self):
        """Tell the leaders of the windows concerned."""
        self.ensure_one()
        _logger.warning("Archive integrity check %s: %d mismatch(es)", self.name, self.issue_count)
        leaders = self.issue_ids.record_id.window_id.leader_id
        # counts only: a scheduled report spans every window and all staff read it;
        # which records are concerned is in the mismatch lines, isolated per window
        body = self.env._(
            "%(count)s mismatch(es) between the archive and the hashes taken at archiving: "
            "see the mismatches of your windows in this report.",
            count=self.issue_count,
        )
        self.message_post(body=body, partner_ids=leaders.partner_id.ids, subtype_xmlid="mail.mt_comment")
        for leader in leaders:
            self.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=leader.id,
                summary=recipient_env(self.env, leader)._("Archive integrity mismatches to investigate"),
            )

    def _get_form_action(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "name": self.name,
        }

    @api.model
    def _cron_check_integrity(self):
        """Weekly: check the whole archive."""
        records = self.env["qi.archive.record"].search([], order="id")  # pylint: disable=no-search-all  # checks the whole archive on purpose
        return self._qi_run(records, trigger="cron")
