"""What a running task sees of itself: its id and attempt, and a way to report progress."""

from __future__ import annotations

import math
import time
import uuid

from django.utils import timezone

from madoguchi.tasks.models import Task

# Long tasks may report progress in a tight loop; one write per interval is enough for a progress bar.
PROGRESS_INTERVAL_SECONDS = 0.5
NOTE_LENGTH = Task._meta.get_field("progress_note").max_length or 200


class TaskContext:
    """Passed as the first argument of every task function."""

    def __init__(self, task: Task, worker: str) -> None:
        self.task_id: uuid.UUID = task.pk
        self.name = task.name
        self.attempt = task.attempts  # 1 on the first run
        self.max_attempts = task.max_attempts
        self.worker = worker
        self.fraction = task.progress
        self.note = task.progress_note
        self._saved_at: float | None = None

    @property
    def is_last_attempt(self) -> bool:
        """True when a failure now fails the task for good (no retry follows)."""
        return self.attempt >= self.max_attempts

    def progress(self, fraction: float, note: str = "") -> None:
        """Report how far the task is (0..1) with an optional short note for staff.

        Saved at most once per PROGRESS_INTERVAL_SECONDS (and always at 1.0); the worker saves the last
        reported note when the task finishes.
        """
        if math.isnan(fraction):
            raise ValueError("progress must be a number between 0 and 1, not NaN")
        self.fraction = min(max(float(fraction), 0.0), 1.0)
        self.note = note[:NOTE_LENGTH]
        now = time.monotonic()
        if (
            self._saved_at is not None
            and now - self._saved_at < PROGRESS_INTERVAL_SECONDS
            and self.fraction < 1.0
        ):
            return
        self._saved_at = now
        Task.objects.filter(pk=self.task_id, worker=self.worker, attempts=self.attempt).update(
            progress=self.fraction, progress_note=self.note, heartbeat_at=timezone.now()
        )
