import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_demo_tours.py (TestLeaderTourZh): a zh_CN
// leader in Asia/Shanghai opens the case kanban, the list, then a case.
const SUBJECT = "巡查：玻璃钢化炉温度计校准";
const column = (title) => `.o_qi_case_kanban .o_kanban_group:has(.o_column_title:contains(${title}))`;

registry.category("web_tour.tours").add("qi_case_leader_zh", {
    url: "/odoo/action-qi_case.qi_case_action",
    steps: () => [
        {
            content: "The kanban columns are the stages, in Chinese",
            trigger: `${column("新建")} .o_kanban_record:contains(${SUBJECT})`,
        },
        {
            content: "The accepted column is there too",
            trigger: `${column("已受理")}`,
        },
        {
            content: "Switch to the list",
            trigger: "button.o_switch_view.o_list",
            run: "click",
        },
        {
            content: "Every case number fits its column: none is cut off",
            trigger: ".o_list_view .o_data_row td.o_data_cell[name=name]",
            run() {
                const cells = [...document.querySelectorAll(".o_list_view .o_data_row td.o_data_cell[name=name]")];
                const cut = cells.filter((cell) => cell.scrollWidth > cell.clientWidth + 1);
                if (cut.length) {
                    throw new Error(`case numbers cut off in the list: ${cut.map((c) => c.textContent).join(", ")}`);
                }
            },
        },
        {
            content: "Back to the kanban",
            trigger: "button.o_switch_view.o_kanban",
            run: "click",
        },
        {
            content: "Open the new case",
            trigger: `${column("新建")} .o_kanban_record:contains(${SUBJECT})`,
            run: "click",
        },
        {
            content: "The form speaks Chinese: the first handler",
            trigger: ".o_form_view .o_form_label:contains(第一受理人)",
        },
        {
            content: "... and the service object",
            trigger: ".o_form_view .o_form_label:contains(服务对象)",
        },
        {
            content: "The case stands in the New stage",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(新建)",
        },
    ],
});
