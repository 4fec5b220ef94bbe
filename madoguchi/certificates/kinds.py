"""The certificate kinds of the city (`data/kinds.yaml`): fees, options, who may request and where."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from functools import cache
from pathlib import Path

import yaml
from django.utils.translation import get_language

KINDS_FILE = Path(__file__).resolve().parent / "data" / "kinds.yaml"

COUNTER_CHANNELS = frozenset({"counter"})
SELF_SERVICE = frozenset({"store", "machine"})  # the card holder's own certificates only


@dataclass(frozen=True)
class Option:
    code: str
    label_ja: str
    label_en: str
    default: bool
    counter_only: bool

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ja") == "en" else self.label_ja


@dataclass(frozen=True)
class Kind:
    code: str
    label_ja: str
    label_en: str
    reference: str
    fee: dict[str, int]  # counter / store
    who: frozenset[str]
    channels: frozenset[str]
    requires: frozenset[str]
    options: tuple[Option, ...]

    @property
    def label(self) -> str:
        return self.label_en if (get_language() or "ja") == "en" else self.label_ja

    def fee_for(self, pickup: str) -> int:
        return self.fee["store"] if pickup in SELF_SERVICE and "store" in self.fee else self.fee["counter"]

    def options_for(self, channel: str) -> tuple[Option, ...]:
        return tuple(o for o in self.options if channel == "counter" or not o.counter_only)

    def ticked(self, form: Mapping[str, str]) -> dict[str, bool]:
        """The options ticked on a page's form (checkboxes named `option-<code>`)."""
        return {o.code: form.get(f"option-{o.code}") == "on" for o in self.options}

    def clean_options(self, chosen: dict[str, bool] | None, channel: str) -> dict[str, bool]:
        """Every option of the kind with a value: unknown keys dropped, counter-only options off elsewhere."""
        chosen = chosen or {}
        allowed = {o.code for o in self.options_for(channel)}
        return {o.code: bool(chosen.get(o.code, o.default)) and o.code in allowed for o in self.options}


@dataclass(frozen=True)
class StoreHours:
    opens: time
    closes: time
    closed_days: frozenset[str]  # "MM-DD"

    def open_at(self, moment: datetime) -> bool:
        if moment.strftime("%m-%d") in self.closed_days:
            return False
        return self.opens <= moment.time() < self.closes


@dataclass(frozen=True)
class KindCatalog:
    version: date
    reference: str
    store_hours: StoreHours
    kinds: dict[str, Kind]

    def get(self, code: str) -> Kind | None:
        return self.kinds.get(code)


@cache
def catalog() -> KindCatalog:
    raw = yaml.safe_load(KINDS_FILE.read_text(encoding="utf-8"))
    hours = raw["store_hours"]
    kinds = {}
    for entry in raw["kinds"]:
        kinds[entry["code"]] = Kind(
            code=entry["code"],
            label_ja=entry["label_ja"],
            label_en=entry["label_en"],
            reference=entry["reference"],
            fee=dict(entry["fee"]),
            who=frozenset(entry["who"]),
            channels=frozenset(entry["channels"]),
            requires=frozenset(entry.get("requires", [])),
            options=tuple(
                Option(
                    o["code"], o["label_ja"], o["label_en"], bool(o["default"]), bool(o.get("counter_only"))
                )
                for o in entry["options"]
            ),
        )
    version = raw["version"]
    return KindCatalog(
        version=version if isinstance(version, date) else date.fromisoformat(str(version)),
        reference=raw["reference"],
        store_hours=StoreHours(
            opens=time.fromisoformat(hours["opens"]),
            closes=time.fromisoformat(hours["closes"]),
            closed_days=frozenset(hours["closed_days"]),
        ),
        kinds=kinds,
    )
