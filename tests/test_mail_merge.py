"""Mail merge: a base JSON and a CSV or XLSX of field paths, by CLI and API."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import openpyxl
import pytest
from flask.testing import FlaskClient, FlaskCliRunner

from service.jobs.spreadsheet import patches
from tests.conftest import EXAMPLES_DIR, all_text, open_docx
from tests.test_batches import open_zip

BASE = EXAMPLES_DIR / "first_contact.en.json"
HEADERS = ["recipient.person.name", "recipient.email", "meeting.proposals[0]"]
ROWS = [
    ["Anna Holm", "anna@example.org", "2026-03-02T10:00"],
    ["Bo Berg", "not an email", "2026-03-03T10:00"],
    ["Carl Dam", "carl@example.org", "2026-03-04T10:00"],
]


def test_headers_are_field_paths() -> None:
    assert patches([HEADERS, ROWS[0], ["", "", ""]]) == [
        {
            "recipient": {"person": {"name": "Anna Holm"}, "email": "anna@example.org"},
            "meeting": {"proposals": ["2026-03-02T10:00"]},
        },
        {},
    ]


def write_xlsx(path: Path) -> Path:
    """The rows as an .xlsx file."""
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for row in [HEADERS, *ROWS]:
        sheet.append(row)
    book.save(path)
    return path


def write_csv(path: Path) -> Path:
    """The rows as a .csv file."""
    lines = [",".join(row) for row in [HEADERS, *ROWS]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("write", (write_xlsx, write_csv))
def test_cli_writes_a_letter_per_row_and_names_the_failed_rows(
    runner: FlaskCliRunner, tmp_path: Path, write: object
) -> None:
    suffix = ".xlsx" if write is write_xlsx else ".csv"
    rows = write(tmp_path / f"recipients{suffix}")  # type: ignore[operator]
    output = tmp_path / "letters.zip"
    result = runner.invoke(
        args=["batch", "first_contact", str(BASE), str(rows), "-o", str(output)]
    )
    assert result.exit_code == 1, result.output
    assert "2 of 3 documents" in result.output
    assert "row 3: recipient.email: Not a valid e-mail address." in result.output
    archive = zipfile.ZipFile(output)
    report = json.loads(archive.read("report.json"))
    first, _, third = report["items"]
    assert "Anna Holm" in all_text(open_docx(archive.read(first["file"])))
    assert "Carl Dam" in all_text(open_docx(archive.read(third["file"])))


def test_cli_refuses_a_header_that_is_not_a_path(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    rows = tmp_path / "rows.csv"
    rows.write_text("recipient..name\nx\n", encoding="utf-8")
    result = runner.invoke(
        args=["batch", "first_contact", str(BASE), str(rows), "-o", str(tmp_path / "o")]
    )
    assert result.exit_code == 2
    assert "columns[0]: 'recipient..name' is not a field path." in result.output


def test_api_takes_the_spreadsheet_as_multipart(
    client: FlaskClient, tmp_path: Path
) -> None:
    rows = write_xlsx(tmp_path / "recipients.xlsx")
    with open(rows, "rb") as sheet:
        response = client.post(
            "/v1/batches/first_contact",
            data={"base": BASE.read_text("utf-8"), "spreadsheet": sheet},
            content_type="multipart/form-data",
        )
    assert response.status_code == 200, response.get_json()
    report = json.loads(open_zip(response.data).read("report.json"))
    assert (report["succeeded"], report["failed"]) == (2, 1)
    assert report["items"][1]["errors"][0]["path"] == "recipient.email"
