"""Turn documents into PDF and PNG pages for review, the way LibreOffice lays them out.

    .venv/bin/python scripts/review.py tests/full_examples/agreement.da.json
    .venv/bin/python scripts/review.py --kind agreement body.json --out review/
    .venv/bin/python scripts/review.py rendered.docx --first-page

Each input is either a .docx, converted as it is, or a JSON request body, rendered
through the real pipeline (schema → context → engine) with the built-in template of
its kind and language. The kind comes from ``--kind`` or from a file name like
``agreement.da.json``. All documents are converted to PDF in one LibreOffice call
(headless, with a throwaway user profile so parallel runs never collide, and a
timeout), then ``pdftoppm`` draws the pages as PNG. The paths of the PDFs and PNGs
are printed, one a line.

Needs ``soffice`` (LibreOffice) and poppler's ``pdftoppm``, ``pdfinfo`` and
``pdftotext``: ``scripts/install-system-packages.sh`` installs them.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = ROOT / "agreement_templates"
KINDS = ("agreement", "understanding", "first_contact")
DEFAULT_DPI = 80
DEFAULT_TIMEOUT = 180.0


class ReviewError(Exception):
    """A document could not be rendered or converted."""


# ---------------------------------------------------------------- rendering


def kind_of(path: Path, kind: str | None = None) -> str:
    """The document kind: ``kind`` if given, else the first part of the file name."""
    found = kind or path.name.split(".", 1)[0]
    if found not in KINDS:
        raise ReviewError(
            f"{path}: cannot tell the kind; name the file <kind>.<language>.json "
            f"or pass --kind ({', '.join(KINDS)})"
        )
    return found


def render_json(
    path: Path, kind: str | None = None, *, today: dt.date | None = None
) -> bytes:
    """Render a JSON request body with its kind's built-in template."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from schemas.registry import DocumentInvalid
    from service.documents import render_loaded, validate_document
    from service.rendering import engine

    kind = kind_of(path, kind)
    payload = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    try:
        loaded = validate_document(kind, payload)
    except DocumentInvalid as error:
        details = "; ".join(f"{p.path}: {p.message}" for p in error.problems[:5])
        raise ReviewError(f"{path}: {error} {details}") from None
    language = loaded.data["language"]
    template = (TEMPLATES_DIR / f"{kind}.{language}.docx").read_bytes()
    return render_loaded(loaded, engine.prepare(template), today=today).content


# ---------------------------------------------------------------- converting


def to_pdf(
    documents: Sequence[Path], out_dir: Path, *, timeout: float = DEFAULT_TIMEOUT
) -> list[Path]:
    """Convert .docx files to PDF in ``out_dir`` with one LibreOffice call."""
    soffice = shutil.which("soffice")
    if soffice is None:
        raise ReviewError("soffice not found: run scripts/install-system-packages.sh")
    out_dir.mkdir(parents=True, exist_ok=True)
    expected = [out_dir / f"{Path(document).stem}.pdf" for document in documents]
    if len(set(expected)) != len(expected):
        raise ReviewError("two inputs have the same file name")
    for pdf in expected:
        pdf.unlink(missing_ok=True)
    profile = Path(tempfile.mkdtemp(prefix="review-soffice-"))
    command = [
        soffice,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless", "--norestore", "--nolockcheck", "--nodefault",
        "--convert-to", "pdf", "--outdir", str(out_dir),
        *(str(document) for document in documents),
    ]  # fmt: skip
    try:
        # A session of its own, so that a timeout ends soffice.bin too.
        process = subprocess.Popen(
            command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ReviewError(
                f"LibreOffice did not finish within {timeout:.0f} s"
            ) from None
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    missing = [pdf.name for pdf in expected if not pdf.is_file()]
    if process.returncode or missing:
        raise ReviewError(
            f"LibreOffice failed (exit {process.returncode}, missing {missing}): "
            + output.decode(errors="replace").strip()
        )
    return expected


def page_count(pdf: Path) -> int:
    """The number of pages of a PDF (poppler's ``pdfinfo``)."""
    info = _run(["pdfinfo", str(pdf)])
    for line in info.splitlines():
        if line.startswith("Pages:"):
            return int(line.split()[1])
    raise ReviewError(f"pdfinfo found no page count in {pdf}")


def page_text(
    pdf: Path,
    first: int | None = None,
    last: int | None = None,
    *,
    layout: bool = False,
) -> str:
    """The text of a PDF, or of pages ``first``..``last`` (poppler's ``pdftotext``).

    Without ``layout`` the text comes in reading order, a table cell's lines
    together; with it, as laid out on the page (columns side by side).
    """
    options = ["-layout"] if layout else []
    if first is not None:
        options += ["-f", str(first)]
    if last is not None:
        options += ["-l", str(last)]
    return _run(["pdftotext", "-enc", "UTF-8", *options, str(pdf), "-"])


def to_png(
    pdf: Path,
    out_dir: Path,
    *,
    dpi: int = DEFAULT_DPI,
    first_page_only: bool = False,
) -> list[Path]:
    """Draw a PDF's pages as PNG: ``<stem>-<n>.png``, or ``<stem>.png`` for page 1."""
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / pdf.stem
    command = ["pdftoppm", "-png", "-r", str(dpi)]
    if first_page_only:
        _run([*command, "-f", "1", "-l", "1", "-singlefile", str(pdf), str(prefix)])
        return [prefix.with_name(f"{pdf.stem}.png")]
    for old in out_dir.glob(f"{pdf.stem}-*.png"):
        old.unlink()
    _run([*command, str(pdf), str(prefix)])
    pages = out_dir.glob(f"{pdf.stem}-*.png")
    return sorted(pages, key=lambda path: int(path.stem.rsplit("-", 1)[1]))


def _run(command: list[str]) -> str:
    if shutil.which(command[0]) is None:
        raise ReviewError(
            f"{command[0]} not found: run scripts/install-system-packages.sh"
        )
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=120, check=False
    )
    if result.returncode:
        raise ReviewError(f"{' '.join(command)} failed: {result.stderr.strip()}")
    return result.stdout


# ---------------------------------------------------------------- the command


def review(
    inputs: Sequence[Path],
    out_dir: Path,
    *,
    kind: str | None = None,
    dpi: int = DEFAULT_DPI,
    first_page_only: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    today: dt.date | None = None,
) -> dict[Path, list[Path]]:
    """Render or take each input, convert all to PDF at once, then draw PNGs.

    Returns each PDF with its PNG pages.
    """
    out_dir.mkdir(parents=True, exist_ok=True)
    documents = []
    for path in inputs:
        if path.suffix == ".docx":
            documents.append(path)
        elif path.suffix == ".json":
            target = out_dir / f"{path.stem}.docx"
            target.write_bytes(render_json(path, kind, today=today))
            documents.append(target)
        else:
            raise ReviewError(f"{path}: expected a .docx or a .json file")
    pdfs = to_pdf(documents, out_dir, timeout=timeout)
    return {
        pdf: to_png(pdf, out_dir, dpi=dpi, first_page_only=first_page_only)
        for pdf in pdfs
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Command line entry point."""
    parser = argparse.ArgumentParser(
        description=(
            "Render JSON bodies with the built-in templates (or take .docx files), "
            "convert them to PDF with LibreOffice and draw the pages as PNG."
        )
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="FILE",
        help="a .docx, or a .json request body",
    )
    parser.add_argument(
        "--kind",
        choices=KINDS,
        help="kind of the JSON bodies (default: from the file name)",
    )
    parser.add_argument(
        "--out",
        type=Path,
        help="folder for .docx, .pdf and .png (default: a new temporary folder)",
    )
    parser.add_argument(
        "--dpi",
        type=int,
        default=DEFAULT_DPI,
        help=f"resolution of the PNGs (default {DEFAULT_DPI})",
    )
    parser.add_argument(
        "--first-page",
        action="store_true",
        help="draw only the first page, as <name>.png",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=DEFAULT_TIMEOUT,
        help="seconds LibreOffice may take for all files",
    )
    parser.add_argument(
        "--today",
        type=dt.date.fromisoformat,
        help="the date a letter without one gets (YYYY-MM-DD)",
    )
    args = parser.parse_args(argv)
    out_dir = args.out or Path(tempfile.mkdtemp(prefix="review-"))
    try:
        results = review(
            args.inputs,
            out_dir,
            kind=args.kind,
            dpi=args.dpi,
            first_page_only=args.first_page,
            timeout=args.timeout,
            today=args.today,
        )
    except ReviewError as error:
        print(f"review: {error}", file=sys.stderr)
        return 1
    for pdf, pngs in results.items():
        pages = page_count(pdf)
        print(f"{pdf}  ({pages} page{'s' * (pages != 1)})")
        for png in pngs:
            print(png)
    return 0


if __name__ == "__main__":
    sys.exit(main())
