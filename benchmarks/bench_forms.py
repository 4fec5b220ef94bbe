"""Benchmark of the forms renderer: printing a 5-person move-in bundle, against bare ReportLab.

Goal (exit 1 when missed):
  - a warm 5-person move-in bundle (9 forms and the signature sheet, 10 A4 pages) renders in <= 300 ms,
    median of the repeats (--goal-ms): the clerk presses "print" and the PDF is there at once.

    .venv/bin/python benchmarks/bench_forms.py [--repeats 30] [--quick]

Warm means the fonts are registered and the form definitions parsed (both once per process), as in a
running server. The baseline, measured in the same run, is bare ReportLab drawing the same number of pages
with the same text (taken from the bundle) as plain lines in the same embedded fonts: the cost of the
fonts and the PDF writer alone, without reading the case, planning, laying out cells and boxes.
Reported: the median milliseconds of each over the repeats, and the ratio. `--quick` is a smoke run for
the tests (one repeat).
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pypdf import PdfReader
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.pdfgen.canvas import Canvas  # type: ignore[import-untyped]

from benchmarks.goals import Goal, non_negative_float, parser, positive_int, report
from madoguchi.printing.casefile import read_case
from madoguchi.printing.examples import EXAMPLES
from madoguchi.printing.fonts import GOTHIC, MINCHO, fonts
from madoguchi.printing.forms import load_forms
from madoguchi.printing.render import render_bundle
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, load_catalog

GOAL_MS = 300.0  # a warm 5-person move-in bundle


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


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument(
        "--repeats", type=positive_int, default=30, help="timed renders of each (default 30)"
    )
    arguments.add_argument("--quick", action="store_true", help="a smoke run: --repeats 1")
    arguments.add_argument("--goal-ms", type=non_negative_float, default=GOAL_MS)
    args = arguments.parse_args(argv)
    repeats = 1 if args.quick else args.repeats

    catalog = load_catalog(DEFAULT_CATALOG_DIR)
    case = read_case(EXAMPLES["5-person-tennyu"])
    start = time.perf_counter()
    fonts()
    load_forms()
    bundle = render_bundle(case, catalog)
    cold_ms = (time.perf_counter() - start) * 1000
    pages = [page.extract_text().splitlines() for page in PdfReader(io.BytesIO(bundle.pdf)).pages]

    bundle_ms = median_ms(lambda: render_bundle(case, catalog), repeats)
    baseline_ms = median_ms(lambda: plain_text_pdf(pages), repeats)
    characters = sum(len(line) for lines in pages for line in lines)
    print(
        f"forms: 5-person move-in bundle, {len(bundle.forms)} forms on {bundle.pages} A4 pages, "
        f"{len(bundle.pdf) / 1024:.0f} KiB, {characters:,} characters; median of {repeats}"
    )
    print(f"  baseline: bare ReportLab, same text and fonts  {baseline_ms:7.1f} ms")
    ratio = bundle_ms / baseline_ms
    print(f"  render_bundle, warm                           {bundle_ms:7.1f} ms   ({ratio:.1f}x)")
    print(f"  first bundle in a fresh process (cold)        {cold_ms:7.1f} ms")
    return report(
        [
            Goal(
                "warm 5-person bundle",
                bundle_ms,
                "<=",
                args.goal_ms,
                "ms",
                "the clerk presses print and the 10 pages are there at once",
            )
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
