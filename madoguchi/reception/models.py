"""Tickets (整理券): a resident's place in a queue, numbered per office, queue and business day."""

from __future__ import annotations

import secrets
import uuid

from django.db import models
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from madoguchi.organization.models import Counter, Office, Queue


def _status_token() -> str:
    return secrets.token_urlsafe(16)


class Ticket(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("お待ち")
        CALLED = "called", _("呼出し中")
        SERVING = "serving", _("対応中")
        TRANSFERRED = "transferred", _("引継ぎ")
        DONE = "done", _("完了")
        NO_SHOW = "no_show", _("不在")

    # The order residents are called in: priority first, then by number (the wait page counts the same way).
    CALL_ORDER = ("-priority", "number")

    class Channel(models.TextChoices):
        KIOSK = "kiosk", _("発券機")
        CONCIERGE = "concierge", _("コンシェルジュ")
        COUNTER = "counter", _("窓口")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    office = models.ForeignKey(Office, on_delete=models.PROTECT, related_name="tickets")
    queue = models.ForeignKey(Queue, on_delete=models.PROTECT, related_name="tickets")
    business_day = models.DateField(_("受付日"))
    number = models.PositiveIntegerField(_("番号"))
    priority = models.BooleanField(_("優先"), default=False)
    status = models.CharField(_("状態"), max_length=12, choices=Status.choices, default=Status.WAITING)
    channel = models.CharField(_("発券方法"), max_length=12, choices=Channel.choices)
    status_token = models.CharField(max_length=32, unique=True, default=_status_token, editable=False)
    issued_at = models.DateTimeField(_("発券日時"))
    counter = models.ForeignKey(
        Counter,
        verbose_name=_("窓口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    called_at = models.DateTimeField(_("呼出し日時"), null=True, blank=True)
    serving_at = models.DateTimeField(_("対応開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    transferred_from = models.ForeignKey(
        "self", verbose_name=_("引継ぎ元"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("引継ぎメモ"), max_length=200, blank=True)
    purpose = models.CharField(_("ご用件（ライフイベント）"), max_length=40, blank=True)
    recalled_at = models.DateTimeField(_("再呼出し日時"), null=True, blank=True)
    recalls = models.PositiveSmallIntegerField(_("再呼出し回数"), default=0)
    case = models.ForeignKey(
        "cases.Case",
        verbose_name=_("受付案件"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tickets",
    )
    notify_email = models.EmailField(_("通知先メールアドレス"), blank=True)
    notify_phone = models.CharField(_("通知先電話番号"), max_length=20, blank=True)
    # the language of the wait page where the resident asked: their notices are written in it
    notify_language = models.CharField(_("通知の言語"), max_length=10, blank=True, default="")
    # the resident's contact for this visit's notices: set together, erased together, passed on together
    CONTACT_FIELDS = ("notify_email", "notify_phone", "notify_language")

    class Meta:
        ordering = ["business_day", "queue", "number"]
        verbose_name = _("整理券")
        verbose_name_plural = _("整理券")
        constraints = [
            models.UniqueConstraint(fields=["queue", "business_day", "number"], name="ticket_number_unique"),
        ]
        indexes = [models.Index(fields=["queue", "business_day", "status"])]

    def __str__(self) -> str:
        return self.display

    @property
    def call_id(self) -> str:
        """The ticket's name on the public board and its event stream: a keyed hash of its id, so that
        what anyone can read off a board never leads back to the ticket (its slip or its wait page)."""
        return salted_hmac("madoguchi.board-call", str(self.pk)).hexdigest()[:20]

    @property
    def display(self) -> str:
        """What the resident and the board see, e.g. A-017."""
        return self.display_of(self.queue.ticket_prefix, self.number)

    @staticmethod
    def display_of(prefix: str, number: int) -> str:
        return f"{prefix}-{number:03d}"


class TicketEvent(models.Model):
    """Every change of a ticket with its time: the waiting, called, serving and transfer periods."""

    ticket = models.ForeignKey(Ticket, on_delete=models.CASCADE, related_name="events")
    status = models.CharField(max_length=12, choices=Ticket.Status.choices)
    at = models.DateTimeField(db_index=True)
    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    actor = models.CharField(max_length=150)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.status} {self.at}"


class CounterShift(models.Model):
    """A clerk at a counter from opening to closing: which counters are open, and who staffs them."""

    counter = models.ForeignKey(Counter, on_delete=models.PROTECT, related_name="shifts")
    staff = models.ForeignKey("staff.Staff", on_delete=models.PROTECT, related_name="counter_shifts")
    opened_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        indexes = [models.Index(fields=["counter", "closed_at"])]

    def __str__(self) -> str:
        return f"{self.counter_id} {self.staff_id} {self.opened_at}"


class TicketCounter(models.Model):
    """The last number issued per queue and business day: locked to number tickets without gaps."""

    queue = models.ForeignKey(Queue, on_delete=models.CASCADE)
    business_day = models.DateField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["queue", "business_day"], name="ticket_counter_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.queue_id} {self.business_day} {self.last}"


class KioskToken(models.Model):
    """A self-service ticket machine of one office. Only the SHA-256 of the token is stored."""

    office = models.ForeignKey(
        Office, on_delete=models.CASCADE, related_name="kiosk_tokens", verbose_name=_("庁舎")
    )
    label = models.CharField(_("設置場所"), max_length=60, blank=True)
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("作成日時"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("失効日時"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("最終利用日時"), null=True, blank=True)
    # Priority tickets (優先) are a clerk's judgement; a kiosk issues them only where the city allows it.
    may_issue_priority = models.BooleanField(_("優先券の発行"), default=False)

    def __str__(self) -> str:
        return f"{self.office_id} {self.label}"

    @property
    def audit_name(self) -> str:
        return f"kiosk:{self.pk}"

    @property
    def audit_role(self) -> str:
        return "kiosk"

    @property
    def audit_office(self) -> str:
        return self.office.code


class KioskSession(models.Model):
    """A kiosk screen signed in with a kiosk token: its cookie holds a random key, stored here only as a
    SHA-256, never the token. Revoking the token ends its sessions; the slips a session may show again are
    the few it issued last."""

    RECENT_TICKETS = 5

    kiosk = models.ForeignKey(KioskToken, on_delete=models.CASCADE, related_name="sessions")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    recent_tickets = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"{self.kiosk_id} {self.created_at:%Y-%m-%d %H:%M}"
