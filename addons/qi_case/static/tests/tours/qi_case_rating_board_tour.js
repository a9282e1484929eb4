import { registry } from "@web/core/registry";

// Data prepared by qi_case/tests/test_rating_board.py (TestRatingBoardTour): a
// visitor on a 375 px wide phone opens the public list of windows, follows the
// link to a window's monthly ratings and goes back a month.
function fitsThePhone() {
    const width = window.innerWidth;
    const scrolled = document.documentElement.scrollWidth;
    if (width > 400 || scrolled > width) {
        throw new Error(`not a phone page: ${width} px wide, content ${scrolled} px`);
    }
}

registry.category("web_tour.tours").add("qi_case_rating_board", {
    steps: () => [
        {
            content: "The public list of windows links to each window's ratings",
            trigger: "div[data-window-code=C-A] a.o_qi_rating_board_link",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The board shows the month's figures",
            trigger: ".o_qi_rating_board .o_qi_board_figures .o_qi_board_count:contains(4)",
        },
        {
            content: "It fits a phone: 375 px wide, the figures two by two, nothing scrolls sideways",
            trigger: ".o_qi_rating_board .o_qi_board_rate:contains(50%)",
            run() {
                fitsThePhone();
                const cards = [...document.querySelectorAll(".o_qi_board_figures > div")];
                const top = cards[0].getBoundingClientRect().top;
                const firstRow = cards.filter((card) => card.getBoundingClientRect().top === top);
                if (firstRow.length !== 2) {
                    throw new Error(`${firstRow.length} figures side by side on a phone, not 2`);
                }
            },
        },
        {
            content: "Go back a month",
            trigger: ".o_qi_rating_board a.o_qi_board_previous",
            run: "click",
            expectUnloadPage: true,
        },
        {
            content: "The previous month has too few ratings for a rate; the page still fits",
            trigger: ".o_qi_rating_board .o_qi_board_rate:contains(not enough ratings yet)",
            run() {
                fitsThePhone();
            },
        },
    ],
});
