"""`madoguchi kiosk-token`: create a token for a self-service ticket machine and print it, list the
tokens, or revoke one (which also ends every kiosk screen signed in with it)."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Office
from madoguchi.reception.actions import do_create_kiosk_token, do_revoke_kiosk_token
from madoguchi.reception.models import KioskToken

LABEL_LENGTH = 60  # KioskToken.label


def _when(value: Any) -> str:
    return value.isoformat(timespec="seconds") if value else "-"


class Command(BaseCommand):
    help = (
        "Create a kiosk token for an office and print it (it is shown only once); "
        "--list the tokens; --revoke ID to revoke one."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        what = parser.add_mutually_exclusive_group(required=True)
        what.add_argument("--office", help="create a token for this office code, e.g. chuo")
        what.add_argument("--list", action="store_true", help="list every kiosk token (never the token)")
        what.add_argument("--revoke", metavar="ID", help="revoke the kiosk token with this ID (see --list)")
        parser.add_argument("--label", default="", help="where the kiosk stands, e.g. 1階入口")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["list"]:
            self._list()
        elif options["revoke"] is not None:
            self._revoke(options["revoke"])
        else:
            self._create(options["office"], options["label"])

    def _create(self, code: str, label: str) -> None:
        office = Office.objects.filter(code=code).first()
        if office is None:
            known = ", ".join(Office.objects.values_list("code", flat=True)) or "none (run madoguchi demo)"
            raise CommandError(f"unknown office {code[:40]!r}; known offices: {known}", returncode=2)
        if len(label) > LABEL_LENGTH:
            raise CommandError("--label: at most 60 characters", returncode=2)
        _kiosk, token = do_create_kiosk_token(SystemActor("kiosk-token"), office=office, label=label)
        self.stdout.write(token)

    def _list(self) -> None:
        self.stdout.write("id\toffice\tlabel\tcreated\tlast used\trevoked\tpriority")
        for kiosk in KioskToken.objects.select_related("office").order_by("pk"):
            self.stdout.write(
                "\t".join(
                    [
                        str(kiosk.pk),
                        kiosk.office.code,
                        kiosk.label or "-",
                        _when(kiosk.created_at),
                        _when(kiosk.last_used_at),
                        _when(kiosk.revoked_at),
                        "yes" if kiosk.may_issue_priority else "no",
                    ]
                )
            )

    def _revoke(self, ident: str) -> None:
        kiosk = (
            KioskToken.objects.select_related("office").filter(pk=int(ident)).first()
            if ident.isdigit() and len(ident) < 10
            else None
        )
        if kiosk is None:
            raise CommandError(
                f"--revoke: no kiosk token with id {ident[:40]!r} (see madoguchi kiosk-token --list)",
                returncode=2,
            )
        if kiosk.revoked_at is not None:
            self.stdout.write(f"kiosk token {kiosk.pk} was already revoked at {_when(kiosk.revoked_at)}")
            return
        do_revoke_kiosk_token(SystemActor("kiosk-token"), kiosk)
        self.stdout.write(f"revoked kiosk token {kiosk.pk} ({kiosk.office.code} {kiosk.label})")
