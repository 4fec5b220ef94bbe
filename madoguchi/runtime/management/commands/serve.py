"""`madoguchi serve`: run the ASGI application with uvicorn (runtime/server.py), and background task
workers beside it."""

from __future__ import annotations

import signal
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from madoguchi.runtime.server import ServeOptions, serve_in_process, supervise
from madoguchi.tasks.worker import WorkerPool

# On shutdown, how long the embedded task workers may take to finish their current task.
TASK_SHUTDOWN_SECONDS = 30.0


class Command(BaseCommand):
    help = "Serve madoguchi over HTTP with uvicorn (ASGI)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=int, default=8000, help="port (default 8000)")
        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help="HTTP worker processes, each with its own SO_REUSEPORT socket (more than one: PostgreSQL "
            "and a shared broadcast broker)",
        )
        parser.add_argument(
            "--streams",
            action="store_true",
            help="the event-stream server beside an app server (deploy/madoguchi-streams.service): nginx "
            "sends it the boards' and wait pages' streams; it runs no background tasks and needs the "
            "shared broadcast broker",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["workers"] < 1:
            raise CommandError("--workers must be 1 or more")
        # Processes see each other's display-board events only through a shared broker.
        shared = not settings.MADOGUCHI_BROADCAST_URL.startswith("memory")
        for asked, option in (
            (options["workers"] > 1, "--workers above 1"),
            (options["streams"], "--streams"),
        ):
            if asked and not shared:
                raise CommandError(
                    f"{option} needs a shared broadcast broker: set MADOGUCHI_BROADCAST_URL to "
                    "redis://HOST:6379/0 or postgres:// so that every process sees the display-board events"
                )
        self.stdout.write(
            f"madoguchi: serving on http://{options['host']}:{options['port']}/ (Ctrl+C to stop)"
        )
        # Task workers run as threads of this (the main) process; MADOGUCHI_TASK_WORKERS=0 leaves the
        # tasks to `madoguchi worker` processes.
        # The stream server runs none: the app server beside it (or `madoguchi worker`) does.
        task_workers = 0 if options["streams"] else max(settings.MADOGUCHI_TASK_WORKERS, 0)
        tasks = WorkerPool(task_workers, label="serve").start()

        def stop_tasks(signum: int, frame: FrameType | None) -> None:
            tasks.stop_event.set()

        # uvicorn handles SIGINT/SIGTERM while it runs, then restores these handlers and raises the signal
        # again: here that only stops the task workers, so the process ends cleanly below.
        previous = {sig: signal.signal(sig, stop_tasks) for sig in (signal.SIGINT, signal.SIGTERM)}
        # The client's address and scheme from the reverse proxy's X-Forwarded-* headers, trusted only from
        # the proxy's own address (uvicorn's FORWARDED_ALLOW_IPS, 127.0.0.1 by default): sign-in throttling
        # counts each terminal by its address (staff/throttling.py), not the proxy's.
        served = ServeOptions(host=options["host"], port=options["port"], proxy_headers=True)
        try:
            if options["workers"] > 1:
                supervise(served, options["workers"])  # one SO_REUSEPORT socket per process (server.py)
            else:
                serve_in_process(served)
        except OSError as error:  # e.g. the port is taken
            raise CommandError(f"cannot listen on {options['host']}:{options['port']}: {error}") from error
        finally:
            tasks.stop(timeout=TASK_SHUTDOWN_SECONDS)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
