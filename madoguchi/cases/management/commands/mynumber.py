"""`madoguchi mynumber new-key` prints a new key; `rotate-keys` re-encrypts every stored My Number."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.cases import crypto
from madoguchi.cases.actions import do_rotate_my_number_keys


class Command(BaseCommand):
    help = (
        "My Number key rotation. Put the new key first in MADOGUCHI_MY_NUMBER_KEYS (keep the old one after "
        "it), run `rotate-keys`, then remove the old key."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        sub.add_parser("rotate-keys", help="re-encrypt every stored My Number with the first key")
        sub.add_parser("new-key", help="print a new key for MADOGUCHI_MY_NUMBER_KEYS")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "new-key":
            self.stdout.write(Fernet.generate_key().decode("ascii"))
            return
        try:
            crypto.cipher()  # every key readable before anything is re-encrypted
            rotated = do_rotate_my_number_keys(SystemActor("mynumber"))
        except crypto.MyNumberKeyError as error:
            raise CommandError(
                f"{error}; nothing was changed (keep the old key in the list)", returncode=2
            ) from error
        self.stdout.write(f"re-encrypted {rotated} My Number(s) with the current key")
