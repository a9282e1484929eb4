import datetime

from odoo import api, models

from odoo.addons.qi_window.tools.china import china_today

# one evaluation per demo window: (window, type, runner, findings per indicator code)
DEMO_EVALUATIONS = [
    (
        "qi_window.window_government_centre_demo",
        "internal",
        "qi_window.user_wang_li_demo",
        {
            "B1.2": ("服务流程公示牌未更新为最新版本，与现行制度不一致。", "qi_window.user_zhang_wei_demo"),
            "B6.1": ("线上渠道二维码未在大厅醒目位置公示。", "qi_window.user_li_na_demo"),
        },
    ),
    (
        "qi_window.window_park_demo",
        "adhoc_operating",
        "qi_window.user_wang_li_demo",
        {
            "B1.3": ("园区工作站门头标识与全市统一标识样式不一致。", False),
            "B4.2": ("一名兼职人员未参加本年度质量基础知识培训。", False),
        },
    ),
    (
        "qi_window.window_mobile_demo",
        "adhoc_coordination",
        "qi_window.user_zhou_qiang_demo",
        {
            "B1.5": ("流动站车辆灭火器过期未更换。", "qi_window.user_zhao_lei_demo"),
            "B8.1": ("部分上门服务记录缺少企业签字确认。", False),
        },
    ),
    (
        "qi_window.window_enterprise_demo",
        "internal",
        "qi_window.user_wang_li_demo",
        {
            "B2.2": ("优势企业资源清单未与企业服务需求对接更新。", False),
        },
    ),
]


class QiEvaluationDemo(models.Model):
    _inherit = "qi.evaluation"

    @api.model
    def _qi_generate_demo_evaluations(self):
        """Demo story: each demo window was evaluated about a month ago and its
        findings became improvements; one was verified effective and closed, one
        was found not effective and reopened with a new deadline. Runs the real
        flow as the demo users, so the demo obeys the same rules."""
        ref = self.env.ref
        today = china_today()
        done_on = self.env["qi.workday"].add_working_days(today - datetime.timedelta(days=31), 1)
        evaluations = self.browse()
        for window_xmlid, evaluation_type, runner_xmlid, findings in DEMO_EVALUATIONS:
            window, runner = ref(window_xmlid), ref(runner_xmlid)
            evaluation = self.with_user(runner).create(
                {
                    "window_id": window.id,
                    "evaluation_type": evaluation_type,
                    "date_from": done_on - datetime.timedelta(days=364),
                    "date_to": done_on,
                    "evaluator_ids": [(6, 0, runner.ids)],
                    "user_id": runner.id,
                }
            )
            evaluation.action_start()
            for line in evaluation.line_ids:
                if line.code in findings:
                    text, owner = findings[line.code]
                    self.env["qi.evaluation.finding"].with_user(runner).create(
                        {"line_id": line.id, "name": text, "owner_id": ref(owner).id if owner else False}
                    )
            evaluation.summary = "<p>窗口总体运行规范，发现的问题须在评价后十五个工作日内完成整改并验证有效性。</p>"
            evaluation._action_done(done_on)
            evaluations |= evaluation
        self._qi_demo_improvement_story(evaluations, done_on)
        evaluations |= self._qi_demo_running_evaluations(today)
        return evaluations

    @api.model
    def _qi_demo_running_evaluations(self, today):
        """This year's evaluations, in the other states: the yearly internal
        evaluation of the government-centre window under way (some indicators
        scored), the park's planned, and an ad-hoc one the coordination
        department called off."""
        ref = self.env.ref
        leader = ref("qi_window.user_wang_li_demo")
        coordinator = ref("qi_window.user_zhou_qiang_demo")
        evaluations = self.browse()
        for window_xmlid, evaluation_type, runner, state in (
            ("qi_window.window_government_centre_demo", "internal", leader, "in_progress"),
            ("qi_window.window_park_demo", "internal", leader, "draft"),
            ("qi_window.window_enterprise_demo", "adhoc_coordination", coordinator, "cancelled"),
        ):
            evaluation = self.with_user(runner).create(
                {
                    "window_id": ref(window_xmlid).id,
                    "evaluation_type": evaluation_type,
                    "date_from": today - datetime.timedelta(days=30),
                    "date_to": today,
                    "evaluator_ids": [(6, 0, runner.ids)],
                    "user_id": runner.id,
                }
            )
            if state == "in_progress":
                evaluation.action_start()
                line = evaluation.line_ids.filtered(lambda ln: ln.code == "B1.4")[:1] or evaluation.line_ids[:1]
                if line:
                    self.env["qi.evaluation.finding"].with_user(runner).create(
                        {"line_id": line.id, "name": "大厅一台联网计算机无法登录业务系统，已报修。"}
                    )
            elif state == "cancelled":
                evaluation.with_user(runner).action_cancel()
            evaluations |= evaluation
        return evaluations

    @api.model
    def _qi_demo_improvement_story(self, evaluations, done_on):
        ref = self.env.ref
        workday = self.env["qi.workday"]
        leader = ref("qi_window.user_wang_li_demo")
        coordinator = ref("qi_window.user_zhou_qiang_demo")
        gov, _park, mobile, _enterprise = evaluations
        # an improvement done and verified effective by the leader before its deadline
        closed = gov.improvement_ids.filtered(lambda i: i.owner_id == ref("qi_window.user_zhang_wei_demo"))[:1]
        if closed:
            self._qi_demo_work(
                closed, done_on, "更换为现行版本的服务流程公示牌", "建立制度修订后同步更新公示内容的核对机制"
            )
            self.env["qi.improvement.verification"].create(
                {
                    "improvement_id": closed.id,
                    "verifier_id": leader.id,
                    "date": workday.add_working_days(done_on, 8),
                    "result": "effective",
                    "note": "现场核查：公示牌已更新，与现行制度一致；核对机制已纳入制度。",
                }
            )
        # an improvement the coordination department found not effective: reopened
        reopened = mobile.improvement_ids[:1]
        if reopened:
            self._qi_demo_work(reopened, done_on, "更换过期灭火器", "建立流动站消防器材月度检查表")
            self.env["qi.improvement.verification"].create(
                {
                    "improvement_id": reopened.id,
                    "verifier_id": coordinator.id,
                    "date": workday.add_working_days(done_on, 12),
                    "result": "not_effective",
                    "note": "灭火器已更换，但月度检查表未落实到人，检查记录缺失，纠正措施未见实效。",
                }
            )
            self.env["qi.improvement.action"].create(
                {
                    "improvement_id": reopened.id,
                    "name": "指定专人负责消防器材月度检查并留存记录",
                    "action_type": "corrective_action",
                    "owner_id": reopened.owner_id.id,
                    "date_due": reopened.date_deadline,
                }
            )
        for improvement in (gov | mobile).improvement_ids - closed - reopened:
            improvement.action_start()

    @api.model
    def _qi_demo_work(self, improvement, done_on, correction, corrective_action):
        workday = self.env["qi.workday"]
        improvement.write(
            {
                "root_cause": "制度执行与日常核查脱节，问题发现后缺少闭环跟踪。",
                "plan": "<p>五个工作日内完成纠正，十个工作日内完成纠正措施并自查。</p>",
                "scheme": f"<p>纠正：{correction}；纠正措施：{corrective_action}。</p>",
            }
        )
        improvement.action_start()
        for name, action_type, days in ((correction, "correction", 3), (corrective_action, "corrective_action", 6)):
            action = self.env["qi.improvement.action"].create(
                {
                    "improvement_id": improvement.id,
                    "name": name,
                    "action_type": action_type,
                    "owner_id": improvement.owner_id.id,
                    "date_due": workday.add_working_days(done_on, days),
                }
            )
            action.write({"state": "done", "date_done": workday.add_working_days(done_on, days)})
        improvement.action_submit()
