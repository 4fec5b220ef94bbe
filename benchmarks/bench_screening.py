"""Benchmark of the screening tool: parse and screen an inventory of 10,000 operations.

Goal (exit 1 when missed):
  - parse + screen of a 10,000-row Shift_JIS CSV in < 1000 ms, median of the repeats (--goal-ms): a manager
    changes a threshold and sees the new selection at once.

    .venv/bin/python benchmarks/bench_screening.py [--rows 10000] [--repeat 7] [--quick]

The baseline, measured in the same run on the same bytes, is decoding the file and reading every row with
the standard library's csv module: the least any CSV-reading tool does. Reported: median milliseconds
of `read_inventory` + `screen` (Chiba's criteria), of the baseline, and their ratio; also the table as .xlsx.
`--quick` is a smoke run for the tests (200 rows, one repeat); the goal then applies to those rows.
"""

from __future__ import annotations

import csv
import io
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.goals import Goal, non_negative_float, parser, positive_int, report
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


GOAL_MS = 1000.0


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument("--rows", type=positive_int, default=10_000)
    arguments.add_argument("--repeat", type=positive_int, default=7)
    arguments.add_argument("--quick", action="store_true", help="a smoke run: --rows 200 --repeat 1")
    arguments.add_argument("--goal-ms", type=non_negative_float, default=GOAL_MS)
    args = arguments.parse_args(argv)
    if args.quick:
        args.rows, args.repeat = 200, 1
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
    return report(
        [
            Goal(
                f"parse + screen {args.rows:,} rows",
                ours,
                "<",
                args.goal_ms,
                "ms",
                "a manager changes a threshold and sees the new selection at once",
            )
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
