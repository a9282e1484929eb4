from .common import QiArchiveCommon


class TestRequestNote(QiArchiveCommon):
    """The reason a requester types is plain text: the leader's to-do shows it
    as typed, never as markup of the requester's making (R-9.b)."""

    def test_reason_is_escaped_in_the_leaders_note(self):
        record = self._archive(self._closed_case())
        reason = 'Complaint <a href="https://evil.example.com">open the file</a> & <b>urgent</b>\nsecond line'
        request = self._request(record, reason=reason)
        note = str(request.activity_ids.note)
        self.assertNotIn(">open the file</a>", note, "a link typed in the reason became a link in the leader's to-do")
        self.assertNotIn("<b>", note)
        self.assertIn("&lt;a href=", note)
        self.assertIn("&amp;", note)
        self.assertIn("second line", note)
