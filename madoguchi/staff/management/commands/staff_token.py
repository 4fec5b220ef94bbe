"""`madoguchi staff-token LOGIN [--name NAME]` prints a new API token (its last word); `--list` shows a
person's tokens; `--revoke ID` revokes one."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.staff.actions import do_create_api_token, do_revoke_api_token
from madoguchi.staff.models import ApiToken, Staff
from madoguchi.ui.inputs import BadInput, clean_text

ACTOR = SystemActor("staff-token")
NAME_MAX = 80  # ApiToken.name


class Command(BaseCommand):
    help = "Create, list or revoke a staff member's API token (it acts with that person's permissions)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("login", nargs="?", help="the staff member's login ID")
        parser.add_argument("--name", default="", help="what the token is for, e.g. '3番窓口の表示機'")
        parser.add_argument("--list", action="store_true", help="list the person's tokens")
        parser.add_argument("--revoke", type=int, metavar="ID", help="revoke the token with this ID")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["revoke"] is not None:
            token = ApiToken.objects.select_related("staff").filter(pk=options["revoke"]).first()
            if token is None:
                raise CommandError(f"no API token with ID {options['revoke']}", returncode=2)
            do_revoke_api_token(ACTOR, token)
            self.stdout.write(f"revoked API token {token.pk} of {token.staff.username}")
            return
        if not options["login"]:
            raise CommandError("give a login ID (or --revoke ID)", returncode=2)
        staff = Staff.objects.filter(username=options["login"]).first()
        if staff is None:
            raise CommandError(f"no staff member with login ID {options['login']!r}", returncode=2)
        if options["list"]:
            for token in staff.api_tokens.all():
                state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
                used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
                self.stdout.write(f"{token.pk}\t{token.name or '-'}\t{state}\tlast used {used}")
            return
        try:
            name = clean_text(options["name"], "--name", max_length=NAME_MAX)
        except BadInput as error:
            raise CommandError(f"--name: {error.message}", returncode=2) from None
        try:
            token, plain = do_create_api_token(ACTOR, staff, name=name)
        except ValueError as error:
            raise CommandError(str(error), returncode=2) from error
        how = "shown once; send it as 'Authorization: Bearer TOKEN'"
        self.stdout.write(f"API token {token.pk} for {staff.username} ({how}): {plain}")
