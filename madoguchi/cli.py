"""The `madoguchi` console command: a thin wrapper around the Django management commands.

madoguchi serve          start the ASGI server (with background task workers)
madoguchi worker         run background tasks in a separate process (--concurrency N, --once)
madoguchi demo           load the demo city みなと市 (idempotent)
madoguchi check          Django's deployment checks against the current (production) settings
madoguchi audit verify   verify the hash chain of the audit log
madoguchi kiosk-token --office CODE   create a token for a self-service ticket machine (--list, --revoke ID)
madoguchi staff-token LOGIN [--name N]  create a staff API token (--list, --revoke ID)
madoguchi screen FILE    screen an operations inventory (CSV/.xlsx): --max-minutes 10 --relevance 高 --json
madoguchi center-export [--day D]     queue the center's daily CSV per procedure (UTF-8 and Shift_JIS)
madoguchi preparation decode FILE.png|TEXT [--json]   print what a preparation QR code holds
madoguchi preparation keys            print a new key set for sealing and opening preparation codes
madoguchi preparation import --kind hikkoshi|pittari FILE   keep a マイナポータル file's preparations
madoguchi <command>      any other management command (migrate, createsuperuser, ...)
"""

from __future__ import annotations

import os
import sys

# Commands whose name here differs from the management command they run.
ALIASES: dict[str, list[str]] = {
    "check": ["check", "--deploy", "--fail-level", "WARNING"],
    "kiosk-token": ["kiosk_token"],
    "staff-token": ["staff_token"],
    "center-export": ["center_export"],
}


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
    from django.core.management import execute_from_command_line

    if not args or args[0] in {"-h", "--help"}:
        print(__doc__)
        if not args:
            sys.exit(2)
        return
    command = ALIASES.get(args[0], [args[0]])
    execute_from_command_line(["madoguchi", *command, *args[1:]])


if __name__ == "__main__":
    main()
