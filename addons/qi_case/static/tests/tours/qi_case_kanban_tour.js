import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_tours.py (TestCaseTours.test_kanban_drag_tour).
const SUBJECT = "Tour: drag me to Accepted";
const column = (title) => `.o_qi_case_kanban .o_kanban_group:has(.o_column_title:contains(${title}))`;

registry.category("web_tour.tours").add("qi_case_kanban_drag", {
    url: "/odoo/action-qi_case.qi_case_action",
    steps: () => [
        {
            content: "Drag the new case to the Accepted column",
            trigger: `${column("New")} .o_kanban_record:contains(${SUBJECT})`,
            // parenthesised: the step parser drops a trailing ")" of a bare selector
            run: `drag_and_drop (${column("Accepted")})`,
        },
        {
            content: "The card sits in the Accepted column",
            trigger: `${column("Accepted")} .o_kanban_record:contains(${SUBJECT})`,
            run: "click",
        },
        {
            // the form reads the case back from the server: a refused move shows New here
            content: "The opened case is in the Accepted stage",
            trigger: ".o_form_view .o_statusbar_status button.o_arrow_button_current:contains(Accepted)",
        },
    ],
});
