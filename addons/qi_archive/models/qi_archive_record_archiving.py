from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain
from odoo.tools import SQL

from odoo.addons.qi_window.tools.china import china_date, china_today

from .qi_archive_category import SOURCE_MODELS
from .qi_archive_record import ARCHIVE_MODEL, _logger, sha256_hex  # the record's logger: one name for the archive


class QiArchiveRecordArchiving(models.Model):
    """How a record is made (R-9.a): a document or a free set of files is
    checked, frozen, numbered and chained to its window's previous record;
    the scheduled action archives finished documents by itself."""

    _inherit = "qi.archive.record"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    # ------------------------------------------------------------------
    # archiving
    # ------------------------------------------------------------------
    @api.model
    def _qi_find_archive(self, source):
        # sudo: whether a document is archived is not a secret of the archive
        found = self.sudo().search([("source_model", "=", source._name), ("source_id", "=", source.id)], limit=1)
        return found.sudo(False)  # the caller's rights again for what is returned

    @api.model
    def _qi_archived_ids(self, model_name):
        self.env["qi.archive.record"].flush_model(["source_model", "source_id"])
        self.env.cr.execute(SQL("SELECT source_id FROM qi_archive_record WHERE source_model = %s", model_name))
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _qi_check_can_archive(self, window, source=None):
        """Staff archive their windows' documents, leaders their organisation's;
        scheduled actions run as superuser."""
        if self.env.su:
            return
        user = self.env.user
        if not user.has_group("qi_window.group_qi_user"):
            raise AccessError(self.env._("Only window staff and leaders can archive documents."))
        if not window.has_access("read"):
            raise AccessError(
                self.env._("You can only archive documents of the windows you work at (%s).", window.display_name)
            )
        if source is not None:
            source.check_access("read")

    @api.model
    def _qi_archive_sources(self, sources, category=None, confidentiality=None, retention_years=None, note=None):
        records = self.browse()
        for source in sources:
            records |= self._qi_archive_source(
                source,
                category=category,
                confidentiality=confidentiality,
                retention_years=retention_years,
                note=note,
            )
        return records

    @api.model
    def _qi_archive_source(self, source, category=None, confidentiality=None, retention_years=None, note=None):
        """Freeze one source document into a new archive record."""
        source.ensure_one()
        if source._name not in SOURCE_MODELS:
            raise UserError(self.env._("Documents of type %s cannot be archived.", source._description))
        values = source._qi_archive_values()
        window = self.env["qi.window"].browse(values.get("window_id"))
        if not window:
            raise UserError(self.env._("%s has no window: it cannot be archived.", source.display_name))
        self._qi_check_can_archive(window, source)
        if not source._qi_archive_is_eligible():
            raise UserError(
                self.env._("%s cannot be archived yet: only finished documents are archived.", source.display_name)
            )
        if self._qi_find_archive(source):
            raise UserError(self.env._("%s is already archived.", source.display_name))
        source_type = SOURCE_MODELS[source._name]
        # sudo: the default category of a source type is configuration, not a secret
        category = category or self.env["qi.archive.category"].sudo()._get_default_for(source_type)
        if not category:
            raise UserError(self.env._("Create an archive category for %s first.", source._description))
        vals = {
            "title": values.get("title") or source.display_name,
            "source_type": source_type,
            "source_model": source._name,
            "source_id": source.id,
            "window_id": window.id,
            "partner_id": values.get("partner_id") or False,
            "year": values.get("year") or china_today().year,
            "category_id": category.id,
            "confidentiality": confidentiality or category.confidentiality,
            "retention_years": category.retention_years if retention_years is None else retention_years,
            "note": note or False,
        }
        files = [self._qi_render_frozen(source)]
        # sudo: the source was checked readable above; its files are copied as they are
        for attachment in source._qi_archive_attachments().sudo():
            files.append(
                {
                    "name": attachment.name,
                    "raw": attachment.raw or b"",
                    "mimetype": attachment.mimetype,
                    "kind": "attachment",
                    "origin": f"{attachment.res_model},{attachment.res_id}" if attachment.res_model else False,
                    "origin_attachment_id": attachment.id,
                }
            )
        return self._qi_create_archive(vals, files)

    @api.model
    def _qi_archive_document(self, vals, attachments):
        """Archive a free document: the uploaded files, frozen as they are."""
        window = self.env["qi.window"].browse(vals["window_id"])
        self._qi_check_can_archive(window)
        if not attachments:
            raise UserError(self.env._("Add at least one file to archive a document."))
        attachments.check_access("read")
        files = [
            {
                "name": attachment.name,
                "raw": attachment.raw or b"",
                "mimetype": attachment.mimetype,
                "kind": "attachment",
                "origin_attachment_id": attachment.id,
            }
            for attachment in attachments
        ]
        category = self.env["qi.archive.category"].browse(vals["category_id"])
        vals = dict(vals, source_type="document", source_model=False, source_id=False)
        vals.setdefault("confidentiality", category.confidentiality)
        vals.setdefault("retention_years", category.retention_years)
        vals.setdefault("year", china_today().year)
        return self._qi_create_archive(vals, files)

    @api.model
    def _qi_create_archive(self, vals, files):
        """Number, chain and store the record and its files, in one transaction."""
        # sudo: the archive is written by this process only, after the caller
        # checked the user's rights; users never write it themselves
        internal = self.sudo().with_context(qi_archive_internal=True)
        previous = internal._qi_chain_previous(vals["window_id"])
        record = internal.create(self._qi_prepare_record_vals(vals, previous))
        lines = self._qi_store_files(record, files)
        internal.env["qi.archive.file"].create(lines)
        record.record_hash = record._qi_compute_hash()
        _logger.info("Archived %s (%s) with %d file(s)", record.name, record.title, len(lines))
        return record.with_env(self.env)

    @api.model
    def _qi_chain_previous(self, window_id):
        """The last record of the window, the one the next record chains to.
        Locks the window until the transaction ends: one archiving at a time
        per window, so that its hash chain never forks."""
        self.env["qi.window"].flush_model()
        self.env.cr.execute(SQL("SELECT id FROM qi_window WHERE id = %s FOR UPDATE", window_id))
        return self.search([("window_id", "=", window_id)], order="id desc", limit=1)

    @api.model
    def _qi_prepare_record_vals(self, vals, previous):
        """``vals`` completed with the record's number, its link to ``previous``
        in the window's chain, when and by whom it is archived and until when
        it is kept (dates in the window's time zone)."""
        window = self.env["qi.window"].browse(vals["window_id"])
        now = fields.Datetime.now().replace(microsecond=0)
        day = china_date(now, window)
        retention = vals.get("retention_years") or 0
        # sudo: only a number is drawn from the archive's sequence
        number = self.env["ir.sequence"].sudo().next_by_code("qi.archive.record", sequence_date=day)
        return dict(
            vals,
            name=number,
            archived_on=now,
            archived_by_id=self.env.uid,
            previous_id=previous.id or False,
            previous_hash=previous.record_hash or False,
            disposal_date=(day + relativedelta(years=retention)) if retention else False,
            state="archived",
        )

    @api.model
    def _qi_store_files(self, record, files):
        """Store ``files`` as attachments of ``record``, each with its size and
        SHA-256; returns the values of its ``qi.archive.file`` lines."""
        context = {"qi_archive_internal": True, "attachments_mime_plainxml": True}
        # sudo: archive attachments are created by this process only (see ir_attachment.py)
        attachment_model = self.env["ir.attachment"].sudo().with_context(**context)
        lines = []
        for sequence, data in enumerate(files, start=1):
            raw = data["raw"] or b""
            attachment = attachment_model.create(
                {
                    "name": data["name"],
                    "raw": raw,
                    "mimetype": data.get("mimetype") or False,
                    "res_model": ARCHIVE_MODEL,
                    "res_id": record.id,
                    "description": self.env._("Archived file of %s", record.name),
                }
            )
            lines.append(
                {
                    "record_id": record.id,
                    "sequence": sequence,
                    "kind": data.get("kind", "attachment"),
                    "name": data["name"],
                    "mimetype": attachment.mimetype,
                    "file_size": len(raw),
                    "sha256": sha256_hex(raw),
                    "attachment_id": attachment.id,
                    "origin": data.get("origin") or False,
                    "origin_attachment_id": data.get("origin_attachment_id") or False,
                }
            )
        if lines:
            # archived content is never indexed: a search must not reveal it
            attachment_model.flush_model()
            self.env.cr.execute(
                SQL(
                    "UPDATE ir_attachment SET index_content = NULL WHERE id IN %s",
                    tuple(line["attachment_id"] for line in lines),
                )
            )
            attachment_model.invalidate_model(["index_content"])
        return lines

    @api.model
    def _qi_render_frozen(self, source):
        """The frozen document of a source: a PDF, or the HTML that Odoo gives
        when wkhtmltopdf cannot run (tests, machines without it)."""
        report = source._qi_archive_report()
        report_model = self.env["ir.actions.report"]
        if report and report_model.get_wkhtmltopdf_state() == "ok":
            content, report_type = report_model._render_qweb_pdf(report, source.ids)
        elif report:
            content, report_type = report_model._render_qweb_html(report, source.ids)
        else:
            content, report_type = self._qi_render_generic(source), "html"
        if isinstance(content, str):
            content = content.encode()
        pdf = report_type == "pdf"
        base = (source.display_name or source._description).replace("/", "-")
        return {
            "name": f"{base}.{'pdf' if pdf else 'html'}",
            "raw": content,
            "mimetype": "application/pdf" if pdf else "text/html",
            "kind": "frozen",
            "origin": f"{source._name},{source.id}",
        }

    @api.model
    def _qi_render_generic(self, source):
        """Without a report for the source's model: a self-contained HTML page."""
        return self.env["ir.actions.report"]._render_template(
            "qi_archive.report_source_document_plain", {"docs": source}
        )

    # ------------------------------------------------------------------
    # scheduled actions
    # ------------------------------------------------------------------
    @api.model
    def _qi_auto_archive_candidates(self):
        todo = []
        for model_name in SOURCE_MODELS:
            if model_name not in self.env:
                continue
            model = self.env[model_name]
            domain = model._qi_archive_auto_domain() if hasattr(model, "_qi_archive_auto_domain") else None
            if domain is None:
                continue
            domain = Domain(domain) & Domain("id", "not in", self._qi_archived_ids(model_name))
            todo.extend((model_name, res_id) for res_id in model.search(domain, order="id").ids)
        return todo

    @api.model
    def _cron_auto_archive(self, batch_size=50):
        """R-9.b: closed cases (after the configured number of days), done
        evaluations and verified improvements are archived, each once. A
        document that fails is logged and skipped, the rest go on."""
        from odoo.addons.qi_window.tools.cron import batches, isolated

        archived = self.browse()
        for batch in batches(self.env, self._qi_auto_archive_candidates(), batch_size):
            for model_name, res_id in batch:
                results, _errors = isolated(
                    self.env[model_name].browse(res_id),
                    self._qi_archive_source,
                    _logger,
                    "QI auto-archiving failed for %s",
                )
                archived = archived.concat(*results)
        return archived
