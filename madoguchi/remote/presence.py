"""Staff presence (在席状況), kept by heartbeats from the staff's open pages.

Every staff page beats every BEAT seconds (madoguchi/remote/static/remote/presence.js); a page that
closes says goodbye with a beacon, so its staff member is offline at once when it was their last page. A
page that stops beating without a goodbye (a dropped network, a crashed browser, a sleeping laptop) is
counted gone TIMEOUT seconds after its last beat: the state shown is right within TIMEOUT seconds.

The state of a staff member, in order: offline (no live page), busy (present in an active consultation),
off duty (an expert outside their duty hours), away (set by the expert), available.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madoguchi.remote.models import Consultation, ExpertProfile, Participant, PresenceTab
from madoguchi.staff.models import Staff


def beat_seconds() -> float:
    return float(settings.MADOGUCHI_PRESENCE_BEAT_SECONDS)


def timeout_seconds() -> float:
    """A page is gone this long after its last beat: three beats, so that one lost beat is not a drop."""
    return 3 * beat_seconds()


AVAILABLE = "available"
BUSY = "busy"
AWAY = "away"
OFF_DUTY = "off_duty"
OFFLINE = "offline"

LABELS: dict[str, Promise] = {
    AVAILABLE: _("応答できます"),
    BUSY: _("相談中"),
    AWAY: _("離席中"),
    OFF_DUTY: _("勤務時間外"),
    OFFLINE: _("オフライン"),
}


@dataclass(frozen=True)
class Presence:
    staff: Staff
    state: str
    profile: ExpertProfile | None

    @property
    def label(self) -> str:
        return str(LABELS[self.state])

    @property
    def available(self) -> bool:
        return self.state == AVAILABLE


def beat(staff: Staff, tab: uuid.UUID, *, now: datetime | None = None) -> None:
    """One heartbeat of one of `staff`'s pages: one UPDATE (an INSERT for a new page)."""
    now = now or timezone.now()
    if PresenceTab.objects.filter(tab=tab, staff=staff).update(last_seen=now):
        return
    try:
        with transaction.atomic():
            PresenceTab.objects.create(tab=tab, staff=staff, last_seen=now)
    except IntegrityError:  # the tab id belongs to another staff member's page: not theirs to keep alive
        return
    # a new page: forget this staff member's long-gone pages
    PresenceTab.objects.filter(staff=staff, last_seen__lt=now - timedelta(hours=1)).delete()


def leave(staff: Staff, tab: uuid.UUID) -> None:
    """The page closed (its goodbye beacon)."""
    PresenceTab.objects.filter(tab=tab, staff=staff).delete()


def online_ids(*, now: datetime | None = None, among: Iterable[int] | None = None) -> set[int]:
    now = now or timezone.now()
    tabs = PresenceTab.objects.filter(last_seen__gte=now - timedelta(seconds=timeout_seconds()))
    if among is not None:
        tabs = tabs.filter(staff_id__in=list(among))
    return set(tabs.values_list("staff_id", flat=True).distinct())


def busy_ids(*, among: Iterable[int] | None = None) -> set[int]:
    parties = Participant.objects.filter(
        consultation__state=Consultation.State.ACTIVE,
        staff__isnull=False,
        joined_at__isnull=False,
        left_at__isnull=True,
    )
    if among is not None:
        parties = parties.filter(staff_id__in=list(among))
    return {staff_id for staff_id in parties.values_list("staff_id", flat=True) if staff_id is not None}


def _state(
    staff: Staff, profile: ExpertProfile | None, online: set[int], busy: set[int], now: datetime
) -> str:
    if staff.pk not in online:
        return OFFLINE
    if staff.pk in busy:
        return BUSY
    if profile is not None and not profile.on_duty(timezone.localtime(now)):
        return OFF_DUTY
    if profile is not None and profile.away:
        return AWAY
    return AVAILABLE


def presence_of(staff_members: Iterable[Staff], *, now: datetime | None = None) -> list[Presence]:
    """The state of each staff member, in the order given (three queries whatever their number)."""
    now = now or timezone.now()
    members = list(staff_members)
    ids = [s.pk for s in members]
    profiles = {p.staff_id: p for p in ExpertProfile.objects.filter(staff_id__in=ids)}
    online = online_ids(now=now, among=ids)
    busy = busy_ids(among=ids)
    return [
        Presence(s, _state(s, profiles.get(s.pk), online, busy, now), profiles.get(s.pk)) for s in members
    ]


def experts(
    *, skill: str | None = None, office_id: int | None = None, now: datetime | None = None
) -> list[Presence]:
    """The experts (staff with at least one skill), by office and name; with `skill`, those who answer it."""
    profiles = ExpertProfile.objects.select_related("staff", "staff__office", "staff__department").filter(
        staff__is_active=True
    )
    if office_id is not None:
        profiles = profiles.filter(staff__office_id=office_id)
    chosen = [p for p in profiles if p.skills and (skill is None or skill in p.skills)]
    chosen.sort(key=lambda p: (p.staff.office.sort_order if p.staff.office else 0, p.staff.username))
    return presence_of([p.staff for p in chosen], now=now)


def available_experts(skill: str, *, now: datetime | None = None) -> list[Staff]:
    """Who may be offered a consultation of `skill` now, the one idle longest first."""
    present = [p for p in experts(skill=skill, now=now) if p.available]
    epoch = timezone.make_aware(datetime(2000, 1, 1))
    present.sort(key=lambda p: (p.profile.last_ended_at or epoch) if p.profile else epoch)
    return [p.staff for p in present]


def on_duty_count(skill: str, *, now: datetime | None = None) -> int:
    """Experts of `skill` online and on duty (available or busy): who will answer the queue."""
    return sum(1 for p in experts(skill=skill, now=now) if p.state in (AVAILABLE, BUSY))
