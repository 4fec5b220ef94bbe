"""Every action code written anywhere is a registered event with words in Japanese and English."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.contrib import admin
from django.db.models import TextChoices
from django.utils import translation

from madoguchi.audit.admin import AuditedModelAdmin
from madoguchi.audit.chain import SystemActor, record
from madoguchi.audit.display import describe
from madoguchi.audit.events import (
    EventType,
    UnregisteredAuditEvent,
    event_type,
    is_registered,
    registered_events,
)
from madoguchi.audit.models import AuditEntry
from madoguchi.audit.tests import sample_events  # noqa: F401  (registers the test events)
from madoguchi.cases.models import Case
from madoguchi.cases.states import CASE
from madoguchi.center.models import WorkItem
from madoguchi.center.states import WORK_ITEM
from madoguchi.organization.models import Counter, Department, Office, Queue
from madoguchi.reception.models import Ticket
from madoguchi.reception.states import TICKET
from madoguchi.reservations.models import Reservation
from madoguchi.reservations.states import RESERVATION
from madoguchi.tasks.models import Task

PACKAGE = Path(__file__).resolve().parents[2]
JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")

# The f-string codes in the source and what their placeholder ranges over. A new dynamic code fails
# test_every_code_in_the_source_is_registered until it is listed here (and its expansions registered).
DYNAMIC_CODES: dict[str, list[str]] = {
    "case.{}": [f"case.{state}" for state in Case.State.values],
    "center.item.{}": [f"center.item.{status}" for status in WorkItem.Status.values],
    "reception.ticket.{}": [f"reception.ticket.{status}" for status in Ticket.Status.values],
    "reservations.reservation.{}": [
        f"reservations.reservation.{status}" for status in Reservation.Status.values
    ],
    # organization.actions.upsert_record and audit.admin.AuditedModelAdmin: "<app>.<model>.<verb>";
    # their models are checked by the two tests below.
    "{}.create": [],
    "{}.update": [],
}

UPSERTED_MODELS = [Office, Department, Queue, Counter]
# The state machines (transactions/states.py) by the name actions use for them.
MACHINES = {"CASE": CASE, "WORK_ITEM": WORK_ITEM, "TICKET": TICKET, "RESERVATION": RESERVATION}
# Call sites whose code is a variable, checked another way: the admin's codes by the admin test below.
INDIRECT = {"audit/admin.py"}
# Admin pages that list records but add and change none (so they write no audit entry).
READ_ONLY_ADMINS = [Task]


def _record_calls() -> list[tuple[str, int, ast.expr]]:
    calls = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE)
        if "tests" in relative.parts or relative.as_posix() in INDIRECT:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == "record"
                and len(node.args) >= 2
            ):
                calls.append((str(path.relative_to(PACKAGE)), node.lineno, node.args[1]))
    return calls


def _codes(expression: ast.expr) -> list[str]:
    """The literal codes an action argument can take; f-strings as their pattern with `{}`."""
    if isinstance(expression, ast.Constant) and isinstance(expression.value, str):
        return [expression.value]
    if isinstance(expression, ast.IfExp):
        return [*_codes(expression.body), *_codes(expression.orelse)]
    if isinstance(expression, ast.JoinedStr):
        return ["".join(part.value if isinstance(part, ast.Constant) else "{}" for part in expression.values)]
    if (
        isinstance(expression, ast.Call)
        and isinstance(expression.func, ast.Attribute)
        and expression.func.attr == "event"
        and isinstance(expression.func.value, ast.Name)
        and expression.func.value.id in MACHINES
    ):
        return []  # a state machine's step: every step's event is checked by the test below
    raise AssertionError(f"an action code that is neither a literal nor an f-string: {ast.dump(expression)}")


def test_every_code_in_the_source_is_registered() -> None:
    calls = _record_calls()
    assert len(calls) > 40  # the walk found the call sites
    for path, line, expression in calls:
        for code in _codes(expression):
            if "{}" in code:
                assert code in DYNAMIC_CODES, f"{path}:{line}: list {code!r} in DYNAMIC_CODES"
                expansions = DYNAMIC_CODES[code]
            else:
                expansions = [code]
            for expanded in expansions:
                assert is_registered(expanded), f"{path}:{line}: {expanded!r} is not a registered event"


def test_every_step_of_every_state_machine_records_a_registered_event() -> None:
    for name, machine in MACHINES.items():
        for step in machine.steps:
            assert is_registered(machine.event(step)), f"{name} step {step!r}: {machine.event(step)!r}"


def test_every_audited_admin_model_has_its_events() -> None:
    audited = [
        model
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, AuditedModelAdmin)
    ]
    assert len(audited) >= 5
    for model in READ_ONLY_ADMINS:
        model_admin = type(admin.site._registry[model])
        assert model_admin.has_add_permission is not AuditedModelAdmin.has_add_permission
        assert model_admin.has_change_permission is not AuditedModelAdmin.has_change_permission
    for model in [*audited, *UPSERTED_MODELS]:
        if model in READ_ONLY_ADMINS:
            continue
        for verb in ("create", "update"):
            code = f"{model._meta.app_label}.{model._meta.model_name}.{verb}"
            assert is_registered(code), f"{code!r} (written by the admin or upsert_record) is not registered"


@pytest.mark.parametrize(
    ("prefix", "choices"),
    [("case", Case.State), ("center.item", WorkItem.Status), ("reception.ticket", Ticket.Status)],
)
def test_each_state_of_a_state_machine_has_its_event(prefix: str, choices: type[TextChoices]) -> None:
    for value, label in choices.choices:
        event = event_type(f"{prefix}.{value}")
        assert str(label) in str(event.label)


def test_every_event_reads_in_japanese_and_in_english() -> None:
    events = registered_events()
    for code, event in events.items():
        if event.category == "test":
            continue
        with translation.override("ja"):
            japanese = str(event.label)
        with translation.override("en"):
            english = str(event.label)
        assert JAPANESE.search(japanese), code
        assert not JAPANESE.search(english), f"{code}: no English translation for {japanese!r}"


@pytest.mark.django_db
def test_an_unregistered_code_is_refused_before_anything_is_written() -> None:
    before = AuditEntry.objects.count()
    with pytest.raises(UnregisteredAuditEvent, match=r"audit_events\.py"):
        record(SystemActor("test"), "case.teleported")
    assert AuditEntry.objects.count() == before


def test_a_summary_reads_in_words() -> None:
    # given: an entry of a ticket called at a counter, and one of a staff update with a redacted key
    called = AuditEntry(
        action="reception.ticket.called",
        actor="clerk",
        summary={"before": {"status": "waiting"}, "after": {"status": "called"}},
    )
    update = AuditEntry(
        action="staff.update",
        actor="system:demo",
        summary={
            "before": {"role": "onestop_clerk", "is_active": True, "email": "a@example.jp"},
            "after": {
                "role": "manager",
                "is_active": True,
                "email": "a@example.jp",
                "password": "[redacted]",
            },
            "reason": "異動",
        },
    )
    # when
    with translation.override("ja"):
        called_view = describe(called, {"clerk": "港 太郎"})
        update_view = describe(update, {})
    # then
    assert called_view.label == "整理券：呼出し中"
    assert called_view.actor == "港 太郎"
    assert [(c.field, c.before, c.after) for c in called_view.changes] == [("状態", "お待ち", "呼出し中")]
    assert update_view.actor == "システム（demo）"
    assert [(c.field, c.before, c.after) for c in update_view.changes] == [
        ("役割", "総合窓口職員", "管理職"),
        ("パスワード", "", "（記録しない項目）"),
    ]
    assert update_view.details == (("理由", "異動"),)


def test_registering_a_code_twice_differently_is_refused() -> None:
    from django.core.exceptions import ImproperlyConfigured

    from madoguchi.audit.events import register

    register(event_type("test.action"))  # the same definition again: harmless
    with pytest.raises(ImproperlyConfigured, match="registered twice"):
        register(EventType("test.action", "別の名前", "test"))
