from odoo import api, models


class QiCasePortal(models.Model):
    """What the portal shows of a case, and to whom (R-5.2.1, R-7.3.1)."""

    _inherit = "qi.case"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    def _compute_access_url(self):  # pylint: disable=missing-return  # a compute returns nothing
        super()._compute_access_url()
        for case in self:
            case.access_url = f"/my/qi/cases/{case.id}"

    def _get_report_base_filename(self):
        # portal downloads of the case summary are named after the case number
        self.ensure_one()
        return self.name

    @api.model
    def _get_thread_with_access(self, thread_id, **kwargs):
        # A token or signed link for a missing case is refused like one for a
        # foreign case: portal's fallback would read the token of the missing
        # record and answer MissingError, telling which ids exist.
        # sudo: existence only, nothing of the record is read
        if not self.browse(thread_id).sudo().exists():
            return self.browse()
        return super()._get_thread_with_access(thread_id, **kwargs)

    @api.model
    def _portal_readable_fields(self):
        """The only fields of a case a portal user may read through the ORM."""
        return frozenset(
            {
                "id",
                "display_name",
                "name",
                "subject",
                "partner_id",
                "window_id",
                "channel",
                "item_ids",
                "stage_id",
                "stage_code",
                "is_open",
                "date_received",
                "date_accept_due",
                "date_deadline",
                "materials_state",
                "user_id",
                "description",
                "access_url",
                "access_token",
                "materials_deemed_complete",
                "paused_days",
                # the default order of the model sorts on these
                "priority",
                "is_overdue",
                "rating_level",
            }
        )

    def _has_field_access(self, field, operation):
        if not super()._has_field_access(field, operation):
            return False
        if not self.env.su and self.env.user._is_portal():
            return operation == "read" and field.name in self._portal_readable_fields()
        return True

    def _portal_values(self, provider=False):
        """What the portal pages show of a case: the same whitelist, as plain
        values; providers see the demand, never the enterprise's contact data."""
        self.ensure_one()
        values = {
            "id": self.id,
            "name": self.name,
            "subject": self.subject,
            "window": self.window_id.name,
            "window_phone": self.window_id.phone,
            "items": self.item_ids._get_notice_values(),
            "stage": self.stage_id.name,
            "stage_code": self.stage_code,
            "is_open": self.is_open,
            "date_received": self.date_received,
            "date_deadline": self.date_deadline,
            "deadline_provisional": self.deadline_provisional,
            "materials_state": self.materials_state,
            "handler": self.user_id.name,
            "description": self.description,
            "materials_deemed_complete": self.materials_deemed_complete,
            "correction_missing": self.correction_missing if self.materials_state == "incomplete" else "",
            "paused_days": self.paused_days,
            "clock_events": self.clock_event_ids._portal_values(),
            "pauses": [
                {
                    "reason_kind": pause._reason_label(),
                    "reason": pause.reason,
                    "date_start": pause.date_start,
                    "date_end": pause.date_end,
                    "working_days": pause.working_days,
                }
                for pause in self.pause_ids
            ],
        }
        if not provider:
            values["service_object"] = self.partner_id.name
            values["access_url"] = self.access_url
        return values
