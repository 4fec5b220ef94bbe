"""Who may have which certificate, where: every refusal has a code and plain words for the resident.

Plain Python over the registry's record, so that the phone, the store terminal, the counter and the
issuer ask the same question and get the same answer. The issuer asks again at issue time: a record may
change between the request and the printing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.utils.translation import gettext as _

from madoguchi.certificates.kinds import SELF_SERVICE, Kind, catalog
from madoguchi.registry.adapter import ResidentRecord


@dataclass(frozen=True)
class Refusal(Exception):
    code: str
    message: str

    def __str__(self) -> str:
        return self.message


def unprintable(text: str) -> set[str]:
    """Characters a store or machine terminal cannot print: its set is JIS X 0208 (no 外字)."""
    bad = set()
    for char in text:
        if char.isspace():
            continue
        try:
            char.encode("iso2022_jp")
        except UnicodeEncodeError:
            bad.add(char)
    return bad


def _names(record: ResidentRecord, kind: Kind, household: list[ResidentRecord]) -> str:
    people = household if kind.code == "juminhyo" else [record]
    text = "".join(p.family_name + p.given_name + p.address for p in people)
    if kind.code == "koseki" or kind.code == "juminhyo":
        text += record.domicile + record.domicile_head
    return text


def refusal(
    kind: Kind,
    *,
    subject: ResidentRecord | None,
    relation: str,
    channel: str,
    when: datetime,
    household: list[ResidentRecord] | None = None,
) -> Refusal | None:
    """Why `subject`'s `kind` cannot be issued on `channel` for a requester in `relation`, or None."""
    city = str(settings.CITY_NAME_JA)
    if subject is None:
        return Refusal("unknown", _("この方の記録が見つかりません。窓口へお越しください。"))
    self_service = channel in SELF_SERVICE or channel == "phone"
    if channel not in kind.channels:
        return Refusal(
            "channel",
            _("%(kind)sは、ここでは発行できません。証明書窓口へお越しください。") % {"kind": kind.label},
        )
    if relation not in kind.who or (self_service and relation != "self"):
        return Refusal(
            "relation",
            _("%(kind)sは、ご本人からの請求に限ります（代理の方は委任状を持って窓口へ）。")
            % {"kind": kind.label},
        )
    if channel in SELF_SERVICE and not catalog().store_hours.open_at(when):
        return Refusal(
            "hours", _("コンビニ・自動交付機での発行は 6:30〜23:00 です（12月29日〜1月3日は休止）。")
        )
    if subject.support_measure and (self_service or relation != "self"):
        return Refusal(
            "protected",
            _(
                "安全のための措置により、この方の証明書は窓口でご本人にだけ発行します。本人確認書類をお持ちください。"
            ),
        )
    if subject.status == "deceased":
        return Refusal("deceased", _("亡くなられた方の証明書（除票など）は、証明書窓口で請求してください。"))
    if subject.status == "moved_out":
        return Refusal(
            "moved_out",
            _("%(city)sから転出された方の証明書（除票など）は、証明書窓口で請求してください。")
            % {"city": city},
        )
    if self_service and subject.moving_out_on is not None:
        return Refusal(
            "moving_out",
            _("転出の届出をされているため、ここでは発行できません。証明書窓口へお越しください。"),
        )
    if self_service and subject.moved_in_on >= when.date():
        return Refusal(
            "moved_in_today",
            _(
                "本日、住所などの記録が変わったため、コンビニ・スマートフォンでの発行は明日からです。今日は窓口で発行できます。"
            ),
        )
    if "seal" in kind.requires and not subject.seal_number:
        return Refusal("no_seal", _("印鑑登録がありません。印鑑登録は窓口でできます。"))
    if "domicile_in_city" in kind.requires and not subject.domicile_in_city:
        return Refusal(
            "domicile_elsewhere",
            _(
                "本籍が%(city)sにないため、ここでは戸籍証明書を発行できません。本籍のある市区町村か、窓口（広域交付）で請求してください。"
            )
            % {"city": city},
        )
    if "tax_record" in kind.requires and subject.income is None:
        return Refusal("no_tax_record", _("この方の課税の記録がありません。税務課の窓口でご相談ください。"))
    if channel in SELF_SERVICE:
        bad = unprintable(_names(subject, kind, household or [subject]))
        if bad:
            return Refusal(
                "unprintable",
                _(
                    "お名前や住所に、この機械では印刷できない文字があります。証明書窓口で正しい字で発行します。"
                ),
            )
    return None
