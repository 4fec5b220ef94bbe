"""`madoguchi kiosk-token --office CODE`: create a token for a self-service ticket machine and print it."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Office
from madoguchi.reception.actions import do_create_kiosk_token


class Command(BaseCommand):
    help = "Create a kiosk token for an office and print it (it is shown only once)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--office", required=True, help="office code, e.g. chuo")
        parser.add_argument("--label", default="", help="where the kiosk stands, e.g. 1階入口")

    def handle(self, *args: Any, **options: Any) -> None:
        office = Office.objects.filter(code=options["office"]).first()
        if office is None:
            known = ", ".join(Office.objects.values_list("code", flat=True)) or "none (run madoguchi demo)"
            raise CommandError(
                f"unknown office {options['office'][:40]!r}; known offices: {known}", returncode=2
            )
        _kiosk, token = do_create_kiosk_token(
            SystemActor("kiosk-token"), office=office, label=options["label"]
        )
        self.stdout.write(token)
