import random
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.qi_catalogue.tools.validation import make_uscc
from odoo.addons.qi_window.models.qi_window_demo import DEMO_LANG, DEMO_TZ
from odoo.addons.qi_window.tools.china import china_today
from odoo.addons.qi_window.tools.flow import FLOW
from odoo.addons.qi_window.tools.settings import int_param

# what each category's service leaves behind (qi.case.result kind, name, number prefix)
RESULT_BY_CATEGORY = {
    "qi_catalogue.qi_service_category_metrology": ("calibration", "校准证书", "JZ"),
    "qi_catalogue.qi_service_category_testing": ("report", "检验检测报告", "JC"),
    "qi_catalogue.qi_service_category_certification": ("certificate", "认证证书", "RZ"),
    "qi_catalogue.qi_service_category_special_equipment": ("report", "特种设备检验报告", "TJ"),
}
# 好差评 of the completed cases, in turn: mostly good, some bad (P-HCP-1)
RATING_CYCLE = ["5", "4", "5", "3", "5", "4", "2", "5", "4", "1", "5", "3"]
RATING_COMMENTS = {
    "5": "窗口一次告知到位，服务机构上门及时，非常满意。",
    "4": "办理顺利，检测周期比预期略长。",
    "3": "结果满意，但材料补正来回了两次。",
    "2": "检测报告比承诺时间晚了一周，沟通不及时。",
    "1": "多次电话无人接听，报告结论与现场情况不符。",
}
DEMO_ENTERPRISES = [
    ("秦皇岛北方玻璃有限公司", "玻璃制品"),
    ("秦皇岛港城阀门制造有限公司", "阀门"),
    ("秦皇岛海湾食品有限公司", "食品加工"),
    ("秦皇岛长城汽车零部件有限公司", "汽车零部件"),
    ("秦皇岛燕山电子科技有限公司", "电子元件"),
    ("秦皇岛渤海重工机械有限公司", "重型机械"),
    ("秦皇岛绿源农业科技有限公司", "农产品"),
    ("秦皇岛昌黎葡萄酒业有限公司", "葡萄酒"),
    ("秦皇岛山海关钢结构有限公司", "钢结构"),
    ("秦皇岛北戴河医疗器械有限公司", "医疗器械"),
    ("秦皇岛卢龙建材有限公司", "建材"),
    ("秦皇岛抚宁新能源有限公司", "新能源"),
]
SUBJECTS = [
    "计量器具检定校准咨询",
    "企业标准自我声明公开指导",
    "产品型式检验委托",
    "强制性认证咨询",
    "质量管理体系建设辅导",
    "专利申请指导",
    "压力容器定期检验咨询",
    "能源计量器具配备核查",
    "商品条码注册",
    "检测数据分析与质量问题诊断",
    "品牌培育方案",
    "首席质量官培训",
]


class QiCaseDemo(models.Model):
    _inherit = "qi.case"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    @api.model
    def _qi_generate_demo_cases(self, count=80, seed=20260101):
        """Demo story: a year of a prefecture-level city's demands, every stage
        and channel, some late, one handler change, an extension, an
        adjustment and a reused result. Runs the real flow, so the demo data
        obeys the same rules as real cases."""
        rng = random.Random(seed)
        ref = self.env.ref
        windows = [
            ref("qi_window.window_government_centre_demo"),
            ref("qi_window.window_park_demo"),
            ref("qi_window.window_mobile_demo"),
            ref("qi_window.window_enterprise_demo"),
        ]
        Partner = self.env["res.partner"]
        enterprises = Partner.browse()
        # the first enterprise comes from the demo XML: its quality manager is the README's portal login
        portal_enterprise = ref("qi_case.partner_enterprise_glass_demo", raise_if_not_found=False)
        for index, (name, _industry) in enumerate(DEMO_ENTERPRISES):
            base = f"9113030{index:02d}MA0{rng.randrange(10**6):06d}"[:17]
            code = make_uscc(base)
            if index == 0 and portal_enterprise:
                enterprises |= portal_enterprise
                continue
            enterprises |= Partner.create(
                {
                    "name": name,
                    "is_company": True,
                    "qi_uscc": code,
                    "city": "秦皇岛",
                    "country_id": ref("base.cn").id,
                    "email": f"quality{index:02d}@enterprise.example.cn",
                    "phone": f"0335-80{index:05d}",
                    "lang": DEMO_LANG,
                    "tz": DEMO_TZ,
                }
            )
        items = self.env["qi.service.item"].search([], order="id")  # pylint: disable=no-search-all  # the small service catalogue
        providers = Partner.search([("is_qi_provider", "=", True)], order="id")
        channels = [code for code, _label in self._fields["channel"].selection]
        today = china_today()
        cases = self.browse()
        for number in range(count):
            age = rng.randrange(0, 360) if number >= 8 else rng.randrange(0, 4)
            received = fields.Datetime.now() - timedelta(days=age, hours=rng.randrange(0, 8))
            window = windows[number % len(windows)]
            staff = window.staff_ids.user_id or window.leader_id
            case_items = items.browse(rng.sample(items.ids, k=1 if number % 6 else 2)) if items else items
            cases |= self.create(
                {
                    "subject": SUBJECTS[number % len(SUBJECTS)],
                    "partner_id": enterprises[number % len(enterprises)].id,
                    "window_id": window.id,
                    "channel": channels[number % len(channels)],
                    "origin_ref": f"CJ-{received.year}-{number:03d}"
                    if channels[number % len(channels)] in ("inspection", "sampling")
                    else False,
                    "item_ids": [(6, 0, case_items.ids)],
                    "date_received": received,
                    "priority": "1" if number % 9 == 0 else "0",
                    "description": "<p>企业提出服务需求，详见附件材料。</p>",
                    "user_id": staff[number % len(staff)].id if number % 10 else False,
                }
            )
        for case in cases:
            age = (today - case.date_materials_complete).days
            self._qi_demo_advance(case, age, rng, providers)
        self._qi_demo_story(cases, providers)
        cases |= self._qi_demo_clock_story(cases, windows, enterprises, items)
        self._qi_demo_portal_work(cases)
        self._qi_demo_results(cases)
        self._qi_demo_ratings(cases, rng)
        cases._update_clock(today)
        cases._update_overdue(today)
        warn_days = int_param(self.env, "qi_case.warning_working_days", 2, minimum=0)
        cases._update_warning_level(today, self.env["qi.workday"].add_working_days(today, warn_days))
        return cases

    @api.model
    def _qi_demo_advance(self, case, age, rng, providers):
        """Move a case as far as its age allows, as staff would have."""
        internal = case.with_context(qi_case_internal=FLOW)
        if age < 1 or not case.user_id:
            return
        if rng.random() < 0.05:
            case.write(
                {
                    "stage_id": case._stage("rejected").id,
                    "close_reason": "不属于窗口服务范围，已告知企业向相关部门咨询。",
                }
            )
            return
        case.action_accept()
        internal.date_accepted = case.date_received + timedelta(hours=rng.randrange(2, 30))
        if age < 3 or not providers:
            return
        assignment = self.env["qi.case.assignment"].create(
            {
                "case_id": case.id,
                "provider_id": providers[rng.randrange(len(providers))].id,
                "item_id": case.item_ids[:1].id,
                "match_reasons": "提供该服务事项；驻本窗口",
            }
        )
        if rng.random() < 0.04:
            case.write({"stage_id": case._stage("cancelled").id, "close_reason": "企业撤回申请。"})
            return
        assignment.action_accept()
        case.action_start_service()
        if age < case.time_limit_days * 1.2:
            assignment.progress = min(90, age * 5)
            return
        assignment.action_deliver()
        case.action_complete()
        late = rng.random() < 0.15
        done = self.env["qi.workday"].add_working_days(
            case.date_materials_complete,
            case.time_limit_days + 3 if late else max(1, case.time_limit_days - rng.randrange(0, 5)),
        )
        internal.write(
            {
                "date_completed": fields.Datetime.to_datetime(done) + timedelta(hours=9),
                "completed_on_time": not late,
            }
        )
        if age > 60:
            case.action_close()

    @api.model
    def _qi_demo_clock_story(self, cases, windows, enterprises, items):
        """The legal clock (P-TL-2, P-TL-4, P-TL-7): a case paused for a type test,
        a correction notice, a case deemed complete on receipt, a red card."""
        today = china_today()
        workday = self.env["qi.workday"]
        running = cases.filtered(
            lambda c: (
                c.stage_code in ("accepted", "matched", "in_service")
                and c.user_id
                and c.date_deadline
                and c.date_materials_complete < today <= c.date_deadline
            )
        )
        if running:
            case = running[-1]
            start = max(case.date_materials_complete + timedelta(days=1), today - timedelta(days=1))
            self.env["qi.case.pause"].with_user(case.user_id).create(
                {
                    "case_id": case.id,
                    "reason_kind": "testing",
                    "date_start": start,
                    "date_end": workday.add_working_days(start, 3),
                    "reason": "送省质检院开展型式试验，检测周期3个工作日。",
                }
            )
        window = windows[0]
        staff = window.staff_ids.user_id[:1] or window.leader_id
        now = fields.Datetime.now()
        new = self.create(
            [
                {
                    "subject": "压力表检定（材料待补正）",
                    "partner_id": enterprises[0].id,
                    "window_id": window.id,
                    "channel": "walk_in",
                    "item_ids": [(6, 0, items[:1].ids)],
                    "user_id": staff.id,
                    "date_received": now - timedelta(hours=3),
                    "materials_state": "incomplete",
                    "correction_missing": "1. 计量器具清单（加盖公章）；2. 上次检定证书复印件。",
                },
                {
                    "subject": "能源计量器具配备核查（逾期未补正告知）",
                    "partner_id": enterprises[1].id,
                    "window_id": window.id,
                    "channel": "online",
                    "item_ids": [(6, 0, items[:1].ids)],
                    "user_id": staff.id,
                    "date_received": now - timedelta(days=10),
                    "materials_state": "incomplete",
                },
            ]
        )
        new._deem_materials_complete(today)
        # a red card: a running case a few working days past its deadline
        late = cases.filtered(
            lambda c: (
                c.stage_code in ("accepted", "matched", "in_service") and c.date_deadline and c.date_deadline < today
            )
        )
        if not late and len(running) > 1:
            case = running[0]
            case.write({"date_materials_complete": today - timedelta(days=45)})
        return new

    @api.model
    def _qi_demo_story(self, cases, providers):
        running = cases.filtered(lambda c: c.stage_code in ("accepted", "matched", "in_service") and c.user_id)
        if running:
            # a handler change the enterprise was told about
            case = running[0]
            other = (case.window_id.staff_ids.user_id | case.window_id.leader_id) - case.user_id
            if other:
                case.with_context(qi_handler_change_reason="原受理人调岗至园区工作站").write({"user_id": other[0].id})
        if len(running) > 1 and running[1].date_deadline and running[1].date_deadline >= china_today():
            case = running[1]
            extension = (
                self.env["qi.case.extension"]
                .with_user(case.user_id)
                .create({"case_id": case.id, "days": 5, "reason": "需补充开展型式试验，检测周期较长。"})
            )
            extension.with_user(case.window_id.leader_id).action_approve()
        if len(running) > 2:
            extra = self.env["qi.service.item"].search([("id", "not in", running[2].item_ids.ids)], limit=1)
            if extra:
                running[2].with_context(qi_adjustment_reason="企业在服务中提出增加标准咨询需求。").write(
                    {"item_ids": [(4, extra.id)]}
                )
        closed = cases.filtered(lambda c: c.stage_code == "closed")
        if closed:
            old = closed[0]
            self.env["qi.case.result"].create(
                {
                    "case_id": old.id,
                    "name": "校准证书",
                    "kind": "calibration",
                    "reference": "JZ-2026-0101",
                    "item_ids": [(6, 0, old.item_ids.ids)],
                    "reusable": True,
                }
            )
            self.create(
                {
                    "subject": "同批计量器具再次使用的校准结果确认",
                    "partner_id": old.partner_id.id,
                    "window_id": old.window_id.id,
                    "channel": "online",
                    "item_ids": [(6, 0, old.item_ids.ids)],
                }
            )

    @api.model
    def _qi_demo_portal_work(self, cases):
        """The README's provider and expert logins find work on their portal:
        an assignment to accept, one accepted, one in progress."""
        ref = self.env.ref
        provider = ref("qi_catalogue.partner_provider_testing_demo", raise_if_not_found=False)
        expert = ref("qi_catalogue.expert_03_demo", raise_if_not_found=False)
        Assignment = self.env["qi.case.assignment"]
        running = cases.filtered(lambda c: c.stage_code in ("accepted", "matched", "in_service") and c.user_id)
        running = running.sorted(lambda c: c.date_received, reverse=True)
        work = []
        if provider:
            reasons = "提供该服务事项；驻本窗口；资质在有效期内"
            work += [("provider_id", provider, reasons, step) for step in ("proposed", "accepted", "in_progress")]
        if expert:
            reasons = "专家库成员，擅长该领域；与企业无利害关系"
            work += [("expert_id", expert, reasons, step) for step in ("proposed", "in_progress")]
        for (field, assignee, reasons, step), case in zip(work, running, strict=False):
            items = assignee.item_ids if field == "expert_id" else assignee.qi_item_ids
            assignment = Assignment.create(
                {
                    "case_id": case.id,
                    field: assignee.id,
                    "item_id": (case.item_ids & items)[:1].id or case.item_ids[:1].id,
                    "match_reasons": reasons,
                    "date_due": self.env["qi.workday"].add_working_days(china_today(), 10),
                }
            )
            if step in ("accepted", "in_progress"):
                assignment.action_accept()
            if step == "in_progress":
                assignment.action_start()
                assignment.progress = 40
                # demo story text, in Chinese on purpose
                assignment.message_post(  # pylint: disable=translation-required
                    body="样品已送达实验室，正在开展检测。",
                    message_type="comment",
                    subtype_xmlid="mail.mt_note",
                )
            if case.stage_code == "matched" and step != "proposed":
                case.action_start_service()

    @api.model
    def _qi_demo_results(self, cases):
        """Every completed case reports its result back (R-6.2.2.2)."""
        Result = self.env["qi.case.result"]
        by_category = {
            category.id: values
            for xmlid, values in RESULT_BY_CATEGORY.items()
            if (category := self.env.ref(xmlid, raise_if_not_found=False))
        }
        done = cases.filtered(lambda c: c.stage_code in ("completed", "closed") and not c.result_ids)
        for index, case in enumerate(done):
            kind, name, prefix = by_category.get(case.category_id.id, ("other", "服务意见书", "FW"))
            completed = fields.Date.to_date(case.date_completed) or china_today()
            provider = case.assignment_ids.filtered(lambda a: a.state == "delivered")[:1].provider_id
            Result.create(
                {
                    "case_id": case.id,
                    "name": name,
                    "kind": kind,
                    "reference": f"{prefix}-{completed.year}-{index + 1:04d}",
                    "date": completed,
                    "item_ids": [(6, 0, case.item_ids.ids)],
                    "issuer_id": provider.id or False,
                    "valid_until": fields.Date.add(completed, years=1)
                    if kind in ("calibration", "certificate")
                    else False,
                    "reusable": kind == "calibration",
                }
            )

    @api.model
    def _qi_demo_ratings(self, cases, rng):
        """好差评 as the service objects gave them, through the one rating
        path: good and bad, the bad reviews followed up by the leader (one
        called back and being fixed, one still to call back), one appealed.
        The portal enterprise keeps one completed case to rate itself."""
        Rating = self.env["qi.case.rating"]
        portal_enterprise = self.env.ref("qi_case.partner_enterprise_glass_demo", raise_if_not_found=False)
        done = cases.filtered(lambda c: c.stage_code in ("completed", "closed")).sorted("date_completed")
        keep = done.filtered(lambda c: c.partner_id == portal_enterprise and c.stage_code == "completed")[-1:]
        now = fields.Datetime.now()
        bad = Rating
        for index, case in enumerate(done - keep):
            if index % 5 == 4:
                continue  # not every enterprise rates
            level = RATING_CYCLE[index % len(RATING_CYCLE)]
            sub = {
                key: str(min(5, max(1, int(level) + rng.choice((-1, 0, 0, 1)))))
                for key in ("score_efficiency", "score_competence", "score_attitude")
            }
            rating = Rating._rate(case, case.partner_id, level, comment=RATING_COMMENTS[level], **sub)
            rated_on = min(now, fields.Datetime.to_datetime(case.date_completed) + timedelta(days=1 + index % 3))
            # the rating is dated when the enterprise gave it, after the case was completed
            rating.date = rated_on
            if rating.is_bad:
                bad |= rating
        leader_bad = bad.filtered(lambda r: r.window_id.leader_id)
        if leader_bad:
            # the leader called the enterprise back; the fix is under way
            first = leader_bad[-1]
            first.with_user(first.window_id.leader_id).action_callback_done()
            # its outcome: a fix with a deadline (15 working days after the callback)
            first.with_user(first.window_id.leader_id).action_record_outcome("fix_deadline")
            # demo story text, in Chinese on purpose
            first.message_post(  # pylint: disable=translation-required
                body="已电话回访企业，核实报告延迟属实，已要求服务机构限期整改。",
                message_type="comment",
                subtype_xmlid="mail.mt_note",
            )
        if len(bad) > 2:
            # the first handler appeals a review they think mistaken; the leader decides
            appealed = bad[0]
            handler = appealed.case_id.user_id
            if handler:
                appealed.with_user(handler).action_appeal("企业评价针对的是其他部门的办理环节，不属于本窗口服务。")
