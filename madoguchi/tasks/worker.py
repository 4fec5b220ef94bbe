"""Claiming and running tasks: `run_one` in tests and scripts, `work` in a loop, `WorkerPool` in threads.

Two workers never run the same task: on PostgreSQL a worker locks the oldest due row with
`SELECT ... FOR UPDATE SKIP LOCKED`; on SQLite (no row locks) it flips the row from queued to running
with a conditional UPDATE and owns it only if that UPDATE changed one row. A running task's worker
writes a heartbeat; a task whose heartbeat is older than MADOGUCHI_TASK_STALE_SECONDS belonged to a
worker that died, and is queued again (or failed, if it has no attempt left). Delivery is at least
once: a task must tolerate running again after a crash.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import traceback
import uuid
from datetime import datetime, timedelta
from types import TracebackType

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.db.models import F, QuerySet
from django.utils import timezone

from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.models import Task
from madoguchi.tasks.queue import NotJSONSerialisable, as_json
from madoguchi.tasks.registry import lookup, periodic_jobs
from madoguchi.tasks.states import TASK

logger = logging.getLogger("madoguchi.tasks")

BACKOFF_BASE_SECONDS = 2  # the n-th failed attempt waits 2**n seconds: 2, 4, 8, 16, ...
BACKOFF_CAP_SECONDS = 3600
ERROR_LENGTH = 4000  # characters of the traceback kept on the row (its end, where the cause is)
CLAIM_CANDIDATES = 10  # SQLite: due rows read at once before trying to claim them one by one
IDLE_BACKOFF_CAP_SECONDS = 60.0  # while the database is unreachable, retry at most this far apart

Status = Task.Status


def stale_after() -> timedelta:
    return timedelta(seconds=settings.MADOGUCHI_TASK_STALE_SECONDS)


def heartbeat_interval() -> float:
    """Several heartbeats fit in the stale period, so one slow write never makes a live task look dead."""
    return max(1.0, min(30.0, settings.MADOGUCHI_TASK_STALE_SECONDS / 10))


def backoff(attempts: int) -> timedelta:
    """How long to wait before the next attempt after `attempts` failed ones."""
    return timedelta(seconds=min(BACKOFF_BASE_SECONDS**attempts, BACKOFF_CAP_SECONDS))


def new_worker_id(label: str = "worker", index: int = 0) -> str:
    """Unique per thread across servers: host, process, label and index."""
    return f"{socket.gethostname()}:{os.getpid()}:{label}-{index}"


def error_summary(error: BaseException) -> str:
    text = "".join(traceback.format_exception(error)).strip()
    return text if len(text) <= ERROR_LENGTH else "…" + text[-(ERROR_LENGTH - 1) :]


def _owned(task_id: uuid.UUID, worker_id: str, attempt: int) -> QuerySet[Task]:
    """The task row as long as this worker still owns this attempt (it was not reclaimed meanwhile)."""
    return Task.objects.filter(pk=task_id, status=Status.RUNNING, worker=worker_id, attempts=attempt)


def _log_permanent_failure(task_id: uuid.UUID, name: str, attempts: int, error: str, error_type: str) -> None:
    logger.error(
        "task failed permanently",
        extra={
            "task_id": str(task_id),
            "task": name,
            "attempts": attempts,
            "error_type": error_type,
            "error": error.strip().splitlines()[-1][:300] if error.strip() else "",
        },
    )


def reclaim_stale(now: datetime | None = None) -> int:
    """Queue again (or fail, without attempts left) running tasks whose worker stopped answering."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    stale = list(
        Task.objects.filter(status=Status.RUNNING, heartbeat_at__lt=cutoff).values_list(
            "pk", "name", "worker", "attempts", "max_attempts", "heartbeat_at"
        )[:100]
    )
    reclaimed = 0
    for pk, name, worker, attempts, max_attempts, heartbeat_at in stale:
        since = heartbeat_at.isoformat() if heartbeat_at is not None else "?"
        message = (
            f"worker {worker} stopped answering: no heartbeat since {since} "
            f"(more than {settings.MADOGUCHI_TASK_STALE_SECONDS} s)"
        )
        row = Task.objects.filter(
            pk=pk, status=Status.RUNNING, worker=worker, attempts=attempts, heartbeat_at__lt=cutoff
        )
        if attempts >= max_attempts:
            if TASK.update(row, "fail", now, error=message):
                _log_permanent_failure(pk, name, attempts, message, "WorkerLost")
        elif TASK.update(row, "retry", now, run_after=now, worker="", heartbeat_at=None, error=message):
            reclaimed += 1
            logger.warning(
                "task reclaimed from a stale worker",
                extra={"task_id": str(pk), "task": name, "worker": worker, "attempts": attempts},
            )
    return reclaimed


def claim_next(worker_id: str) -> Task | None:
    """The oldest due queued task, now running and owned by `worker_id`; None when nothing is due."""
    now = timezone.now()
    reclaim_stale(now)
    due = Task.objects.filter(status=Status.QUEUED, run_after__lte=now).order_by("run_after", "queued_at")
    running = {"worker": worker_id, "heartbeat_at": now, "finished_at": None}
    if connection.features.has_select_for_update_skip_locked:
        with transaction.atomic():
            task = due.select_for_update(skip_locked=True).first()
            if task is None:
                return None
            _before, fields = TASK.apply(task, "claim", now)
            for field, value in running.items():
                setattr(task, field, value)
            task.attempts += 1
            task.save(update_fields=[*fields, *running, "attempts"])
            return task
    while candidates := list(due.values_list("pk", flat=True)[:CLAIM_CANDIDATES]):
        for pk in candidates:
            # Only one worker's UPDATE finds the row still queued; the others change nothing and move on.
            if TASK.update(Task.objects.filter(pk=pk), "claim", now, attempts=F("attempts") + 1, **running):
                return Task.objects.get(pk=pk)
    return None


class _Heartbeat:
    """Stamps `heartbeat_at` from a side thread while the task runs, however long it computes.

    Not when the task runs inside the caller's transaction (a test, `call_command`): no other worker sees
    the claim there, and the side thread would wait for the row lock that transaction holds.
    """

    def __init__(self, task: Task, worker_id: str) -> None:
        self.row = _owned(task.pk, worker_id, task.attempts)
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._beat, name=f"heartbeat-{task.pk}", daemon=True)
        self.enabled = not connection.in_atomic_block

    def _beat(self) -> None:
        try:
            while not self.stop.wait(heartbeat_interval()):
                try:
                    self.row.update(heartbeat_at=timezone.now())
                except DatabaseError as error:
                    logger.warning("task heartbeat failed", extra={"error": str(error)[:300]})
        finally:
            connection.close()  # this thread's own connection

    def __enter__(self) -> _Heartbeat:
        if self.enabled:
            self.thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop.set()
        if self.enabled:
            self.thread.join()


def _finish(task: Task, context: TaskContext, result: object) -> None:
    now = timezone.now()
    updated = TASK.update(
        _owned(task.pk, context.worker, context.attempt),
        "finish",
        now,
        heartbeat_at=now,
        result=result,
        progress=1.0,
        progress_note=context.note,
        error="",
    )
    if not updated:
        logger.warning(
            "task result discarded: the task was reclaimed while it ran",
            extra={"task_id": str(task.pk), "task": task.name, "worker": context.worker},
        )


def _fail(task: Task, context: TaskContext, error: BaseException, *, retry: bool = True) -> None:
    """Queue the task again after a back-off, or mark it failed when no attempt is left."""
    now = timezone.now()
    summary = error_summary(error)
    row = _owned(task.pk, context.worker, context.attempt)
    if retry and context.attempt < task.max_attempts:
        delay = backoff(context.attempt)
        TASK.update(row, "retry", now, run_after=now + delay, worker="", heartbeat_at=None, error=summary)
        logger.warning(
            "task attempt failed; retrying",
            extra={
                "task_id": str(task.pk),
                "task": task.name,
                "attempts": context.attempt,
                "retry_in_s": delay.total_seconds(),
                "error_type": type(error).__name__,
            },
        )
        return
    if TASK.update(row, "fail", now, heartbeat_at=now, error=summary):
        _log_permanent_failure(task.pk, task.name, context.attempt, summary, type(error).__name__)


def execute(task: Task, worker_id: str) -> None:
    """Run a claimed task and record how it ended. Exceptions of the task never leave this function."""
    context = TaskContext(task, worker_id)
    with _Heartbeat(task, worker_id):
        try:
            value = lookup(task.name)(context, **task.kwargs)
        except Exception as error:
            _fail(task, context, error)
            return
    try:
        result = as_json(value, f"the result of task {task.name!r}")
    except NotJSONSerialisable as error:
        # The task did its work (and maybe sent something); running it again would repeat that.
        _fail(task, context, error, retry=False)
        return
    _finish(task, context, result)


def run_one(worker_id: str) -> bool:
    """Claim and run one due task; False when none was due."""
    task = claim_next(worker_id)
    if task is None:
        return False
    execute(task, worker_id)
    return True


def drain(worker_id: str, stop_event: threading.Event | None = None) -> int:
    """Run due tasks until none is left (or `stop_event` is set); the number run."""
    ran = 0
    while not (stop_event is not None and stop_event.is_set()) and run_one(worker_id):
        ran += 1
    return ran


_periodic_lock = threading.Lock()
_periodic_last: dict[str, float] = {}


def run_periodic(now: float | None = None) -> None:
    """Run the periodic jobs that are due, once per process however many worker threads loop."""
    now = time.monotonic() if now is None else now
    if not _periodic_lock.acquire(blocking=False):
        return
    try:
        for name, (every, function) in periodic_jobs().items():
            if now - _periodic_last.get(name, float("-inf")) < every():
                continue
            _periodic_last[name] = now
            try:
                function()
            except DatabaseError as error:
                logger.warning("periodic job failed", extra={"job": name, "error": str(error)[:300]})
    finally:
        _periodic_lock.release()


def work(worker_id: str, stop_event: threading.Event, poll_interval: float = 1.0) -> int:
    """Run tasks until `stop_event` is set, polling every `poll_interval` seconds when idle.

    A stop request lets the current task finish. Returns the number of tasks run.
    """
    ran = 0
    failures = 0
    while not stop_event.is_set():
        if not connection.in_atomic_block:  # never drop a connection inside the caller's transaction
            close_old_connections()  # honours CONN_MAX_AGE and drops broken connections
        try:
            run_periodic()
            busy = run_one(worker_id)
        except DatabaseError as error:
            failures += 1
            delay = min(poll_interval * 2**failures, IDLE_BACKOFF_CAP_SECONDS)
            logger.warning(
                "task worker cannot use the database",
                extra={"worker": worker_id, "error": str(error)[:300], "retry_in_s": delay},
            )
            stop_event.wait(delay)
            continue
        failures = 0
        if busy:
            ran += 1
        else:
            stop_event.wait(poll_interval)
    return ran


class WorkerPool:
    """`count` worker threads in this process, each with its own database connection."""

    def __init__(
        self, count: int, *, label: str = "worker", poll_interval: float = 1.0, once: bool = False
    ) -> None:
        self.stop_event = threading.Event()
        self.poll_interval = poll_interval
        self.once = once
        self.ran = 0
        self._lock = threading.Lock()
        self.worker_ids = [new_worker_id(label, index) for index in range(count)]
        # Daemon threads: a task stuck for good must not keep the process alive after shutdown; its row
        # goes back to the queue once its heartbeat is stale.
        self.threads = [
            threading.Thread(target=self._run, args=(worker_id,), name=worker_id, daemon=True)
            for worker_id in self.worker_ids
        ]

    def _loop(self, worker_id: str) -> None:
        if self.once:
            ran = drain(worker_id, self.stop_event)
        else:
            ran = work(worker_id, self.stop_event, self.poll_interval)
        with self._lock:
            self.ran += ran

    def _run(self, worker_id: str) -> None:
        try:
            self._loop(worker_id)
        except Exception:
            logger.exception("task worker stopped by an error", extra={"worker": worker_id})
        finally:
            connection.close()  # this thread's own connection

    def run_in_this_thread(self) -> None:
        """The first worker, in the calling thread and on its connection (which stays open)."""
        logger.info("task workers started", extra={"workers": self.worker_ids[:1]})
        self._loop(self.worker_ids[0])
        logger.info("task workers stopped", extra={"workers": self.worker_ids[:1]})

    def start(self) -> WorkerPool:
        for thread in self.threads:
            thread.start()
        if self.threads:
            logger.info("task workers started", extra={"workers": self.worker_ids})
        return self

    def stop_soon(self, reason: str) -> None:
        """Ask every worker to stop after its current task, without waiting (e.g. from a signal handler)."""
        logger.info("task workers stopping after their current task", extra={"reason": reason})
        self.stop_event.set()

    def alive(self) -> bool:
        return any(thread.is_alive() for thread in self.threads)

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the threads in short steps (the main thread still handles signals); True if all ended."""
        deadline = None if timeout is None else time.monotonic() + timeout
        for thread in self.threads:
            while thread.is_alive():
                if deadline is not None and time.monotonic() >= deadline:
                    return False
                thread.join(0.2)
        return True

    def stop(self, timeout: float | None = None) -> bool:
        """Ask every worker to stop after its current task and wait; True if all stopped in time."""
        self.stop_event.set()
        stopped = self.join(timeout)
        if stopped and self.threads:
            logger.info("task workers stopped", extra={"workers": self.worker_ids})
        if not stopped:
            logger.warning(
                "task workers still busy at shutdown; their tasks will be retried",
                extra={"workers": [t.name for t in self.threads if t.is_alive()]},
            )
        return stopped
