from contextlib import contextmanager

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import QiCatalogueCommon


@tagged("post_install", "-at_install")
class TestTimeLimits(QiCatalogueCommon):
    """P-TL-6: the committed limit (承诺时限) is never longer than the statutory one (法定时限)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("zh_CN")
        cls.manager.write({"lang": "zh_CN", "tz": "Asia/Shanghai"})

    @contextmanager
    def _refused(self, exception, text):
        """assertRaises (which rolls the attempt back, as a request would) and the message says ``text``."""
        with self.assertRaises(exception) as caught:
            yield
        self.assertIn(text, str(caught.exception))

    def test_committed_above_statutory_is_refused(self):
        Item = self.env["qi.service.item"].with_user(self.manager).with_context(lang="zh_CN", tz="Asia/Shanghai")
        with self._refused(ValidationError, "承诺时限（25个工作日）不得长于法定时限（20个工作日）"):
            Item.create(
                {
                    "name": "Type approval",
                    "category_id": self.category.id,
                    "statutory_limit_days": 20,
                    "time_limit_days": 25,
                }
            )
        item = Item.create(
            {
                "name": "Type approval",
                "category_id": self.category.id,
                "statutory_limit_days": 20,
                "time_limit_days": 15,
            }
        )
        with self.assertRaises(ValidationError):
            item.write({"time_limit_days": 21})
        with self.assertRaises(ValidationError):
            item.write({"statutory_limit_days": 10})
        # nothing was lost: the item keeps the limits it had
        self.assertEqual((item.statutory_limit_days, item.time_limit_days), (20, 15))
        # no statutory limit set: the committed one stands alone
        item.write({"statutory_limit_days": 0, "time_limit_days": 30})
        self.assertEqual(item.time_limit_days, 30)

    def test_database_refuses_it_too(self):
        """The rule holds for writes that skip the ORM's checks, e.g. an import by SQL-level tools."""
        from psycopg2 import IntegrityError

        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.env.cr.savepoint():
            self.env.cr.execute(
                "UPDATE qi_service_item SET statutory_limit_days = 5, time_limit_days = 6 WHERE id = %s",
                [self.item_calibration.id],
            )

    def test_shipped_items_keep_their_committed_limit_within_the_statutory_one(self):
        items = self.env["qi.service.item"].search([("statutory_limit_days", ">", 0)])
        self.assertTrue(items)
        self.assertFalse(items.filtered(lambda i: i.time_limit_days > i.statutory_limit_days))
