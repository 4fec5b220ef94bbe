"""Sign-in throttling (staff/throttling.py, django-axes): per account and per source address, bounded
audit entries."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from conftest import DEMO_PASSWORD
from madoguchi.audit.models import AuditEntry

pytestmark = pytest.mark.django_db

LOGIN = reverse("staff:login")
LIMIT = 5  # settings.AXES_FAILURE_LIMIT by default


def attempt(client: Client, username: str, password: str | None = None) -> Any:
    """A sign-in with `password`, by default a wrong one."""
    return client.post(LOGIN, {"username": username, "password": password or "not-" + DEMO_PASSWORD})


def entries(action: str) -> list[dict[str, Any]]:
    return [entry.summary for entry in AuditEntry.objects.filter(action=action).order_by("id")]


def test_an_account_is_locked_after_repeated_failures_and_the_right_password_then_waits(
    staff_of: Any,
) -> None:
    terminal = Client(REMOTE_ADDR="10.20.0.11")
    answers = [attempt(terminal, "clerk").status_code for _ in range(LIMIT)]
    assert answers == [200] * (LIMIT - 1) + [429]  # the failure that reaches the limit locks
    refused = attempt(terminal, "clerk", DEMO_PASSWORD)
    assert refused.status_code == 429
    assert "しばらくログインできません。15 分たってからもう一度お試しください。" in refused.content.decode()
    assert "_auth_user_id" not in terminal.session
    # another terminal cannot sign in as that account either, and this terminal is locked for everyone
    assert attempt(Client(REMOTE_ADDR="10.20.0.12"), "clerk", DEMO_PASSWORD).status_code == 429
    assert attempt(terminal, "manager", DEMO_PASSWORD).status_code == 429
    # the log: each failure before the lock, then the lock once; nothing for the refused attempts
    assert entries("staff.login.failed") == [{"username": "clerk"}] * (LIMIT - 1)
    assert entries("staff.login.locked") == [{"username": "clerk", "address": "10.20.0.11"}]
    # an administrator unlocks the account; from an unlocked terminal the right password works again
    call_command("axes_reset_username", "clerk")
    assert attempt(Client(REMOTE_ADDR="10.20.0.13"), "clerk", DEMO_PASSWORD).status_code == 302


def test_guessing_made_up_login_ids_cannot_grow_the_audit_log(staff_of: Any) -> None:
    before = AuditEntry.objects.count()
    script = Client(REMOTE_ADDR="203.0.113.7")
    answers = {attempt(script, f"guess{n}").status_code for n in range(200)}
    assert answers == {200, 429}
    # one entry: the address was locked; no failure of an account that does not exist is logged
    assert entries("staff.login.failed") == []
    assert entries("staff.login.locked") == [{"username": "", "address": "203.0.113.7"}]
    assert AuditEntry.objects.count() == before + 1


def test_a_success_clears_the_accounts_failures(staff_of: Any) -> None:
    terminal = Client(REMOTE_ADDR="10.20.0.21")
    for _ in range(LIMIT - 1):
        attempt(terminal, "clerk")
    assert attempt(terminal, "clerk", DEMO_PASSWORD).status_code == 302
    other = Client(REMOTE_ADDR="10.20.0.22")
    assert [attempt(other, "clerk").status_code for _ in range(LIMIT - 1)] == [200] * (LIMIT - 1)


@pytest.mark.parametrize("login_id", ["9" * 5000, "港" * 300])
def test_a_login_id_longer_than_any_account_is_refused_at_the_field_and_counted_nowhere(
    login_id: str, demo_city: None
) -> None:
    from axes.models import AccessAttempt

    response = Client().post("/accounts/login/", {"username": login_id, "password": "x"})
    assert response.status_code == 200  # the form again, naming the field
    assert "文字以内で入力してください。" in response.content.decode()
    assert not AccessAttempt.objects.exists()
