"""The city's organisation: offices, departments, queues and counters."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from madoguchi.ui.languages import shown

code_validator = RegexValidator(
    r"^[a-z0-9][a-z0-9_-]{0,39}$", _("コードは半角英小文字・数字・「-」「_」で40文字以内です。")
)


class Bilingual(models.Model):
    """A record named in Japanese and English; `name` follows the active language (ui.languages.shown).

    Records that residents read as catalog texts (catalog.LifeEvent, catalog.Procedure) add a `name_easy`
    field in やさしい日本語; the others (offices, departments, queues, counters) are named as their signs are.
    """

    name_ja = models.CharField(_("名称（日本語）"), max_length=100)
    name_en = models.CharField(_("名称（英語）"), max_length=100, blank=True)
    name_easy: str = ""  # a field where the record has one

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return shown(None, self.name_ja, self.name_en, self.name_easy)[0]


class Office(Bilingual):
    """A place with counters: a ward office, a branch office, or the central processing center."""

    class Kind(models.TextChoices):
        WARD = "ward", _("区役所")
        BRANCH = "branch", _("支所")
        CENTER = "center", _("集中事務センター（本庁）")

    code = models.CharField(_("庁舎コード"), max_length=40, unique=True, validators=[code_validator])
    kind = models.CharField(_("種別"), max_length=10, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("所属する区役所"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="branches",
    )
    address = models.CharField(_("所在地"), max_length=200, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("庁舎")
        verbose_name_plural = _("庁舎")


class Department(Bilingual):
    """A responsible department (所管課), e.g. 保険年金課."""

    code = models.CharField(_("課コード"), max_length=40, unique=True, validators=[code_validator])
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("課")
        verbose_name_plural = _("課")


class Queue(Bilingual):
    """A queue of one office (受付区分): the one-stop queue or a department's queue."""

    ONE_STOP_CODE = "one-stop"

    class Kind(models.TextChoices):
        ONE_STOP = "one_stop", _("総合窓口")
        DEPARTMENT = "department", _("所管課窓口")
        BEREAVEMENT = "bereavement", _("おくやみ窓口")

    office = models.ForeignKey(
        Office, verbose_name=_("庁舎"), on_delete=models.PROTECT, related_name="queues"
    )
    code = models.CharField(_("受付区分コード"), max_length=40, validators=[code_validator])
    kind = models.CharField(_("種別"), max_length=12, choices=Kind.choices)
    department = models.ForeignKey(
        Department,
        verbose_name=_("所管課"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="queues",
    )
    ticket_prefix = models.CharField(
        _("整理券の記号"),
        max_length=2,
        validators=[RegexValidator(r"^[A-Z]{1,2}$", _("記号は半角英大文字1〜2文字です。"))],
    )
    # Where its counters are in the building, as the signs say: "2階 西側" / "2F, west side". A resident
    # handed over to this queue reads it on the wait page and the new ticket.
    place_ja = models.CharField(_("場所（日本語）"), max_length=60, blank=True)
    place_en = models.CharField(_("場所（英語）"), max_length=60, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["office", "sort_order", "code"]
        verbose_name = _("受付区分")
        verbose_name_plural = _("受付区分")
        constraints = [  # (the place is not unique: several queues share a floor)
            models.UniqueConstraint(fields=["office", "code"], name="queue_code_unique_per_office"),
            models.UniqueConstraint(
                fields=["office", "ticket_prefix"], name="queue_prefix_unique_per_office"
            ),
        ]

    @property
    def place(self) -> str:
        """Where the queue's counters are, in the page's language ("" when not set)."""
        return shown(None, self.place_ja, self.place_en)[0]


class Counter(Bilingual):
    """One service position (窓口) of a queue."""

    office = models.ForeignKey(
        Office, verbose_name=_("庁舎"), on_delete=models.PROTECT, related_name="counters"
    )
    queue = models.ForeignKey(
        Queue, verbose_name=_("受付区分"), on_delete=models.PROTECT, related_name="counters"
    )
    code = models.CharField(_("窓口コード"), max_length=40, validators=[code_validator])
    sort_order = models.PositiveSmallIntegerField(_("表示順"), default=0)

    class Meta:
        ordering = ["office", "sort_order", "code"]
        verbose_name = _("窓口")
        verbose_name_plural = _("窓口")
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="counter_code_unique_per_office"),
        ]

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if (
            self.queue_id is not None
            and self.office_id is not None
            and self.queue.office_id != self.office_id
        ):
            raise ValidationError({"queue": _("窓口と受付区分は同じ庁舎のものにしてください。")})
