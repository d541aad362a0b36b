"""Download file names: made from the title, kind and language, safe on every OS."""

from __future__ import annotations

import re
import unicodedata
from typing import Any
from urllib.parse import quote

_KIND_WORDS = {
    ("agreement", "da"): "partnerskabsaftale",
    ("agreement", "en"): "partnership-agreement",
    ("understanding", "da"): "forstaaelsespapir",
    ("understanding", "en"): "memorandum-of-understanding",
    ("first_contact", "da"): "henvendelse",
    ("first_contact", "en"): "first-contact-letter",
}
# Characters Windows, macOS or Linux refuse in names, and control characters.
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]+')
_TRANSLITERATIONS = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ß": "ss"}
)
MAX_TITLE_CHARS = 80


def _title(kind: str, data: dict[str, Any]) -> str:
    if kind == "first_contact":
        recipient = data.get("recipient") or {}
        return str(data.get("subject") or recipient.get("organisation") or "")
    return str(data.get("title") or "")


def document_filename(kind: str, data: dict[str, Any]) -> str:
    """``Sansefortællingen_partnerskabsaftale_da.docx``: title, kind, language."""
    language = str(data.get("language", "da"))
    title = _UNSAFE.sub(" ", unicodedata.normalize("NFC", _title(kind, data)))
    title = "-".join(title.split())[:MAX_TITLE_CHARS].strip(".-")
    parts = [title, _KIND_WORDS.get((kind, language), kind), language]
    return "_".join(part for part in parts if part) + ".docx"


def ascii_fallback(filename: str) -> str:
    """An ASCII spelling of ``filename`` for clients that ignore ``filename*``."""
    spelled = unicodedata.normalize("NFKD", filename.translate(_TRANSLITERATIONS))
    ascii_only = spelled.encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^A-Za-z0-9._-]+", "-", ascii_only) or "document.docx"


def content_disposition(filename: str) -> str:
    """An RFC 6266 attachment header with an ASCII name and a UTF-8 ``filename*``."""
    header = f'attachment; filename="{ascii_fallback(filename)}"'
    if not filename.isascii() or filename != ascii_fallback(filename):
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header
