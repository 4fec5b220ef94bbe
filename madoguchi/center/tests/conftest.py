"""The center's tests start from a submitted move-in (madoguchi/demo/cases.py)."""

from __future__ import annotations

from typing import Any

import pytest

from madoguchi.cases.models import Case
from madoguchi.demo.cases import details_of, make_submitted_case, person, sign_and_submit
from madoguchi.staff.roles import Role

__all__ = ["details_of", "items_of", "make_submitted_case", "person", "sign_and_submit"]


@pytest.fixture
def submit_case(staff_of: Any) -> Any:
    """Create, fill, sign and submit a move-in case at the given office's clerk (default: chuo's clerk)."""

    def submit(clerk: Any = None, phone: str = "090-1234-5678", head_family_name: str = "港") -> Case:
        return make_submitted_case(clerk or staff_of(Role.ONESTOP_CLERK), phone, head_family_name)

    return submit


def items_of(case: Case) -> Any:
    from madoguchi.center.models import WorkItem

    return WorkItem.objects.filter(source_key=f"case:{case.pk}")
