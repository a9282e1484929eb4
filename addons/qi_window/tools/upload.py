"""The one rule for the files portal users and visitors upload (R-7.3.1).

The type of a file is what its bytes say, never what the browser declared nor
what its name claims: an HTML page sent as ``application/pdf`` or named
``.pdf`` is refused, so nothing a visitor uploads can be shown as a web page.
Applied at every door: the suite's portal routes call it, and ir.attachment
(models/ir_attachment.py) applies it to every file a portal or public user
attaches to a qi.* record, which covers Odoo's chatter upload too.
"""

import os

from odoo.exceptions import UserError
from odoo.tools.mimetypes import guess_mimetype

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# the detected type -> the extensions a file of that type may be named with
ALLOWED_UPLOAD_TYPES = {
    "application/pdf": (".pdf",),
    "image/jpeg": (".jpg", ".jpeg"),
    "image/png": (".png",),
    "application/zip": (".zip",),
    "application/msword": (".doc",),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (".docx",),
    "application/vnd.ms-excel": (".xls",),
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": (".xlsx",),
}
# what a browser may show inline; everything else is sent as a download
INLINE_TYPES = ("application/pdf", "image/jpeg", "image/png")


def check_upload(env, name, content):
    """The type of ``content`` detected from its bytes, if a portal user may
    upload it under the file name ``name``; a translated UserError otherwise."""
    name = name or ""
    if len(content or b"") > MAX_UPLOAD_BYTES:
        raise UserError(env._("%s is larger than 10 MB.", name))
    mimetype = guess_mimetype(content or b"", default="application/octet-stream")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED_UPLOAD_TYPES.get(mimetype, ()):
        raise UserError(env._("%s: only PDF, images, Word, Excel and ZIP files are accepted.", name))
    return mimetype


def is_inline(mimetype):
    """Whether a stored file may be shown in the browser rather than downloaded."""
    return mimetype in INLINE_TYPES
