"""scripts/review.py lays the built-in documents out with LibreOffice (skipped
without soffice).

The six full examples and one ready-made .docx go through the script's command
line in ONE LibreOffice call; every test reads that call's PDFs and PNGs.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import re
import shutil
import struct
import sys
from pathlib import Path
from types import ModuleType

import pytest

from tests.conftest import PROJECT_ROOT
from tests.test_builtin_templates import SIX, TODAY, load, render

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not on PATH"),
    pytest.mark.skipif(
        shutil.which("pdftoppm") is None, reason="poppler-utils not installed"
    ),
]

FULL_EXAMPLES = PROJECT_ROOT / "tests" / "full_examples"
#: The names of the parties and of their signers in the full examples.
SIGNERS = {
    ("agreement", "da"): {
        "Skovby Kommune, Kultur og Fritid": "Hanne Vestergaard",
        "Lund & Søn ApS": "Mikkel Lund",
        "Foreningen Gårdmusik": "Yasmin Haddad",
    },
    ("agreement", "en"): {
        "Nordic Byte A/S": "Sune Kjær",
        "Youth & Tech Denmark": "Amira Jensen",
        "Kibera Girls Code Initiative": "Wanjiru Otieno",
    },
    ("understanding", "da"): {
        "Åby Bibliotekerne": "Birgitte Mørk",
        "Idrætsklubben Åby & Omegn": "Jens Holt",
    },
    ("understanding", "en"): {
        "Riverside School": "Maria Thomsen",
        "Green Fingers & Friends": "Tove Winther",
    },
}
SIGNATURES_HEADING = {"da": "Underskrifter", "en": "Signatures"}
PAGE_OF = {"da": "Side {} af {}", "en": "Page {} of {}"}


@pytest.fixture(scope="module")
def review() -> ModuleType:
    """scripts/review.py, imported as a module."""
    spec = importlib.util.spec_from_file_location(
        "review", PROJECT_ROOT / "scripts" / "review.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


@pytest.fixture(scope="module")
def reviewed(review, tmp_path_factory) -> tuple[Path, str]:
    """The output folder and printed lines of one run of the review command."""
    out = tmp_path_factory.mktemp("review")
    ready_made = tmp_path_factory.mktemp("input") / "minimal-agreement.da.docx"
    ready_made.write_bytes(render("agreement", load("minimal", "agreement", "da")))
    inputs = [str(FULL_EXAMPLES / f"{kind}.{language}.json") for kind, language in SIX]
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        status = review.main(
            [*inputs, str(ready_made), "--out", str(out), "--today", str(TODAY)]
        )
    assert status == 0
    return out, printed.getvalue()


def pdf(reviewed: tuple[Path, str], name: str) -> Path:
    """The PDF the review command made of the document ``name``."""
    return reviewed[0] / f"{name}.pdf"


def words(text: str) -> str:
    """Text with every run of white space made one space."""
    return " ".join(text.split())


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG, from its header."""
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n", path
    width, height = struct.unpack(">II", header[16:24])
    return width, height


# ---------------------------------------------------------------- the script


def test_review_prints_a_pdf_and_png_pages_for_every_input(reviewed, review):
    out, printed = reviewed
    names = [f"{kind}.{language}" for kind, language in SIX] + ["minimal-agreement.da"]
    for name in names:
        document = pdf(reviewed, name)
        assert f"{document}  (" in printed
        pages = review.page_count(document)
        pngs = [out / f"{name}-{page}.png" for page in range(1, pages + 1)]
        assert [str(png) for png in pngs] == [
            line for line in printed.splitlines() if line.startswith(f"{out / name}-")
        ]
        for png in pngs:
            width, height = png_size(png)
            # A4 at 80 dpi: 8.27 × 11.69 inches.
            assert (abs(width - 661), abs(height - 935)) <= (2, 2)


@pytest.mark.parametrize("language", ["da", "en"])
def test_full_agreement_is_four_to_eight_pages(reviewed, review, language):
    assert 4 <= review.page_count(pdf(reviewed, f"agreement.{language}")) <= 8


def test_review_draws_only_the_first_page_when_asked(reviewed, review, tmp_path):
    document = pdf(reviewed, "agreement.da")
    (png,) = review.to_png(document, tmp_path, dpi=40, first_page_only=True)
    assert png == tmp_path / "agreement.da.png"
    assert png_size(png) == (331, 468)


def test_review_reports_an_input_it_cannot_use(review, tmp_path, capsys):
    note = tmp_path / "notes.txt"
    note.write_text("not a document", encoding="utf-8")
    assert review.main([str(note), "--out", str(tmp_path)]) == 1
    assert "expected a .docx or a .json file" in capsys.readouterr().err


# ---------------------------------------------------------------- the PDFs


@pytest.mark.parametrize(("kind", "language"), SIX)
def test_pdf_has_no_template_tags(reviewed, review, kind, language):
    text = review.page_text(pdf(reviewed, f"{kind}.{language}"))
    for leftover in ("{{", "}}", "{%", "%}"):
        assert leftover not in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("da", ["Skovby Kommune, Kultur og Fritid", "Lund & Søn ApS",
                "Foreningen Gårdmusik", "85.000,50 kr.", "169.500,50 kr.",
                "120.000,00 kr.", "opsige aftalen skriftligt"]),
        ("en", ["Nordic Byte A/S", "Youth & Tech Denmark",
                "Kibera Girls Code Initiative", "DKK 85,000.50", "DKK 228,000.50",
                "DKK 250,000.00", "Ending the agreement is the last resort."]),
    ],
)  # fmt: skip
def test_agreement_pdf_shows_parties_and_formatted_amounts(
    reviewed, review, language, expected
):
    text = words(review.page_text(pdf(reviewed, f"agreement.{language}")))
    for snippet in expected:
        assert snippet in text


@pytest.mark.parametrize(
    ("kind", "language"), [six for six in SIX if six[0] != "first_contact"]
)
def test_every_page_has_the_page_number_and_later_pages_the_header(
    reviewed, review, kind, language
):
    document = pdf(reviewed, f"{kind}.{language}")
    pages = review.page_count(document)
    example = load("full", kind, language)
    for page in range(1, pages + 1):
        text = words(review.page_text(document, page, page))
        assert PAGE_OF[language].format(page, pages) in text
        # The running header (title, then reference) is the first text of a page.
        # Page 1 opens with the title too when the title names the document type
        # (no kicker above it), but its reference is the title block's row.
        title, reference = example["title"], example["reference"]
        top = text[: len(title) + 40]
        header = (
            top.startswith(title)
            and reference in top
            and f"Reference {reference}" not in top
        )
        assert header == (page > 1), page


@pytest.mark.parametrize("language", ["da", "en"])
def test_first_contact_letter_is_one_page(reviewed, review, language):
    document = pdf(reviewed, f"first_contact.{language}")
    assert review.page_count(document) == 1
    sender = load("full", "first_contact", language)["sender"]
    text = words(review.page_text(document))
    assert text.startswith(sender["name"])
    assert text.endswith(sender["representative"]["phone"])


@pytest.mark.parametrize(("kind", "language"), list(SIGNERS))
def test_signature_block_stays_on_one_page(reviewed, review, kind, language):
    document = pdf(reviewed, f"{kind}.{language}")
    pages = review.page_count(document)
    heading = re.compile(rf"\b{SIGNATURES_HEADING[language]}\b")
    texts = [
        words(review.page_text(document, page, page)) for page in range(1, pages + 1)
    ]
    on = [page for page, text in enumerate(texts, 1) if heading.search(text)]
    assert len(on) == 1, "the signatures heading appears once"
    block = texts[on[0] - 1]
    for party, signer in SIGNERS[kind, language].items():
        assert f"For {party}" in block
        assert signer in block
    place = "Sted og dato" if language == "da" else "Place and date"
    assert block.count(place) == len(SIGNERS[kind, language])


def test_ready_made_docx_is_converted_as_it_is(reviewed, review):
    document = pdf(reviewed, "minimal-agreement.da")
    assert review.page_count(document) <= 2
    text = words(review.page_text(document))
    assert "Fælles læseklub" in text
    assert "For Byens Bibliotek" in text and "For Nørre Skole" in text
    assert "At bringe aftalen til ophør er sidste udvej." in text
