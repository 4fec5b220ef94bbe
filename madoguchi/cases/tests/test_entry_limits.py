"""What the case page accepts is what the forms can print: a nationality is an ISO country code, an address
part no longer than case-file/v1 allows; and nothing typed travels back in a cookie."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from madoguchi.cases.models import Case, Person
from madoguchi.cases.tests.test_cases import FORM, new_case
from madoguchi.staff.roles import Role

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("typed", ["日本", "XX", "JPN", "J1"])
def test_a_nationality_that_is_not_a_country_code_is_refused_naming_the_field(
    typed: str, staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    response = signed_in(clerk).post(
        reverse("cases:detail", args=[case.pk]), {**FORM, "p-0-nationality": typed}
    )
    assert response.status_code == 400
    assert "国籍は2文字の国名コード" in response.content.decode()
    assert not Person.objects.filter(case=case).exists()  # nothing half-saved


def test_a_full_width_country_code_is_read_as_the_code(staff_of: Any, signed_in: Any) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    form = {**FORM, "p-0-nationality": "ｖｎ", "p-0-name_roman": "NGUYEN VAN AN"}
    response = signed_in(clerk).post(reverse("cases:detail", args=[case.pk]), form)
    assert response.status_code == 302
    assert Person.objects.get(case=case).nationality == "VN"


@pytest.mark.parametrize(("field", "longest"), [("addr-town", 80), ("addr-block", 40), ("prev-town", 80)])
def test_an_address_too_long_to_print_is_refused_on_save(
    field: str, longest: int, staff_of: Any, signed_in: Any
) -> None:
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    url = reverse("cases:detail", args=[case.pk])
    client = signed_in(clerk)
    refused = client.post(url, {**FORM, field: "港" * (longest + 1)})
    assert refused.status_code == 400
    assert f"{longest}文字以内で入力してください。" in refused.content.decode()
    case.refresh_from_db()
    assert case.state == Case.State.DRAFT  # nothing saved
    # the longest accepted value saves, and the forms print from it
    assert client.post(url, {**FORM, field: "港" * longest}).status_code == 302
    preview = client.get(reverse("cases:bundle", args=[case.pk]))
    assert preview.status_code == 200
    assert preview["Content-Type"] == "application/pdf"


def test_messages_never_travel_in_a_cookie(staff_of: Any, signed_in: Any) -> None:
    # given: a save that answers with a message naming what was saved
    clerk = staff_of(Role.ONESTOP_CLERK)
    case = new_case(clerk)
    client = signed_in(clerk)
    # when
    response = client.post(reverse("cases:detail", args=[case.pk]), FORM)
    # then: the message waits in the server-side session; the browser holds no copy of it
    assert response.status_code == 302
    assert "messages" not in response.cookies
    page = client.get(response["Location"])
    assert "messages" not in page.cookies or not page.cookies["messages"].value
    assert "保存" in page.content.decode()
