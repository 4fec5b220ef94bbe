"""Submitting a case creates its work items, in the same transaction."""

from __future__ import annotations

from typing import Any

from django.dispatch import receiver

from madoguchi.cases.actions import case_submitted


@receiver(case_submitted)
def create_items_for_submitted_case(sender: Any, case: Any, actor: Any, **kwargs: Any) -> None:
    from madoguchi.center.actions import create_work_items

    create_work_items(actor, case)
