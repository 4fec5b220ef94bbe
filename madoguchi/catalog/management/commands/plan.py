"""`madoguchi plan FILE|-`: household facts (JSON, or JSON lines) → the plan as JSON."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.catalog.service import current_catalog, is_empty
from madoguchi.rules.catalog import Catalog, CatalogError, load_catalog
from madoguchi.rules.engine import make_plan
from madoguchi.rules.household import InvalidFacts

TOO_DEEP_OR_LONG = "JSON nested too deeply or with a number too long to read"


class Command(BaseCommand):
    help = (
        "Print the plan for household facts (household-facts/v1). FILE is a JSON object, or JSON lines "
        "with one object per line (one plan per line); '-' reads standard input. Invalid facts: exit 2."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("file", help="a JSON or JSON-lines file, or - for standard input")
        parser.add_argument(
            "--explain", action="store_true", help="also list what was considered and why not"
        )
        parser.add_argument("--catalog", type=Path, help="use this catalog directory instead of the database")

    def handle(self, *args: Any, **options: Any) -> None:
        text = self.read(options["file"])
        catalog = self.catalog(options["catalog"])
        documents, lines = self.documents(text)
        failed = False
        for line_number, document in documents:
            try:
                plan = make_plan(catalog, document, explain=options["explain"])
            except InvalidFacts as error:
                failed = True
                where = f"line {line_number}: " if lines else ""
                for problem in error.errors:
                    self.stderr.write(f"{where}{problem.path}: {problem.message}")
                continue
            data = plan.as_json()
            if not options["explain"]:
                data.pop("not_applicable")
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=None if lines else 2))
        if failed:
            raise CommandError("invalid household facts (see above)", returncode=2)

    def read(self, name: str) -> str:
        if name == "-":
            return sys.stdin.read()
        try:
            return Path(name).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {name}: {error}", returncode=2) from error

    def catalog(self, directory: Path | None) -> Catalog:
        try:
            if directory is not None:
                return load_catalog(directory)
        except CatalogError as error:
            raise CommandError(f"{error.file}:{error.line}: {error.reason}") from error
        if is_empty():
            raise CommandError(
                "the catalog is empty: run `madoguchi catalog load` (or `madoguchi demo`) first"
            )
        return current_catalog()

    def documents(self, text: str) -> tuple[list[tuple[int, Any]], bool]:
        """One JSON document, or JSON lines (one document per non-empty line); and which of the two."""
        try:
            return [(1, json.loads(text))], False
        except json.JSONDecodeError:
            pass
        except (RecursionError, ValueError):  # nested beyond the parser's depth, 4,300+ digit integers
            raise CommandError(TOO_DEEP_OR_LONG, returncode=2) from None
        documents = []
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                documents.append((number, json.loads(line)))
            except json.JSONDecodeError as error:
                raise CommandError(f"line {number}: not JSON: {error.msg}", returncode=2) from error
            except (RecursionError, ValueError):
                raise CommandError(f"line {number}: {TOO_DEEP_OR_LONG}", returncode=2) from None
        if not documents:
            raise CommandError("no household facts in the input", returncode=2)
        return documents, True
