"""Start the real gunicorn on wsgi:app for a test: its settings, its logs, a raw socket.

gunicorn runs from the project's folder, so it reads gunicorn.conf.py as
scripts/serve.sh does. Its stdout (access log) and stderr (error log) go to
files the test can read once the server has stopped.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.conftest import PROJECT_ROOT


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A running gunicorn: where it listens and where it logs."""

    port: int
    access_log: Path
    error_log: Path

    @property
    def url(self) -> str:
        """The server's base URL."""
        return f"http://127.0.0.1:{self.port}"

    def logs(self) -> str:
        """Everything gunicorn and the app logged, access and error log."""
        return self.access_log.read_text() + self.error_log.read_text()


def database_url(folder: Path) -> str:
    """The SQLite database a test's server (and the test itself) use."""
    return f"sqlite:///{folder / 'gunicorn.sqlite3'}"


@contextmanager
def running_gunicorn(
    folder: Path, *args: str, env: Mapping[str, str] | None = None
) -> Iterator[Server]:
    """gunicorn on a free port with ``args`` added, stopped when the block ends."""
    port = free_port()
    server = Server(port, folder / "access.log", folder / "error.log")
    # ``env`` may name another DATABASE_URL (a PostgreSQL server of the test)
    environ = {**os.environ, "DATABASE_URL": database_url(folder), **(env or {})}
    command = [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}"]
    with server.access_log.open("wb") as out, server.error_log.open("wb") as err:
        process = subprocess.Popen(
            [*command, *args, "wsgi:app"],
            cwd=PROJECT_ROOT,
            env=environ,
            stdout=out,
            stderr=err,
        )
        try:
            _wait_until_healthy(server, process)
            yield server
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_until_healthy(server: Server, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"{server.url}/healthz", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(server.error_log.read_text()) from None
            time.sleep(0.2)


def exchange(port: int, request: bytes, *, timeout: float = 20) -> bytes:
    """Send raw bytes, read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def split_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Status, headers (lower-case names) and body of a raw HTTP/1.1 answer."""
    head, _, body = raw.partition(b"\r\n\r\n")
    status_line, *header_lines = head.decode("latin-1").split("\r\n")
    headers = {}
    for line in header_lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding") == "chunked":
        body = dechunk(body)
    return int(status_line.split()[1]), headers, body


def dechunk(body: bytes) -> bytes:
    """The payload of a chunked body."""
    payload = b""
    while True:
        size_line, _, body = body.partition(b"\r\n")
        size = int(size_line.split(b";")[0], 16)
        if size == 0:
            return payload
        payload += body[:size]
        body = body[size + 2 :]


def chunked(body: bytes, size: int = 1000) -> bytes:
    """``body`` in Transfer-Encoding: chunked framing, ``size`` bytes a chunk."""
    framed = b"".join(
        b"%x\r\n%s\r\n" % (len(body[at : at + size]), body[at : at + size])
        for at in range(0, len(body), size)
    )
    return framed + b"0\r\n\r\n"
