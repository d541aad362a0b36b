"""A web form on another site posts to the service from a real browser (Chromium)."""

from __future__ import annotations

import base64
import json
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from service import create_app
from tests.conftest import all_text, example_text, open_docx

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
FORM_PAGE = """<!doctype html>
<html><body>
<form id="form"><textarea id="body"></textarea><button id="send">Send</button></form>
<p id="result">waiting</p>
<script>
document.getElementById("form").addEventListener("submit", async (event) => {
  event.preventDefault();
  try {
    const response = await fetch("%(service)s/v1/documents/agreement", {
      method: "POST",
      headers: {"Content-Type": "application/json"},
      body: document.getElementById("body").value,
    });
    const bytes = new Uint8Array(await response.arrayBuffer());
    let binary = "";
    for (const byte of bytes) binary += String.fromCharCode(byte);
    const disposition = response.headers.get("Content-Disposition");
    document.getElementById("result").textContent =
      response.status + "|" + disposition + "|" + btoa(binary);
  } catch (error) {
    document.getElementById("result").textContent = "blocked: " + error.name;
  }
});
</script>
</body></html>
"""


def _serve_in_thread(server) -> threading.Thread:  # type: ignore[no-untyped-def]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


@pytest.fixture()
def form_site(tmp_path: Path) -> Iterator[str]:
    """A static site on its own origin (another port) that will hold the form."""
    handler = lambda *args: SimpleHTTPRequestHandler(  # noqa: E731
        *args, directory=str(tmp_path)
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    _serve_in_thread(server)
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _service(tmp_path: Path, allowed_origin: str) -> tuple[str, object]:
    app = create_app(
        {
            "TESTING": True,
            "CORS_ORIGINS": [allowed_origin],
            "DATABASE_URL": f"sqlite:///{tmp_path / 'browser.sqlite3'}",
        }
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    _serve_in_thread(server)
    return f"http://127.0.0.1:{server.server_port}", server


def _submit_form(page_url: str) -> str:
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            page = browser.new_page()
            page.goto(page_url)
            page.fill("#body", example_text("agreement.da.json"))
            page.click("#send")
            page.wait_for_function(
                "document.getElementById('result').textContent !== 'waiting'",
                timeout=20_000,
            )
            return page.inner_text("#result")
        finally:
            browser.close()


def test_form_on_an_allowed_origin_gets_the_document_and_its_name(
    tmp_path: Path, form_site: str
) -> None:
    service_url, server = _service(tmp_path, allowed_origin=form_site)
    (tmp_path / "form.html").write_text(FORM_PAGE % {"service": service_url})
    try:
        status, disposition, content = _submit_form(f"{form_site}/form.html").split(
            "|", 2
        )
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    assert status == "200"
    document = open_docx(base64.b64decode(content))
    text = all_text(document)
    example = json.loads(example_text("agreement.da.json"))
    assert example["title"] in text
    for party in example["parties"]:
        assert party["name"] in text
    assert "Sansefort%C3%A6llingen_partnerskabsaftale_da.docx" in disposition


def test_form_on_another_origin_is_blocked_by_the_browser(
    tmp_path: Path, form_site: str
) -> None:
    service_url, server = _service(tmp_path, allowed_origin="https://forms.example.org")
    (tmp_path / "form.html").write_text(FORM_PAGE % {"service": service_url})
    try:
        result = _submit_form(f"{form_site}/form.html")
    finally:
        server.shutdown()  # type: ignore[attr-defined]
        server.server_close()  # type: ignore[attr-defined]
    assert result.startswith("blocked")
