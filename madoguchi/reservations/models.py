"""Reservations (予約): a resident's booked time at the one-stop or the bereavement counter of an office."""

from __future__ import annotations

import secrets
import uuid
from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Queue
from madoguchi.reception.models import Ticket

RESERVABLE_KINDS = frozenset({Queue.Kind.ONE_STOP, Queue.Kind.BEREAVEMENT})

# Codes are read out over the phone and typed at the concierge desk, so no look-alikes:
# no 0/O/Q/D-like pairs, no 1/I/L, 2/Z, 5/S, 8/B, U/V.
CODE_ALPHABET = "ACEFGHJKMNPRTWXY34679"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _manage_token() -> str:
    return secrets.token_urlsafe(24)


def at_office(day: date, clock: time) -> datetime:
    """The moment `clock` on `day` at the office (Asia/Tokyo)."""
    return datetime.combine(day, clock, tzinfo=timezone.get_current_timezone())


class ReservationSchedule(models.Model):
    """When a queue takes reservations: slots of `slot_minutes` from `opens_at`, the last one ending by
    `closes_at`, `capacity` residents per slot, on business days up to `days_ahead` business days ahead."""

    queue = models.OneToOneField(
        Queue, verbose_name=_("受付区分"), on_delete=models.CASCADE, related_name="reservation_schedule"
    )
    slot_minutes = models.PositiveSmallIntegerField(
        _("1枠の長さ（分）"), default=30, validators=[MinValueValidator(5), MaxValueValidator(240)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("1枠の定員"), default=2, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    opens_at = models.TimeField(_("受付開始時刻"), default=time(8, 45))
    closes_at = models.TimeField(_("受付終了時刻"), default=time(17, 0))
    days_ahead = models.PositiveSmallIntegerField(
        _("予約できる期間（開庁日数）"),
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    active = models.BooleanField(_("予約を受け付ける"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["queue"]
        verbose_name = _("予約枠の設定")
        verbose_name_plural = _("予約枠の設定")
        constraints = [
            models.CheckConstraint(
                condition=Q(slot_minutes__gte=5, capacity__gte=1, days_ahead__gte=1),
                name="reservation_schedule_positive",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("closes_at")), name="reservation_schedule_opens_before_close"
            ),
        ]

    def __str__(self) -> str:
        return str(self.queue)

    def clean(self) -> None:
        errors: dict[str, Promise] = {}
        if self.queue_id is not None and self.queue.kind not in RESERVABLE_KINDS:
            errors["queue"] = _("予約を受け付けられるのは総合窓口とおくやみ窓口だけです。")
        if not self.slot_starts():
            errors["closes_at"] = _("受付終了時刻は、受付開始時刻から1枠分以上あとにしてください。")
        if errors:
            raise ValidationError(errors)

    @property
    def slot_length(self) -> timedelta:
        return timedelta(minutes=self.slot_minutes)

    def slot_starts(self) -> list[time]:
        """Every slot's start time; the last slot ends by `closes_at`."""
        day = date(2000, 1, 1)  # any day: only the clock matters
        start, closing = datetime.combine(day, self.opens_at), datetime.combine(day, self.closes_at)
        starts: list[time] = []
        while self.slot_minutes > 0 and start + self.slot_length <= closing:
            starts.append(start.time())
            start += self.slot_length
        return starts


class Reservation(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", _("予約済み")
        CHECKED_IN = "checked_in", _("来庁済み")
        CANCELLED = "cancelled", _("取消し")
        NO_SHOW = "no_show", _("来庁なし")

    class Channel(models.TextChoices):
        STAFF = "staff", _("職員（電話・窓口）")
        RESIDENT = "resident", _("インターネット")

    # The statuses that hold a place in the slot.
    HOLDING = (Status.BOOKED, Status.CHECKED_IN)

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    queue = models.ForeignKey(
        Queue, verbose_name=_("受付区分"), on_delete=models.PROTECT, related_name="reservations"
    )
    day = models.DateField(_("予約日"))
    start = models.TimeField(_("開始時刻"))
    end = models.TimeField(_("終了時刻"))
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.BOOKED)
    name_kana = models.CharField(_("お名前（フリガナ）"), max_length=80)
    phone = models.CharField(_("電話番号"), max_length=20, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    purpose = models.CharField(_("ご用件"), max_length=100, blank=True)
    code = models.CharField(_("予約番号"), max_length=CODE_LENGTH, unique=True, default=new_code)
    manage_token = models.CharField(max_length=64, unique=True, default=_manage_token, editable=False)
    channel = models.CharField(_("予約方法"), max_length=10, choices=Channel.choices)
    # Bookings on the public pages: a keyed hash of the source address (the per-address limit counts
    # them; the address itself is not kept) and of the confirmation's one-time key (a double click or a
    # resubmitted confirmation finds the booking it made instead of making another).
    source_hash = models.CharField(max_length=64, blank=True, default="", editable=False)
    request_key_hash = models.CharField(max_length=64, null=True, blank=True, unique=True, editable=False)
    created_at = models.DateTimeField(_("予約日時"))
    checked_in_at = models.DateTimeField(_("来庁受付日時"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    no_show_at = models.DateTimeField(_("来庁なしの記録日時"), null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket,
        verbose_name=_("整理券"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reservation",
    )

    class Meta:
        ordering = ["day", "start", "created_at"]
        verbose_name = _("予約")
        verbose_name_plural = _("予約")
        constraints = [
            models.CheckConstraint(
                condition=~Q(phone="", email=""), name="reservation_phone_or_email_required"
            ),
        ]
        indexes = [
            models.Index(fields=["queue", "day", "start", "status"]),
            models.Index(fields=["phone", "day"], name="reservation_phone_day"),
            models.Index(fields=["source_hash", "created_at"], name="reservation_source_created"),
        ]

    def __str__(self) -> str:
        return self.display_code

    @property
    def display_code(self) -> str:
        """What the resident is told and types: ACEF-GH34."""
        return f"{self.code[:4]}-{self.code[4:]}"

    @property
    def starts_at(self) -> datetime:
        return at_office(self.day, self.start)
