"""What README.md and docs/templates.md show is what the service produces."""

from __future__ import annotations

import re
from decimal import Decimal

from docx.document import Document as DocumentObject
from flask.testing import FlaskClient

from service.rendering.environment import ENVIRONMENT
from tests.conftest import PROJECT_ROOT, example_text, open_docx

ROW = re.compile(r"^\|(.+)\|$")


def table_after(text: str, header: str) -> list[list[str]]:
    """The body rows of the Markdown table whose header row is ``header``."""
    lines = text.splitlines()
    start = lines.index(header) + 2  # skip the header and the --- row
    rows = []
    for line in lines[start:]:
        match = ROW.match(line.strip())
        if not match:
            break
        rows.append([cell.strip().strip("`") for cell in match.group(1).split("|")])
    return rows


def raw_text(document: DocumentObject) -> str:
    """Body and table text exactly as written, no-break spaces kept."""
    chunks = [paragraph.text for paragraph in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            chunks.extend(cell.text for cell in row.cells)
    return "\n".join(chunks)


def test_readme_kind_names_are_the_names_kinds_lists(client: FlaskClient) -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    documented = {
        kind: {"da": danish, "en": english}
        for kind, danish, english in table_after(readme, "| kind | Danish | English |")
    }
    listed = {
        entry["kind"]: entry["names"]
        for entry in client.get("/v1/kinds").get_json()["kinds"]
    }
    assert listed == documented


def test_money_examples_in_the_template_guide_are_what_the_filter_writes() -> None:
    guide = (PROJECT_ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    rows = table_after(guide, "| currency | Danish | English |")
    assert {currency for currency, _, _ in rows} >= {"DKK", "EUR"}
    template = ENVIRONMENT.from_string("{{ amount|money(currency) }}")
    for currency, danish, english in rows:
        for language, documented in (("da", danish), ("en", english)):
            written = template.render(
                amount=Decimal("85000.50"), currency=currency, language=language
            )
            # The guide's space between number and currency is a no-break one.
            assert written == documented.replace(" ", "\xa0")


def test_english_eur_amounts_keep_number_and_currency_together(
    client: FlaskClient,
) -> None:
    response = client.post(
        "/v1/documents/agreement",
        data=example_text("agreement.en.json"),  # budget in EUR
        content_type="application/json",
    )
    assert response.status_code == 200
    text = raw_text(open_docx(response.data))
    assert "EUR\xa018,000.00" in text
    assert "EUR\xa04,500.00" in text
    assert "€" not in text
