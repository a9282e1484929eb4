from odoo import models
from odoo.exceptions import UserError
from odoo.tools import SQL


class IrModuleModule(models.Model):
    _inherit = "ir.module.module"

    def button_uninstall(self):
        """R-9.a: uninstalling the archive would delete every archived record,
        its files and its access log. Refused while records exist; also when
        the archive would go with a module it depends on."""
        modules = self | self.downstream_dependencies()
        if "qi_archive" in modules.mapped("name"):
            self.env["qi.archive.record"].flush_model()
            self.env.cr.execute(SQL("SELECT COUNT(*) FROM qi_archive_record"))
            count = self.env.cr.fetchone()[0]
            if count:
                raise UserError(
                    self.env._(
                        "The QI archive holds %s archived record(s): uninstalling it would delete them with their "
                        "files and access log. Archived records are kept complete and true; they are removed only "
                        "by disposal after their retention period.",
                        count,
                    )
                )
        return super().button_uninstall()
