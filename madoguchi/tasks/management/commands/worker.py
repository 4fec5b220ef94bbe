"""`madoguchi worker`: run background tasks in a process of their own (production).

SIGTERM or Ctrl+C stops each worker after its current task; a second signal stops at once (the task
then goes back to the queue when its heartbeat is stale).
"""

from __future__ import annotations

import logging
import signal
from argparse import ArgumentParser
from types import FrameType
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.tasks.worker import WorkerPool

logger = logging.getLogger("madoguchi.tasks")


class Command(BaseCommand):
    help = "Run background tasks until stopped (or, with --once, until none is due)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--concurrency", type=int, default=1, help="worker threads (default 1)")
        parser.add_argument("--once", action="store_true", help="run the due tasks, then exit")
        parser.add_argument(
            "--poll-interval", type=float, default=1.0, help="seconds between looks at an empty queue"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        concurrency: int = options["concurrency"]
        if concurrency < 1:
            raise CommandError("--concurrency must be at least 1")
        pool = WorkerPool(
            concurrency, label="worker", poll_interval=options["poll_interval"], once=options["once"]
        )

        def on_signal(signum: int, frame: FrameType | None) -> None:
            if pool.stop_event.is_set():
                raise SystemExit(f"madoguchi worker: {signal.Signals(signum).name} again, stopping now")
            pool.stop_soon(f"{signal.Signals(signum).name} (send it again to stop at once)")

        previous = {sig: signal.signal(sig, on_signal) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            if concurrency == 1:
                # In the calling thread: one connection, and `--once` sees the caller's uncommitted rows.
                pool.run_in_this_thread()
            else:
                pool.start()
                pool.join()
                logger.info("task workers stopped", extra={"workers": pool.worker_ids})
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if options["once"]:
            self.stdout.write(f"madoguchi worker: {pool.ran} task(s) run")
