"""`madoguchi certificate verify FILE.pdf` checks a certificate (exit 0 valid, 1 invalid with the reason,
2 unreadable); `madoguchi certificate card SERIAL` prints a simulated card's test PIN and holder (demo
and tests only); `madoguchi certificate sweep` cancels requests past their deadline."""

from __future__ import annotations

import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.certificates import actions, cards, verification
from madoguchi.registry.adapter import registry

REASONS = {
    "valid": "valid: issued by the city and unchanged since",
    "void": "invalid: the request was cancelled (timeout or failed print); the document is void",
    "unknown": "invalid: no certificate with this serial was issued",
    "not_issued": "invalid: the certificate was never handed over",
    "altered": "invalid: the file was changed after it was signed",
    "unsigned": "invalid: the file carries no signature",
    "untrusted": "invalid: the signature is not the city's issuing key",
    "code": "invalid: not a verification code of this city",
}


class Command(BaseCommand):
    help = "Certificates: verify a certificate PDF or code, show a simulated card, cancel overdue requests."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        verify = sub.add_parser("verify", help="check a certificate PDF (or a MDG1V… verification code)")
        verify.add_argument("file")
        card = sub.add_parser("card", help="a simulated card's holder and test PIN")
        card.add_argument("serial")
        sub.add_parser("sweep", help="cancel requests past their deadline")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "card":
            holder = registry().by_card(options["serial"].strip())
            if holder is None:
                raise CommandError(f"{options['serial']}: no card with this number", returncode=2)
            self.stdout.write(
                f"card {holder.card_serial}: {holder.name} ({holder.code}), "
                f"test PIN {cards.test_pin(holder.card_serial)}"
            )
            return
        if options["command"] == "sweep":
            self.stdout.write(f"{actions.cancel_overdue()} requests cancelled")
            return
        argument = options["file"]
        if argument.upper().startswith("MDG1V"):
            verdict = verification.by_code(argument)
        else:
            path = Path(argument)
            if not path.is_file():
                raise CommandError(f"{argument}: no such file", returncode=2)
            if path.stat().st_size > verification.MAX_PDF:
                raise CommandError(f"{argument}: larger than a certificate can be", returncode=2)
            try:
                verdict = verification.by_file(path.read_bytes())
            except verification.Unreadable as error:
                raise CommandError(f"{argument}: {error}", returncode=2) from error
        details = (
            f" (serial {verdict.serial}, {verdict.kind}, issued {verdict.issued_on})" if verdict.kind else ""
        )
        line = f"{REASONS[verdict.reason]}{details}\n"
        if verdict.valid:
            self.stdout.write(line, ending="")
            return
        sys.stdout.write(line)
        sys.stdout.flush()
        raise SystemExit(1)
