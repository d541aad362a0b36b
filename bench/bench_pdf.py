"""Benchmark PDF: the warm converter pool against a cold ``soffice --convert-to pdf``.

Both convert the example agreement (rendered once) in the same run. Prints the
cold p50, the warm p50/p99 with one client, the warm p50/p99 and throughput
with two clients, and the cold/warm ratio of the p50s.

    .venv/bin/python bench/bench_pdf.py
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.conversion import ConverterPool, ConverterSettings  # noqa: E402
from service.documents import render_loaded, validate_document  # noqa: E402
from service.rendering import engine  # noqa: E402

EXAMPLE = ROOT / "agreement_templates" / "examples" / "agreement.da.json"
TEMPLATE = ROOT / "agreement_templates" / "agreement.da.docx"


def example_docx() -> bytes:
    """The example agreement as .docx."""
    payload = json.loads(EXAMPLE.read_text("utf-8"), parse_float=Decimal)
    loaded = validate_document("agreement", payload)
    return render_loaded(loaded, engine.prepare(TEMPLATE.read_bytes())).content


def cold_seconds(docx: bytes, runs: int) -> list[float]:
    """``soffice --convert-to pdf`` in a new process each time (profile reused)."""
    times = []
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "agreement.docx"
        source.write_bytes(docx)
        command = [
            "soffice",
            f"-env:UserInstallation=file://{folder}/profile",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            folder,
            str(source),
        ]
        subprocess.run(command, capture_output=True, check=True)  # makes the profile
        for _ in range(runs):
            started = time.perf_counter()
            subprocess.run(command, capture_output=True, check=True)
            times.append(time.perf_counter() - started)
    return times


def timed_convert(pool: ConverterPool, docx: bytes) -> float:
    """Seconds one conversion took, waiting for a converter included."""
    started = time.perf_counter()
    pool.convert(docx)
    return time.perf_counter() - started


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    """Measure cold and warm conversions; print them."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--cold", type=int, default=5)
    parser.add_argument("--warm", type=int, default=40)
    args = parser.parse_args()
    docx = example_docx()
    cold = cold_seconds(docx, args.cold)
    pool = ConverterPool(ConverterSettings(converters=2))
    try:
        pool.warm()
        warm = []
        for _ in range(args.warm):
            started = time.perf_counter()
            pool.convert(docx)
            warm.append(time.perf_counter() - started)
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=2) as clients:
            shared = list(
                clients.map(lambda _: timed_convert(pool, docx), range(args.warm))
            )
        throughput = args.warm / (time.perf_counter() - started)
    finally:
        pool.close()
    cold_p50, warm_p50 = statistics.median(cold), statistics.median(warm)
    print(
        f"cold soffice --convert-to pdf: p50 {cold_p50 * 1000:.0f} ms "
        f"({args.cold} runs)"
    )
    print(
        f"warm pool, 1 client: p50 {warm_p50 * 1000:.0f} ms, "
        f"p99 {percentile(warm, 0.99) * 1000:.0f} ms ({args.warm} runs)"
    )
    print(
        f"warm pool, 2 clients: p50 {statistics.median(shared) * 1000:.0f} ms, "
        f"p99 {percentile(shared, 0.99) * 1000:.0f} ms, {throughput:.1f} PDF/s"
    )
    print(f"ratio cold p50 / warm p50: {cold_p50 / warm_p50:.1f}x")


if __name__ == "__main__":
    main()
