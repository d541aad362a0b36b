"""The HTTP edge under the real gunicorn and gunicorn.conf.py, spoken to over sockets.

Chunked bodies get the same limits as others, gunicorn's own errors answer
JSON, API keys stay out of the logs, and slow clients do not stop the server.
"""

from __future__ import annotations

import base64
import io
import json
import socket
import urllib.request
from collections.abc import Iterator
from contextlib import ExitStack

import pytest
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from service import create_app
from service.storage.repository import PREFIX_LENGTH
from tests.conftest import PROJECT_ROOT, all_text, open_docx
from tests.funder_template import funder_agreement_template
from tests.gunicorn_server import (
    Server,
    chunked,
    database_url,
    exchange,
    running_gunicorn,
    split_response,
)
from tests.store_fixtures import create_api_key

JSON_LIMIT = 16 * 1024
UPLOAD_LIMIT = 64 * 1024
EXAMPLE = PROJECT_ROOT / "agreement_templates" / "examples" / "agreement.en.json"


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, str]]:
    """gunicorn with small body limits, and an API key in its database."""
    folder = tmp_path_factory.mktemp("gunicorn")
    app = create_app({"TESTING": True, "DATABASE_URL": database_url(folder)})
    key = create_api_key(app)
    limits = {
        "MAX_CONTENT_LENGTH": str(JSON_LIMIT),
        "TEMPLATE_MAX_UPLOAD_BYTES": str(UPLOAD_LIMIT),
    }
    with running_gunicorn(folder, env=limits) as server:
        yield server, key


def _post_chunked(
    server: Server, path: str, body: bytes, content_type: str, key: str = ""
) -> tuple[int, dict[str, str], bytes]:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: {content_type}\r\nTransfer-Encoding: chunked\r\n"
        + (f"Authorization: Bearer {key}\r\n" if key else "")
        + "Connection: close\r\n\r\n"
    )
    return split_response(exchange(server.port, head.encode() + chunked(body)))


def _multipart(content: bytes) -> tuple[bytes, str]:
    boundary, body = encode_multipart(
        {
            "name": "Grant agreement",
            "kind": "agreement",
            "language": "en",
            "file": FileStorage(io.BytesIO(content), "grant.docx"),
        }
    )
    return body, f"multipart/form-data; boundary={boundary}"


# --- chunked bodies -------------------------------------------------------------


def test_chunked_json_within_the_limit_is_validated(served: tuple[Server, str]) -> None:
    server, _ = served
    status, _, body = _post_chunked(
        server, "/v1/validate/agreement", b'{"kind": "x"}', "application/json"
    )
    assert status == 422
    assert {"path": "kind", "message": "Unknown field."} in json.loads(body)["errors"]


def test_chunked_json_over_the_limit_is_413(served: tuple[Server, str]) -> None:
    server, _ = served
    oversized = b'{"title": "' + b"x" * (2 * JSON_LIMIT) + b'"}'
    status, headers, body = _post_chunked(
        server, "/v1/validate/agreement", oversized, "application/json"
    )
    assert status == 413
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["code"] == 413


def test_chunked_render_valid_when_cut_at_the_limit_is_413(
    served: tuple[Server, str],
) -> None:
    """Cut at the limit this body is a whole agreement; it used to render (200)."""
    server, _ = served
    padded = EXAMPLE.read_bytes() + b" " * JSON_LIMIT
    status, _, body = _post_chunked(
        server, "/v1/documents/agreement", padded, "application/json"
    )
    assert status == 413
    assert json.loads(body)["code"] == 413


def test_chunked_upload_within_its_limit_is_stored(served: tuple[Server, str]) -> None:
    server, key = served
    body, content_type = _multipart(funder_agreement_template())
    status, _, answer = _post_chunked(server, "/v1/templates", body, content_type, key)
    assert status == 201, answer
    assert json.loads(answer)["name"] == "Grant agreement"


def test_chunked_upload_over_its_limit_is_413(served: tuple[Server, str]) -> None:
    server, key = served
    body, content_type = _multipart(b"PK" + b"\0" * (UPLOAD_LIMIT + 100 * 1024))
    status, _, answer = _post_chunked(server, "/v1/templates", body, content_type, key)
    assert status == 413
    assert json.loads(answer)["message"].endswith("at most 64 KiB.")


# --- gunicorn's own errors -------------------------------------------------------


def test_overlong_request_line_answers_json_414(served: tuple[Server, str]) -> None:
    server, _ = served
    request = f"GET /v1/kinds?q={'a' * 10000} HTTP/1.1\r\nHost: x\r\n\r\n"
    status, headers, body = split_response(exchange(server.port, request.encode()))
    assert status == 414
    assert headers["content-type"] == "application/json"
    assert json.loads(body) == {
        "code": 414,
        "status": "Request URI Too Long",
        "message": "The request line (method, path and query) is longer than the "
        "server accepts.",
    }


@pytest.mark.parametrize(
    "headers",
    (
        f"X-Large: {'b' * 10000}\r\n",
        "".join(f"X-Header-{number}: x\r\n" for number in range(150)),
    ),
    ids=("one too large", "too many"),
)
def test_too_large_headers_answer_json_431(
    served: tuple[Server, str], headers: str
) -> None:
    server, _ = served
    request = f"GET /healthz HTTP/1.1\r\nHost: x\r\n{headers}\r\n"
    status, answer_headers, body = split_response(
        exchange(server.port, request.encode())
    )
    assert status == 431
    assert answer_headers["content-type"] == "application/json"
    assert json.loads(body)["status"] == "Request Header Fields Too Large"


def test_broken_request_line_answers_json_400(served: tuple[Server, str]) -> None:
    server, _ = served
    status, headers, body = split_response(
        exchange(server.port, b"GET /healthz HTTP/1.1 and more\r\n\r\n")
    )
    assert status == 400
    assert headers["content-type"] == "application/json"
    assert json.loads(body)["message"].startswith("The request is not valid HTTP")


# --- keys stay out of the logs ---------------------------------------------------


def test_api_keys_never_reach_the_logs(served: tuple[Server, str]) -> None:
    """Sent as Basic user, Bearer token, query argument, in a bad request line."""
    server, key = served
    basic = base64.b64encode(f"{key}:".encode()).decode()
    requests = (
        f"GET /v1/templates HTTP/1.1\r\nHost: x\r\nAuthorization: Basic {basic}\r\n",
        f"GET /v1/templates HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\r\n",
        f"GET /v1/templates/nope?api_key={key} HTTP/1.1\r\nHost: x\r\n",
        f"POST /v1/documents/agreement?template=t&key={key} HTTP/1.1\r\nHost: x\r\n"
        f"Authorization: Bearer {key}\r\nContent-Type: application/json\r\n"
        "Content-Length: 2\r\n",
        f"GET /v1/kinds?key={key} HTTP/1.1 junk\r\nHost: x\r\n",
        f"GET /v1/kinds?key={key}&pad={'p' * 9000} HTTP/1.1\r\nHost: x\r\n",
        f"GET /v1/kinds HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {key}\x01\r\n",
    )
    statuses = []
    for request in requests:
        body = "{}" if request.startswith("POST") else ""
        raw = exchange(
            server.port, f"{request}Connection: close\r\n\r\n{body}".encode()
        )
        statuses.append(split_response(raw)[0])
    assert statuses == [401, 200, 401, 422, 400, 414, 400]
    logs = server.logs()
    assert '"GET /v1/templates HTTP/1.1" 401' in logs  # the access log is there
    assert key not in logs
    assert key[PREFIX_LENGTH:] not in logs
    assert basic not in logs


# --- slow clients -----------------------------------------------------------------


def test_slow_clients_do_not_block_health_or_renders(
    served: tuple[Server, str],
) -> None:
    """Eight clients hold a half-sent body open (two blocked sync workers)."""
    server, _ = served
    head = (
        "POST /v1/documents/agreement HTTP/1.1\r\nHost: x\r\n"
        'Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{"title": '
    )
    with ExitStack() as stack:
        for _ in range(8):
            slow = stack.enter_context(
                socket.create_connection(("127.0.0.1", server.port))
            )
            slow.sendall(head.encode())
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=10) as answer:
            assert json.loads(answer.read())["status"] == "ok"
        render = urllib.request.Request(
            f"{server.url}/v1/documents/agreement",
            data=EXAMPLE.read_bytes(),
            headers={"Content-Type": "application/json"},
        )
        with urllib.request.urlopen(render, timeout=10) as answer:
            content = answer.read()
        assert "Kilimanjaro Learning Trust" in all_text(open_docx(content))
