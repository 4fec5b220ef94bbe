"""Benchmark of the screening tool: parse and screen an inventory of 10,000 operations.

    .venv/bin/python benchmarks/bench_screening.py [--rows 10000] [--repeat 7]

The baseline, measured in the same run on the same bytes, is decoding the file and reading every row with
the standard library's csv module: the least any CSV-reading tool does. Reported: median milliseconds
of `read_inventory` + `screen` (Chiba's criteria), of the baseline, and their ratio; also the table as .xlsx.
Fails (exit 1) when parse + screen of the CSV takes 1 s or more.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from madoguchi.screening.inventory import HEADERS_JA, read_inventory
from madoguchi.screening.select import screen
from madoguchi.screening.tests.factories import csv_bytes, xlsx_bytes

HEADER = [*HEADERS_JA, "備考"]
DEPARTMENTS = ["市民課", "保険年金課", "市民税課", "こども家庭課", "生活衛生課", "住宅課", "道路管理課"]


def rows(count: int, seed: int = 1) -> list[list[object]]:
    rng = random.Random(seed)
    return [
        [
            f"op-{i:05d}",
            f"業務 {i} の申請・届出の受付",
            rng.choice(DEPARTMENTS),
            f"{int(rng.lognormvariate(6, 1.2)):,}",
            round(rng.uniform(1, 40) * 2) / 2,
            rng.choice(["高", "中", "低", "high", "low"]),
            "tennyu,tenkyo" if rng.random() < 0.3 else "",
            rng.choice(["はい", "いいえ", ""]),
            rng.choice(["高", "中", "低", ""]),
            rng.choice(["はい", "いいえ"]),
            "備考" if rng.random() < 0.2 else "",
        ]
        for i in range(count)
    ]


def median_ms(function: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    table = rows(args.rows)
    data = csv_bytes(table, encoding="cp932", header=HEADER)
    workbook = xlsx_bytes(table, header=HEADER)

    def baseline() -> object:
        return list(csv.reader(io.StringIO(data.decode("cp932"), newline="")))

    def parse_and_screen() -> object:
        return screen(read_inventory(data, "bench.csv"))

    def xlsx_parse_and_screen() -> object:
        return screen(read_inventory(workbook, "bench.xlsx"))

    result = screen(read_inventory(data, "bench.csv"))
    base = median_ms(baseline, args.repeat)
    ours = median_ms(parse_and_screen, args.repeat)
    xlsx = median_ms(xlsx_parse_and_screen, max(3, args.repeat // 2))
    print(f"{args.rows:,} rows ({len(data) / 1024:.0f} KiB Shift_JIS CSV), {result.selected_count} selected")
    print(f"baseline  csv.reader        {base:8.1f} ms")
    print(f"madoguchi parse + screen    {ours:8.1f} ms   ({ours / base:.1f}× the baseline)")
    print(f"madoguchi .xlsx + screen    {xlsx:8.1f} ms")
    if ours >= 1000:
        print("FAIL: parse + screen must take under 1 s")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
