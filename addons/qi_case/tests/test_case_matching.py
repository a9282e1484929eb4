from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import QiCaseCommon


@tagged("post_install", "-at_install")
class TestCaseMatching(QiCaseCommon):
    """Find Resources from a case is qi_catalogue's wizard on the case's demand;
    the providers and experts ticked are assigned with their reasons (R-7.2.1, R-7.3.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.qi_item_ids = cls.item_15
        cls.expert = cls.env["qi.expert"].create(
            {
                "partner_id": cls.env["res.partner"].create({"name": "Expert Li"}).id,
                "item_ids": [(6, 0, cls.item_15.ids)],
            }
        )

    def _find_resources(self, case):
        """What the case form's button does, as the case's first handler."""
        action = (
            self.env.ref("qi_case.qi_case_action_find_resources")
            .with_user(self.staff_a)
            .with_context(active_model="qi.case", active_id=case.id, active_ids=case.ids)
            .run()
        )
        self.assertEqual(action["res_model"], "qi.catalogue.match.wizard")
        self.assertEqual(action["views"], [(self.env.ref("qi_case.qi_case_match_wizard_view_form").id, "form")])
        return self.env[action["res_model"]].with_user(self.staff_a).browse(action["res_id"])

    def test_find_and_assign_from_a_case(self):
        case = self._case()
        case.action_accept()
        wizard = self._find_resources(case)
        self.assertEqual(
            (wizard.case_id, wizard.item_ids, wizard.partner_id, wizard.window_id, wizard.date_due),
            (case, self.item_15, self.enterprise, self.window_a, case.date_deadline),
            "the demand is the case's",
        )
        provider_line, expert_line = wizard.provider_line_ids, wizard.expert_line_ids
        self.assertEqual(
            (provider_line.partner_id, provider_line.rank, provider_line.item_id), (self.provider, 1, self.item_15)
        )
        self.assertEqual((expert_line.expert_id, expert_line.item_id), (self.expert, self.item_15))
        self.assertIn("Offers T-1 Calibration consulting", provider_line.reasons)
        with self.assertRaises(UserError):
            wizard.action_assign()  # nothing ticked
        # tick in the dialog: only what the dialog may edit is sent
        with Form(wizard, view="qi_case.qi_case_match_wizard_view_form") as form:
            with form.provider_line_ids.edit(0) as line:
                line.selected = True
            with form.expert_line_ids.edit(0) as line:
                line.selected = True
        wizard.action_assign()
        by_provider = case.assignment_ids.filtered("provider_id")
        self.assertEqual(
            (
                by_provider.provider_id,
                by_provider.expert_id,
                by_provider.item_id,
                by_provider.date_due,
                by_provider.match_reasons,
            ),
            (self.provider, self.env["qi.expert"], self.item_15, case.date_deadline, provider_line.reasons),
        )
        self.assertEqual(case.assignment_ids.filtered("expert_id").expert_id, self.expert)
        self.assertEqual(len(case.assignment_ids), 2)
        self.assertEqual(case.stage_code, "matched")

    def test_a_case_without_items_says_so(self):
        case = self._case(item_ids=[(5, 0, 0)])
        with self.assertRaises(UserError):
            self.env["qi.catalogue.match.wizard"].with_user(self.staff_a)._action_open_for_case(case)

    def test_a_conflicted_expert_is_never_assigned(self):
        """R-7.2.1: the matcher leaves out an expert in conflict with the service object;
        an assignment written by hand or through RPC is refused the same way."""
        case = self._case()
        case.action_accept()
        self.expert.conflict_partner_ids = self.enterprise
        Assignment = self.env["qi.case.assignment"].with_user(self.staff_a)
        with self.assertRaises(ValidationError):
            Assignment.create({"case_id": case.id, "expert_id": self.expert.id, "item_id": self.item_15.id})
        self.assertFalse(case.assignment_ids)
        # nor moved onto one: an assignment of another expert cannot be changed to this one
        other = self.env["qi.expert"].create({"partner_id": self.env["res.partner"].create({"name": "Expert Wang"}).id})
        assignment = Assignment.create({"case_id": case.id, "expert_id": other.id, "item_id": self.item_15.id})
        with self.assertRaises(ValidationError):
            assignment.with_context(qi_adjustment_reason="test").write({"expert_id": self.expert.id})
        self.assertEqual(assignment.expert_id, other)
