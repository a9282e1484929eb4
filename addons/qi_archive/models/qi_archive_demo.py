from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.qi_window.tools.china import china_today


class QiArchiveRecordDemo(models.Model):
    _inherit = "qi.archive.record"

    @api.model
    def _qi_generate_demo(self):
        """Demo story: the leader archives closed cases, done evaluations and
        a published rule; the coordination department was granted access to
        some records (and opened one), an earlier grant has expired."""
        ref = self.env.ref
        leader = ref("qi_window.user_wang_li_demo")
        archive = self.with_user(leader)
        records = self.browse()
        closed_cases = self.env["qi.case"].search([("stage_code", "=", "closed")], order="id", limit=6)
        sources = list(closed_cases)
        if "qi.evaluation" in self.env:
            sources += list(self.env["qi.evaluation"].search([("state", "=", "done")], order="id", limit=2))
        if "qi.improvement" in self.env:
            sources += list(self.env["qi.improvement"].search([("state", "=", "closed")], order="id", limit=1))
        sources += list(self.env["qi.window.rule"].search([("state", "=", "published")], order="id", limit=2))
        for source in sources:
            if not self._qi_find_archive(source) and source._qi_archive_is_eligible():
                records |= archive._qi_archive_source(source)
        cases = records.filtered(lambda r: r.source_type == "case")
        # an enterprise's process data kept as a trade secret
        secret_source = self.env["qi.case"].search(
            [("stage_code", "=", "closed"), ("id", "not in", closed_cases.ids)], order="id", limit=1
        )
        if secret_source:
            archive._qi_archive_source(
                secret_source, confidentiality="trade_secret", note="企业工艺参数，属于商业秘密。"
            )
        requester = ref("qi_window.user_zhou_qiang_demo")
        request_model = self.env["qi.archive.access.request"]
        if cases:
            granted = request_model.with_user(requester).create(
                {
                    "record_ids": [(6, 0, cases[:2].filtered(lambda r: r.window_id == cases[0].window_id).ids)],
                    "reason": "年度服务质量评价抽查服务记录。",
                    "date_to": fields.Date.add(china_today(), days=30),
                }
            )
            granted.with_user(requester).action_submit()
            granted.with_user(leader)._qi_approve(note="同意查阅，限期内使用。")
            # the coordination department opened the frozen document once
            frozen = granted.record_ids[:1].file_ids.filtered(lambda f: f.kind == "frozen")[:1]
            if frozen:
                frozen.attachment_id.with_user(requester).raw  # noqa: B018 (reading is what gets logged)
        if len(cases) > 2:
            expired = request_model.with_user(requester).create(
                {
                    "record_ids": [(6, 0, cases[-1:].ids)],
                    "reason": "核查企业投诉涉及的服务过程。",
                    "date_from": fields.Date.add(china_today(), days=-20),
                    "date_to": fields.Date.add(china_today(), days=-10),
                }
            )
            expired.with_user(requester).action_submit()
            now = fields.Datetime.now()
            # sudo: demo history, a grant decided three weeks ago and over since
            expired.sudo().write(
                {
                    "state": "expired",
                    "approver_id": leader.id,
                    "date_decided": now - timedelta(days=20),
                    "date_start": now - timedelta(days=20),
                    "date_expiry": now - timedelta(days=10),
                    "decision_note": "同意查阅。",
                }
            )
            # sudo: the leader's to-do of that old request was done long ago
            expired.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        self._qi_demo_requests(cases, requester, leader)
        return records

    @api.model
    def _qi_demo_requests(self, cases, requester, leader):
        """The other states of an access request, so every list and filter has
        rows: one still in draft, one waiting for the leader, one refused, one
        withdrawn by the requester."""
        if not cases:
            return
        request_model = self.env["qi.archive.access.request"].with_user(requester)
        today = china_today()
        # (reason, state the story leaves it in)
        stories = [
            ("拟核对服务机构资质与服务记录的一致性（草稿，尚未提交）。", "draft"),
            ("上级部门专项检查，需调阅一站式服务窗口的服务记录。", "submitted"),
            ("了解企业工艺参数以便编写宣传材料。", "refused"),
            ("核查服务时限统计口径，已改为查阅月度统计报表。", "cancelled"),
        ]
        for index, (reason, state) in enumerate(stories):
            request = request_model.create(
                {
                    "record_ids": [(6, 0, cases[index % len(cases)].ids)],
                    "reason": reason,
                    "date_to": fields.Date.add(today, days=15 + index),
                }
            )
            if state == "draft":
                continue
            request.action_submit()
            if state == "refused":
                request.with_user(leader)._qi_refuse(note="查阅目的与服务监督无关，且涉及企业商业信息，不予同意。")
            elif state == "cancelled":
                request.action_cancel()
