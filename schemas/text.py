"""The text rule: which characters any string in a document may hold.

Every string the service may print — every text field, and every string inside
``extra`` — passes through here, so a Word document can always be written from
it and Word, LibreOffice and python-docx can always open it:

- tab, line feed and carriage return are kept; a carriage return (alone or
  before a line feed, as Windows and HTML forms send it) and a vertical tab
  (what Word puts on the clipboard for a manual line break) become a line feed,
  which the documents print as a line break;
- other control characters (C0 and C1, and DEL), lone surrogates (half of a
  UTF-16 pair, as a JSON ``\\ud800`` escape can give) and Unicode's 66
  non-characters (U+FDD0–U+FDEF and the last two code points of every plane,
  U+FFFE and U+FFFF among them) are refused, naming the first one and where it is.

Everything else is kept as given, format characters such as U+200D (zero-width
joiner, part of many emoji) or U+200F (right-to-left mark) included.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

#: What text may not hold (see the module docstring), and beyond the BMP every
#: code point: a class of a few ranges scans fast, a list of 32 astral
#: non-characters does not. `_refused` keeps only the non-characters of those.
_CANDIDATES = re.compile(
    "[\x00-\x08\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\U0001fffe-\U0010ffff]"
)
_LINE_BREAK = re.compile("\r\n?|\v")


def text_problem(text: str) -> str | None:
    """Why ``text`` cannot be used, naming its first refused character; else None.

    Positions count characters (code points) from 1, in the text as sent.
    """
    if _CANDIDATES.search(text) is None:  # nearly always: no generator needed
        return None
    refused = _refused(text)
    found = next(refused, None)
    if found is None:
        return None
    character = found.group()
    message = (
        f"Contains U+{ord(character):04X} ({_what(character)}) "
        f"at position {found.start() + 1}."
    )
    more = sum(1 for _ in refused)
    if more:
        noun = "character" if more == 1 else "characters"
        message += f" {more} more {noun} after it cannot be used either."
    return message


def normalise_line_breaks(text: str) -> str:
    """``text`` with each carriage return, CR LF pair and vertical tab as "\\n"."""
    if "\r" in text or "\v" in text:
        return _LINE_BREAK.sub("\n", text)
    return text


def _refused(text: str) -> Iterator[re.Match[str]]:
    for found in _CANDIDATES.finditer(text):
        code = ord(found.group())
        if code < 0x1FFFE or code & 0xFFFE == 0xFFFE:
            yield found


def _what(character: str) -> str:
    category = unicodedata.category(character)
    if category == "Cc":
        return "a control character"
    if category == "Cs":
        return "a lone surrogate, half of a UTF-16 pair"
    return "a Unicode non-character"
