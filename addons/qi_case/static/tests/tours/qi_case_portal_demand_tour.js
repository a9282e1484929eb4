import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_tours.py (TestCaseTours.test_portal_demand_tour).
const SUBJECT = "Tour: calibrate the pressure gauges of line 3";
const DETAILS = "Twelve gauges, due for the annual audit.";
const FILE_NAME = "tour_gauge_list.pdf";

registry.category("web_tour.tours").add("qi_case_portal_demand", {
    url: "/my/qi/cases",
    steps: () => [
        {
            content: "Open the demand form from the list of cases",
            trigger: "a.o_qi_new_demand",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "Say what is needed",
            trigger: "form.o_qi_demand_form input[name=subject]",
            run: `edit ${SUBJECT}`,
        },
        {
            content: "Choose the window",
            trigger: "form.o_qi_demand_form select[name=window_id]",
            run: "selectByLabel Case Window A",
        },
        {
            content: "Choose two service items: a customised package",
            trigger: "form.o_qi_demand_form select[name=item_ids]",
            run() {
                const wanted = ["Calibration consulting", "Standards query"];
                for (const option of this.anchor.options) {
                    option.selected = wanted.some((label) => option.textContent.includes(label));
                }
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Describe the demand",
            trigger: "form.o_qi_demand_form textarea[name=description]",
            run: `edit ${DETAILS}`,
        },
        {
            content: "Attach the list of gauges",
            trigger: "form.o_qi_demand_form input[name=attachments]",
            run() {
                // a file input cannot be typed into: hand it a file as a drop would
                const transfer = new DataTransfer();
                transfer.items.add(new File(["%PDF-1.4 gauges"], FILE_NAME, { type: "application/pdf" }));
                this.anchor.files = transfer.files;
                this.anchor.dispatchEvent(new Event("change", { bubbles: true }));
            },
        },
        {
            content: "Submit the demand",
            trigger: "form.o_qi_demand_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The new case opens, in the New stage",
            trigger: `.o_qi_portal_case h3:contains(${SUBJECT})`,
        },
        {
            trigger: ".o_qi_portal_case .badge:contains(New)",
        },
        {
            content: "Both service items are shown",
            trigger: ".o_qi_portal_case .card-title:contains(Calibration consulting)",
        },
        {
            trigger: ".o_qi_portal_case .card-title:contains(Standards query)",
        },
        {
            content: "Back to the list of cases",
            trigger: ".o_portal_submenu a[href='/my/qi/cases']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The demand is listed and opens its detail page",
            trigger: `tbody tr:contains(${SUBJECT}) td:contains(Case Window A)`,
        },
        {
            trigger: `tbody tr:contains(${SUBJECT}) a[href^='/my/qi/cases/']`,
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The detail page shows the description",
            trigger: `.o_qi_portal_case:contains(${DETAILS})`,
        },
        {
            content: "The uploaded file is listed on the case",
            trigger: `.o_qi_portal_case a:contains(${FILE_NAME})`,
        },
        {
            content: "and announced in the case's messages",
            trigger: "#chatterRoot:shadow .o-mail-Message:contains(Materials sent through the portal.)",
        },
    ],
});
