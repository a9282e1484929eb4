import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_rating_onsite.py (TestOnsiteRatingTour): a
// walk-in visitor, without an account, scans a visit receipt's QR code on a
// 375 px wide phone and rates the service with the on-site indicators.
registry.category("web_tour.tours").add("qi_case_onsite_rating", {
    steps: () => [
        {
            content: "The on-site rating page opens, for the window that served the visitor",
            trigger: ".o_qi_onsite_rating .o_qi_onsite_window:contains(Case Window A)",
        },
        {
            content: "It fits a phone: 375 px wide, nothing scrolls sideways",
            trigger: ".o_qi_onsite_rating_form button[type=submit]:visible",
            run() {
                const width = window.innerWidth;
                const scrolled = document.documentElement.scrollWidth;
                if (width > 400 || scrolled > width) {
                    throw new Error(`not a phone page: ${width} px wide, content ${scrolled} px`);
                }
                const button = this.anchor.getBoundingClientRect();
                if (button.right > width || button.width < width / 2) {
                    throw new Error("the send button does not span the phone's width");
                }
            },
        },
        {
            content: "The on-site indicators are asked, not the online ones",
            trigger: ".o_qi_onsite_rating_form label[for=qi_onsite_attitude]:contains(Service Attitude)",
        },
        {
            content: "Choose Satisfied (满意) overall",
            trigger: ".o_qi_onsite_rating_form label[for=qi_onsite_level_4]",
            run: "click",
        },
        {
            trigger: ".o_qi_onsite_rating_form input#qi_onsite_level_4:checked",
        },
        {
            content: "Rate the attitude: very satisfied",
            trigger: ".o_qi_onsite_rating_form select[name=score_attitude]",
            run: "select 5",
        },
        {
            trigger: ".o_qi_onsite_rating_form textarea[name=comment]",
            run: "edit Quick and friendly",
        },
        {
            content: "Send the rating",
            trigger: ".o_qi_onsite_rating_form button[type=submit]",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The rating is received",
            trigger: ".o_qi_onsite_rating_message.o_qi_onsite_done h1:contains(Thank You)",
        },
    ],
});
