"""A funder's own agreement template, written by hand with python-docx.

Nothing here comes from our built-in templates: it is the kind of document a
foundation's grants officer would make in Word, with the tags typed in. It has
a header and a footer with tags, paragraph loops (``{%p for %}``), table-row
loops (``{%tr for %}``), the project's filters, and fields only this funder
sends, under ``extra``.
"""

from __future__ import annotations

import functools
import io
from typing import Any

from docx import Document
from docx.shared import Pt

#: What the funder sends in ``extra`` with every agreement, and what must come
#: out in the document.
FUNDER_EXTRA: dict[str, Any] = {
    "grant_number": "NF-2026-0417",
    "funder_name": "Nordic Civic Fund",
    "case_officer": "Birgitte Lund",
    "conditions": [
        "Funds are spent within the term of the agreement.",
        "A final report reaches the fund within three months of the end date.",
    ],
    "instalments": [
        {"date": "2026-03-01", "amount": 60000},
        {"date": "2027-03-01", "amount": 40000},
    ],
}


def _save(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _row(table: Any, *cells: str) -> None:
    row = table.add_row()
    for cell, text in zip(row.cells, cells, strict=False):
        cell.text = text


@functools.cache
def funder_agreement_template(*, heading: str = "Grant agreement") -> bytes:
    """The funder's agreement template as .docx bytes; ``heading`` tells versions
    apart. Built once per heading: a zip records the time it was written, so two
    builds in different seconds differ in their bytes."""
    document = Document()
    document.styles["Normal"].font.name = "Georgia"
    document.styles["Normal"].font.size = Pt(11)

    section = document.sections[0]
    section.header.paragraphs[
        0
    ].text = "{{ extra.funder_name }} · Grant {{ extra.grant_number }}"
    section.footer.paragraphs[
        0
    ].text = "Case officer: {{ extra.case_officer }} · {{ title }} ({{ reference }})"

    document.add_heading(heading, level=1)
    document.add_paragraph("{{ title }}")
    document.add_paragraph(
        "This agreement, grant number {{ extra.grant_number }}, is made between "
        "the fund and the partners below on {{ signing.date|date }} in "
        "{{ signing.place }}."
    )

    document.add_heading("The partners", level=2)
    document.add_paragraph("{%p for party in parties %}")
    document.add_paragraph(
        "{{ loop.index }}. {{ party.name }}, represented by "
        "{{ party.representative.name }} ({{ party.representative.title }})"
    )
    document.add_paragraph("{%p endfor %}")

    document.add_heading("Purpose", level=2)
    document.add_paragraph("{{ mission }}")

    document.add_heading("Goals", level=2)
    goals = document.add_table(rows=1, cols=3)
    goals.style = "Table Grid"
    for cell, text in zip(
        goals.rows[0].cells, ("Goal", "Indicator", "Deadline"), strict=True
    ):
        cell.text = text
    _row(goals, "{%tr for goal in goals %}")
    _row(
        goals,
        "{{ goal.description }}",
        "{{ goal.indicator }}",
        "{{ goal.deadline|date }}",
    )
    _row(goals, "{%tr endfor %}")

    document.add_heading("Budget", level=2)
    budget = document.add_table(rows=1, cols=3)
    budget.style = "Table Grid"
    for cell, text in zip(
        budget.rows[0].cells, ("Budget line", "Partner", "Amount"), strict=True
    ):
        cell.text = text
    _row(budget, "{%tr for line in budget.lines %}")
    _row(
        budget,
        "{{ line.description }}",
        "{{ line.party|party_name }}",
        "{{ line.amount|money }}",
    )
    _row(budget, "{%tr endfor %}")
    _row(budget, "Total", "", "{{ budget.totals.total|money }}")

    document.add_heading("Payments from the fund", level=2)
    payments = document.add_table(rows=1, cols=2)
    payments.style = "Table Grid"
    payments.rows[0].cells[0].text = "Date"
    payments.rows[0].cells[1].text = "Amount"
    _row(payments, "{%tr for instalment in extra.instalments %}")
    _row(payments, "{{ instalment.date|date }}", "{{ instalment.amount|money }}")
    _row(payments, "{%tr endfor %}")

    document.add_heading("Special conditions", level=2)
    document.add_paragraph("{%p for condition in extra.conditions %}")
    document.add_paragraph("{{ condition }}", style="List Number")
    document.add_paragraph("{%p endfor %}")

    document.add_paragraph(
        "{% if dependent_parties %}The fund expects the phase-out plan to be "
        "followed: {{ phase_out.plan }}{% endif %}"
    )
    return _save(document)


def funder_understanding_template() -> bytes:
    """A short understanding-paper template of the same funder."""
    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = "{{ extra.funder_name }}"
    section.footer.paragraphs[0].text = "{{ title }}"
    document.add_heading("Memorandum of understanding", level=1)
    document.add_paragraph("{{ title }}")
    document.add_paragraph("{{ purpose }}")
    document.add_paragraph("{%p for area in areas_of_cooperation %}")
    document.add_paragraph("{{ area }}", style="List Bullet")
    document.add_paragraph("{%p endfor %}")
    return _save(document)


#: The paragraph (counted from 1, as the error reports it) holding the mistake.
SYNTAX_ERROR_PARAGRAPH = 3
SYNTAX_ERROR_TEXT = "Grant number {{ extra.grant_number + }}"


def broken_template() -> bytes:
    """A template whose third paragraph has a tag with a syntax error."""
    document = Document()
    document.add_paragraph("Grant agreement")
    document.add_paragraph("{{ title }}")
    document.add_paragraph(SYNTAX_ERROR_TEXT)
    document.add_paragraph("{{ mission }}")
    return _save(document)
