"""Many workers, one queue: every task runs exactly once (PostgreSQL, real threads and connections)."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from madoguchi.tasks.models import Task
from madoguchi.tasks.queue import enqueue
from madoguchi.tasks.tests import sample_tasks
from madoguchi.tasks.worker import WorkerPool, run_one


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("claim", ["skip_locked", "conditional_update"])
def test_eight_workers_run_each_of_400_tasks_exactly_once(
    claim: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: 400 queued tasks; "conditional_update" claims as on SQLite (no row locks), on PostgreSQL
    if claim == "conditional_update":
        monkeypatch.setattr(type(connection.features), "has_select_for_update_skip_locked", False)
    ids = {str(enqueue("tests.count").pk) for _ in range(400)}
    with sample_tasks.runs_lock:
        sample_tasks.runs.clear()
    # when: eight worker threads, each with its own connection, drain the queue at once
    pool = WorkerPool(8, label="test", once=True).start()
    assert pool.join(timeout=300)
    # then
    runs: dict[str, Any] = dict(sample_tasks.runs)
    assert set(runs) == ids
    assert [task_id for task_id, n in runs.items() if n != 1] == []
    assert pool.ran == 400
    assert Task.objects.filter(status=Task.Status.DONE, attempts=1).count() == 400
    assert Task.objects.values("worker").distinct().count() > 1


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_long_task_keeps_its_heartbeat_without_reporting_progress(settings: Any) -> None:
    # given: a 10 s stale period, so the heartbeat beats every second
    settings.MADOGUCHI_TASK_STALE_SECONDS = 10
    queued = enqueue("tests.watch_heartbeat", seconds=2.5)
    # when
    assert run_one("w1")
    # then
    done = Task.objects.get(pk=queued.pk)
    assert (done.status, done.result) == (Task.Status.DONE, True)
