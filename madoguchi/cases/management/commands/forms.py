"""`madoguchi forms CASE.json --out bundle.pdf`: every form of a visit pre-filled, and one signature sheet."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from madoguchi.catalog.service import current_catalog, is_empty
from madoguchi.printing.command import FormsRequest, run_forms
from madoguchi.printing.examples import EXAMPLES
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, Catalog, load_catalog


def database_or_default_catalog() -> Catalog:
    """The catalog in the database when there is one, else the default catalog of the repository."""
    try:
        if not is_empty():
            return current_catalog()
    except DatabaseError as error:  # not migrated yet: there is no catalog in the database
        sys.stderr.write(f"warning: no catalog in the database ({error}); using the default catalog\n")
    return load_catalog(DEFAULT_CATALOG_DIR)


class Command(BaseCommand):
    help = (
        "Render a case file (case-file/v1) into one A4 PDF: every form of the visit pre-filled and one "
        "signature sheet; print a JSON summary. --example NAME prints an example case file. "
        "Invalid or unreadable case file: exit 2 with every problem listed."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("case_file", nargs="?", help="the case file (JSON), or - for standard input")
        parser.add_argument("--out", type=Path, help="where to write the PDF")
        parser.add_argument("--example", choices=sorted(EXAMPLES), help="print this example case file")
        parser.add_argument("--catalog", type=Path, help="use this catalog directory instead of the database")
        parser.add_argument(
            "--procedure", action="append", dest="procedures", help="print this procedure (repeatable)"
        )
        parser.add_argument(
            "--today", type=date.fromisoformat, help="application date when the file has none"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        request = FormsRequest(
            case_file=options["case_file"],
            out=options["out"],
            example=options["example"],
            catalog_dir=options["catalog"],
            procedures=options["procedures"],
            today=options["today"],
            streams=(sys.stdin, self.stdout, self.stderr),  # type: ignore[arg-type]
        )
        status = run_forms(request, database_or_default_catalog)
        if status:
            raise CommandError("see the messages above", returncode=status)
