from odoo import models


class QiCaseRating(models.Model):
    """Who rated is read only by those who handle bad reviews (R-8.1): the
    field is theirs (``partner_id``'s groups), and the mail layer must not
    name the rater either. Odoo suggests a record's ``partner_id`` as the
    recipient of its chatter messages: the rated staff's chatter then failed
    on a field they may not read, and a leader writing to the suggested rater
    would make them a follower that every reader of the rating lists."""

    _inherit = "qi.case.rating"  # pylint: disable=consider-merging-classes-inherited

    def _mail_get_partner_fields(self, introspect_fields=False):
        # never the rater, not even found by introspection
        return []
