"""Presence: heartbeats keep a staff member online; a goodbye or TIMEOUT seconds of silence take them off."""

from __future__ import annotations

from datetime import time

from madoguchi.remote import presence
from madoguchi.remote.actions import do_accept, do_request, do_set_away
from madoguchi.remote.models import ExpertProfile
from madoguchi.remote.tests.conftest import MONDAY, online


def state(staff):  # type: ignore[no-untyped-def]
    return presence.presence_of([staff])[0].state


def test_a_beating_page_is_online_and_silence_takes_it_off_after_the_timeout(clock, expert) -> None:
    # given
    staff = expert(skills=["kokuho_nenkin"])
    assert state(staff) == presence.OFFLINE
    online(staff)
    assert state(staff) == presence.AVAILABLE
    # when the network drops: no more beats
    clock.advance(presence.timeout_seconds() - 0.5)
    assert state(staff) == presence.AVAILABLE
    clock.advance(1.0)
    # then
    assert state(staff) == presence.OFFLINE


def test_a_closed_page_is_offline_at_once_unless_another_page_beats(clock, expert) -> None:
    staff = expert(skills=["kokuho_nenkin"])
    first = online(staff)
    second = online(staff)
    presence.leave(staff, first)
    assert state(staff) == presence.AVAILABLE
    presence.leave(staff, second)
    assert state(staff) == presence.OFFLINE


def test_a_tab_id_of_someone_else_does_not_keep_them_alive(clock, expert) -> None:
    mine, theirs = expert("department"), expert("expert")
    tab = online(mine)
    presence.beat(theirs, tab)  # the same id from another account: ignored
    assert state(theirs) == presence.OFFLINE
    presence.leave(theirs, tab)  # and cannot close mine
    assert state(mine) == presence.AVAILABLE


def test_away_off_duty_and_busy(clock, expert, branch_clerk, case, on_commit) -> None:
    staff = expert(skills=["kokuho_nenkin"])
    online(staff)
    do_set_away(staff, away=True)
    assert state(staff) == presence.AWAY
    do_set_away(staff, away=False)
    # off duty: Monday 10:00 is outside 13:00–17:00
    ExpertProfile.objects.filter(staff=staff).update(duty_start=time(13), duty_end=time(17))
    assert state(staff) == presence.OFF_DUTY
    ExpertProfile.objects.filter(staff=staff).update(duty_start=time(8, 30), duty_end=time(17, 15))
    # busy: present in an active consultation
    with on_commit(execute=True):
        consultation = do_request(branch_clerk, case, skill="kokuho_nenkin")
    do_accept(staff, consultation.pk)
    from madoguchi.remote.actions import do_join
    from madoguchi.remote.models import Participant

    do_join(Participant.objects.get(consultation=consultation, staff=staff), "session-1")
    assert state(staff) == presence.BUSY


def test_duty_hours_may_run_past_midnight_and_a_same_start_and_end_is_all_day(expert) -> None:
    profile = ExpertProfile(duty_days=[0], duty_start=time(22), duty_end=time(6))
    assert profile.on_duty(MONDAY.replace(hour=23))
    assert profile.on_duty(MONDAY.replace(day=8, hour=5))  # Tuesday's small hours: Monday's shift
    assert not profile.on_duty(MONDAY.replace(day=8, hour=7))
    assert not profile.on_duty(MONDAY.replace(hour=12))
    always = ExpertProfile(duty_days=list(range(7)), duty_start=time(0), duty_end=time(0))
    assert always.on_duty(MONDAY.replace(hour=3))
    assert always.on_duty(MONDAY.replace(hour=23, minute=59))
