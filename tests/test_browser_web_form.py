"""The form at GET / driven in Chromium like a person would, keyboard and mouse.

One browser and one live service for the module; each test gets a fresh page
with an empty localStorage. axe-core comes from ``tests/assets/axe.min.js``,
vendored by ``frontend/form``'s build (no network in the tests).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from schemas.jsonschema import json_schema
from schemas.registry import KINDS
from service import create_app
from tests.conftest import PROJECT_ROOT, all_text, open_docx
from tests.funder_template import funder_understanding_template
from tests.store_fixtures import create_api_key, upload

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("PLAYWRIGHT_CHROMIUM", "/usr/bin/chromium")
AXE = PROJECT_ROOT / "tests" / "assets" / "axe.min.js"
TIMEOUT = 20_000


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    """The app for the module, on its own SQLite database."""
    folder = tmp_path_factory.mktemp("form")
    return create_app(
        {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder / 'form.sqlite3'}"}
    )


@pytest.fixture(scope="module")
def live_url(app: Flask) -> Iterator[str]:
    """The app served over HTTP on a free port, in a thread."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """One Chromium for the module."""
    playwright = pytest.importorskip("playwright.sync_api")
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    with playwright.sync_playwright() as driver:
        chromium = driver.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
        )
        yield chromium
        chromium.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    """A fresh page (its own storage) with a default timeout."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, errors


def open_form(page: Any, url: str, kind: str | None = None) -> None:
    """Open the page and wait for the form of ``kind`` (or the kept one)."""
    page.goto(url)
    page.wait_for_selector("#root_title, #root_idea")
    if kind is not None and page.input_value("#kind") != kind:
        page.select_option("#kind", kind)
    page.wait_for_selector("#root_idea" if kind == "first_contact" else "#root_title")


def field_errors(page: Any, field_id: str) -> str:
    """The error text shown beside a field (empty when none)."""
    locator = page.locator(f"#{field_id}__error")
    return locator.inner_text() if locator.count() else ""


def test_two_party_agreement_typed_checked_fixed_and_downloaded(
    page: Any, live_url: str, tmp_path: Path
) -> None:
    open_form(page, f"{live_url}/?lang=da", "agreement")
    page.fill("#root_title", "Læseklub i Aarhus")
    page.fill("#root_parties_0_name", "Aarhus Bibliotek")
    page.fill("#root_parties_1_name", "Læselysten")
    # A third party added and removed again: the list grows and shrinks.
    page.click("#root_parties__add")
    page.fill("#root_parties_2_name", "Forkert Forening")
    page.click("#root_parties_2__remove")
    assert page.locator("#root_parties_2_name").count() == 0
    page.check("#root_parties_1_dependent")  # needs a phase-out plan …
    page.fill("#root_phase_out_plan", "Biblioteket trapper ned over et år.")
    page.click("#root_capacity_building__add")  # … and capacity building
    page.select_option("#root_capacity_building_0_beneficiary", label="Læselysten")
    page.fill("#root_capacity_building_0_area", "Fundraising")
    page.fill("#root_goals_0_description", "Vi mødes en gang om måneden.")
    page.select_option("#root_goals_0_kind", label="Relationsmål")
    # The party references are dropdowns of the parties entered, by name.
    options = page.locator("#root_roles_0_party option").all_inner_texts()
    assert options[1:] == ["Aarhus Bibliotek", "Læselysten"]
    page.select_option("#root_roles_0_party", label="Læselysten")
    page.fill("#root_roles_0_title", "Arrangør")
    page.click("#root_budget_lines__add")
    page.fill("#root_budget_lines_0_description", "Lokaler")
    page.select_option("#root_budget_lines_0_party", label="Aarhus Bibliotek")
    page.fill("#root_budget_lines_0_amount", "85.000,50")
    page.fill("#root_term_start_date", "2026-01-15")

    # The vision is required and still empty: Check shows it beside the field.
    page.click("#check")
    page.wait_for_selector("#root_vision__error")
    assert "Skal udfyldes." in field_errors(page, "root_vision")
    report = page.inner_text("#report")
    assert "Vision" in report
    page.fill("#root_vision", "Flere læser sammen.")
    page.click("#check")
    page.wait_for_selector(".report-ok")
    assert field_errors(page, "root_vision") == ""
    assert "Alt ser rigtigt ud." in page.inner_text("#report")

    with page.expect_download() as download_info:
        page.click("#download")
    download = download_info.value
    assert download.suggested_filename == "Læseklub-i-Aarhus_partnerskabsaftale_da.docx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    text = all_text(open_docx(saved.read_bytes()))
    for words in (
        "Læseklub i Aarhus",
        "Aarhus Bibliotek",
        "Læselysten",
        "Flere læser sammen.",
        "85.000,50",
        "Fundraising",
        "15. januar 2026",
    ):
        assert words in text, words
    assert "Forkert Forening" not in text

    # Nothing typed is lost: the draft survives a reload.
    page.reload()
    page.wait_for_selector("#root_title")
    assert page.input_value("#root_title") == "Læseklub i Aarhus"
    assert page.input_value("#root_parties_1_name") == "Læselysten"
    assert page.input_value("#root_budget_lines_0_amount") == "85.000,50"
    assert page.input_value("#root_roles_0_party") == "party-2"


def test_letter_carries_into_the_understanding_paper(page: Any, live_url: str) -> None:
    open_form(page, f"{live_url}/?lang=en", "first_contact")
    page.fill("#root_sender_name", "Aarhus Library")
    page.fill("#root_sender_representative_name", "Mette Holm")
    page.fill("#root_recipient_organisation", "Reading Club")
    page.fill("#root_subject", "Reading together")
    page.fill("#root_idea", "Monthly reading evenings at the library.")
    letter = json.loads(
        page.evaluate("localStorage.getItem('partnerdocs.draft.first_contact')")
    )
    assert letter["idea"] == "Monthly reading evenings at the library."
    assert not {"goals", "roles", "parties"} & set(letter)  # no agreement leaks in
    page.click("#next-document")
    page.wait_for_selector("#root_purpose")
    assert page.input_value("#kind") == "understanding"
    assert page.input_value("#root_title") == "Reading together"
    assert page.input_value("#root_purpose") == (
        "Monthly reading evenings at the library."
    )
    assert page.input_value("#root_parties_0_name") == "Aarhus Library"
    assert page.input_value("#root_parties_0_representative_name") == "Mette Holm"
    assert page.input_value("#root_parties_1_name") == "Reading Club"
    assert "understanding" in page.inner_text("#report")
    # The understanding paper's data then starts the agreement.
    page.click("#next-document")
    page.wait_for_selector("#root_mission")
    assert page.input_value("#kind") == "agreement"
    assert page.input_value("#root_parties_1_name") == "Reading Club"


def _english_only_texts() -> set[str]:
    """Labels and help whose English differs from the Danish."""
    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for english, danish in (
                ("title", "x-title-da"),
                ("description", "x-description-da"),
            ):
                if english in node and node.get(danish) not in (None, node[english]):
                    found.add(node[english])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for kind in KINDS:
        walk(json_schema(kind))
    return found


ENGLISH_WORDS = ("Add", "Remove", "Move up", "Move down", "Check", "Download")


def test_danish_page_is_danish_throughout(page: Any, live_url: str) -> None:
    english = _english_only_texts()
    for kind in ("agreement", "understanding", "first_contact"):
        open_form(page, f"{live_url}/?lang=da", kind)
        texts = page.evaluate(
            """() => [...document.querySelectorAll(
                'label, legend, button, option, h1, h2, p, .field-description')]
                .map((element) => element.innerText.trim()).filter(Boolean)"""
        )
        assert texts
        leaked = [text for text in texts if text in english or text in ENGLISH_WORDS]
        assert not leaked, (kind, leaked)
        assert page.get_attribute("html", "lang") == "da"
    assert "Tjek" in texts and "Hent Word-dokument" in texts


def _axe(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']}))"
        ".violations.map((v) => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' '))}))"
    )
    return [item for item in result if item["impact"] in ("serious", "critical")]


@pytest.mark.parametrize(("language", "width"), (("da", 375), ("en", 1280)))
def test_axe_finds_no_serious_violations(
    page: Any, live_url: str, language: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    open_form(page, f"{live_url}/?lang={language}", "agreement")
    page.click("#root_budget_lines__add")
    page.click("#root_activities__add")
    page.click("#check")  # with errors showing, too
    page.wait_for_selector("#report")
    violations = _axe(page)
    assert not violations, json.dumps(violations, indent=1)
    # 375 px wide works: nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def test_keyboard_reaches_check_with_a_visible_focus(page: Any, live_url: str) -> None:
    open_form(page, f"{live_url}/?lang=en", "understanding")
    page.focus("#root_title")
    page.keyboard.type("Typed with the keyboard")
    page.focus("#check")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    page.keyboard.press("Enter")
    page.wait_for_selector("#report")
    assert page.evaluate("document.activeElement.id") == "report"


def test_funders_template_with_an_api_key(
    page: Any, live_url: str, app: Flask, tmp_path: Path
) -> None:
    key = create_api_key(app)
    uploaded = upload(
        app.test_client(),
        key,
        funder_understanding_template(),
        name="Fund MoU",
        kind="understanding",
        filename="mou.docx",
    )
    assert uploaded.status_code == 201, uploaded.get_json()
    open_form(page, f"{live_url}/?lang=en", "understanding")
    page.fill("#api-key", key)
    page.click("#load-templates")
    page.wait_for_selector("#template")
    page.select_option("#template", label="Fund MoU")
    page.fill("#root_title", "Reading together")
    page.fill("#root_purpose", "Monthly reading evenings.")
    page.fill("#root_parties_0_name", "Aarhus Library")
    page.fill("#root_parties_1_name", "Reading Club")
    with page.expect_download() as download_info:
        page.click("#download")
    saved = tmp_path / "mou.docx"
    download_info.value.save_as(saved)
    text = all_text(open_docx(saved.read_bytes()))
    assert "Memorandum of understanding" in text
    assert "Monthly reading evenings." in text
    # The key stays in this tab's sessionStorage, never in localStorage.
    assert page.evaluate("sessionStorage.getItem('partnerdocs.apiKey')") == key
    assert key not in page.evaluate("JSON.stringify(localStorage)")


def test_export_and_import_round_trip(page: Any, live_url: str, tmp_path: Path) -> None:
    open_form(page, f"{live_url}/?lang=en", "understanding")
    page.fill("#root_title", "Exported paper")
    page.fill("#root_parties_0_name", "Aarhus Library")
    with page.expect_download() as download_info:
        page.click("#export")
    exported = tmp_path / "understanding.json"
    download_info.value.save_as(exported)
    data = json.loads(exported.read_text())
    assert data["title"] == "Exported paper"
    assert data["parties"][0]["name"] == "Aarhus Library"
    assert data["parties"][0]["id"] == "party-1"
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("#clear")
    assert page.input_value("#root_title") == ""
    page.set_input_files("#import", str(exported))
    page.wait_for_function(
        "document.getElementById('root_title').value === 'Exported paper'"
    )
    assert page.input_value("#root_parties_0_name") == "Aarhus Library"
