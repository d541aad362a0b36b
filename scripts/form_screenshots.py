"""Regenerate docs/form/*.png: the form at GET / in Danish and English, on a
desktop and on a 375 px phone, filled in from the project's own examples.

    .venv/bin/python scripts/form_screenshots.py

Starts the app on a free port in this process, drives Debian's chromium
(PLAYWRIGHT_CHROMIUM overrides the path) and shrinks each picture with pngquant.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402
from service.examples import EXAMPLES_DIR  # noqa: E402

OUT = ROOT / "docs" / "form"
CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
#: (file name, page language, width, height, what to show)
SHOTS = (
    ("form.da.desktop.png", "da", 1280, 1500, "top"),
    ("form.en.desktop.png", "en", 1280, 1500, "top"),
    ("form.da.phone.png", "da", 375, 1300, "parties"),
    ("form.en.phone.png", "en", 375, 1300, "parties"),
    ("form.da.check.png", "da", 1280, 1100, "check"),
)


def _seed(page: Page, language: str) -> None:
    """Keep the agreement example as the page's draft before the page loads."""
    example = json.loads((EXAMPLES_DIR / f"agreement.{language}.json").read_text())
    script = (
        "localStorage.setItem('partnerdocs.kind', 'agreement');"
        f"localStorage.setItem('partnerdocs.draft.agreement', {json.dumps(json.dumps(example))});"  # noqa: E501
    )
    page.add_init_script(script)


def _shoot(page: Page, url: str, name: str, what: str, folder: Path) -> Path:
    page.goto(url)
    page.wait_for_selector("#root_title")
    if what == "parties":
        page.locator("#root_parties_0").scroll_into_view_if_needed()
        page.evaluate("window.scrollBy(0, -80)")
    if what == "check":
        page.fill("#root_vision", "")
        page.click("#check")
        page.wait_for_selector("#root_vision__error")
        page.evaluate("window.scrollTo(0, 0)")
    path = folder / name
    page.screenshot(path=str(path))
    return path


def main() -> None:
    """Take the screenshots and write them, compressed, to docs/form/."""
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'shots.sqlite3'}"}
        )
        server = make_server("127.0.0.1", 0, app, threaded=True)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_port}"
        taken: list[Path] = []
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"]
                )
                for name, language, width, height, what in SHOTS:
                    context = browser.new_context(
                        viewport={"width": width, "height": height},
                        locale="da-DK" if language == "da" else "en-GB",
                    )
                    page = context.new_page()
                    _seed(page, language)
                    url = f"{base}/?lang={language}"
                    taken.append(_shoot(page, url, name, what, folder))
                    context.close()
                browser.close()
        finally:
            server.shutdown()
        OUT.mkdir(parents=True, exist_ok=True)
        pngquant = shutil.which("pngquant")
        for path in taken:
            target = OUT / path.name
            if pngquant:
                subprocess.run(
                    [pngquant, "64", "--speed", "1", "--strip", "--force",
                     "--output", str(target), str(path)],
                    check=True,
                )  # fmt: skip
            else:
                shutil.copy(path, target)
            print(f"{target.relative_to(ROOT)}  {target.stat().st_size // 1024} KB")


if __name__ == "__main__":
    main()
