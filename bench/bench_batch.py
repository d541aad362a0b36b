"""Benchmark batches: first-contact letters validated, rendered and zipped in process.

Baseline in the same run: plain docxtpl (``DocxTemplate.render`` + ``save``)
of the same letter. Prints letters per second for both, the ratio, and the
process's RSS growth over the batch (the zip is streamed to a file).

    .venv/bin/python bench/bench_batch.py                # 1,000 letters
    .venv/bin/python bench/bench_batch.py --count 10000  # memory at scale
"""

from __future__ import annotations

import argparse
import io
import json
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service import create_app  # noqa: E402
from service.documents import validate_document  # noqa: E402
from service.jobs.merge import merge_patch  # noqa: E402
from service.jobs.render import item_renderer  # noqa: E402
from service.jobs.run import write_batch  # noqa: E402
from service.jobs.spec import BatchSpec  # noqa: E402
from service.rendering import docxtpl_engine  # noqa: E402
from service.rendering.context import build_context  # noqa: E402

BASE = ROOT / "agreement_templates" / "examples" / "first_contact.en.json"
TEMPLATE = ROOT / "agreement_templates" / "first_contact.en.docx"


def rss_mib() -> float:
    """This process's resident memory now, in MiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def docxtpl_per_second(base: dict, count: int) -> float:
    """Plain docxtpl (the project's filters): load, render, save, per letter."""
    context = build_context(
        "first_contact", validate_document("first_contact", base).data
    )
    source = TEMPLATE.read_bytes()
    started = time.perf_counter()
    for _ in range(count):
        docxtpl_engine.render(source, context, max_output_bytes=1 << 40)
    return count / (time.perf_counter() - started)


def main() -> None:
    """Run the batch and the baseline; print the numbers."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--count", type=int, default=1000)
    parser.add_argument("--baseline", type=int, default=100)
    args = parser.parse_args()
    base = json.loads(BASE.read_text("utf-8"), parse_float=Decimal)
    with tempfile.TemporaryDirectory() as folder:
        app = create_app(
            {"TESTING": True, "DATABASE_URL": f"sqlite:///{folder}/bench.sqlite3"}
        )
        payloads = [
            merge_patch(base, {"recipient": {"person": {"name": f"Person {n}"}}})
            for n in range(args.count)
        ]
        spec = BatchSpec("first_contact", payloads)
        with app.app_context():
            render = item_renderer(spec)
            write_batch(BatchSpec("first_contact", payloads[:5]), render, io.BytesIO())
            before = rss_mib()
            started = time.perf_counter()
            with open(Path(folder) / "letters.zip", "wb") as out:
                report = write_batch(spec, render, out)
            elapsed = time.perf_counter() - started
            after = rss_mib()
        size = (Path(folder) / "letters.zip").stat().st_size
    baseline = docxtpl_per_second(base, args.baseline)
    rate = args.count / elapsed
    print(
        f"batch: {args.count} letters in {elapsed:.2f} s = {rate:.0f} letters/s "
        f"({report['failed']} failed, zip {size / 2**20:.1f} MiB)"
    )
    print(f"plain docxtpl in process: {baseline:.0f} letters/s")
    print(f"ratio batch / docxtpl: {rate / baseline:.1f}x")
    print(
        f"RSS: {before:.0f} MiB before, {after:.0f} MiB after "
        f"(growth {after - before:.0f} MiB)"
    )


if __name__ == "__main__":
    main()
