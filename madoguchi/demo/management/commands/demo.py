"""`madoguchi demo`: load the demo city みなと市 and print the demo staff logins."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from madoguchi.demo.city import demo_cards, load_demo_city, load_demo_population


class Command(BaseCommand):
    help = "Load the demo city みなと市 (idempotent) and print one login per role."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--history",
            type=int,
            default=0,
            metavar="MONTHS",
            help="also generate the ward offices' tickets of the last MONTHS months (statistics, fits)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["history"] <= 24:
            raise CommandError("--history: from 0 to 24 months", returncode=2)
        translation.activate("ja")
        logins = load_demo_city()
        load_demo_population()
        if options["history"]:
            from madoguchi.demo.history import load_demo_history

            written = load_demo_history(options["history"])
            self.stdout.write(
                f"Ticket history of the last {options['history']} months: {written} tickets written"
            )
        self.stdout.write("")
        self.stdout.write("みなと市 demo staff logins (password changes made since are kept):")
        self.stdout.write(f"  {'login':<12} {'password':<18} role / office")
        for login in logins:
            self.stdout.write(
                f"  {login.username:<12} {login.password:<18} {login.role_label} / {login.office_name}"
            )
        self.stdout.write("")
        self.stdout.write(
            "Simulated My Number cards for the certificates "
            "(store terminal: /certificates/store/store-minatomachi/):"
        )
        for label, name, serial, pin in demo_cards():
            self.stdout.write(f"  {label:<24} {name:<12} card {serial}  PIN {pin}")
        self.stdout.write("")
