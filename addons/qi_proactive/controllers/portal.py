from odoo.addons.portal.controllers.portal import CustomerPortal


class QiProactivePortal(CustomerPortal):
    pass
