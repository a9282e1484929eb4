import functools
import logging
from collections import defaultdict

from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.tools import SQL, format_date

from odoo.addons.qi_window.tools.china import china_today, recipient_env
from odoo.addons.qi_window.tools.cron import batches
from odoo.addons.qi_window.tools.settings import int_param

_logger = logging.getLogger(__name__)

# warned_step of a line whose overdue warning went out: nothing more to say
# until its due date changes (the partial indexes leave such lines out)
FINAL_STEP = 99

# the ledgers, and the default warning thresholds of each, in PRC working days
LEDGER_SETTINGS = {
    "qi.instrument": ("qi_proactive.instrument_warning_days", "20,5"),
    "qi.special.equipment": ("qi_proactive.equipment_warning_days", "30,10"),
    "qi.enterprise.certificate": ("qi_proactive.certificate_warning_days", "40,10"),
}

# what a warning names a line by besides its name, first one set, per ledger
LINE_REFERENCE_FIELDS = {
    "qi.instrument": ("serial_number", "certificate_number"),
    "qi.special.equipment": ("equipment_code", "registration_number", "serial_number"),
    "qi.enterprise.certificate": ("number",),
}

# compulsory overdue lines named in an activity's note; the others are counted
NOTE_MAX_NAMES = 50

# enterprises per batch (one transaction each) of the daily run
BATCH_SIZE_KEY = "qi_proactive.ledger_warning_batch_size"
DEFAULT_BATCH_SIZE = 500


class QiLedgerWarning(models.Model):
    """One warning sent about one ledger line: the threshold it crossed and the
    due date it was about. The daily run never sends a step twice for the same
    due date (the line's ``warned_step``); this log is what the enterprise
    and the staff read afterwards."""

    _name = "qi.ledger.warning"
    _description = "QI Ledger Due Warning"
    _inherit = ["qi.window.bound.mixin"]
    _order = "date_sent desc, id desc"

    res_model = fields.Selection(
        [
            ("qi.instrument", "Measuring Instrument"),
            ("qi.special.equipment", "Special Equipment"),
            ("qi.enterprise.certificate", "Certificate"),
        ],
        string="Ledger",
        required=True,
        index=True,
    )
    res_id = fields.Integer(required=True, index=True)
    name = fields.Char(string="Line", required=True)
    partner_id = fields.Many2one("res.partner", string="Enterprise", required=True, index=True, ondelete="cascade")
    window_id = fields.Many2one("qi.window", index=True, ondelete="set null")
    company_id = fields.Many2one("res.company", index=True, ondelete="set null")
    step = fields.Integer(required=True)
    threshold_days = fields.Integer(help="The working days before the due date this warning was for; -1 once overdue.")
    is_overdue = fields.Boolean(string="Overdue")
    is_compulsory = fields.Boolean(string="Compulsory")
    date_due = fields.Date(required=True)
    date_sent = fields.Date(required=True, index=True)
    mail_id = fields.Many2one("mail.mail", ondelete="set null")


class QiLedgerWarningService(models.AbstractModel):
    """The daily due warnings of the enterprises' ledgers.

    For each ledger, thresholds in PRC working days (largest first) and a
    last step once the due date has passed. A line is warned when it reaches a
    step beyond the one already sent about its due date; one run sends one
    warning per line, for the highest step reached (a line entered late does
    not get three warnings at once). Each enterprise gets one mail a run in
    its language; each steward (else the window's leader) one activity a
    day on each of their windows, which the later batches and runs of the day
    update. Batches of enterprises commit one by one, so a killed run leaves
    no half-warned enterprise and the next run does the rest.
    """

    _name = "qi.ledger.warning.service"
    _description = "QI Ledger Due Warnings"

    @api.model
    def _ledger_models(self):
        return list(LEDGER_SETTINGS)

    @api.model
    def _thresholds(self, model):
        """Working days before the due date at which ``model``'s lines are warned, largest first."""
        key, default = LEDGER_SETTINGS[model]
        # sudo: a configuration parameter, not confidential
        raw = self.env["ir.config_parameter"].sudo().get_param(key) or default
        thresholds = set()
        for part in str(raw).split(","):
            try:
                thresholds.add(int(part))
            except ValueError:
                _logger.warning("%s: ignoring %r", key, part)
        return sorted((t for t in thresholds if t >= 0), reverse=True)

    @api.model
    def _horizons(self, model, today):
        """``[(step, threshold, last date that reaches it)]``, first step first."""
        Workday = self.env["qi.workday"]
        return [
            (step, threshold, Workday.add_working_days(today, threshold))
            for step, threshold in enumerate(self._thresholds(model), start=1)
        ]

    @api.model
    def _due_horizon(self, model, today):
        """The last due date that counts as falling due today."""
        horizons = self._horizons(model, today)
        return horizons[0][2] if horizons else today

    @api.model
    def _target_step_sql(self, model, today):
        """SQL: the step a line of ``model`` has reached today."""
        horizons = self._horizons(model, today)
        cases = [SQL("WHEN date_due < %s THEN %s", today, FINAL_STEP)]
        cases += [SQL("WHEN date_due <= %s THEN %s", horizon, step) for step, _threshold, horizon in reversed(horizons)]
        return SQL("(CASE %s ELSE 0 END)", SQL(" ").join(cases))

    @api.model
    def _candidates(self, model, today, partner_ids=None):
        """``{partner_id: [(line_id, step)]}``: the lines of ``model`` to warn today."""
        self.env[model].flush_model(["date_due", "warned_step", "warned_date_due", "active", "partner_id"])
        result = defaultdict(list)
        for partner_id, line_id, step in self.env.execute_query(self._candidates_query(model, today, partner_ids)):
            if step:
                result[partner_id].append((line_id, step))
        return result

    @api.model
    def _candidates_query(self, model, today, partner_ids=None):
        """The SQL of ``_candidates``: ``active AND warned_step < FINAL_STEP`` repeats the
        predicate of the ledgers' partial index (qi.ledger.mixin), so that the lines
        already warned as overdue are never read (``bin/qi-benchmark ledger`` shows the plan)."""
        Ledger = self.env[model]
        horizon = self._due_horizon(model, today)
        target = self._target_step_sql(model, today)
        return SQL(
            """SELECT partner_id, id, %(target)s FROM %(table)s
                WHERE active AND warned_step < %(final)s AND date_due <= %(horizon)s
                  AND (warned_date_due IS DISTINCT FROM date_due OR warned_step < %(target)s)
                  %(partners)s""",
            target=target,
            table=SQL.identifier(Ledger._table),
            final=FINAL_STEP,
            horizon=horizon,
            partners=SQL("AND partner_id = ANY(%s)", list(partner_ids)) if partner_ids is not None else SQL(""),
        )

    @api.model
    def _cron_warn_due(self, batch_size=None, today=None):
        """The daily run (scheduled action *QI: ledger due warnings*, R-7.1.2).

        The candidates of every ledger are read once (the partial index on
        ``date_due`` of the lines not fully warned, see qi.ledger.mixin), then
        the enterprises are warned by batches, each batch one transaction that
        commits its mails, its warning log and its marks together: a killed run
        never warns a line twice, and the next run does what is left.
        ``batch_size``: enterprises per batch, by default the setting
        ``qi_proactive.ledger_warning_batch_size`` (500)."""
        today = today or china_today()
        batch_size = batch_size or int_param(self.env, BATCH_SIZE_KEY, DEFAULT_BATCH_SIZE, minimum=1)
        todo = defaultdict(dict)  # partner_id -> {model: [(line_id, step)]}
        for model in self._ledger_models():
            for partner_id, lines in self._candidates(model, today).items():
                todo[partner_id][model] = lines
        partner_ids = sorted(todo)
        _logger.info("Ledger due warnings: %s enterprises to warn", len(partner_ids))
        if not partner_ids:
            return
        tally = self._day_tally(today)
        for batch in batches(self.env, partner_ids, batch_size, invalidate=True):
            self._warn_batch({partner_id: todo[partner_id] for partner_id in batch}, today, tally=tally)

    @api.model
    def _warn_batch(self, todo, today, tally=None):
        """Warn the enterprises of ``todo`` and mark their lines, in one transaction.

        ``todo``: ``{partner_id: {model: [(line_id, step)]}}`` from ``_candidates``.
        Each enterprise gets one mail in its language listing its lines (no mail
        when nobody can receive it: the portal shows the warnings anyway), each
        line one qi.ledger.warning row, and the window the day's activity of the
        responsible staff member (``_update_activities``). A constant number of
        queries per batch, whatever its number of lines: every read and every
        write is one statement for the whole batch (per ledger model).
        ``tally``: the day's counts per (user, window) kept by the run; read from
        the day's log when called alone.
        """
        if tally is None:
            tally = self._day_tally(today)
        # the lines to warn, read once per ledger and checked again: a line archived or
        # given a new due date since the candidates were read is left to the next run
        warned = defaultdict(list)  # partner_id -> [(line, step)]
        marks = defaultdict(list)  # model -> [(line_id, step)]
        for model in self._ledger_models():
            steps = {line_id: step for lines in todo.values() for line_id, step in lines.get(model, ())}
            if not steps:
                continue
            horizons = self._horizons(model, today)
            lines = self.env[model].search_fetch([("id", "in", list(steps))], self._line_fields(model))
            for line in lines:
                step = self._line_step(horizons, line.date_due, today)
                if step != steps[line.id] or (line.warned_date_due == line.date_due and line.warned_step >= step):
                    continue
                warned[line.partner_id.id].append((line, step))
                marks[model].append((line.id, step))
        if not warned:
            return
        enterprises = self.env["res.partner"].browse(sorted(warned))
        mails = self._send_mails(enterprises, warned, today)
        thresholds = {model: self._thresholds(model) for model in marks}
        self.env["qi.ledger.warning"].create(
            [
                {
                    "res_model": line._name,
                    "res_id": line.id,
                    "name": line._qi_ledger_label(),
                    "partner_id": partner_id,
                    "window_id": line.window_id.id,
                    "company_id": line.company_id.id,
                    "step": step,
                    "threshold_days": -1 if step == FINAL_STEP else thresholds[line._name][step - 1],
                    "is_overdue": step == FINAL_STEP,
                    "is_compulsory": line._qi_is_compulsory(),
                    "date_due": line.date_due,
                    "date_sent": today,
                    "mail_id": mails.get(partner_id, False),
                }
                for partner_id, lines in warned.items()
                for line, step in lines
            ]
        )
        for model, lines in marks.items():
            self._mark_warned(model, lines, today)
        self._update_activities(enterprises, warned, today, tally)

    @api.model
    def _line_fields(self, model):
        """The fields of a line the warnings read, fetched in one query per ledger."""
        Ledger = self.env[model]
        names = ["name", "partner_id", "window_id", "company_id", "date_due", "warned_step", "warned_date_due"]
        names += [name for name in LINE_REFERENCE_FIELDS.get(model, ()) if name in Ledger._fields]
        if "is_compulsory" in Ledger._fields:
            names.append("is_compulsory")
        return names

    @api.model
    def _line_step(self, horizons, date_due, today):
        """The step a line due on ``date_due`` has reached today (``_target_step_sql`` in Python)."""
        if not date_due:
            return 0
        if date_due < today:
            return FINAL_STEP
        for step, _threshold, horizon in reversed(horizons):
            if date_due <= horizon:
                return step
        return 0

    # ------------------------------------------------------------------
    # The enterprise's mail
    # ------------------------------------------------------------------
    @api.model
    def _mail_recipients(self, enterprises):
        """``{enterprise id: partners}``: the partners of the enterprise's portal users
        (its people who log in to the portal) and the enterprise itself, those with an
        e-mail address. One query for the whole batch."""
        users = self.env["res.users"].search_fetch(
            [("share", "=", True), ("partner_id.commercial_partner_id", "in", enterprises.ids)], ["partner_id"]
        )
        users.partner_id.fetch(["email", "commercial_partner_id"])
        recipients = {enterprise.id: enterprise.filtered("email") for enterprise in enterprises}
        for partner in users.partner_id.filtered("email"):
            recipients[partner.commercial_partner_id.id] |= partner
        return recipients

    @api.model
    def _send_mails(self, enterprises, warned, today):
        """Queue one mail per enterprise of ``warned`` that someone can receive, in the
        enterprise's language, created at once; ``{enterprise id: mail id}``."""
        recipients = self._mail_recipients(enterprises)
        # sudo: the system parameter of the server's own address, for the link to the portal
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url") or ""
        enterprises.qi_window_id.fetch(["name", "phone", "email", "company_id"])
        enterprises.qi_steward_id.fetch(["name", "phone", "email"])
        texts = {}  # lang -> (env, kind labels, date formatter)
        vals_list, mailed = [], []
        for enterprise in enterprises:
            if not recipients[enterprise.id]:
                continue
            env = recipient_env(self.env, enterprise)
            if env.lang not in texts:
                kinds = dict(self.env["qi.ledger.warning"]._fields["res_model"]._description_selection(env))
                texts[env.lang] = (env, kinds, functools.cache(lambda value, env=env: format_date(env, value)))
            env, kinds, date_text = texts[env.lang]
            lines = sorted(warned[enterprise.id], key=lambda item: (item[0].date_due, item[0]._name, item[0].id))
            window, steward = enterprise.qi_window_id, enterprise.qi_steward_id
            contact = steward or window
            company = window.company_id or self.env.company
            values = {
                "enterprise": enterprise,
                "window": window,
                "contact": {
                    "name": contact.name or "",
                    "phone": contact.phone or window.phone or "",
                    "email": contact.email or window.email or "",
                },
                "portal_url": f"{base_url}/my/qi/ledger",
                "lines": [
                    {
                        "kind": kinds.get(line._name, ""),
                        "name": line.name,
                        "reference": self._line_reference(line),
                        "date_due": date_text(line.date_due),
                        "days_left": (line.date_due - today).days,
                        "overdue": step == FINAL_STEP,
                        "compulsory": line._qi_is_compulsory(),
                    }
                    for line, step in lines
                ],
            }
            overdue = sum(1 for _line, step in lines if step == FINAL_STEP)
            if overdue:
                subject = env._(
                    "%(count)s line(s) of your ledger fall due, %(overdue)s of them overdue",
                    count=len(lines),
                    overdue=overdue,
                )
            else:
                subject = env._("%(count)s line(s) of your ledger fall due", count=len(lines))
            vals_list.append(
                {
                    "subject": subject,
                    "body_html": env["ir.qweb"]._render("qi_proactive.qi_ledger_warning_mail", values),
                    "email_from": company.email_formatted or self.env.company.email_formatted,
                    # the answers go to the steward, else to the window
                    "reply_to": (steward.email and steward.email_formatted) or window.email or False,
                    "recipient_ids": [Command.set(recipients[enterprise.id].ids)],
                    "model": "res.partner",
                    "res_id": enterprise.id,
                    # kept once sent: the warning log points to it (delivered or failed)
                    "auto_delete": False,
                }
            )
            mailed.append(enterprise.id)
        if not vals_list:
            return {}
        mails = self.env["mail.mail"].create(vals_list)
        return dict(zip(mailed, mails.ids, strict=True))

    @api.model
    def _line_reference(self, line):
        """The serial number, equipment code or certificate number of ``line``."""
        for name in LINE_REFERENCE_FIELDS.get(line._name, ()):
            if name in line._fields and line[name]:
                return line[name]
        return ""

    # ------------------------------------------------------------------
    # The window's activity
    # ------------------------------------------------------------------
    @api.model
    def _day_tally(self, today):
        """``{(user id, window id): counts}`` of the warnings already sent today, from
        the log: a run that follows another the same day (a second run, or the rest
        of a killed or time-boxed one) adds to the day's activities, it does not
        replace them. Responsible: the enterprise's steward, else the window's leader."""
        tally = {}
        rows = self.env.execute_query(
            SQL(
                """SELECT COALESCE(p.qi_steward_id, w.leader_id), lw.window_id,
                          count(*) FILTER (WHERE NOT lw.is_overdue), count(*) FILTER (WHERE lw.is_overdue),
                          array_agg(DISTINCT lw.partner_id),
                          count(*) FILTER (WHERE lw.is_overdue AND lw.is_compulsory),
                          (array_agg(lw.name || ' — ' || COALESCE(p.name, '') ORDER BY lw.id)
                              FILTER (WHERE lw.is_overdue AND lw.is_compulsory))[1:%s]
                     FROM qi_ledger_warning lw
                     JOIN res_partner p ON p.id = lw.partner_id
                     JOIN qi_window w ON w.id = lw.window_id
                    WHERE lw.date_sent = %s
                    GROUP BY 1, 2""",
                NOTE_MAX_NAMES,
                today,
            )
        )
        for user_id, window_id, due, overdue, partner_ids, flagged_count, flagged in rows:
            if user_id:
                tally[user_id, window_id] = {
                    "due": due,
                    "overdue": overdue,
                    "partners": set(partner_ids),
                    "flagged": list(flagged or ()),
                    "flagged_count": flagged_count,
                }
        return tally

    @api.model
    def _update_activities(self, enterprises, warned, today, tally):
        """Add this batch's warnings to the day's activity of each responsible user on
        each window (the steward of the enterprise, else the window's leader), in the
        user's language: one search, one UPDATE of the activities that exist and one
        create of the new ones for the whole batch."""
        touched = set()
        for enterprise in enterprises:
            for line, step in warned[enterprise.id]:
                window = line.window_id
                user = enterprise.qi_steward_id or window.leader_id
                if not (window and user):
                    continue
                key = (user.id, window.id)
                counts = tally.setdefault(
                    key, {"due": 0, "overdue": 0, "partners": set(), "flagged": [], "flagged_count": 0}
                )
                counts["overdue" if step == FINAL_STEP else "due"] += 1
                counts["partners"].add(enterprise.id)
                if step == FINAL_STEP and line._qi_is_compulsory():
                    counts["flagged_count"] += 1
                    if len(counts["flagged"]) < NOTE_MAX_NAMES:  # the note names the first ones
                        counts["flagged"].append(f"{line._qi_ledger_label()} — {enterprise.name}")
                touched.add(key)
        if not touched:
            return
        activity_type = self.env.ref("qi_proactive.mail_activity_type_ledger_due")
        Activity = self.env["mail.activity"]
        existing = Activity.search_fetch(
            [
                ("res_model", "=", "qi.window"),
                ("res_id", "in", list({window_id for _user_id, window_id in touched})),
                ("activity_type_id", "=", activity_type.id),
                ("user_id", "in", list({user_id for user_id, _window_id in touched})),
                ("date_deadline", "=", today),
            ],
            ["res_id", "user_id"],
        )
        found = {(activity.user_id.id, activity.res_id): activity.id for activity in existing}
        users = self.env["res.users"].browse(sorted({user_id for user_id, _window_id in touched}))
        users.partner_id.fetch(["lang"])  # the languages of all, before recipient_env reads each
        envs = {user.id: recipient_env(self.env, user) for user in users}
        windows = self.env["qi.window"].browse(sorted({window_id for _user_id, window_id in touched}))
        window_names = {}  # (lang, window id) -> name: one read per language
        for env in {env.lang: env for env in envs.values()}.values():
            window_names.update(((env.lang, window.id), window.name) for window in windows.with_env(env))
        updates, vals_list = [], []
        model_id = self.env["ir.model"]._get_id("qi.window")
        for user_id, window_id in sorted(touched):
            env = envs[user_id]
            window_name = window_names[env.lang, window_id]
            summary, note = self._activity_texts(env, window_name, tally[user_id, window_id])
            if (user_id, window_id) in found:
                updates.append(SQL("(%s, %s, %s)", found[user_id, window_id], summary, str(note)))
            else:
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        # given, not computed: mail.activity would otherwise precompute
                        # the model through a new record and read the name back, per activity
                        "res_model": "qi.window",
                        "res_name": window_name,
                        "res_id": window_id,
                        "activity_type_id": activity_type.id,
                        "date_deadline": today,
                        "summary": summary,
                        "note": note,
                        "user_id": user_id,
                    }
                )
        if updates:
            # the day's activities of this run, rewritten in one statement: only the
            # summary and the note change, both built here with every value escaped
            self.env.cr.execute(
                SQL(
                    """UPDATE mail_activity a SET summary = v.summary, note = v.note,
                              write_uid = %s, write_date = (now() AT TIME ZONE 'UTC')
                         FROM (VALUES %s) AS v(id, summary, note) WHERE a.id = v.id""",
                    self.env.uid,
                    SQL(", ").join(updates),
                )
            )
            Activity.invalidate_model(["summary", "note", "write_uid", "write_date"])
        if vals_list:
            # the activity is the message: no assignment e-mail per activity
            Activity.with_context(mail_activity_quick_update=True).create(vals_list)

    @api.model
    def _activity_texts(self, env, window_name, counts):
        """The summary and the note of the day's activity, in the language of ``env``."""
        summary = env._(
            "Ledger warnings today: %(due)s falling due, %(overdue)s overdue at %(count)s enterprise(s)",
            due=counts["due"],
            overdue=counts["overdue"],
            count=len(counts["partners"]),
        )
        intro = env._(
            "The due warnings sent today to the enterprises of %(window)s: %(due)s line(s) falling due and "
            "%(overdue)s overdue, at %(count)s enterprise(s).",
            window=window_name,
            due=counts["due"],
            overdue=counts["overdue"],
            count=len(counts["partners"]),
        )
        note = Markup("<p>%s</p>") % intro
        shown = counts["flagged"]
        if shown:
            note += Markup("<p>%s</p><ul>%s</ul>") % (
                env._("Overdue under compulsory verification or inspection, flagged for follow-up:"),
                Markup("").join(Markup("<li>%s</li>") % name for name in shown),
            )
            if counts["flagged_count"] > len(shown):
                note += Markup("<p>%s</p>") % env._(
                    "… and %(count)s more: see the flagged lines of the ledgers.",
                    count=counts["flagged_count"] - len(shown),
                )
        return summary, note

    @api.model
    def _mark_warned(self, model, lines, today):
        """Record the step sent on each line: one UPDATE per step. Raw SQL, because
        the ORM would write each line alone (every line has its own due date),
        and these three fields are the run's own bookkeeping, without tracking."""
        Ledger = self.env[model]
        by_step = defaultdict(list)
        for line_id, step in lines:
            by_step[step].append(line_id)
        for step, ids in by_step.items():
            flagged = SQL("FALSE")
            if step == FINAL_STEP and "is_compulsory" in Ledger._fields:
                flagged = SQL("is_compulsory")
            elif step == FINAL_STEP and Ledger._qi_ledger_kind == "equipment":
                flagged = SQL("TRUE")
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET warned_step = %s, warned_date_due = date_due, is_flagged = %s WHERE id = ANY(%s)",
                    SQL.identifier(Ledger._table),
                    step,
                    flagged,
                    ids,
                )
            )
        Ledger.invalidate_model(["warned_step", "warned_date_due", "is_flagged"])

    @api.model
    def _recipient_env(self, recipient):
        return recipient_env(self.env, recipient)
