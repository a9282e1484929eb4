from dateutil.relativedelta import relativedelta

from odoo import api, models

from odoo.addons.qi_window.tools.china import china_today

# The demo's enterprises (qi_case's demo creates them), the window that serves each and its
# quality steward (质量管家): (enterprise, window, steward)
DEMO_STEWARDS = [
    ("qi_case.partner_enterprise_glass_demo", "window_government_centre_demo", "user_li_na_demo"),
    ("秦皇岛海湾食品有限公司", "window_government_centre_demo", "user_li_na_demo"),
    ("秦皇岛港城阀门制造有限公司", "window_park_demo", "user_liu_yang_demo"),
    ("秦皇岛卢龙建材有限公司", "window_park_demo", "user_liu_yang_demo"),
    ("秦皇岛渤海重工机械有限公司", "window_enterprise_demo", "user_chen_jing_demo"),
    ("秦皇岛北戴河医疗器械有限公司", "window_mobile_demo", "user_zhao_lei_demo"),
    # served by a window, no steward named yet
    ("秦皇岛长城汽车零部件有限公司", "window_park_demo", None),
    ("秦皇岛燕山电子科技有限公司", "window_park_demo", None),
]

METROLOGY = "qi_catalogue.partner_provider_metrology_demo"
CALIBRATION = "qi_catalogue.partner_provider_calibration_demo"
SPECIAL_EQUIPMENT = "qi_catalogue.partner_provider_special_equipment_demo"

# Each line: its xml id, the enterprise (index in DEMO_STEWARDS), its values, and its due date
# in days from the install day (None: no due date). The cycle gives the last date; archived
# lines are given "active": False. Every state is there: in order, falling due, overdue
# (compulsory ones flagged by the first warning run), overdue but not compulsory, no due date,
# archived.
DEMO_INSTRUMENTS = [
    # 秦皇岛北方玻璃有限公司: the README's portal enterprise, a ledger in every state
    (
        "instrument_glass_platform_scale",
        0,
        {
            "name": "电子台秤",
            "category_id": "qi_instrument_category_08",
            "is_compulsory": True,
            "instrument_model": "TCS-300",
            "serial_number": "BF-TC-2019-0158",
            "manufacturer": "上海耀华称重系统有限公司",
            "measuring_range": "(0～300) kg",
            "accuracy_class": "Ⅲ级",
            "location": "成品库发货区",
            "verification_kind": "verification",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
            "certificate_number": "JDhp2025-03817",
            "note": "用于产品发货贸易结算，属强制检定。",
        },
        10,
    ),
    (
        "instrument_glass_truck_scale",
        0,
        {
            "name": "数字式汽车衡（地磅）",
            "category_id": "qi_instrument_category_08",
            "is_compulsory": True,
            "instrument_model": "SCS-100",
            "serial_number": "BF-DB-2016-0007",
            "measuring_range": "(0～100) t",
            "accuracy_class": "Ⅲ级",
            "location": "原料进厂称重站",
            "verification_kind": "verification",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
            "certificate_number": "JDhp2024-11502",
            "note": "石英砂、纯碱进厂结算用，已超期未检，须立即停用并申请检定。",
        },
        -15,
    ),
    (
        "instrument_glass_pressure_gauge",
        0,
        {
            "name": "压力表",
            "category_id": "qi_instrument_category_16",
            "is_compulsory": True,
            "instrument_model": "Y-100",
            "serial_number": "BF-YL-2022-0431",
            "measuring_range": "(0～1.6) MPa",
            "accuracy_class": "1.6级",
            "location": "天然气调压站",
            "verification_kind": "verification",
            "cycle_months": 6,
            "verified_by_id": METROLOGY,
            "certificate_number": "JDyl2025-20466",
        },
        150,
    ),
    (
        "instrument_glass_gas_meter",
        0,
        {
            "name": "燃气表（罗茨流量计）",
            "category_id": "qi_instrument_category_05",
            "is_compulsory": True,
            "instrument_model": "LLQ-100",
            "serial_number": "BF-RQ-2021-0002",
            "measuring_range": "(8～160) m³/h",
            "accuracy_class": "1.5级",
            "location": "熔窑燃气计量间",
            "verification_kind": "verification",
            "cycle_months": 72,
            "verified_by_id": METROLOGY,
            "certificate_number": "JDll2022-00719",
        },
        980,
    ),
    (
        "instrument_glass_gas_detector",
        0,
        {
            "name": "可燃气体检测报警器",
            "category_id": "qi_instrument_category_21",
            "is_compulsory": True,
            "instrument_model": "GT-2000",
            "serial_number": "BF-QT-2023-0012",
            "measuring_range": "(0～100)%LEL",
            "accuracy_class": "±5%FS",
            "location": "熔窑燃气计量间",
            "verification_kind": "verification",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
        },
        4,
    ),
    (
        "instrument_glass_caliper",
        0,
        {
            "name": "游标卡尺",
            "category_id": "qi_instrument_category_90",
            "is_compulsory": False,
            "instrument_model": "0-150mm",
            "serial_number": "BF-KC-2020-0033",
            "measuring_range": "(0～150) mm",
            "accuracy_class": "分度值 0.02 mm",
            "location": "质检室",
            "verification_kind": "calibration",
            "cycle_months": 12,
            "verified_by_id": CALIBRATION,
            "certificate_number": "YSJZ2024-05521",
        },
        -40,
    ),
    (
        "instrument_glass_thermocouple",
        0,
        {
            "name": "热电偶温度计",
            "category_id": "qi_instrument_category_91",
            "is_compulsory": False,
            "instrument_model": "WRP-130",
            "serial_number": "BF-WD-2025-0101",
            "measuring_range": "(0～1600) ℃",
            "accuracy_class": "Ⅱ级",
            "location": "1号熔窑蓄热室",
            "verification_kind": "calibration",
            "note": "新装，尚未校准，待安排首次校准。",
        },
        None,
    ),
    (
        "instrument_glass_old_gauge",
        0,
        {
            "name": "压力表（已报废）",
            "category_id": "qi_instrument_category_16",
            "is_compulsory": True,
            "instrument_model": "Y-60",
            "serial_number": "BF-YL-2015-0088",
            "measuring_range": "(0～1.0) MPa",
            "accuracy_class": "2.5级",
            "location": "空压站",
            "cycle_months": 6,
            "note": "表盘破损，已报废停用。",
            "active": False,
        },
        -200,
    ),
    # 秦皇岛海湾食品有限公司
    (
        "instrument_food_price_scale",
        1,
        {
            "name": "电子计价秤",
            "category_id": "qi_instrument_category_08",
            "is_compulsory": True,
            "instrument_model": "ACS-15",
            "serial_number": "HW-JJ-2021-0016",
            "measuring_range": "(0～15) kg",
            "accuracy_class": "Ⅲ级",
            "location": "厂区直营店",
            "verification_kind": "verification",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
        },
        7,
    ),
    (
        "instrument_food_balance",
        1,
        {
            "name": "电子天平",
            "category_id": "qi_instrument_category_08",
            "is_compulsory": False,
            "instrument_model": "FA2004",
            "serial_number": "HW-TP-2022-0003",
            "measuring_range": "(0～200) g",
            "accuracy_class": "Ⅰ级",
            "location": "理化检验室",
            "verification_kind": "calibration",
            "cycle_months": 12,
            "verified_by_id": CALIBRATION,
        },
        120,
    ),
    (
        "instrument_food_water_meter",
        1,
        {
            "name": "水表",
            "category_id": "qi_instrument_category_04",
            "is_compulsory": True,
            "instrument_model": "LXS-50",
            "serial_number": "HW-SB-2020-0001",
            "measuring_range": "Q3=25 m³/h",
            "accuracy_class": "2级",
            "location": "厂区进水总管",
            "cycle_months": 72,
        },
        700,
    ),
    # 秦皇岛港城阀门制造有限公司
    (
        "instrument_valve_test_gauge",
        2,
        {
            "name": "压力表（水压试验台）",
            "category_id": "qi_instrument_category_16",
            "is_compulsory": True,
            "instrument_model": "YB-150",
            "serial_number": "GC-YL-2023-0211",
            "measuring_range": "(0～60) MPa",
            "accuracy_class": "0.4级",
            "location": "阀门试压车间",
            "cycle_months": 6,
            "verified_by_id": METROLOGY,
        },
        -6,
    ),
    (
        "instrument_valve_caliper",
        2,
        {
            "name": "数显卡尺",
            "category_id": "qi_instrument_category_90",
            "is_compulsory": False,
            "instrument_model": "0-300mm",
            "serial_number": "GC-KC-2024-0045",
            "measuring_range": "(0～300) mm",
            "accuracy_class": "分辨力 0.01 mm",
            "location": "机加工车间",
            "verification_kind": "calibration",
            "cycle_months": 12,
            "verified_by_id": CALIBRATION,
        },
        60,
    ),
    (
        "instrument_valve_torque_wrench",
        2,
        {
            "name": "扭矩扳手",
            "is_compulsory": False,
            "instrument_model": "TW-300",
            "serial_number": "GC-NJ-2022-0008",
            "measuring_range": "(60～300) N·m",
            "accuracy_class": "±4%",
            "location": "装配车间",
            "verification_kind": "calibration",
            "cycle_months": 12,
        },
        12,
    ),
    # 秦皇岛北戴河医疗器械有限公司
    (
        "instrument_medical_sphygmomanometer",
        5,
        {
            "name": "电子血压计",
            "category_id": "qi_instrument_category_11",
            "is_compulsory": True,
            "instrument_model": "HBP-1320",
            "serial_number": "BD-XY-2023-0019",
            "measuring_range": "(0～299) mmHg",
            "accuracy_class": "±3 mmHg",
            "location": "产品检验室",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
        },
        15,
    ),
    (
        "instrument_medical_ecg",
        5,
        {
            "name": "心电图机",
            "category_id": "qi_instrument_category_13",
            "is_compulsory": True,
            "instrument_model": "ECG-1200",
            "serial_number": "BD-XD-2022-0002",
            "location": "产品检验室",
            "cycle_months": 12,
            "verified_by_id": METROLOGY,
        },
        210,
    ),
]

DEMO_EQUIPMENT = [
    (
        "equipment_glass_boiler",
        0,
        {
            "name": "燃气蒸汽锅炉",
            "equipment_type": "boiler",
            "equipment_code": "11101303022019000158",
            "registration_number": "锅11冀C00123(19)",
            "equipment_model": "WNS4-1.25-Q",
            "serial_number": "2019-158",
            "location": "锅炉房",
            "cycle_months": 12,
            "inspection_body_id": SPECIAL_EQUIPMENT,
            "report_number": "TJ-GL-2025-0412",
        },
        25,
    ),
    (
        "equipment_glass_air_receiver",
        0,
        {
            "name": "储气罐",
            "equipment_type": "pressure_vessel",
            "equipment_code": "21501303022020000731",
            "registration_number": "容17冀C03215(20)",
            "equipment_model": "C-2.0/0.8",
            "serial_number": "R2020-0731",
            "location": "空压站",
            "cycle_months": 36,
            "inspection_body_id": SPECIAL_EQUIPMENT,
            "report_number": "TJ-RQ-2024-1187",
        },
        190,
    ),
    (
        "equipment_glass_lift",
        0,
        {
            "name": "载货电梯",
            "equipment_type": "lift",
            "equipment_code": "32101303022017000046",
            "registration_number": "梯31冀C08841(17)",
            "equipment_model": "THJ2000/0.5",
            "location": "成品库",
            "cycle_months": 12,
            "inspection_body_id": SPECIAL_EQUIPMENT,
            "report_number": "TJ-DT-2024-3302",
            "note": "定期检验已过期，电梯停用，待检验合格后恢复使用。",
        },
        -8,
    ),
    (
        "equipment_glass_forklift",
        0,
        {
            "name": "内燃平衡重式叉车",
            "equipment_type": "field_vehicle",
            "equipment_code": "51101303022021000215",
            "registration_number": "车11冀C00619(21)",
            "equipment_model": "CPCD30",
            "location": "原料库",
            "cycle_months": 12,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        240,
    ),
    (
        "equipment_food_boiler",
        1,
        {
            "name": "蒸汽锅炉",
            "equipment_type": "boiler",
            "equipment_code": "11101303022015000062",
            "registration_number": "锅11冀C00087(15)",
            "equipment_model": "WNS2-1.0-Y(Q)",
            "location": "锅炉房",
            "cycle_months": 12,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        -20,
    ),
    (
        "equipment_food_sterilizer",
        1,
        {
            "name": "卧式杀菌锅",
            "equipment_type": "pressure_vessel",
            "equipment_code": "21501303022018000412",
            "registration_number": "容17冀C01977(18)",
            "equipment_model": "GT7C5",
            "location": "罐头车间",
            "cycle_months": 36,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        30,
    ),
    (
        "equipment_valve_crane",
        2,
        {
            "name": "电动单梁起重机",
            "equipment_type": "lifting_appliance",
            "equipment_code": "41301303022019000087",
            "registration_number": "起17冀C02368(19)",
            "equipment_model": "LDA5-16.5A3",
            "location": "铸造车间",
            "cycle_months": 24,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        20,
    ),
    (
        "equipment_heavy_crane",
        4,
        {
            "name": "通用桥式起重机（32/5 t）",
            "equipment_type": "lifting_appliance",
            "equipment_code": "41101303022012000021",
            "registration_number": "起17冀C00452(12)",
            "equipment_model": "QD32/5-22.5A5",
            "location": "总装车间",
            "cycle_months": 24,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        -3,
    ),
    (
        "equipment_heavy_gas_tank",
        4,
        {
            "name": "液氧储罐",
            "equipment_type": "pressure_vessel",
            "equipment_code": "21301303022020000105",
            "registration_number": "容15冀C00984(20)",
            "equipment_model": "CFL-10/0.8",
            "location": "气体站",
            "cycle_months": 36,
            "inspection_body_id": SPECIAL_EQUIPMENT,
        },
        400,
    ),
]

DEMO_CERTIFICATES = [
    (
        "certificate_glass_iso9001",
        0,
        {
            "name": "ISO 9001 质量管理体系认证证书",
            "certificate_type": "management_system",
            "number": "04524Q30217R2M",
            "issuer": "冀东认证有限公司",
            "cycle_months": 36,
        },
        300,
    ),
    (
        "certificate_glass_ccc",
        0,
        {
            "name": "CCC 强制性产品认证证书（汽车安全玻璃）",
            "certificate_type": "ccc",
            "number": "2021011109401234",
            "issuer": "中国质量认证中心",
            "cycle_months": 60,
        },
        35,
    ),
    (
        "certificate_glass_measurement_standard",
        0,
        {
            "name": "计量标准考核证书（压力表检定装置）",
            "certificate_type": "measurement_standard",
            "number": "[2021]冀秦量标企证字第031号",
            "issuer": "秦皇岛市市场监督管理局",
            "cycle_months": 48,
            "note": "已过有效期，复查申请材料准备中。",
        },
        -20,
    ),
    (
        "certificate_food_licence",
        1,
        {
            "name": "食品生产许可证",
            "certificate_type": "other",
            "number": "SC10613030200158",
            "issuer": "秦皇岛市市场监督管理局",
            "cycle_months": 60,
        },
        520,
    ),
    (
        "certificate_valve_licence",
        2,
        {
            "name": "特种设备生产许可证（压力管道元件制造）",
            "certificate_type": "special_equipment_licence",
            "number": "TS2713C21-2026",
            "issuer": "河北省市场监督管理局",
            "cycle_months": 48,
        },
        45,
    ),
    (
        "certificate_valve_iso9001",
        2,
        {
            "name": "ISO 9001 质量管理体系认证证书",
            "certificate_type": "management_system",
            "number": "04523Q21988R1M",
            "issuer": "冀东认证有限公司",
            "cycle_months": 36,
        },
        410,
    ),
    (
        "certificate_building_licence",
        3,
        {
            "name": "全国工业产品生产许可证（水泥）",
            "certificate_type": "production_licence",
            "number": "(冀)XK08-001-00672",
            "issuer": "河北省市场监督管理局",
            "cycle_months": 60,
        },
        28,
    ),
    (
        "certificate_medical_iso13485",
        5,
        {
            "name": "ISO 13485 医疗器械质量管理体系认证证书",
            "certificate_type": "management_system",
            "number": "04525Q10388R0S",
            "issuer": "冀东认证有限公司",
            "cycle_months": 36,
        },
        None,
    ),
]


class QiInstrumentDemo(models.Model):
    _inherit = "qi.instrument"  # pylint: disable=consider-merging-classes-inherited  # one file per concern (docs/architecture.md)

    @api.model
    def _qi_generate_demo_ledgers(self):
        """Demo story (R-6.1.1.3, R-6.1.7.1): the demo enterprises' windows and
        quality stewards, and their ledgers of instruments, special equipment
        and certificates in every state, dated from the install day. Loaded
        once: an update of the module leaves the lines as they are."""
        if self.env.ref("qi_proactive.instrument_glass_platform_scale", raise_if_not_found=False):
            return False
        today = china_today()
        enterprises = []
        for enterprise, window, steward in DEMO_STEWARDS:
            if "." in enterprise:
                partner = self.env.ref(enterprise, raise_if_not_found=False)
            else:
                partner = self.env["res.partner"].search(
                    [("name", "=", enterprise), ("is_company", "=", True)], limit=1
                )
            if partner:
                partner.write(
                    {
                        "qi_window_id": self.env.ref(f"qi_window.{window}").id,
                        "qi_steward_id": steward and self.env.ref(f"qi_window.{steward}").id,
                    }
                )
            enterprises.append(partner)
        for model, lines in (
            ("qi.instrument", DEMO_INSTRUMENTS),
            ("qi.special.equipment", DEMO_EQUIPMENT),
            ("qi.enterprise.certificate", DEMO_CERTIFICATES),
        ):
            self._qi_demo_ledger(model, lines, enterprises, today)
        return True

    @api.model
    def _qi_generate_demo_demands(self):
        """Demands that came from the warnings (R-7.1.2), through the same one
        click as the enterprise's portal and the back office: 刘海燕 asks for the
        verification of the glass works' overdue truck scale and gas detector,
        李娜 for the periodic inspection of the food factory's boiler."""
        scale = self.env.ref("qi_proactive.instrument_glass_truck_scale", raise_if_not_found=False)
        if not scale or scale.case_ids:
            return False
        Demand = self.env["qi.ledger.demand"]
        portal_user = self.env.ref("qi_case.user_portal_enterprise_demo", raise_if_not_found=False)
        if portal_user:
            detector = self.env.ref("qi_proactive.instrument_glass_gas_detector")
            Demand._make_demand(scale | detector, user=portal_user)
        boiler = self.env.ref("qi_proactive.equipment_food_boiler", raise_if_not_found=False)
        if boiler:
            steward = self.env.ref("qi_window.user_li_na_demo")
            Demand._make_demand(boiler, user=steward)
        # the monthly statistics count them in the proactive channel
        self.env["qi.case.statistics"]._refresh()
        return True

    @api.model
    def _qi_demo_ledger(self, model, lines, enterprises, today):
        data = []
        for xml_id, index, spec, due_in in lines:
            partner = enterprises[index]
            if not partner:
                continue
            vals = dict(spec, partner_id=partner.id)
            for name in ("category_id", "verified_by_id", "inspection_body_id"):
                if vals.get(name):
                    ref = vals[name] if "." in vals[name] else f"qi_proactive.{vals[name]}"
                    vals[name] = self.env.ref(ref).id
            if due_in is not None:
                date_due = today + relativedelta(days=due_in)
                vals["date_due"] = date_due
                if vals.get("cycle_months"):
                    vals["date_last"] = date_due - relativedelta(months=vals["cycle_months"])
                if model == "qi.enterprise.certificate":
                    vals["date_from"] = vals.get("date_last") or date_due - relativedelta(years=3)
            record = self.env[model].create(vals)
            data.append({"xml_id": f"qi_proactive.{xml_id}", "record": record, "noupdate": True})
        self.env["ir.model.data"]._update_xmlids(data)
