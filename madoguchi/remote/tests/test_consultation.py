"""Asking, routing, answering exactly once, the queue's estimate, the call-back, the end and its record."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from madoguchi.audit.models import AuditEntry
from madoguchi.cases.models import Case
from madoguchi.remote import actions
from madoguchi.remote.actions import (
    ConsultationError,
    do_accept,
    do_callback,
    do_cancel,
    do_end,
    do_join,
    do_request,
    estimate,
    offers_for,
    route,
)
from madoguchi.remote.models import Consultation, ExpertProfile, Participant
from madoguchi.remote.tests.conftest import Clock, online
from madoguchi.staff.models import Staff

State = Consultation.State


def ask(clerk: Staff, case: Case, on_commit: Any, **options: Any) -> Consultation:
    with on_commit(execute=True):
        return do_request(clerk, case, skill=options.pop("skill", "kokuho_nenkin"), **options)


def test_first_available_rings_the_expert_idle_longest_and_moves_on_when_unanswered(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    # given two available experts; the first finished a consultation a minute ago
    first, second = expert("department"), expert("nenkin2", ["kokuho_nenkin"])
    ExpertProfile.objects.filter(staff=first).update(last_ended_at=clock.now - timedelta(minutes=1))
    ExpertProfile.objects.filter(staff=second).update(last_ended_at=clock.now - timedelta(hours=1))
    online(first), online(second)
    # when
    consultation = ask(branch_clerk, case, on_commit)
    # then it rings the one idle longest, only them
    assert [c.pk for c in offers_for(second)] == [consultation.pk]
    assert offers_for(first) == []
    # when nobody answers within the offer time, the next beat passes it on
    clock.advance(actions.offer_seconds() + 1)
    online(first), online(second)
    with on_commit(execute=True):
        assert route() == 1
    assert [c.pk for c in offers_for(first)] == [consultation.pk]
    assert offers_for(second) == []


def test_all_at_once_rings_every_available_expert_and_the_first_to_answer_gets_it(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    experts = [
        expert("department"),
        expert("nenkin2", ["kokuho_nenkin"]),
        expert("nenkin3", ["kokuho_nenkin"]),
    ]
    for staff in experts:
        online(staff)
    consultation = ask(branch_clerk, case, on_commit, routing="all")
    assert all([c.pk for c in offers_for(s)] == [consultation.pk] for s in experts)
    # when
    do_accept(experts[1], consultation.pk)
    # then the others are told it is taken, and it rings no more
    for staff in (experts[0], experts[2]):
        with pytest.raises(ConsultationError, match="ほかの専門職員が応答"):
            do_accept(staff, consultation.pk)
        assert offers_for(staff) == []
    consultation.refresh_from_db()
    assert consultation.state == State.ACTIVE
    assert consultation.expert == experts[1]
    assert do_accept(experts[1], consultation.pk).expert == experts[1]  # a double click is the same answer
    assert Participant.objects.filter(consultation=consultation, role="expert").count() == 1


def test_an_expert_answers_one_consultation_at_a_time_and_only_of_their_skills(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    staff = expert("department")
    other_case = Case.objects.create(
        number="x-2", office=case.office, event="tennyu", event_date=case.event_date
    )
    first, second = ask(branch_clerk, case, on_commit), ask(branch_clerk, other_case, on_commit)
    do_accept(staff, first.pk)
    with pytest.raises(ConsultationError, match="ほかの相談に応答中"):
        do_accept(staff, second.pk)
    welfare = ask(
        branch_clerk,
        Case.objects.create(number="x-3", office=case.office, event="tennyu", event_date=case.event_date),
        on_commit,
        skill="kaigo",
    )
    with pytest.raises(PermissionDenied):
        do_accept(staff, welfare.pk)


def test_a_double_click_asks_once(clock: Clock, branch_clerk: Staff, case: Case, on_commit: Any) -> None:
    assert ask(branch_clerk, case, on_commit).pk == ask(branch_clerk, case, on_commit).pk
    assert Consultation.objects.count() == 1


def test_another_office_cannot_ask_about_the_case(
    staff_of: Callable[[str], Staff], case: Case, on_commit: Any
) -> None:
    with pytest.raises(PermissionDenied):
        ask(staff_of("department_staff"), case, on_commit)


def test_the_queue_shows_the_position_and_an_estimate_and_offers_a_call_back(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any, settings: Any
) -> None:
    # given one expert on duty who is busy with an earlier consultation
    staff = expert("department")
    online(staff)
    cases = [case] + [
        Case.objects.create(number=f"q-{n}", office=case.office, event="tennyu", event_date=case.event_date)
        for n in range(2)
    ]
    first = ask(branch_clerk, cases[0], on_commit)
    do_accept(staff, first.pk)
    do_join(Participant.objects.get(consultation=first, staff=staff), "s1")
    clock.advance(1)
    second = ask(branch_clerk, cases[1], on_commit)
    clock.advance(1)
    third = ask(branch_clerk, cases[2], on_commit)
    # then
    assert estimate(second).position == 1
    assert estimate(third).position == 2
    assert estimate(second).minutes == pytest.approx(actions.ASSUMED_MINUTES)
    assert estimate(third).minutes == pytest.approx(2 * actions.ASSUMED_MINUTES)
    assert not estimate(third).fallback_due
    clock.advance(settings.MADOGUCHI_CONSULTATION_FALLBACK_SECONDS)
    assert estimate(third).fallback_due
    # when the branch books a call-back instead
    with pytest.raises(ConsultationError):
        do_callback(branch_clerk, third, when=clock.now - timedelta(minutes=1))
    do_callback(branch_clerk, third, when=clock.now + timedelta(hours=2))
    third.refresh_from_db()
    assert third.state == State.CALLBACK
    # the expert, free again, calls back from the queue
    do_end(staff, first, outcome="resolved", note="国保の資格確認")
    assert do_accept(staff, third.pk).state == State.ACTIVE


def test_nobody_on_duty_offers_the_call_back_at_once(
    clock: Clock, branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    consultation = ask(branch_clerk, case, on_commit, skill="zei")
    result = estimate(consultation)
    assert result.minutes is None
    assert result.fallback_due
    assert result.experts_on_duty == 0


def test_the_end_is_recorded_on_the_case_and_in_the_audit_log(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    staff = expert("department")
    consultation = ask(branch_clerk, case, on_commit)
    clock.advance(90)
    do_accept(staff, consultation.pk)
    clock.advance(600)
    with pytest.raises(ConsultationError):
        do_end(staff, consultation, outcome="")
    ended = do_end(staff, consultation, outcome="follow_up", note="後日、年金事務所に照会")
    assert ended.state == State.ENDED
    assert ended.wait_seconds == 90
    assert ended.duration_seconds == 600
    assert do_end(staff, consultation, outcome="resolved").outcome == "follow_up"  # a double click
    assert ExpertProfile.objects.get(staff=staff).last_ended_at == clock.now
    logged = (
        AuditEntry.objects.filter(target_id=str(consultation.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert list(logged) == ["remote.request", "remote.accept", "remote.end"]
    end = AuditEntry.objects.get(action="remote.end")
    assert end.summary["outcome"] == "follow_up"
    assert end.summary["minutes"] == 10.0
    assert "年金事務所" not in str(end.summary)  # the note stays on the case, not in the log


def test_a_waiting_consultation_can_be_withdrawn_but_not_an_answered_one(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    consultation = ask(branch_clerk, case, on_commit)
    assert do_cancel(branch_clerk, consultation).state == State.CANCELLED
    again = ask(branch_clerk, case, on_commit)
    assert again.pk != consultation.pk
    do_accept(expert("department"), again.pk)
    with pytest.raises(ConsultationError):
        do_cancel(branch_clerk, again)


def test_at_most_four_parties_at_once(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    consultation = ask(branch_clerk, case, on_commit)
    do_accept(expert("department"), consultation.pk)
    parties = list(Participant.objects.filter(consultation=consultation))
    for code_role in ("terminal", "interpreter", "welfare"):
        actions.do_invite(branch_clerk, consultation, role=code_role)
    guests = list(Participant.objects.filter(consultation=consultation, staff__isnull=True))
    for n, party in enumerate([*parties, *guests[:2]]):
        do_join(party, f"session-{n}")
    with pytest.raises(ConsultationError, match="4者まで"):
        do_join(guests[2], "session-x")
    do_join(parties[0], "session-0")  # a reload of a present party is not a fifth
