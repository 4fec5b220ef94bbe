"""The resident's wait page in やさしい日本語: chosen on the page, said in plain words, read as Japanese."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from madoguchi.organization.models import Queue
from madoguchi.reception.actions import do_issue_ticket

pytestmark = pytest.mark.django_db


def test_the_wait_page_offers_and_speaks_plain_japanese(staff_of: Any, signed_in: Any) -> None:
    concierge = staff_of("concierge")
    queue = Queue.objects.get(office=concierge.office, code="one-stop")
    ticket = do_issue_ticket(concierge, queue=queue, channel="concierge", purpose="tennyu")
    client = Client()
    url = f"/wait/{ticket.status_token}/"
    standard = client.get(url).content.decode()
    assert 'value="ja-easy"' in standard  # offered on the page itself
    response = client.post("/i18n/setlang/", {"language": "ja-easy", "next": url}, follow=True)
    page = response.content.decode()
    assert '<html lang="ja">' in page  # plain Japanese is Japanese to a screen reader
    assert "まえに 0 にん" in page
    assert "順番が近づいたらお知らせ（任意）" not in page
    assert "ばんが ちかくなったら おしらせ" in page
    # the staff screens do not offer it: they are not written in it
    staff_page = signed_in(staff_of("onestop_clerk")).get("/cases/").content.decode()
    assert 'value="ja-easy"' not in staff_page
    assert settings.LANGUAGE_CODE == "ja"
