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
_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f]+')
_TRANSLITERATIONS = str.maketrans(
    {"æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "å": "aa", "Å": "Aa", "ß": "ss"}
)
# Unicode categories Cf (format), Cs (surrogate), Co (private use), Cn (unassigned).
_INVISIBLE = {"Cf", "Cs", "Co", "Cn"}
MAX_TITLE_CHARS = 80


def _title(kind: str, data: dict[str, Any]) -> str:
    if kind == "first_contact":
        recipient = data.get("recipient") or {}
        return str(data.get("subject") or recipient.get("organisation") or "")
    return str(data.get("title") or "")


def _visible(text: str) -> str:
    """``text`` without the characters a file name would show as nothing or as a
    lie: format characters (bidi controls such as U+202E, which can make a name
    read backwards, zero-width spaces and joiners), surrogates, private-use and
    unassigned code points. Control characters stay for `_UNSAFE` to separate."""
    return "".join(c for c in text if unicodedata.category(c) not in _INVISIBLE)


def document_filename(kind: str, data: dict[str, Any]) -> str:
    """``Sansefortællingen_partnerskabsaftale_da.docx``: title, kind, language."""
    language = str(data.get("language", "da"))
    title = unicodedata.normalize("NFC", _visible(_title(kind, data)))
    title = _UNSAFE.sub(" ", title)
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
