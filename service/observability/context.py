"""What the current request told about itself: its id and its log line's fields.

Kept in a context variable rather than on Flask's ``g``, so that code without
Flask (the pipeline in service/documents.py, logging filters) can add to it
and read it. Each request starts a fresh one (:func:`begin`).
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar
from typing import Any

#: The header a request id is taken from and answered in.
REQUEST_ID_HEADER = "X-Request-ID"
#: What a request id sent by a client may look like: letters, digits and a few
#: separators (UUIDs, trace ids), at most 128 characters; anything else is
#: replaced by a generated id rather than written into logs.
VALID_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")

_current: ContextVar[dict[str, Any] | None] = ContextVar(
    "partnerdocs_request", default=None
)


def valid_request_id(sent: str | None) -> str | None:
    """``sent`` if it is a usable request id, else None.

    An id that could be an API key (``pdk_…``, pasted into the wrong header)
    is refused too: it would be logged and echoed.
    """
    if sent is None or not VALID_REQUEST_ID.fullmatch(sent):
        return None
    if "pdk_" in sent.lower():
        return None
    return sent


def begin(sent_request_id: str | None) -> str:
    """Start the fields of a new request; returns its request id."""
    request_id = valid_request_id(sent_request_id) or uuid.uuid4().hex
    _current.set({"request_id": request_id})
    return request_id


def note(**fields: Any) -> None:
    """Add fields to the current request's log line (nothing outside a request)."""
    current = _current.get()
    if current is not None:
        current.update(
            {name: value for name, value in fields.items() if value is not None}
        )


def fields() -> dict[str, Any]:
    """The current request's fields so far (empty outside a request)."""
    return dict(_current.get() or {})


def request_id() -> str | None:
    """The current request's id, or None outside a request."""
    current = _current.get()
    return None if current is None else current.get("request_id")


def end() -> None:
    """Forget the current request's fields (its thread may serve another next)."""
    _current.set(None)
