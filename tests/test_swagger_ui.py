"""Swagger UI at /docs: served from the package, built from npm, renders the API.

The assets in ``service/static/swagger-ui/`` are copied from the
``swagger-ui-dist`` that ``frontend/swagger-ui/package-lock.json`` pins (run
``npm ci && npm run build`` there). A browser test loads /docs in Chromium and
checks that the operations are listed: the OpenAPI document is 3.1, which
Swagger UI 4 could not render.
"""

from __future__ import annotations

import fnmatch
import json
import os
import shutil
import threading
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from werkzeug.serving import make_server

from service import create_app
from tests.conftest import PROJECT_ROOT

ASSETS_DIR = PROJECT_ROOT / "service" / "static" / "swagger-ui"
FRONTEND_DIR = PROJECT_ROOT / "frontend" / "swagger-ui"
ASSETS = ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css")
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")


def locked_version() -> str:
    """The swagger-ui-dist version the lockfile pins."""
    lock = json.loads((FRONTEND_DIR / "package-lock.json").read_text())
    version: str = lock["packages"]["node_modules/swagger-ui-dist"]["version"]
    return version


def test_committed_assets_are_the_locked_swagger_ui_version() -> None:
    version = locked_version()
    assert version.split(".")[0] == "5"  # the first major that reads OpenAPI 3.1
    assert (ASSETS_DIR / "VERSION").read_text().strip() == version
    bundle = (ASSETS_DIR / "swagger-ui-bundle.js").read_text(encoding="utf-8")
    assert f'"{version}"' in bundle


def test_package_data_ships_the_assets() -> None:
    """A non-editable install must carry the assets, or /docs is blank."""
    pyproject = tomllib.loads((PROJECT_ROOT / "pyproject.toml").read_text())
    patterns = pyproject["tool"]["setuptools"]["package-data"]["service"]
    for path in ASSETS_DIR.iterdir():
        relative = path.relative_to(PROJECT_ROOT / "service").as_posix()
        assert any(fnmatch.fnmatch(relative, pattern) for pattern in patterns)


def test_docs_page_loads_the_packaged_assets(client: FlaskClient) -> None:
    page = client.get("/docs").get_data(as_text=True)
    for name in ASSETS:
        assert f"/static/swagger-ui/{name}" in page
        asset = client.get(f"/static/swagger-ui/{name}")
        assert asset.status_code == 200
        assert asset.get_data() == (ASSETS_DIR / name).read_bytes()
        asset.close()


@pytest.fixture()
def live_url(tmp_path: Path) -> Iterator[str]:
    """The app served over HTTP on a free port, in a thread."""
    app = create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'docs.sqlite3'}"}
    )
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.mark.browser
def test_swagger_ui_lists_the_operations_in_chromium(
    live_url: str, tmp_path: Path
) -> None:
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as driver:
        browser = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 2000})
            page.goto(f"{live_url}/docs")
            # The operations, or Swagger UI's own "cannot render" messages.
            page.wait_for_selector(
                ".opblock-summary-path, .version-pragma, .errors-wrapper",
                timeout=20_000,
            )
            paths = page.locator(".opblock-summary-path").all_inner_texts()
            text = page.inner_text("body")
            page.screenshot(path=str(tmp_path / "docs.png"))
        finally:
            browser.close()
    assert "Unable to render this definition" not in text
    assert "/v1/documents/agreement" in [path.strip() for path in paths]
    assert "/v1/schemas/{kind}" in [path.strip() for path in paths]
    assert "Partnership documents" in text
