"""Loading the demo city みなと市 from `minato.yaml` through the organization and staff actions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction

from madoguchi.audit.chain import SystemActor
from madoguchi.catalog.actions import do_load_catalog
from madoguchi.catalog.service import current_catalog
from madoguchi.center.actions import do_upsert_work_queue
from madoguchi.certificates.actions import do_upsert_issuing_point
from madoguchi.organization.actions import do_upsert_counter, do_upsert_office, do_upsert_queue
from madoguchi.organization.models import Department, Office, Queue
from madoguchi.registry import population
from madoguchi.registry.actions import do_load_population
from madoguchi.registry.models import SimulatedResident
from madoguchi.remote.actions import do_assign_skills
from madoguchi.reservations.actions import do_upsert_schedule
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR
from madoguchi.staff.actions import do_create_staff, do_update_staff
from madoguchi.staff.models import Staff

DEMO_FILE = Path(__file__).with_name("minato.yaml")
ACTOR = SystemActor("demo")


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role_label: str
    office_name: str
    created: bool


def load_demo_data() -> dict[str, Any]:
    with DEMO_FILE.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def _load_queues(office: Office, queues: list[dict[str, Any]], departments: dict[str, Department]) -> None:
    for order, spec in enumerate(queues):
        queue = do_upsert_queue(
            ACTOR,
            office=office,
            code=spec["code"],
            kind=spec["kind"],
            name_ja=spec["name_ja"],
            name_en=spec["name_en"],
            department=departments[spec["department"]] if "department" in spec else None,
            ticket_prefix=spec["prefix"],
            sort_order=order,
            place_ja=spec.get("place", {}).get("ja", ""),
            place_en=spec.get("place", {}).get("en", ""),
        )
        count = spec["counters"][office.code] if isinstance(spec["counters"], dict) else spec["counters"]
        for number in range(1, count + 1):
            do_upsert_counter(
                ACTOR,
                office=office,
                queue=queue,
                code=f"{spec['code']}-{number}",
                name_ja=f"{spec['name_ja']} {number}番",
                name_en=f"{spec['name_en']} {number}",
                sort_order=order * 100 + number,
            )


def _load_reservations(office: Office, schedules: list[dict[str, Any]]) -> None:
    for spec in schedules:
        do_upsert_schedule(
            ACTOR,
            queue=Queue.objects.get(office=office, code=spec["queue"]),
            slot_minutes=spec["slot_minutes"],
            capacity=spec["capacity"],
            opens_at=time.fromisoformat(spec["opens"]),
            closes_at=time.fromisoformat(spec["closes"]),
            days_ahead=spec["days_ahead"],
        )


def _load_center_queues(spec: dict[str, Any]) -> None:
    departments = set(spec["departments"])
    for order, procedure in enumerate(current_catalog().procedures):
        if procedure.counter == "one_stop" and procedure.department in departments:
            do_upsert_work_queue(
                ACTOR,
                procedure=procedure.code,
                name_ja=procedure.name_ja,
                name_en=procedure.name_en,
                department=procedure.department,
                processing_days=spec["processing_days"],
                sort_order=order,
            )


def load_demo_population() -> int:
    """The demo's synthetic population, once (tests load their own; `registry generate` makes 300,000)."""
    if SimulatedResident.objects.exists():
        return 0
    return do_load_population(ACTOR, population.generate(int(load_demo_data()["demo_residents"])))


def demo_cards() -> list[tuple[str, str, str, str]]:
    """A few residents to try the certificates with: (what they show, name, card number, test PIN)."""
    from madoguchi.certificates.cards import test_pin
    from madoguchi.certificates.eligibility import unprintable

    shown = []
    base = SimulatedResident.objects.exclude(card_serial="").filter(status="resident", moving_out_on=None)
    cases = [
        ("ordinary", base.filter(support_measure=False, seal_number__gt="", domicile_in_city=True)),
        ("support measure (DV)", base.filter(support_measure=True)),
        (
            "name outside JIS X 0208",
            base.filter(support_measure=False, family_name__in=["髙橋", "山﨑", "𠮷田"]),
        ),
    ]
    for label, query in cases:
        for row in query.order_by("code")[:50]:
            if label == "ordinary" and unprintable(row.family_name + row.given_name + row.address):
                continue
            shown.append(
                (label, f"{row.family_name} {row.given_name}", row.card_serial, test_pin(row.card_serial))
            )
            break
    return shown


def load_demo_city() -> list[DemoLogin]:
    """Create or update みなと市 and its catalog. Idempotent: a rerun writes nothing, keeps passwords."""
    data = load_demo_data()
    logins: list[DemoLogin] = []
    with transaction.atomic():
        do_load_catalog(ACTOR, DEFAULT_CATALOG_DIR)  # the departments and procedures of the city
        departments = {department.code: department for department in Department.objects.all()}
        offices: dict[str, Office] = {}
        for order, spec in enumerate(data["offices"]):
            offices[spec["code"]] = do_upsert_office(
                ACTOR,
                code=spec["code"],
                kind=spec["kind"],
                name_ja=spec["name_ja"],
                name_en=spec["name_en"],
                parent=offices[spec["parent"]] if "parent" in spec else None,
                address=spec.get("address", ""),
                sort_order=order,
            )
        for office in offices.values():
            if office.kind == Office.Kind.WARD:
                _load_queues(office, data["ward_queues"], departments)
                _load_reservations(office, data["ward_reservations"])
            elif office.kind == Office.Kind.BRANCH:
                _load_queues(office, data["branch_queues"], departments)
        _load_center_queues(data["center_processing"])
        for spec in data["issuing_points"]:
            do_upsert_issuing_point(
                ACTOR,
                code=spec["code"],
                kind=spec["kind"],
                name_ja=spec["name_ja"],
                name_en=spec["name_en"],
                office=offices[spec["office"]],
            )
        for spec in data["staff"]:
            assignment = {
                "last_name": spec["last_name"],
                "first_name": spec["first_name"],
                "role": spec["role"],
                "office": offices[spec["office"]],
                "department": departments[spec["department"]] if "department" in spec else None,
            }
            existing = Staff.objects.filter(username=spec["username"]).first()
            if existing is None:
                staff = do_create_staff(
                    ACTOR, username=spec["username"], password=data["password"], **assignment
                )
            else:
                staff = do_update_staff(ACTOR, existing, email=existing.email, **assignment)
            if spec.get("skills"):
                do_assign_skills(ACTOR, staff, skills=spec["skills"], all_day=True)
            logins.append(
                DemoLogin(
                    username=staff.username,
                    password=data["password"],
                    role_label=str(staff.get_role_display()),
                    office_name=str(staff.office),
                    created=existing is None,
                )
            )
    return logins
