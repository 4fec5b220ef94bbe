"""`madoguchi changepassword LOGIN`: set a staff member's password from the server's console, through the
same action as the staff screens (the password policy, and an audit entry), unlike Django's command."""

from __future__ import annotations

import getpass
from argparse import ArgumentParser
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.staff.actions import do_reset_password
from madoguchi.staff.models import Staff

ACTOR = SystemActor("changepassword")
ATTEMPTS = 3


class Command(BaseCommand):
    help = "Set a staff member's password (checked against the password policy, recorded in the audit log)."
    requires_migrations_checks = True

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="the staff member's login ID")

    def handle(self, *args: Any, **options: Any) -> None:
        staff = Staff.objects.filter(username=options["username"]).first()
        if staff is None:
            raise CommandError(f"no staff member with login ID {options['username']!r}", returncode=2)
        for _attempt in range(ATTEMPTS):
            password = getpass.getpass(f"New password for {staff.username}: ")
            if password != getpass.getpass("New password (again): "):
                self.stderr.write("The passwords do not match.")
                continue
            try:
                do_reset_password(ACTOR, staff, password=password)
            except ValidationError as error:
                self.stderr.write("\n".join(error.messages))
                continue
            self.stdout.write(f"Password changed for {staff.username}.")
            return
        raise CommandError(f"too many attempts: the password of {staff.username} is unchanged", returncode=2)
