import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_tours.py (TestCaseTours.test_portal_assignment_tour).
const SUBJECT = "Tour: verify the flow meters";
const NOTE = "Samples received in the lab";

registry.category("web_tour.tours").add("qi_case_portal_assignment", {
    url: "/my/qi/assignments",
    steps: () => [
        {
            content: "Open the proposed assignment",
            trigger: "tbody tr:contains(Calibration consulting) a[href^='/my/qi/assignments/']",
            run: "click",
            expectUnloadPage: true,
        },
        {
            trigger: `.o_qi_portal_assignment h3:contains(${SUBJECT})`,
        },
        {
            content: "Accept it",
            trigger: ".o_qi_portal_assignment button.o_qi_accept",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "It is accepted: the accept button is gone and progress can be posted",
            trigger: ".o_qi_portal_assignment:not(:has(.o_qi_accept)) .badge:contains(Accepted)",
        },
        {
            content: "Set the progress",
            trigger: "form.o_qi_progress_form input[name=progress]",
            run: "edit 40",
        },
        {
            content: "Say what was done",
            trigger: "form.o_qi_progress_form input[name=note]",
            run: `edit ${NOTE}`,
        },
        {
            content: "Post the progress note",
            trigger: "form.o_qi_progress_form button.o_qi_post_progress",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The note is listed with the progress",
            trigger: `.o_qi_portal_assignment li:contains(Progress 40%: ${NOTE})`,
        },
        {
            content: "The assignment is now in progress at 40%",
            trigger: ".o_qi_portal_assignment .badge:contains(In Progress)",
        },
        {
            trigger: ".o_qi_portal_assignment span:contains(Progress: 40%)",
        },
    ],
});
