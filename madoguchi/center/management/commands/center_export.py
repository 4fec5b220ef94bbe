"""`madoguchi center-export [--day YYYY-MM-DD] [--encoding utf-8|shift_jis]`: queue the daily CSV of every
procedure the center processes (run nightly by the city's scheduler; a worker writes the files)."""

from __future__ import annotations

from argparse import ArgumentParser
from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from madoguchi.audit.chain import SystemActor
from madoguchi.center.exports import do_request_export
from madoguchi.center.models import DailyExport, WorkQueue
from madoguchi.ui.inputs import DATE_MAX, DATE_MIN, BadInput, parse_date


class Command(BaseCommand):
    help = "Queue the daily CSV export of every center work queue (default: yesterday, both encodings)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("--day", help="YYYY-MM-DD (default: yesterday in Asia/Tokyo)")
        parser.add_argument("--encoding", choices=DailyExport.Encoding.values, action="append")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            day = (
                parse_date(options["day"], "--day")
                if options["day"]
                else timezone.localdate() - timedelta(days=1)
            )
        except BadInput:
            raise CommandError(
                f"--day {options['day'][:20]!r}: use YYYY-MM-DD, from {DATE_MIN} to {DATE_MAX}", returncode=2
            ) from None
        encodings = options["encoding"] or list(DailyExport.Encoding.values)
        actor = SystemActor("center-export")
        count = 0
        for queue in WorkQueue.objects.filter(active=True):
            for encoding in encodings:
                do_request_export(actor, queue=queue, day=day, encoding=encoding)
                count += 1
        self.stdout.write(f"queued {count} exports for {day.isoformat()}")
