"""JSON log lines (python-json-logger), each with the request id, never a key.

Every record the process logs — the app's, SQLAlchemy's, gunicorn's error log
once it propagates — goes through one handler on the root logger that writes
one JSON object per line to stderr. The formatter redacts anything shaped like
an API key from the finished line (message, arguments and traceback alike), so
a key that reaches a log call by mistake still never reaches the log.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import TextIO

from pythonjsonlogger.json import JsonFormatter

from service.observability import context

#: An API key (``pdk_`` and 43 URL-safe characters, see service/storage/repository.py):
#: its first 12 characters are its public prefix, the rest is secret.
KEY_PATTERN = re.compile(r"(pdk_[A-Za-z0-9_-]{8})[A-Za-z0-9_-]{8,}")
REDACTED = r"\1[redacted]"
#: Attribute marking the handler this module installed (so it is installed once).
_MARKER = "partnerdocs_json"
FORMAT = "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s"
DATE_FORMAT = "%Y-%m-%dT%H:%M:%S%z"


def redact(text: str) -> str:
    """``text`` with every API key cut to its public prefix."""
    return KEY_PATTERN.sub(REDACTED, text)


class RedactingJsonFormatter(JsonFormatter):
    """python-json-logger's formatter, with keys redacted from the whole line."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as one JSON line, keys redacted."""
        return redact(super().format(record))


class TextFormatter(logging.Formatter):
    """Plain text lines (``LOG_FORMAT=text``), keys redacted likewise."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as text, keys redacted."""
        return redact(super().format(record))


class RequestIdFilter(logging.Filter):
    """Stamp every record logged during a request with that request's id."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``request_id`` (when in a request) and let the record pass."""
        if not hasattr(record, "request_id"):
            request_id = context.request_id()
            if request_id is not None:
                record.request_id = request_id
        return True


def json_formatter() -> logging.Formatter:
    """The JSON formatter the service's handler (and gunicorn's) use."""
    return RedactingJsonFormatter(
        FORMAT,
        datefmt=DATE_FORMAT,
        rename_fields={
            "asctime": "time",
            "levelname": "level",
            "name": "logger",
            "process": "pid",
        },
    )


class StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """A stream handler writing to whatever ``sys.stderr`` is when it emits.

    Bound to the stream of the moment logging was set up, the handler would
    outlive it when that was a stream closed since (click's ``CliRunner``, a
    pytest session's capture under mutmut): every later record would become a
    "Logging error" in whatever output is captured then.
    """

    def __init__(self) -> None:
        logging.Handler.__init__(self)

    @property
    def stream(self) -> TextIO:  # type: ignore[override]
        """The current ``sys.stderr``."""
        return sys.stderr


def configure_logging(log_format: str, level: str = "INFO") -> None:
    """Log to stderr in ``log_format`` ("json" or "text"), once per process."""
    root = logging.getLogger()
    for handler in root.handlers:
        if getattr(handler, _MARKER, False):
            return
    handler = StderrHandler()
    handler.setFormatter(
        json_formatter() if log_format == "json" else TextFormatter(FORMAT, DATE_FORMAT)
    )
    handler.addFilter(RequestIdFilter())
    setattr(handler, _MARKER, True)
    root.addHandler(handler)
    root.setLevel(level)
