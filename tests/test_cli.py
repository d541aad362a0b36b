"""The command line: same code path as the API, exit codes scripts can use."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask.testing import FlaskCliRunner

from tests.conftest import EXAMPLES_DIR, SHARED_EXAMPLES, all_text, kind_of, open_docx


@pytest.mark.parametrize("name", SHARED_EXAMPLES)
def test_render_writes_every_shared_example(
    runner: FlaskCliRunner, tmp_path: Path, name: str
) -> None:
    target = tmp_path / "out.docx"
    result = runner.invoke(
        args=["render", kind_of(name), str(EXAMPLES_DIR / name), "-o", str(target)]
    )
    assert result.exit_code == 0, result.output
    text = all_text(open_docx(target.read_bytes()))
    assert "{{" not in text


def test_render_names_the_file_like_the_api(
    runner: FlaskCliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(
        args=["render", "agreement", str(EXAMPLES_DIR / "agreement.da.json")]
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "Sansefortællingen_partnerskabsaftale_da.docx").exists()


def test_validate_says_valid_and_exits_zero(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=["validate", "understanding", str(EXAMPLES_DIR / "understanding.en.json")]
    )
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "The document is valid."


def test_validate_json_output_matches_the_api(runner: FlaskCliRunner) -> None:
    result = runner.invoke(
        args=[
            "validate",
            "first_contact",
            str(EXAMPLES_DIR / "first_contact.da.json"),
            "--json",
        ]
    )
    assert result.exit_code == 0
    assert json.loads(result.output)["valid"] is True


def test_invalid_document_exits_one_and_names_the_paths(
    runner: FlaskCliRunner, tmp_path: Path
) -> None:
    body = json.loads((EXAMPLES_DIR / "agreement.en.json").read_text())
    body["parties"][0]["website"] = "not a url"
    del body["phase_out"]
    source = tmp_path / "bad.json"
    source.write_text(json.dumps(body))
    result = runner.invoke(args=["validate", "agreement", str(source)])
    assert result.exit_code == 1
    assert "parties[0].website" in result.output
    assert "phase_out" in result.output


@pytest.mark.parametrize(
    ("content", "expected"),
    (("{not json", "not valid JSON"), (None, "Cannot read")),
)
def test_unreadable_input_exits_two(
    runner: FlaskCliRunner, tmp_path: Path, content: str | None, expected: str
) -> None:
    source = tmp_path / "input.json"
    if content is not None:
        source.write_text(content)
    result = runner.invoke(args=["render", "agreement", str(source)])
    assert result.exit_code == 2
    assert expected in result.output


def test_unknown_kind_is_a_usage_error(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["validate", "contract", "x.json"])
    assert result.exit_code == 2


def test_console_script_alias_runs_the_same_command(tmp_path: Path) -> None:
    script = shutil.which("partnerdocs") or str(
        Path(sys.executable).with_name("partnerdocs")
    )
    if not Path(script).exists():
        pytest.skip("the project is not installed (pip install -e .)")
    target = tmp_path / "letter.docx"
    completed = subprocess.run(
        [
            script,
            "render",
            "first_contact",
            str(EXAMPLES_DIR / "first_contact.da.json"),
            "-o",
            str(target),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={
            "PATH": str(Path(sys.executable).parent),
            "DATABASE_URL": f"sqlite:///{tmp_path}/cli.sqlite3",
        },
    )
    assert completed.returncode == 0, completed.stderr
    assert "Teater Vest & Co." in all_text(open_docx(target.read_bytes()))
