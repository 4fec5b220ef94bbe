"""`madoguchi demo`: load the demo city みなと市 and print the demo staff logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import translation

from madoguchi.demo.city import demo_cards, load_demo_city, load_demo_population


class Command(BaseCommand):
    help = "Load the demo city みなと市 (idempotent) and print one login per role."

    def handle(self, *args: Any, **options: Any) -> None:
        translation.activate("ja")
        logins = load_demo_city()
        load_demo_population()
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
