"""The pieces of the generic-doors matrix (tests/test_generic_doors.py).

An actor is a role with a login, a secret is a protected thing that carries a
unique marker, a door is one of Odoo's generic ways in. Each door is opened by
each actor against every protected record; no marker may come back to an actor
that is not among the secret's readers. Adding a door, an actor or a secret is
one line in the test module.
"""

import base64
import binascii
import io
import json
import re
import shutil
import struct
import subprocess
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Actor:
    key: str
    groups: str | None  # None: the anonymous visitor
    window: str = ""  # "a" / "b": staff member of that window
    company: str = ""  # key of the portal user's company partner
    home: str = ""  # the thread the actor works on (posts to)


@dataclass(frozen=True)
class Secret:
    """A protected thing: ``readers`` (actor keys) may see its marker, nobody else."""

    key: str
    readers: frozenset

    @property
    def marker(self):
        # letters and digits only: survives HTML, JSON, CSV, XLSX and PDF text unchanged
        return (
            "QIMK" + re.sub(r"[^A-Za-z0-9]", "", self.key).upper() + "X" + format(zlib.crc32(self.key.encode()), "08X")
        )


@dataclass(frozen=True)
class Door:
    """``fetch(case, actor)`` opens the door as the logged-in actor and returns
    ``[(label, body bytes)]``; ``positive`` lists ``(actor, secret)`` pairs that
    must come through (so that the door is shown to work); ``readers``
    narrows a secret's readers at this door."""

    name: str
    fetch: Callable
    positive: tuple = ()
    readers: dict = field(default_factory=dict)
    mutates: bool = False  # rolled back after each actor


def png(marker):
    """A valid 1x1 PNG that carries ``marker`` in a text chunk."""

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"tEXt", b"Comment\x00" + marker.encode())
        + chunk(b"IDAT", zlib.compress(b"\x00\x00"))
        + chunk(b"IEND", b"")
    )


_B64 = re.compile(r"^[A-Za-z0-9+/]{16,}={0,2}$")


def _pdf_text(content):
    if not shutil.which("pdftotext"):
        raise RuntimeError("pdftotext is needed to read the PDF answers (Debian poppler-utils)")
    result = subprocess.run(["pdftotext", "-q", "-", "-"], input=content, capture_output=True, timeout=60, check=False)
    return result.stdout


def _json_strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _json_strings(key)
            yield from _json_strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _json_strings(item)


def readable(content, depth=0):
    """Everything a reader can get out of an answer: the bytes themselves,
    the members of a zip (xlsx included), the text of a PDF, the strings of a
    JSON answer and what its base64 values decode to."""
    if isinstance(content, str):
        content = content.encode()
    parts = [content]
    if depth > 3:
        return content
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                parts += [readable(archive.read(name), depth + 1) for name in archive.namelist()]
                parts += [name.encode() for name in archive.namelist()]
        except zipfile.BadZipFile:
            pass
    elif content.startswith(b"%PDF"):
        parts.append(_pdf_text(content))
    elif content[:1] in (b"{", b"["):
        try:
            data = json.loads(content)
        except ValueError:
            data = None
        for text in _json_strings(data):
            parts.append(text.encode())
            if _B64.match(text):
                try:
                    parts.append(readable(base64.b64decode(text, validate=True), depth + 1))
                except (binascii.Error, ValueError):
                    pass
    return b"\n".join(parts)
