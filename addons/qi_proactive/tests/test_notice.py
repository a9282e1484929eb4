import datetime
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, freeze_time, tagged
from odoo.tools import format_date, mute_logger

from odoo.addons.qi_catalogue.tests.common import create_provider

from ..models.qi_notice import QiNotice
from .common import QiProactiveCommon

# a working Thursday in China, 10:00 in Asia/Shanghai
NOW = "2026-12-10 02:00:00"
QUIET = ("odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


@tagged("post_install", "-at_install")
@freeze_time(NOW)
class TestNotice(QiProactiveCommon):
    """R-7.1.2, R-6.1.6.4: staff publish a notice to the enterprises chosen by
    industry, region, window and service item; each one gets it in the portal
    and by mail in its language; reads are recorded; a notice offering a
    service item makes a demand in one click."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._load_chinese(["qi_proactive"])
        cls.env["res.lang"]._activate_lang("en_US")  # the language of one enterprise
        Partner = cls.env["res.partner"]
        base = {"is_company": True, "industry_id": cls.industry.id}
        # served by window A, in the other district
        cls.ent_far = Partner.create(
            {
                **base,
                "name": "Far Ceramics",
                "email": "far@example.cn",
                "qi_region_id": cls.region_far.id,
                "qi_window_id": cls.window_a.id,
                "lang": "zh_CN",
            }
        )
        # no window of its own, a demand at window B for item_15: served
        cls.ent_case_b = Partner.create(
            {
                **base,
                "name": "District Valve Works",
                "email": "valves@example.cn",
                "qi_region_id": cls.region_district.id,
                "lang": "en_US",
            }
        )
        # in the district and the industry, but no window serves it
        cls.ent_unserved = Partner.create(
            {
                **base,
                "name": "Unserved Glassworks",
                "email": "unserved@example.cn",
                "qi_region_id": cls.region_district.id,
            }
        )
        # never targeted: a provider and a person, whatever they match
        cls.provider.write(
            {"industry_id": cls.industry.id, "qi_region_id": cls.region_district.id, "qi_window_id": cls.window_a.id}
        )
        cls.person = Partner.create(
            {
                "name": "Zhang Wei",
                "is_company": False,
                "email": "zhang@example.cn",
                "industry_id": cls.industry.id,
                "qi_region_id": cls.region_district.id,
                "qi_window_id": cls.window_a.id,
            }
        )
        cls.case_b = cls.env["qi.case"].create(
            {
                "subject": "Valve test",
                "partner_id": cls.ent_case_b.id,
                "window_id": cls.window_b.id,
                "item_ids": [Command.set(cls.item_15.ids)],
            }
        )
        # the demand set its home window: undo it, it is served by its demand only
        cls.ent_case_b.qi_window_id = False

    def _notice(self, user=None, **vals):
        values = {
            "name": "2027 subsidy for instrument verification",
            "kind": "subsidy",
            "body": "<p>Apply before 31 January.</p>",
            "date_end": datetime.date(2027, 1, 31),
        }
        values.update(vals)
        return self.env["qi.notice"].with_user(user or self.staff_a).create(values)

    def _targets(self, notice):
        return self.env["res.partner"].search(notice._target_domain())

    # ------------------------------------------------------------------
    # Targeting
    # ------------------------------------------------------------------
    def test_industry_and_region_reach_exactly_the_matching_enterprises(self):
        notice = self._notice(
            industry_ids=[Command.set(self.industry.ids)], region_ids=[Command.set(self.region_district.ids)]
        )
        self.assertEqual(self._targets(notice), self.enterprise | self.ent_case_b)
        self.assertEqual(notice.target_count, 2, "the form previews the count")
        # a region reaches its districts (child_of); two industries are either one
        notice.region_ids = self.region_city
        self.assertEqual(self._targets(notice), self.enterprise | self.ent_case_b | self.ent_far)
        notice.industry_ids = self.industry_other
        self.assertEqual(self._targets(notice), self.enterprise_b)
        notice.industry_ids = self.industry | self.industry_other
        self.assertEqual(self._targets(notice), self.enterprise | self.enterprise_b | self.ent_case_b | self.ent_far)
        for never in (self.provider, self.person, self.ent_unserved):
            self.assertNotIn(never, self._targets(notice))

    def test_window_reaches_its_own_enterprises_and_those_with_a_demand_there(self):
        # the leader of both windows targets window B
        notice = self._notice(self.leader, window_ids=[Command.set(self.window_b.ids)])
        self.assertEqual(self._targets(notice), self.enterprise_b | self.ent_case_b)
        notice.industry_ids = self.industry  # AND across dimensions
        self.assertEqual(self._targets(notice), self.ent_case_b)

    def test_item_reaches_the_enterprises_that_asked_for_it(self):
        notice = self._notice(target_item_ids=[Command.set(self.item_15.ids)])
        self.assertEqual(self._targets(notice), self.ent_case_b)

    def test_staff_write_and_publish_a_notice_in_its_form(self):
        """The form previews the enterprises reached; its buttons publish, then
        show the recipients, the reads and the demands."""
        with Form(self.env["qi.notice"].with_user(self.staff_a), view="qi_proactive.qi_notice_view_form") as form:
            form.name = "Training on the new verification regulation"
            form.kind = "training"
            form.body = "<p>Register before 20 December.</p>"
            form.industry_ids.add(self.industry)
            form.region_ids.add(self.region_district)
            self.assertEqual(form.target_count, 2)
        notice = form.record
        preview = notice.action_preview_recipients()
        self.assertEqual(self.env["res.partner"].search(preview["domain"]), self.enterprise | self.ent_case_b)
        notice.action_publish()
        recipients = notice.action_view_recipients()
        self.assertEqual(
            self.env[recipients["res_model"]].with_user(self.staff_a).search(recipients["domain"]),
            notice.recipient_ids,
        )
        read = notice.with_context(qi_read_only=1).action_view_recipients()
        self.assertEqual(read["context"], {"search_default_filter_read": 1})
        self.assertEqual(notice.action_view_cases()["domain"], [("notice_id", "=", notice.id)])

    # ------------------------------------------------------------------
    # Publishing
    # ------------------------------------------------------------------
    def test_publish_sends_one_mail_per_enterprise_in_its_language(self):
        notice = self._notice(
            industry_ids=[Command.set(self.industry.ids)], region_ids=[Command.set(self.region_city.ids)]
        )
        rendered = []
        original = QiNotice._render_notice_mail

        def render(self, lang):
            rendered.append(lang)
            return original(self, lang)

        with patch.object(QiNotice, "_render_notice_mail", render):
            notice.with_user(self.staff_a).action_publish()
        self.assertEqual(sorted(rendered), ["en_US", "zh_CN"], "rendered once per language")
        self.assertEqual((notice.state, notice.published_by_id), ("published", self.staff_a))
        self.assertEqual(notice.date_published, datetime.datetime(2026, 12, 10, 2, 0))
        recipients = notice.recipient_ids
        self.assertEqual(recipients.partner_id, self.enterprise | self.ent_case_b | self.ent_far)
        self.assertEqual(notice.with_user(self.staff_a).recipient_count, 3)
        mails = recipients.mail_id
        self.assertEqual(len(mails), 3, "one mail per enterprise")
        for recipient in recipients:
            partner, mail = recipient.partner_id, recipient.mail_id
            self.assertEqual(mail.recipient_ids, partner)
            env = self.env(context=dict(self.env.context, lang=partner.lang))
            self.assertIn(format_date(env, notice.date_end), mail.body_html, "dates in the reader's language")
            self.assertIn(partner.name, mail.body_html)
            self.assertIn(f"/my/qi/notices/{notice.id}", mail.body_html)
            self.assertIn("Apply before 31 January.", mail.body_html)
            kind = dict(notice._fields["kind"]._description_selection(env))["subsidy"]
            self.assertEqual(mail.subject, env._("%(kind)s: %(title)s", kind=kind, title=notice.name))
            self.assertEqual(recipient.date_sent, notice.date_published)
        self.assertNotEqual(
            format_date(self.env(context={"lang": "zh_CN"}), notice.date_end),
            format_date(self.env(context={"lang": "en_US"}), notice.date_end),
        )

    def test_an_enterprise_without_address_is_reached_in_the_portal_only(self):
        self.enterprise.email = False
        notice = self._notice(window_ids=[Command.set(self.window_a.ids)])
        notice.with_user(self.staff_a).action_publish()
        own = notice.recipient_ids.filtered(lambda r: r.partner_id == self.enterprise)
        self.assertTrue(own)
        self.assertFalse(own.mail_id)
        self.assertEqual(notice.with_user(self.enterprise_user).name, notice.name)

    @mute_logger(*QUIET)
    def test_publishing_refusals(self):
        empty = self._notice(
            industry_ids=[Command.set(self.industry_other.ids)], region_ids=[Command.set(self.region_district.ids)]
        )
        with self.assertRaisesRegex(UserError, "No enterprise matches"):
            empty.with_user(self.staff_a).action_publish()
        self.assertEqual(empty.state, "draft")
        notice = self._notice(window_ids=[Command.set(self.window_a.ids)])
        with self.assertRaises(AccessError):
            notice.with_user(self.coordinator).action_publish()
        with self.assertRaises(AccessError):
            notice.with_user(self.staff_a).write({"state": "published"})
        notice.with_user(self.staff_a).action_publish()
        with self.assertRaisesRegex(UserError, "already published"):
            notice.with_user(self.staff_a).action_publish()
        with self.assertRaises(UserError):
            notice.with_user(self.staff_a).write({"industry_ids": [Command.set(self.industry.ids)]})
        with self.assertRaises(UserError):
            notice.with_user(self.leader).unlink()
        self.assertEqual(len(notice.recipient_ids), len(self._targets(notice)))

    def test_publishing_is_flat_in_queries(self):
        """Thousands of recipients cost no query per enterprise: a fixed number
        of queries per batch of mails, whatever the number of enterprises."""
        Industry = self.env["res.partner.industry"]
        few, many = Industry.create([{"name": "Test Few"}, {"name": "Test Many"}])
        Partner = self.env["res.partner"]
        for industry, count in ((few, 3), (many, 60)):
            Partner.create(
                [
                    {
                        "name": f"{industry.name} {i}",
                        "is_company": True,
                        "industry_id": industry.id,
                        "email": f"{industry.id}-{i}@example.cn",
                        "qi_window_id": self.window_a.id,
                        "lang": "zh_CN" if i % 2 else "en_US",
                    }
                    for i in range(count)
                ]
            )
        counts = []
        # a first notice warms the caches (the mail template, the settings)
        self._notice(window_ids=[Command.set(self.window_a.ids)]).with_user(self.staff_a).action_publish()
        for industry in (few, many):
            notice = self._notice(industry_ids=[Command.set(industry.ids)]).with_user(self.staff_a)
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            notice.action_publish()
            self.env.flush_all()
            counts.append(self.env.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1], f"queries for 3 and 60 enterprises: {counts}")

    # ------------------------------------------------------------------
    # In the portal
    # ------------------------------------------------------------------
    @mute_logger(*QUIET)
    def test_reads_are_recorded_once_and_only_recipients_read(self):
        notice = self._notice(window_ids=[Command.set(self.window_a.ids)])
        notice.with_user(self.staff_a).action_publish()
        own = notice.with_user(self.enterprise_user)
        self.assertEqual(own.read(["name"])[0]["name"], notice.name)
        with self.assertRaises(AccessError):
            notice.with_user(self.enterprise_b_user).read(["name"])
        self.assertFalse(self.env["qi.notice"].with_user(self.enterprise_b_user).search([("id", "=", notice.id)]))
        # staff opening it leave no read
        notice._mark_read(self.enterprise, self.staff_a)
        self.assertEqual(notice.with_user(self.staff_a).read_count, 0)
        # sudo: as the portal calls it, after checking the visitor may read the notice
        notice.sudo()._mark_read(self.enterprise, self.enterprise_user)
        row = notice.recipient_ids.filtered(lambda r: r.partner_id == self.enterprise)
        self.assertEqual((row.date_read, row.read_by_id), (datetime.datetime(2026, 12, 10, 2, 0), self.enterprise_user))
        colleague = self._portal_user("qi_ent_a2", self.enterprise)
        with freeze_time("2026-12-11 03:00:00"):
            # sudo: as the portal calls it, after checking the visitor may read the notice
            notice.sudo()._mark_read(self.enterprise, colleague)
        self.assertEqual((row.date_read, row.read_by_id), (datetime.datetime(2026, 12, 10, 2, 0), self.enterprise_user))
        notice.invalidate_recordset()
        self.assertEqual(notice.with_user(self.staff_a).read_count, 1)
        # the enterprise reads its own recipient row, never another's
        Recipient = self.env["qi.notice.recipient"].with_user(self.enterprise_user)
        self.assertEqual(Recipient.search([("notice_id", "=", notice.id)]).partner_id, self.enterprise)

    @mute_logger(*QUIET)
    def test_withdraw_takes_it_off_the_portal_and_keeps_the_records(self):
        notice = self._notice(window_ids=[Command.set(self.window_a.ids)])
        notice.with_user(self.staff_a).action_publish()
        # sudo: as the portal calls it, after checking the visitor may read the notice
        notice.sudo()._mark_read(self.enterprise, self.enterprise_user)
        notice.with_user(self.staff_a).action_withdraw()
        self.assertEqual(notice.state, "withdrawn")
        with self.assertRaises(AccessError):
            notice.with_user(self.enterprise_user).read(["name"])
        self.assertEqual(notice.with_user(self.staff_a).read_count, 1, "who read it is kept")
        self.assertTrue(notice.recipient_ids)
        with self.assertRaises(UserError):
            notice.with_user(self.staff_a).action_withdraw()

    @mute_logger(*QUIET)
    def test_one_click_demand_from_a_notice(self):
        notice = self._notice(
            name="Free verification of trade scales",
            kind="policy",
            item_id=self.item_verification.id,
            window_ids=[Command.set(self.window_a.ids)],
        )
        notice.with_user(self.staff_a).action_publish()
        # sudo: what the staff see of the new case (portal users read a few fields only)
        case = notice.with_user(self.enterprise_user)._make_demand(self.enterprise).sudo()
        self.assertEqual(
            (case.partner_id, case.window_id, case.channel, case.item_ids, case.notice_id, case.subject),
            (self.enterprise, self.window_a, "proactive", self.item_verification, notice, notice.name),
        )
        self.assertEqual(case.user_id, self.staff_a, "the steward, on window A's staff")
        self.assertIn(case, self.env["qi.case"].with_user(self.enterprise_user).search([]))
        self.assertEqual(notice.with_user(self.staff_a).case_count, 1)
        with self.assertRaisesRegex(UserError, case.name):
            notice.with_user(self.enterprise_user)._make_demand(self.enterprise)
        # an enterprise the notice did not reach, or another enterprise's user
        with self.assertRaises(AccessError):
            notice.with_user(self.enterprise_b_user)._make_demand(self.enterprise_b)
        with self.assertRaises(AccessError):
            # sudo: as a controller would call it; the visitor is still checked
            notice.with_user(self.enterprise_b_user).sudo()._make_demand(self.enterprise)
        # a notice without a service item, and a withdrawn one
        plain = self._notice(window_ids=[Command.set(self.window_a.ids)])
        plain.with_user(self.staff_a).action_publish()
        with self.assertRaisesRegex(UserError, "offers no service"):
            plain.with_user(self.enterprise_user)._make_demand(self.enterprise)
        notice.with_user(self.staff_a).action_withdraw()
        with self.assertRaises(AccessError):
            notice.with_user(self.enterprise_user)._make_demand(self.enterprise)

    def test_staff_make_the_demand_for_a_recipient(self):
        notice = self._notice(item_id=self.item_verification.id, window_ids=[Command.set(self.window_a.ids)])
        notice.with_user(self.staff_a).action_publish()
        case = notice.with_user(self.staff_a)._make_demand(self.ent_far)
        self.assertEqual((case.partner_id, case.window_id, case.notice_id), (self.ent_far, self.window_a, notice))
        lapsed = create_provider(self.env, "Not a Recipient Lab", 90021)
        with self.assertRaisesRegex(UserError, "was not sent to"):
            notice.with_user(self.staff_a)._make_demand(lapsed)
