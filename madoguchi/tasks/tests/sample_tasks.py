"""Tasks registered for the tests only (importing this module registers them)."""

from __future__ import annotations

import threading
import time
import uuid
from collections import Counter
from typing import Any

from madoguchi.tasks.context import TaskContext
from madoguchi.tasks.models import Task
from madoguchi.tasks.registry import task

runs: Counter[str] = Counter()  # task id -> executions, for the concurrency test
runs_lock = threading.Lock()
stop_after_this = threading.Event()


@task("tests.echo")
def echo(context: TaskContext, **kwargs: Any) -> dict[str, Any]:
    return {"kwargs": kwargs, "attempt": context.attempt}


@task("tests.flaky")
def flaky(context: TaskContext, *, succeed_on: int) -> str:
    if context.attempt < succeed_on:
        raise RuntimeError(f"flaky attempt {context.attempt}")
    return f"succeeded on attempt {context.attempt}"


@task("tests.broken")
def broken(context: TaskContext) -> None:
    raise ValueError("the export file cannot be written")


@task("tests.not_json")
def not_json(context: TaskContext) -> object:
    return {"when": uuid.uuid4()}


@task("tests.progress")
def report_progress(context: TaskContext) -> list[Any]:
    seen = []
    for fraction, note in [(0.25, "1/4"), (0.5, "2/4"), (1.7, "all")]:
        context.progress(fraction, note)
        row = Task.objects.get(pk=context.task_id)
        seen.append([row.progress, row.progress_note])
    return seen


@task("tests.count")
def count(context: TaskContext) -> None:
    with runs_lock:
        runs[str(context.task_id)] += 1
    time.sleep(0.001)


@task("tests.watch_heartbeat")
def watch_heartbeat(context: TaskContext, *, seconds: float) -> bool:
    """Sleeps without reporting progress; True if the worker's heartbeat moved meanwhile."""
    before = Task.objects.get(pk=context.task_id).heartbeat_at
    time.sleep(seconds)
    after = Task.objects.get(pk=context.task_id).heartbeat_at
    return before is not None and after is not None and after > before


@task("tests.stop_worker")
def stop_worker(context: TaskContext) -> None:
    stop_after_this.set()
