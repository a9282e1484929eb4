from datetime import timedelta

from lxml import html

from odoo.tests import HttpCase, tagged

from odoo.addons.qi_window.tools.china import china_today

from .rating_results_common import QiRatingResultsCommon
from .test_demo_use import TOUR_TIMEOUT


@tagged("post_install", "-at_install")
class TestRatingBoard(HttpCase, QiRatingResultsCommon):
    """评价结果及整改情况向社会公开 (P-HCP-3): a public page per window and month
    with the number of ratings, the share of 好评, the bad reviews and how many
    were fixed, on time; no name, case number or comment (R-5.1.2.1)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.leader.name = "Leader Zhao Gang"

    def _board(self, window, month=None):
        """The board as an anonymous visitor: the page, the shown figures and the history rows."""
        url = f"/qi/windows/{window.id}/ratings" + (f"?month={month}" if month else "")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        tree = html.fromstring(response.text)

        def text(css_class):
            [node] = tree.xpath(f"//div[hasclass('o_qi_board_figures')]//*[hasclass('{css_class}')]")
            return " ".join(node.text_content().split())

        shown = {key: text(f"o_qi_board_{key}") for key in ("count", "rate", "bad", "fixed", "on_time")}
        history = {
            row.get("data-month"): [" ".join(td.text_content().split()) for td in row.xpath("./td")][1:]
            for row in tree.xpath("//table[hasclass('o_qi_board_history')]//tr[@data-month]")
        }
        month_shown = tree.xpath("//*[hasclass('o_qi_board_month')]")[0].text_content()
        return response.text, month_shown, shown, history

    def test_month_figures_without_personal_data(self):
        remark = "Secret remark 4711 from Li"
        ratings = self._rated("5", "2026-11-03 02:00:00", comment=remark)
        ratings |= self._rated("4", "2026-11-04 02:00:00", comment=remark)
        on_time = self._rated("1", "2026-11-16 02:00:00", comment=remark)
        self._follow_up(on_time, callback_at="2026-11-16 08:00:00", fix_at="2026-11-20 08:00:00")
        late = self._rated("2", "2026-11-17 02:00:00", comment=remark)
        self._follow_up(late, callback_at="2026-11-17 08:00:00", fix_at="2026-12-30 08:00:00")
        # October: two ratings, fewer than the minimum of three
        ratings |= on_time | late | self._rated("5", "2026-10-08 02:00:00") | self._rated("1", "2026-10-09 02:00:00")
        # another window's rating stays on its own board
        other = self._rated("1", "2026-11-05 02:00:00", window=self.window_b, handler=self.staff_b)

        body, month, shown, history = self._board(self.window_a, "2026-11")
        self.assertEqual(month, "2026-11")
        self.assertEqual(shown, {"count": "4", "rate": "50%", "bad": "2", "fixed": "2", "on_time": "1"})
        self.assertEqual(history["2026-11"], ["4", "50%", "2", "2", "1"])
        self.assertEqual(history["2026-10"], ["2", "–", "1", "0", "0"])
        self.assertEqual(history["2026-09"], ["0", "–", "0", "0", "0"])
        self.assertEqual(len(history), 12)

        __, __, shown, __ = self._board(self.window_a, "2026-10")
        self.assertEqual(
            shown, {"count": "2", "rate": "not enough ratings yet", "bad": "1", "fixed": "0", "on_time": "0"}
        )
        __, __, shown, __ = self._board(self.window_b, "2026-11")
        self.assertEqual(shown["count"], "1")

        for hidden in (
            self.rater.name,
            self.rater.email,
            self.enterprise.name,
            self.enterprise.email,
            self.provider.name,
            self.staff_a.name,
            self.staff_a.login,
            self.leader.name,
            remark,
            *(ratings | other).case_id.mapped("name"),
        ):
            self.assertNotIn(hidden, body)

    def test_public_windows_page_links_to_the_boards(self):
        self._rated("5", "2026-11-03 02:00:00")
        tree = html.fromstring(self.url_open("/qi/windows").text)
        links = tree.xpath("//div[@data-window-code='C-A']//a[hasclass('o_qi_rating_board_link')]/@href")
        self.assertEqual(links, [f"/qi/windows/{self.window_a.id}/ratings"])
        # without a month, or with one that is no month, the board shows this month in China
        for month in (None, "2026-13", "last"):
            with self.subTest(month=month):
                __, shown_month, shown, __ = self._board(self.window_a, month)
                self.assertEqual(shown_month, china_today(self.window_a).strftime("%Y-%m"))

    def test_archived_and_missing_windows_are_not_found(self):
        self.window_b.active = False
        for window_id in (self.window_b.id, 987654321):
            with self.subTest(window_id=window_id):
                response = self.url_open(f"/qi/windows/{window_id}/ratings?month=2026-11")
                self.assertEqual(response.status_code, 404)


@tagged("post_install", "-at_install")
class TestRatingBoardTour(HttpCase, QiRatingResultsCommon):
    """The public board on a phone (P-HCP-3): from the windows page to a window's
    month and back a month, at 375 px, as an anonymous visitor."""

    browser_size = "375x667"

    def test_board_tour_at_phone_width(self):
        today = china_today(self.window_a)
        this_month = today.replace(day=1)
        # four ratings this month (two good), two the month before (fewer than the minimum)
        for level in ("5", "4", "1", "2"):
            self._rated(level, f"{this_month.isoformat()} 02:00:00")  # 10:00 in Shanghai
        last_month = (this_month - timedelta(days=1)).replace(day=1)
        for level in ("5", "1"):
            self._rated(level, f"{last_month.isoformat()} 02:00:00")
        self.start_tour("/qi/windows", "qi_case_rating_board", login=None, timeout=TOUR_TIMEOUT)
