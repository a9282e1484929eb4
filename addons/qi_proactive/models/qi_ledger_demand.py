from markupsafe import Markup, escape

from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_date

from odoo.addons.qi_window.tools.china import recipient_env

# the field of qi.case that links the lines of each ledger
CASE_FIELDS = {
    "qi.instrument": "instrument_ids",
    "qi.special.equipment": "equipment_ids",
    "qi.enterprise.certificate": "certificate_ids",
}
# what the demand's description shows of each line, per ledger
DESCRIPTION_COLUMNS = {
    "qi.instrument": ("name", "serial_number", "category_id", "measuring_range", "accuracy_class", "date_due"),
    "qi.special.equipment": ("name", "equipment_type", "equipment_code", "registration_number", "date_due"),
    "qi.enterprise.certificate": ("name", "certificate_type", "number", "issuer", "date_due"),
}


class QiLedgerDemand(models.AbstractModel):
    """One click from due ledger lines to a demand (R-7.1.2, R-6.1.1.3).

    A service of its own rather than methods of ``qi.ledger.mixin``: one
    demand may gather lines of several ledgers (instruments and special
    equipment of one enterprise), so the entry point takes recordsets of
    several models, and the demand a notice makes (``qi.notice._make_demand``)
    shares its creation code. The same code serves the back office (as the
    staff member, under their rights) and the portal (checked as the portal
    user, then created with sudo, as qi_case's portal creates a demand).
    """

    _name = "qi.ledger.demand"
    _description = "QI Demand from Ledger Lines"

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    @api.model
    def _make_demand(self, lines, user=None):
        """File one demand (a ``qi.case``, channel "proactive") for ``lines``.

        :param lines: a recordset of one ledger model, or a list of recordsets
            of several ledger models, all of one enterprise
        :param user: who asks (default: the environment's user, also when the
            environment is sudo); the lines must be theirs to edit: the
            enterprise's own portal users, the staff of its window, its steward
        :return: the new case, in this method's environment
        :raise UserError: an empty selection, lines of several enterprises, an
            enterprise without a window, lines already in an open demand
        :raise AccessError: lines the user may not edit
        """
        user = user or self.env.user
        groups = self._split_lines(lines)
        if not groups:
            raise UserError(self.env._("Select the lines of the ledger to ask a service for."))
        self._check_lines_access(groups, user)
        # sudo: the lines were just checked as the user; what follows reads them
        # (their enterprise, their demands, what the description shows)
        groups = {model: records.sudo() for model, records in groups.items()}
        partners = self.env["res.partner"].union(*(records.partner_id for records in groups.values()))
        if len(partners) > 1:
            raise UserError(
                self.env._(
                    "The lines belong to several enterprises (%(enterprises)s): a demand is for one enterprise.",
                    enterprises=", ".join(partners.mapped("display_name")),
                )
            )
        partner = partners
        self._check_window(partner)
        self._check_not_in_open_demand(groups)
        items = self.env["qi.service.item"].union(
            *(line._qi_service_item() for records in groups.values() for line in records)
        )
        env = recipient_env(self.env, partner)
        vals = {
            "subject": self._demand_subject(env, groups),
            "description": self._demand_description(env, groups),
        }
        for model, records in groups.items():
            vals[CASE_FIELDS[model]] = [(6, 0, records.ids)]
        return self._create_demand(partner, items, vals, user=user)

    @api.model
    def _action_request_service(self, lines):
        """The back office's "Request Service" on a ledger's list: the new
        demand, in its form."""
        case = self._make_demand(lines)
        return {
            "type": "ir.actions.act_window",
            "res_model": "qi.case",
            "res_id": case.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Creation, shared with the notices
    # ------------------------------------------------------------------
    @api.model
    def _create_demand(self, partner, items, vals, user=None):
        """Create the proactive demand of ``partner`` (an enterprise with a
        window) for ``items``, with ``vals`` (subject, description, links).

        A staff member creates it under their own rights. A portal user cannot
        create cases through the ORM: the caller checked that the demand is
        about the user's own enterprise, and it is created with sudo.

        The first handler is the enterprise's quality steward when the steward
        is on the staff of the window: the steward is the named member of the
        staff the enterprise turns to first, and a demand the window's own
        warning or notice prompted is the steward's to follow (R-7.2.1: one
        first handler answers for the whole case; accepting keeps them, a later
        change needs a reason and is told to the enterprise). A steward who is
        not on that window's staff is not imposed: the staff member who
        accepts becomes the first handler, as for any other demand.
        """
        user = user or self.env.user
        # sudo: the enterprise's window, steward and address, read to fill the
        # demand the caller checked (a portal user cannot read the window's staff)
        partner = partner.commercial_partner_id.sudo()
        window = partner.qi_window_id
        values = {
            "partner_id": partner.id,
            "window_id": window.id,
            "channel": "proactive",
            "item_ids": [(6, 0, items.ids)],
            "email_from": partner.email_normalized or False,
        }
        steward = partner.qi_steward_id
        if steward and steward.active and steward in window.member_user_ids:
            values["user_id"] = steward.id
        if user.share:
            contact = user.partner_id
            if contact != partner:
                values["contact_id"] = contact.id
            values["email_from"] = contact.email_normalized or values["email_from"]
        values.update(vals)
        if user.share:
            # the visitor's language and time zone only: an RPC caller sends any
            # context (sudo() drops its defaults, not e.g. tracking_disable, which
            # filed the demand without its creation in the chatter)
            context = {key: self.env.context[key] for key in ("lang", "tz") if key in self.env.context}
            Case = self.env["qi.case"].with_context(context)  # pylint: disable=context-overridden  # the caller's is dropped
            # sudo: portal users cannot create cases through the ORM; the caller
            # checked the demand is about the user's own enterprise, whose window
            # and service items are set here, as qi_case's portal form does
            case = Case.sudo().create(values)
        else:
            case = self.env["qi.case"].with_user(user).create(values)
        return self.env["qi.case"].browse(case.id)

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    @api.model
    def _ledger_models(self):
        return list(CASE_FIELDS)

    @api.model
    def _split_lines(self, lines):
        """``{model: records}`` of the non-empty recordsets of ``lines``."""
        if isinstance(lines, models.BaseModel):
            lines = [lines]
        groups = {}
        for records in lines or ():
            if records._name not in CASE_FIELDS:
                raise UserError(self.env._("%s are not lines of an enterprise's ledger.", records._description))
            if records:
                groups[records._name] = groups.get(records._name, records.browse()) | records
        return groups

    @api.model
    def _check_lines_access(self, groups, user):
        """The lines are the user's to edit, checked as the user (never as
        superuser): a provider reading the lines of an assignment, or a window
        reading another's enterprise, cannot ask for them."""
        for records in groups.values():
            as_user = records.with_user(user)
            as_user.check_access("write")
            if user.share and as_user.partner_id != user.commercial_partner_id:
                raise AccessError(self.env._("You can only ask a service for your own enterprise's ledger."))

    @api.model
    def _check_window(self, partner):
        if not partner.qi_window_id:
            raise UserError(
                self.env._(
                    "%(enterprise)s is not served by a window yet: ask a window to take it on (its staff set the "
                    "window on the enterprise's form) before asking a service from its ledger.",
                    enterprise=partner.display_name,
                )
            )

    @api.model
    def _check_not_in_open_demand(self, groups):
        """A line is in one open demand at a time."""
        taken = [
            self.env._("%(line)s is in the open demand %(case)s", line=line.display_name, case=case.name)
            for records in groups.values()
            for line in records
            for case in line.case_ids.filtered("is_open")[:1]
        ]
        if taken:
            raise UserError(
                self.env._(
                    "A demand is already open for some of these lines; follow it up instead:\n%(lines)s",
                    lines="\n".join(taken),
                )
            )

    # ------------------------------------------------------------------
    # What the demand says, in the enterprise's language
    # ------------------------------------------------------------------
    @api.model
    def _demand_subject(self, env, groups):
        parts = []
        for model, records in groups.items():
            count = len(records)
            name = records[:1].with_context(lang=env.lang).display_name if count == 1 else ""
            if model == "qi.instrument":
                parts.append(
                    env._("Verification of %(line)s", line=name)
                    if count == 1
                    else env._("Verification of %(count)s measuring instruments", count=count)
                )
            elif model == "qi.special.equipment":
                parts.append(
                    env._("Periodic inspection of %(line)s", line=name)
                    if count == 1
                    else env._("Periodic inspection of %(count)s pieces of special equipment", count=count)
                )
            else:
                parts.append(
                    env._("Renewal of %(line)s", line=name)
                    if count == 1
                    else env._("Renewal of %(count)s certificates", count=count)
                )
        return "; ".join(parts)[:200]

    @api.model
    def _demand_description(self, env, groups):
        """One table per ledger listing each line, every value escaped."""
        html = [f"<p>{escape(env._('Asked from the ledger, for these lines:'))}</p>"]
        for model, records in groups.items():
            records = records.with_context(lang=env.lang)
            fields = [records._fields[name] for name in DESCRIPTION_COLUMNS[model]]
            head = "".join(f"<th>{escape(field._description_string(env))}</th>" for field in fields)
            rows = "".join(
                "<tr>{}</tr>".format("".join(f"<td>{escape(self._cell(env, line, field))}</td>" for field in fields))
                for line in records
            )
            html.append(
                f"<p><strong>{escape(self._ledger_title(env, model))}</strong></p>"
                f'<table class="table table-sm table-bordered"><thead><tr>{head}</tr></thead>'
                f"<tbody>{rows}</tbody></table>"
            )
        return Markup("".join(html))

    @api.model
    def _ledger_title(self, env, model):
        if model == "qi.instrument":
            return env._("Measuring instruments")
        if model == "qi.special.equipment":
            return env._("Special equipment")
        return env._("Certificates and licences")

    @api.model
    def _cell(self, env, line, field):
        value = line[field.name]
        if field.type == "many2one":
            return value.display_name or ""
        if field.type == "selection":
            return dict(field._description_selection(env)).get(value, "") if value else ""
        if field.type == "date":
            return format_date(env, value) if value else ""
        return value or ""
