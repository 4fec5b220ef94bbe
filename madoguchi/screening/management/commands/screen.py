"""`madoguchi screen FILE`: screen an operations inventory (CSV or .xlsx) and print the selection."""

from __future__ import annotations

import json
from argparse import ArgumentParser, ArgumentTypeError
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.screening.inventory import InventoryError, read_inventory
from madoguchi.screening.report import as_json
from madoguchi.screening.select import Criteria, parse_relevance, screen


def _relevance(text: str) -> str:
    try:
        return parse_relevance(text)
    except ValueError as error:
        raise ArgumentTypeError("use 高/中/低 or high/medium/low") from error


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError as error:
        raise ArgumentTypeError("not a number") from error
    if value <= 0:
        raise ArgumentTypeError("must be greater than 0")
    return value


def _width(text: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(0, width - _width(text))


class Command(BaseCommand):
    help = (
        "Screen an operations inventory (業務棚卸表, CSV in UTF-8/Shift_JIS or .xlsx): keep the operations "
        "whose average reception time is strictly under --max-minutes and whose life-event relevance is at "
        "least --relevance. Exit code 2 when the file is not a readable inventory."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--max-minutes", type=_positive, default=10.0, help="default 10 (strictly under)")
        parser.add_argument(
            "--relevance", type=_relevance, default="高", help="minimum level: 高/中/低 or high/medium/low"
        )
        parser.add_argument("--exclude-discretionary", action="store_true", help="leave out 判断業務")
        parser.add_argument("--exclude-high-expertise", action="store_true", help="leave out 専門性 高")
        parser.add_argument("--min-volume", type=int, default=0, help="minimum annual volume")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}", returncode=2) from error
        try:
            inventory = read_inventory(data, path.name)
        except InventoryError as error:
            raise CommandError(f"{path}: {error.message}", returncode=2) from error
        criteria = Criteria(
            min_relevance=options["relevance"],
            max_minutes=options["max_minutes"],
            exclude_discretionary=options["exclude_discretionary"],
            exclude_high_expertise=options["exclude_high_expertise"],
            min_annual_volume=options["min_volume"],
        )
        screening = screen(inventory, criteria)
        if options["json"]:
            self.stdout.write(json.dumps(as_json(inventory, screening), ensure_ascii=False, indent=2))
            return
        headers = ["業務コード", "業務名", "所管課", "年間件数", "平均(分)", "関連度", "スコア"]
        rows = [
            [
                item.operation.code,
                item.operation.name,
                item.operation.department,
                f"{item.operation.annual_volume:,}",
                f"{item.operation.avg_minutes:g}",
                item.operation.life_event_relevance,
                f"{item.score:.1f}",
            ]
            for item in screening.selected
        ]
        widths = [max([_width(h)] + [_width(r[i]) for r in rows]) for i, h in enumerate(headers)]
        self.stdout.write("  ".join(_pad(h, w) for h, w in zip(headers, widths, strict=True)))
        self.stdout.write("  ".join("-" * w for w in widths))
        for row in rows:
            self.stdout.write("  ".join(_pad(c, w) for c, w in zip(row, widths, strict=True)))
        for rejected in inventory.rejected:
            self.stderr.write(f"row {rejected.row}: {rejected.column}: {rejected.reason}")
        self.stdout.write("")
        self.stdout.write(
            f"基準: 関連度 {criteria.min_relevance} 以上、平均受付時間 {criteria.max_minutes:g} 分未満"
        )
        self.stdout.write(
            f"読込 {inventory.rows_read} 行（有効 {inventory.kept}・不備 {inventory.rejected_row_count}）"
            f" → 選定 {screening.selected_count} 業務、年間窓口時間に占める割合 "
            f"{screening.counter_minutes_share:.1%}"
        )
