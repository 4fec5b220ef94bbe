"""`madoguchi serve`: run the ASGI application with uvicorn."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

import uvicorn
from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Serve madoguchi over HTTP with uvicorn (ASGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers", type=int, default=1, help="worker processes (PostgreSQL only for more than one)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(
            f"madoguchi: serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)"
        )
        uvicorn.run(
            "madoguchi.config.asgi:application",
            host=options["host"],
            port=options["port"],
            workers=options["workers"],
            log_config=None,  # Django's LOGGING already configured the root logger (JSON lines).
            proxy_headers=settings.HTTPS,
            server_header=False,
        )
