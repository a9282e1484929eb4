from odoo.tests import tagged

from .common import QiCaseCommon

LIST_SPEC = {
    "priority": {},
    "name": {},
    "subject": {},
    "partner_id": {"fields": {"display_name": {}}},
    "window_id": {"fields": {"display_name": {}}},
    "channel": {},
    "user_id": {"fields": {"display_name": {}}},
    "date_deadline": {},
    "days_used": {},
    "stage_id": {"fields": {"display_name": {}}},
    "is_overdue": {},
    "is_open": {},
    "activity_ids": {},
}
KANBAN_SPEC = {
    **LIST_SPEC,
    "tag_ids": {"fields": {"display_name": {}, "color": {}}},
    "color": {},
    "stage_code": {},
}
FORM_SPEC = {
    **LIST_SPEC,
    "contact_id": {"fields": {"display_name": {}}},
    "item_ids": {"fields": {"display_name": {}}},
    "assignment_ids": {"fields": {"provider_id": {"fields": {"display_name": {}}}, "state": {}, "progress": {}}},
    "handler_log_ids": {"fields": {"to_user_id": {"fields": {"display_name": {}}}, "reason": {}}},
    "reusable_result_ids": {"fields": {"name": {}}},
    "assignment_count": {},
    "visit_count": {},
    "date_accept_due": {},
    "materials_state": {},
    "time_limit_days": {},
    "description": {},
}


@tagged("post_install", "-at_install")
class TestCasePerformance(QiCaseCommon):
    """List, kanban and form cost the same number of queries for 5 or 40 cases."""

    def _make(self, count):
        cases = self.env["qi.case"].create(
            [
                {
                    "subject": f"Perf {n}",
                    "partner_id": self.enterprise.id,
                    "window_id": self.window_a.id,
                    "item_ids": [(6, 0, self.item_15.ids)],
                    "user_id": self.staff_a.id,
                }
                for n in range(count)
            ]
        )
        for case in cases[: count // 2]:
            self.env["qi.case.assignment"].create({"case_id": case.id, "provider_id": self.provider.id})
        return cases

    def _queries(self, function):
        function()  # warm-up: registry caches (fields, rules) are not what we measure
        self.env.flush_all()
        self.env.invalidate_all()
        before = self.env.cr.sql_log_count
        function()
        return self.env.cr.sql_log_count - before

    def _list(self, spec, domain):
        Case = self.env["qi.case"].with_user(self.staff_a)
        return lambda: Case.web_search_read(domain, spec, limit=80)

    def test_list_and_kanban_do_not_grow_with_cases(self):
        small = self._make(5)
        domain_small = [("id", "in", small.ids)]
        list_small = self._queries(self._list(LIST_SPEC, domain_small))
        kanban_small = self._queries(self._list(KANBAN_SPEC, domain_small))
        big = small | self._make(35)
        domain_big = [("id", "in", big.ids)]
        list_big = self._queries(self._list(LIST_SPEC, domain_big))
        kanban_big = self._queries(self._list(KANBAN_SPEC, domain_big))
        self.assertEqual(list_small, list_big, "list queries grow with the number of cases")
        self.assertEqual(kanban_small, kanban_big, "kanban queries grow with the number of cases")
        self.assertLessEqual(list_big, 10)
        self.assertLessEqual(kanban_big, 10)

    def test_kanban_grouped_by_stage_is_bounded(self):
        self._make(20)
        Case = self.env["qi.case"].with_user(self.staff_a)
        Case.web_read_group([("window_id", "=", self.window_a.id)], ["stage_id"], ["__count"])
        self.env.invalidate_all()
        with self.assertQueryCount(2):
            Case.web_read_group([("window_id", "=", self.window_a.id)], ["stage_id"], ["__count"])

    def test_form_read_is_bounded(self):
        case = self._make(3)[0]
        Case = self.env["qi.case"].with_user(self.staff_a)
        count = self._queries(lambda: Case.browse(case.id).web_read(FORM_SPEC))
        self.assertLessEqual(count, 25)
