from __future__ import annotations

from typing import Any

import pytest

from madoguchi.cases.actions import (
    CaseNotReady,
    do_mark_ready_for_signature,
    do_reopen_interview,
    do_submit_case,
)
from madoguchi.cases.models import Case
from madoguchi.cases.signing import prepare, reception_date
from madoguchi.catalog.models import CatalogVersion
from madoguchi.center.models import WorkItem
from madoguchi.staff.roles import Role
from madoguchi.submissions.models import ImmutableRecord, Submission
from madoguchi.submissions.sources import source_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def submit_case(staff_of: Any) -> Any:
    from madoguchi.demo.cases import make_submitted_case

    return lambda: make_submitted_case(staff_of(Role.ONESTOP_CLERK))


def test_a_submission_is_written_once_and_never_changed_or_deleted(submit_case: Any) -> None:
    case = submit_case()
    submission = Submission.objects.get(source_id=str(case.pk))
    assert (submission.version, submission.previous, submission.reference) == (1, None, case.number)
    assert submission.bundle_sha256
    assert bytes(submission.bundle_pdf).startswith(b"%PDF")
    assert submission.data["members"][0]["family_name"] == "港"
    assert not any("my_number" in member for member in submission.members())  # encrypted on the case only
    submission.note = "changed"
    with pytest.raises(ImmutableRecord):
        submission.save()
    with pytest.raises(ImmutableRecord):
        submission.delete()
    assert all(
        item.submission == submission for item in WorkItem.objects.filter(source_key=submission.source_key)
    )


def test_a_catalog_change_between_printing_and_submitting_is_refused(staff_of: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    # printed for signature; then the catalog changes before the resident has signed
    fresh = _ready_case(clerk)
    CatalogVersion.objects.filter(id=1).update(number=fresh.catalog_version + 1)
    with pytest.raises(CaseNotReady):
        do_submit_case(clerk, fresh, prepare(fresh, received_on=reception_date(fresh)))
    fresh.refresh_from_db()
    assert fresh.state == Case.State.READY_FOR_SIGNATURE
    assert not Submission.objects.filter(source_id=str(fresh.pk)).exists()
    # printing again for signature takes the new catalog, and then it goes through
    fresh = do_reopen_interview(clerk, fresh)
    fresh = do_mark_ready_for_signature(clerk, fresh, prepare(fresh, received_on=reception_date(fresh)))
    submission = do_submit_case(clerk, fresh, prepare(fresh, received_on=reception_date(fresh)))
    assert submission.catalog_version == fresh.catalog_version


def _ready_case(clerk: Any) -> Case:
    """A household like the conftest's, made ready for signature but not submitted."""
    from madoguchi.center.tests import conftest

    submitted = conftest.make_submitted_case(clerk)
    # reuse its details on a new case of the same office
    from madoguchi.cases.actions import do_create_case, do_save_case_details

    case = do_create_case(clerk, office=clerk.office, event="tennyu", event_date=submitted.event_date)
    case = do_save_case_details(clerk, case, conftest.details_of(submitted))
    return do_mark_ready_for_signature(clerk, case, prepare(case, received_on=reception_date(case)))


def test_an_unknown_source_has_no_handlers(submit_case: Any) -> None:
    submission = Submission.objects.get(source_id=str(submit_case().pk))
    submission.source = "nowhere"
    with pytest.raises(LookupError):
        source_of(submission)
