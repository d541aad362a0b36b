"""Mail merge rows: a CSV or XLSX whose column headers are field paths.

``recipient.person.name``, ``recipient.email``, ``meeting.proposals[0]``: each
row becomes a merge patch over the base document. Empty cells leave the base's
value; a list column replaces the base's list (RFC 7396 merges no lists).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from typing import Any

from schemas.problems import Problem
from service.jobs.spec import BatchInvalid

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
#: The first data row's number: row 1 holds the headers.
FIRST_ROW = 2


def _path(header: str, column: int) -> list[str | int]:
    parts: list[str | int] = []
    position = 0
    text = header.strip()
    while position < len(text):
        if text[position] == "." and parts:
            position += 1
        match = _PART.match(text, position)
        if match is None:
            raise BatchInvalid(
                [Problem(f"columns[{column}]", f"'{header}' is not a field path.")]
            )
        name, index = match.groups()
        parts.append(name if name is not None else int(index))
        position = match.end()
    if not parts or not isinstance(parts[0], str):
        raise BatchInvalid(
            [Problem(f"columns[{column}]", f"'{header}' is not a field path.")]
        )
    return parts


def _set(target: dict[str, Any], path: list[str | int], value: Any) -> None:
    node: Any = target
    for part, following in zip(path, path[1:], strict=False):
        empty: Any = [] if isinstance(following, int) else {}
        if isinstance(part, int):
            while len(node) <= part:
                node.append(None)
            if node[part] is None:
                node[part] = empty
            node = node[part]
        else:
            node = node.setdefault(part, empty)
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append(None)
    node[last] = value


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat(timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return value


def patches(rows: list[list[Any]]) -> list[dict[str, Any]]:
    """One merge patch per data row; rows with no value at all are skipped."""
    if not rows:
        raise BatchInvalid([Problem("columns", "The spreadsheet has no header row.")])
    headers = [
        (column, _path(str(header), column))
        for column, header in enumerate(rows[0])
        if header is not None and str(header).strip()
    ]
    result = []
    for row in rows[1:]:
        patch: dict[str, Any] = {}
        for column, path in headers:
            value = _cell(row[column]) if column < len(row) else None
            if value is not None and value != "":
                _set(patch, path, value)
        result.append(patch)
    return result


def read_rows(content: bytes, filename: str) -> list[list[Any]]:
    """The rows of a .csv (UTF-8, comma or semicolon) or .xlsx (first sheet)."""
    if filename.lower().endswith(".xlsx"):
        import openpyxl

        try:
            book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        except Exception as exc:  # openpyxl raises many kinds for a broken file
            raise BatchInvalid(
                [Problem("spreadsheet", f"Not a readable .xlsx file: {exc}")]
            ) from exc
        sheet = book.worksheets[0]
        rows = [list(row) for row in sheet.iter_rows(values_only=True)]
        book.close()
        return rows
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BatchInvalid(
            [Problem("spreadsheet", "A .csv file must be UTF-8 text.")]
        ) from exc
    header = text.split("\n", 1)[0]
    delimiter = max(",;\t", key=header.count)  # a comma unless another is more used
    return [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if row]


def row_number(index: int) -> int:
    """The spreadsheet row of the item at ``index``."""
    return index + FIRST_ROW
