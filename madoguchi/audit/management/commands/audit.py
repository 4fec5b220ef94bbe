"""`madoguchi audit verify`: check the hash chain of the audit log."""

from __future__ import annotations

import json
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `verify` recomputes the hash chain and reports changed or deleted entries."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="verify the hash chain; exit 1 if it is broken")
        verify.add_argument("--json", action="store_true", help="print the report as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        report = verify_chain()
        if options["json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "ok": report.ok,
                        "entries_checked": report.entries_checked,
                        "problems": [
                            {"seq": p.seq, "kind": p.kind, "message": p.message} for p in report.problems
                        ],
                    }
                )
            )
        else:
            for problem in report.problems:
                self.stderr.write(problem.message)
            if report.ok:
                self.stdout.write(f"audit chain intact: {report.entries_checked} entries verified")
        if not report.ok:
            raise CommandError(
                f"audit chain broken: {len(report.problems)} problem(s) in {report.entries_checked} entries",
                returncode=1,
            )
