"""Enqueueing and running tasks on the real database (SQLite here, PostgreSQL in the second pass)."""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.db import transaction

from madoguchi.tasks.models import Task
from madoguchi.tasks.queue import NotJSONSerialisable, enqueue
from madoguchi.tasks.registry import UnknownTask, registered_names, task
from madoguchi.tasks.tests import sample_tasks
from madoguchi.tasks.tests.conftest import Clock
from madoguchi.tasks.worker import claim_next, execute, run_one, work

Status = Task.Status


@pytest.mark.django_db
def test_an_enqueued_task_runs_once_and_keeps_its_result() -> None:
    # given
    queued = enqueue("tests.echo", text="転入届", count=3)
    assert (queued.status, queued.attempts, queued.worker) == (Status.QUEUED, 0, "")
    # when
    assert run_one("w1") is True
    # then
    done = Task.objects.get(pk=queued.pk)
    assert done.status == Status.DONE
    assert done.result == {"kwargs": {"text": "転入届", "count": 3}, "attempt": 1}
    assert (done.attempts, done.worker, done.progress, done.error) == (1, "w1", 1.0, "")
    assert done.queued_at <= done.started_at <= done.finished_at
    assert run_one("w1") is False


@pytest.mark.django_db
def test_keyword_arguments_make_the_round_trip_as_json() -> None:
    kwargs: dict[str, Any] = {
        "ticket": str(uuid.uuid4()),
        "nested": {"list": [1, 2.5, None, True], "name": "山田 太郎"},
        "pair": ("a", "b"),  # a tuple comes back as a list, as JSON has it
        "empty": {},
    }
    queued = enqueue("tests.echo", **kwargs)
    assert queued.kwargs["pair"] == ["a", "b"]
    run_one("w1")
    result = Task.objects.get(pk=queued.pk).result
    assert result["kwargs"] == {**kwargs, "pair": ["a", "b"]}


@pytest.mark.django_db
def test_arguments_that_are_not_json_are_refused_before_anything_is_stored() -> None:
    with pytest.raises(NotJSONSerialisable, match=r"arguments of task 'tests\.echo' must be JSON"):
        enqueue("tests.echo", ticket=uuid.uuid4())
    with pytest.raises(NotJSONSerialisable):
        enqueue("tests.echo", ratio=float("nan"))
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_an_unknown_task_name_is_refused_with_the_known_names() -> None:
    with pytest.raises(UnknownTask, match=r"no task is registered as 'exports.nightly'.*tests\.echo"):
        enqueue("exports.nightly")
    assert not Task.objects.exists()


def test_task_names_are_checked_and_registered_once() -> None:
    assert "notifications.deliver" in registered_names()  # found in notifications/tasks.py at start-up
    with pytest.raises(ImproperlyConfigured, match=r"must look like 'app\.verb'"):
        task("NoDots")
    with pytest.raises(ImproperlyConfigured, match="registered twice"):

        @task("tests.echo")
        def another_echo(context: Any) -> None: ...


@pytest.mark.django_db
def test_a_failing_task_is_retried_with_exponential_back_off_then_succeeds(clock: Clock) -> None:
    # given: a task that fails on its first two attempts
    queued = enqueue("tests.flaky", succeed_on=3)
    # when: the first attempt fails
    assert run_one("w1")
    task_row = Task.objects.get(pk=queued.pk)
    # then: it waits 2 s, then 4 s, with the last error kept
    assert (task_row.status, task_row.attempts, task_row.worker) == (Status.QUEUED, 1, "")
    assert task_row.run_after == clock.now + timedelta(seconds=2)
    assert "RuntimeError: flaky attempt 1" in task_row.error
    assert run_one("w1") is False  # not due yet
    clock.advance(seconds=2)
    assert run_one("w1")
    task_row.refresh_from_db()
    assert (task_row.status, task_row.attempts) == (Status.QUEUED, 2)
    assert task_row.run_after == clock.now + timedelta(seconds=4)
    clock.advance(seconds=4)
    assert run_one("w1")
    task_row.refresh_from_db()
    assert (task_row.status, task_row.attempts, task_row.error) == (Status.DONE, 3, "")
    assert task_row.result == "succeeded on attempt 3"


@pytest.mark.django_db
def test_a_task_fails_for_good_after_max_attempts_and_logs_an_error(
    clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    queued = enqueue("tests.broken", max_attempts=2)
    run_one("w1")
    clock.advance(seconds=2)
    with caplog.at_level(logging.ERROR, logger="madoguchi.tasks"):
        run_one("w1")
    failed = Task.objects.get(pk=queued.pk)
    assert (failed.status, failed.attempts) == (Status.FAILED, 2)
    assert failed.finished_at == clock.now
    assert "Traceback" in failed.error
    assert "ValueError: the export file cannot be written" in failed.error
    record = next(r for r in caplog.records if r.message == "task failed permanently")
    assert record.levelno == logging.ERROR
    assert record.task_id == str(queued.pk)  # type: ignore[attr-defined]
    assert record.task == "tests.broken"  # type: ignore[attr-defined]
    assert record.error == "ValueError: the export file cannot be written"  # type: ignore[attr-defined]
    clock.advance(hours=2)
    assert run_one("w1") is False


@pytest.mark.django_db
def test_a_result_that_is_not_json_fails_the_task_without_running_it_again() -> None:
    queued = enqueue("tests.not_json")
    run_one("w1")
    failed = Task.objects.get(pk=queued.pk)
    assert (failed.status, failed.attempts) == (Status.FAILED, 1)
    assert "the result of task 'tests.not_json' must be JSON" in failed.error
    assert "UUID is not JSON serializable" in failed.error


@pytest.mark.django_db
def test_a_running_task_reports_progress_at_a_limited_rate() -> None:
    queued = enqueue("tests.progress")
    run_one("w1")
    done = Task.objects.get(pk=queued.pk)
    # 0.25 is saved; 0.5 right after it is not (rate limit); 1.7 is clamped to 1.0 and always saved
    assert done.result == [[0.25, "1/4"], [0.25, "1/4"], [1.0, "all"]]
    assert (done.progress, done.progress_note) == (1.0, "all")


@pytest.mark.django_db
def test_a_task_of_a_dead_worker_is_reclaimed_after_the_stale_period(
    clock: Clock, settings: Any, caplog: pytest.LogCaptureFixture
) -> None:
    # given: a worker claimed a task, then died (no heartbeat any more)
    settings.MADOGUCHI_TASK_STALE_SECONDS = 300
    queued = enqueue("tests.echo", n=1)
    claimed = claim_next("dead-worker")
    assert claimed is not None
    assert claimed.status == Status.RUNNING
    clock.advance(seconds=299)
    assert run_one("live-worker") is False  # a slow task is not stolen
    # when: the heartbeat is older than the stale period
    clock.advance(seconds=2)
    with caplog.at_level(logging.WARNING, logger="madoguchi.tasks"):
        assert run_one("live-worker") is True
    # then: another worker ran it, as a second attempt
    done = Task.objects.get(pk=queued.pk)
    assert (done.status, done.worker, done.attempts) == (Status.DONE, "live-worker", 2)
    assert "task reclaimed from a stale worker" in caplog.messages
    # and the dead worker, should it wake up, cannot overwrite the outcome
    execute(claimed, "dead-worker")
    assert Task.objects.get(pk=queued.pk).worker == "live-worker"
    assert "task result discarded: the task was reclaimed while it ran" in caplog.messages


@pytest.mark.django_db
def test_a_stale_task_without_attempts_left_fails(clock: Clock) -> None:
    queued = enqueue("tests.echo", max_attempts=1)
    claim_next("dead-worker")
    clock.advance(hours=1)
    assert run_one("live-worker") is False
    failed = Task.objects.get(pk=queued.pk)
    assert failed.status == Status.FAILED
    assert "worker dead-worker stopped answering" in failed.error


@pytest.mark.django_db
def test_a_delayed_task_waits_for_its_time(clock: Clock) -> None:
    enqueue("tests.echo", run_after=clock.now + timedelta(minutes=10))
    assert run_one("w1") is False
    clock.advance(minutes=10)
    assert run_one("w1") is True


@pytest.mark.django_db
def test_the_oldest_due_task_runs_first(clock: Clock) -> None:
    later = enqueue("tests.echo", n=2)
    earlier = enqueue("tests.echo", n=1, run_after=clock.now - timedelta(minutes=1))
    assert claim_next("w1") == earlier
    assert claim_next("w1") == later


@pytest.mark.django_db
def test_a_task_enqueued_in_a_rolled_back_transaction_leaves_nothing() -> None:
    def act_and_fail() -> None:
        with transaction.atomic():
            enqueue("tests.echo", n=1)
            raise RuntimeError("the action failed after enqueueing")

    with pytest.raises(RuntimeError):
        act_and_fail()
    assert not Task.objects.exists()
    assert run_one("w1") is False


@pytest.mark.django_db
def test_the_worker_loop_runs_tasks_until_asked_to_stop() -> None:
    sample_tasks.stop_after_this.clear()
    enqueue("tests.echo", n=1)
    enqueue("tests.stop_worker")
    enqueue("tests.echo", n=3, run_after=None)
    assert work("w1", sample_tasks.stop_after_this, poll_interval=0.01) == 2
    assert Task.objects.filter(status=Status.QUEUED).count() == 1


@pytest.mark.django_db
def test_madoguchi_worker_once_runs_the_due_tasks_and_exits(clock: Clock) -> None:
    for n in range(3):
        enqueue("tests.echo", n=n)
    tomorrow = enqueue("tests.echo", n=9, run_after=clock.now + timedelta(days=1))
    out = StringIO()
    call_command("worker", "--once", stdout=out)
    assert "3 task(s) run" in out.getvalue()
    assert Task.objects.filter(status=Status.DONE).count() == 3
    assert Task.objects.get(pk=tomorrow.pk).status == Status.QUEUED


@pytest.mark.django_db
def test_managers_and_administrators_see_tasks_read_only(staff_of: Any, signed_in: Any) -> None:
    queued = enqueue("tests.broken", max_attempts=1)
    run_one("w1")
    for role in ("manager", "administrator"):
        client = signed_in(staff_of(role))
        page = client.get("/admin/tasks/task/")
        assert page.status_code == 200
        assert "tests.broken" in page.content.decode()
        assert "ValueError: the export file cannot be written" in page.content.decode()
        detail = client.get(f"/admin/tasks/task/{queued.pk}/change/")
        assert detail.status_code == 200
        assert 'name="_save"' not in detail.content.decode()
        assert client.get("/admin/tasks/task/add/").status_code == 403
    clerk = signed_in(staff_of("onestop_clerk"))
    assert clerk.get("/admin/tasks/task/").status_code == 302  # to the admin login: not for clerks
