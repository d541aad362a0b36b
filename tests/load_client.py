"""A few threads of mixed requests against a running server, for fault tests.

Each request's outcome (a status, or the connection error it ended in) is
kept, so that a test can say which failures its fault may cause and that the
rest succeeded.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from tests.conftest import PROJECT_ROOT
from tests.funder_template import funder_agreement_template

EXAMPLE = (PROJECT_ROOT / "agreement_templates/examples/agreement.en.json").read_bytes()
#: What a request cut off by a dying server process ends in.
CONNECTION_ERRORS = (
    ConnectionError,
    http.client.RemoteDisconnected,
    http.client.IncompleteRead,
)


@dataclass
class Outcome:
    """One request: what it was, and its status or error."""

    what: str
    status: int | None = None
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    error: BaseException | None = None


def call(
    url: str,
    *,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str = "GET",
    timeout: float = 60,
) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of one request; error statuses too."""
    request = urllib.request.Request(url, data, headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def multipart(fields: dict[str, str], content: bytes) -> tuple[bytes, str]:
    """A multipart/form-data body with ``fields`` and the .docx, and its type."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        f"{value}\r\n".encode()
        for name, value in fields.items()
    ]
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        'filename="grant.docx"\r\nContent-Type: application/octet-stream\r\n\r\n'
    )
    parts.append(head.encode() + content + f"\r\n--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


Answer = tuple[int, dict[str, str], bytes]


def requests_of(base: str, key: str) -> list[tuple[str, Callable[[], Answer]]]:
    """The mix: a built-in render, a template upload, a listing."""
    auth = {"Authorization": f"Bearer {key}"}
    body, content_type = multipart(
        {"name": "Grant agreement", "kind": "agreement", "language": "en"},
        funder_agreement_template(),
    )

    def render() -> Answer:
        return call(
            f"{base}/v1/documents/agreement",
            data=EXAMPLE,
            headers={"Content-Type": "application/json"},
            method="POST",
        )

    def upload() -> Answer:
        return call(
            f"{base}/v1/templates",
            data=body,
            headers={**auth, "Content-Type": content_type},
            method="POST",
        )

    def listing() -> Answer:
        return call(f"{base}/v1/templates", headers=auth)

    return [("render", render), ("upload", upload), ("list", listing)]


@contextmanager
def load(base: str, key: str, threads: int = 6) -> Iterator[list[Outcome]]:
    """Keep ``threads`` threads sending the mix until the block ends."""
    outcomes: list[Outcome] = []
    stop = threading.Event()
    mix = requests_of(base, key)

    def work(offset: int) -> None:
        turn = offset
        while not stop.is_set():
            what, send = mix[turn % len(mix)]
            turn += 1
            try:
                status, headers, content = send()
                outcomes.append(Outcome(what, status, content, headers))
            except (OSError, http.client.HTTPException) as error:
                outcomes.append(Outcome(what, error=error))
                time.sleep(0.05)

    workers = [threading.Thread(target=work, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    try:
        yield outcomes
    finally:
        stop.set()
        for worker in workers:
            worker.join(timeout=120)
