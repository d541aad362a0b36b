"""LibreOffice opens what the compiled engine writes (skipped without soffice)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from service.rendering import engine
from tests.docx_factory import Table, agreement_template, build_docx
from tests.test_engine_equivalence import BUILTIN_DIR, CASES, CONTEXT

pytestmark = [
    pytest.mark.libreoffice,
    pytest.mark.skipif(shutil.which("soffice") is None, reason="soffice not on PATH"),
]


def convert_to_pdf(docx: bytes, folder: Path) -> Path:
    """Convert with LibreOffice headless; the PDF's path (fails if none is made)."""
    source = folder / "document.docx"
    source.write_bytes(docx)
    profile = folder / "profile"
    result = subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = folder / "document.pdf"
    assert result.returncode == 0, result.stderr
    assert pdf.exists() and pdf.stat().st_size > 0, result.stdout + result.stderr
    return pdf


def pdf_text(pdf: Path) -> str | None:
    """The PDF's text, or None without pdftotext."""
    if shutil.which("pdftotext") is None:
        return None
    result = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return " ".join(result.stdout.split())


def test_libreoffice_converts_a_rendered_document(tmp_path: Path) -> None:
    source = build_docx(
        [
            "Aftale: {{ title }}",
            "{%p for party in parties %}",
            "{{ party.name }} — {{ party.representative.name }}",
            "{%p endfor %}",
            Table(
                [
                    [
                        "{%tc for party in parties %}",
                        "{{ party.name }}",
                        "{%tc endfor %}",
                    ],
                ]
            ),
            "Noter: {{ notes }}",
        ],
        header=["{{ reference }}"],
        footnotes=["Fodnote om {{ parties[0].name }}"],
    )
    output = engine.render(engine.prepare(source), CONTEXT)
    text = pdf_text(convert_to_pdf(output, tmp_path))
    if text is None:
        return
    for expected in (
        "Aftale: Sansefortællingen & venner <3",
        "Teater Vest & Co. — Ida Sørensen",
        "Messecenter Vest A/S",
        'PA-"2026"-014',
        "Anden linje",
    ):
        assert expected in text


def test_libreoffice_converts_the_agreement(tmp_path: Path) -> None:
    from tests.test_engine_equivalence import _agreement_context

    context = _agreement_context()
    path = BUILTIN_DIR / "agreement.da.docx"
    source = path.read_bytes() if path.exists() else agreement_template()
    output = engine.render(engine.prepare(source), context)
    text = pdf_text(convert_to_pdf(output, tmp_path))
    if text is None:
        return
    assert str(context["title"]) in text
    assert all(party["name"] in text for party in context["parties"])


def test_libreoffice_converts_merged_and_special_cases(tmp_path: Path) -> None:
    output = engine.render(engine.prepare(CASES["colspan, hm and vm"]), CONTEXT)
    text = pdf_text(convert_to_pdf(output, tmp_path))
    if text is not None:
        assert "Spænder over 3" in text
