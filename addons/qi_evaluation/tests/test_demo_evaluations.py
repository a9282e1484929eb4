from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged


class TestDemoEvaluations(TransactionCase):
    """Issue 17.13: the demo shows evaluations in every state (R-8.2.1) and
    improvements at every step of their 15 working days (R-8.3.1)."""

    def test_evaluations_in_every_state(self):
        Evaluation = self.env["qi.evaluation"]
        states = set(Evaluation.search([]).mapped("state"))
        self.assertEqual(states, {code for code, _label in Evaluation._fields["state"].selection})
        running = Evaluation.search([("state", "=", "in_progress")])
        self.assertTrue(running.finding_ids, "an evaluation under way has its first finding")

    def test_improvements_planned_running_and_closed(self):
        states = set(self.env["qi.improvement"].search([]).mapped("state"))
        self.assertTrue({"open", "in_progress", "closed"} <= states, states)


# every evaluation number of the list shows whole (no ellipsis), once the list is laid out
NUMBERS_FIT = """
const started = Date.now();
const timer = setInterval(() => {
    const cells = [...document.querySelectorAll(".o_list_view .o_data_row td.o_data_cell[name=name]")];
    if (cells.length) {
        clearInterval(timer);
        setTimeout(() => {
            const cut = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1);
            if (cut.length) {
                console.error("evaluation numbers cut off: " + cut.map((cell) => cell.textContent).join(", "));
            } else {
                console.log("test successful");
            }
        }, 500);
    } else if (Date.now() - started > 20000) {
        clearInterval(timer);
        console.error("no evaluation in the list");
    }
}, 100);
"""


@tagged("post_install", "-at_install")
class TestDemoEvaluationList(HttpCase):
    """Issue 17.13: the evaluation list shows whole numbers to a zh_CN leader."""

    def test_numbers_fit_their_column(self):
        self.env["res.lang"]._activate_lang("zh_CN")
        new_test_user(
            self.env,
            "qi_eval_list_zh",
            groups="qi_window.group_qi_manager",
            name="王主任",
            lang="zh_CN",
            tz="Asia/Shanghai",
        )
        self.browser_js(
            "/odoo/action-qi_evaluation.qi_evaluation_action?view_type=list",
            NUMBERS_FIT,
            login="qi_eval_list_zh",
            timeout=120,
        )
