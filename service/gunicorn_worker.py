"""The gunicorn worker the service runs on: gthread, with gunicorn's own errors as JSON.

gunicorn answers requests it cannot parse itself, before the app sees them
(an overlong request line 414, too many or too large headers 431, broken
HTTP 400), with an HTML page, and logs the offending request line or header,
which may carry an API key. This worker answers those in the service's JSON
error shape and logs only the kind of problem and the client address.
gunicorn.conf.py selects it; docs/deployment.md lists what stays gunicorn's.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
from datetime import datetime
from typing import Any

from gunicorn import util
from gunicorn.http import errors
from gunicorn.http.wsgi import Response, default_environ
from gunicorn.workers.gthread import ThreadWorker
from werkzeug.http import HTTP_STATUS_CODES

#: gunicorn's parse errors that are not a plain 400, with what to tell the client.
_STATUSES: tuple[tuple[type[BaseException], int, str], ...] = (
    (
        errors.LimitRequestLine,
        414,
        "The request line (method, path and query) is longer than the server accepts.",
    ),
    (
        errors.LimitRequestHeaders,
        431,
        "The request has more headers, or larger ones, than the server accepts.",
    ),
    (
        errors.UnsupportedTransferCoding,
        501,
        "The Transfer-Encoding is not supported: send chunked or a Content-Length.",
    ),
    (errors.ExpectationFailed, 417, "The Expect header cannot be met."),
    (errors.ForbiddenProxyRequest, 403, "The proxy is not trusted."),
    (errors.ConfigurationProblem, 500, "The server is misconfigured."),
    (ssl.SSLError, 403, "The TLS connection failed."),
)
#: An error in the response the app produced is the server's fault, not the client's.
_SERVER_FAULTS = (errors.InvalidResponseHeader, errors.InvalidResponseHeaderName)


_WORD_START = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _words(error: BaseException) -> str:
    """``InvalidHTTPVersion`` → ``invalid http version``: the problem, not the data."""
    return _WORD_START.sub(" ", type(error).__name__).lower()


def classify(error: BaseException) -> tuple[int, str]:
    """The status and the client's message for an error gunicorn raised."""
    if isinstance(error, _SERVER_FAULTS):
        return 500, "An internal error occurred. It has been logged."
    for kind, status, message in _STATUSES:
        if isinstance(error, kind):
            return status, message
    if isinstance(error, errors.ParseException):
        return 400, f"The request is not valid HTTP: {_words(error)}."
    return 500, "An internal error occurred. It has been logged."


def error_bytes(status: int, message: str) -> bytes:
    """A complete HTTP response carrying the service's JSON error shape."""
    reason = HTTP_STATUS_CODES.get(status, "Error")
    body = json.dumps({"code": status, "status": reason, "message": message})
    head = (
        f"HTTP/1.1 {status} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: application/json\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    return (head + body).encode("latin-1")


class JsonErrorWorker(ThreadWorker):
    """gunicorn's threaded worker answering its own errors in JSON."""

    def handle_error(
        self, req: Any, client: socket.socket, addr: Any, exc: BaseException
    ) -> None:
        """Log the problem without request data, answer it as JSON."""
        started = datetime.now()
        addr = addr or ("", -1)  # a unix socket has no address
        status, message = classify(exc)
        if status >= 500:
            self.log.error(
                "Error handling a request from ip=%s: %s",
                addr[0],
                _words(exc),
                exc_info=(type(exc), exc, exc.__traceback__),
            )
        else:
            self.log.warning("Invalid request from ip=%s: %s", addr[0], _words(exc))
        if req is not None:
            environ = default_environ(req, client, self.cfg)
            environ["REMOTE_ADDR"] = addr[0]
            environ["REMOTE_PORT"] = str(addr[1])
            response = Response(req, client, self.cfg)
            response.status = f"{status} {HTTP_STATUS_CODES.get(status, 'Error')}"
            self.log.access(response, req, environ, datetime.now() - started)
        try:
            util.write_nonblock(client, error_bytes(status, message))
        except OSError:
            self.log.debug("Failed to send error message.")
