"""Benchmark of the forms renderer: a warm 5-person move-in bundle, against bare ReportLab.

    .venv/bin/python benchmarks/bench_forms.py [--repeats 30]

Warm means the fonts are registered and the form definitions parsed (both once per process), as in a
running server. The baseline, measured in the same run, is bare ReportLab drawing the same number of pages
with the same text (taken from the bundle) as plain lines in the same embedded fonts: the cost of the
fonts and the PDF writer alone, without reading the case, planning, laying out cells and boxes.
Reported: the median milliseconds of each over the repeats, and the ratio.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from madoguchi.printing.casefile import read_case
from madoguchi.printing.examples import EXAMPLES
from madoguchi.printing.fonts import GOTHIC, MINCHO, fonts
from madoguchi.printing.forms import load_forms
from madoguchi.printing.render import render_bundle
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog

BUDGET_MS = 300.0  # the target for a warm 5-person move-in


def median_ms(function: Callable[[], object], repeats: int) -> float:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def plain_text_pdf(pages: list[list[str]]) -> bytes:
    """The same text as plain lines, one page per page of the bundle, in the same two fonts."""
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True, pageCompression=1, initialFontName=GOTHIC)
    for lines in pages:
        y = A4[1] - 40
        for number, line in enumerate(lines):
            canvas.setFont(MINCHO if number % 2 else GOTHIC, 9)
            canvas.drawString(40, y, line)
            y -= 11
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=30, help="timed renders of each (default 30)")
    args = parser.parse_args()

    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    case = read_case(EXAMPLES["5-person-tennyu"])
    start = time.perf_counter()
    fonts()
    load_forms()
    bundle = render_bundle(case, catalog)
    cold_ms = (time.perf_counter() - start) * 1000
    pages = [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(bundle.pdf)).pages]

    bundle_ms = median_ms(lambda: render_bundle(case, catalog), args.repeats)
    baseline_ms = median_ms(lambda: plain_text_pdf(pages), args.repeats)
    results = {
        "pages": bundle.pages,
        "forms": len(bundle.forms),
        "pdf_kib": round(len(bundle.pdf) / 1024, 1),
        "characters": sum(len(line) for lines in pages for line in lines),
        "cold_first_bundle_ms": round(cold_ms, 1),
        "warm_bundle_median_ms": round(bundle_ms, 1),
        "baseline_plain_text_median_ms": round(baseline_ms, 1),
        "ratio_to_baseline": round(bundle_ms / baseline_ms, 2),
        "budget_ms": BUDGET_MS,
        "repeats": args.repeats,
    }
    print(json.dumps(results))
    verdict = "within" if bundle_ms <= BUDGET_MS else "OVER"
    print(
        f"5-person move-in bundle ({bundle.pages} pages, {len(bundle.forms)} forms): "
        f"{bundle_ms:.0f} ms warm (median of {args.repeats}), {verdict} the {BUDGET_MS:.0f} ms budget; "
        f"bare ReportLab with the same text and fonts: {baseline_ms:.0f} ms "
        f"(×{bundle_ms / baseline_ms:.1f}); first bundle in a fresh process {cold_ms:.0f} ms.",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
