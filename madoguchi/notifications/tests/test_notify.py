"""Notifying residents: validation, de-duplication, the outbox and delivery through each backend."""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import pytest
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.db import transaction

from madoguchi.notifications.backends import backend_for
from madoguchi.notifications.checks import check_notification_backends
from madoguchi.notifications.models import Notification
from madoguchi.notifications.service import InvalidRecipient, deliver, notify
from madoguchi.tasks.models import Task
from madoguchi.tasks.worker import run_one

BACKENDS = "madoguchi.notifications.backends."
Status = Notification.Status


def notify_turn_near(**overrides: Any) -> Notification | None:
    values: dict[str, Any] = {
        "channel": "email",
        "to": "hanako@example.jp",
        "subject": "まもなく順番です",
        "body": "A-012 番の方、あと 3 人でお呼びします。",
        "topic": "reception.turn_near",
        "ref": "ticket-1",
        **overrides,
    }
    return notify(**values)


@pytest.mark.django_db
def test_a_notification_is_queued_and_the_console_backend_prints_it(
    capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # given
    notification = notify_turn_near()
    assert notification is not None
    assert notification.status == Status.PENDING
    task = Task.objects.get()
    assert (task.name, task.kwargs) == ("notifications.deliver", {"notification_id": str(notification.pk)})
    # when
    with caplog.at_level(logging.INFO, logger="madoguchi.notifications"):
        assert run_one("w1")
    # then
    out = capsys.readouterr().out
    assert "To:      hanako@example.jp" in out
    assert "Subject: まもなく順番です" in out
    assert "A-012 番の方、あと 3 人でお呼びします。" in out
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.error) == (Status.SENT, 1, "")
    assert notification.sent_at is not None
    assert Task.objects.get().result == {"notification": str(notification.pk), "status": "sent"}
    record = next(r for r in caplog.records if r.message == "notification written to the console")
    assert record.notification_id == str(notification.pk)  # type: ignore[attr-defined]
    assert "hanako@example.jp" not in caplog.text  # no personal data in the logs


@pytest.mark.django_db
def test_a_phone_number_is_stored_in_national_format(capsys: pytest.CaptureFixture[str]) -> None:
    notification = notify_turn_near(channel="sms", to="０９０（１２３４）５６７８", subject="")
    assert notification is not None
    assert notification.recipient == "090-1234-5678"
    run_one("w1")
    assert "To:      090-1234-5678" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("channel", "to", "message"),
    [
        ("email", "hanako@", "宛先: メールアドレスが正しくありません。"),
        ("email", "hanako@example.jp\nBcc: x@example.jp", "宛先: メールアドレスが正しくありません。"),
        ("sms", "090-1234-567", "宛先: 電話番号が正しくありません。"),
        ("sms", "", "宛先: 電話番号を入力してください。"),
        ("sms", "03-1234-5678", "宛先: SMSは携帯電話の番号（070・080・090）にだけ送れます。"),
    ],
)
def test_an_unusable_recipient_is_refused_with_a_message_naming_the_field(
    channel: str, to: str, message: str
) -> None:
    with pytest.raises(InvalidRecipient) as refused:
        notify_turn_near(channel=channel, to=to)
    assert refused.value.message == message
    assert refused.value.field == "to"
    assert not Notification.objects.exists()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_the_same_topic_ref_and_channel_is_notified_only_once() -> None:
    first = notify_turn_near()
    assert first is not None
    assert notify_turn_near(body="二通目") is None
    by_sms = notify_turn_near(channel="sms", to="080-1111-2222")
    called = notify_turn_near(topic="reception.called")
    assert by_sms is not None
    assert called is not None
    assert Notification.objects.count() == 3
    assert Task.objects.count() == 3


@pytest.mark.django_db
def test_a_notification_in_a_rolled_back_transaction_leaves_nothing() -> None:
    def call_ticket_and_fail() -> None:
        with transaction.atomic():
            notify_turn_near()
            raise RuntimeError("calling the ticket failed")

    with pytest.raises(RuntimeError):
        call_ticket_and_fail()
    assert not Notification.objects.exists()
    assert not Task.objects.exists()


@pytest.mark.django_db
def test_a_sent_notification_is_not_sent_again(capsys: pytest.CaptureFixture[str]) -> None:
    notification = notify_turn_near()
    assert notification is not None
    run_one("w1")
    capsys.readouterr()
    # a retried or reclaimed delivery task finds the row sent and does nothing
    assert deliver(str(notification.pk), last_attempt=False) == {
        "notification": str(notification.pk),
        "status": "sent",
    }
    assert capsys.readouterr().out == ""
    notification.refresh_from_db()
    assert notification.attempts == 1


@pytest.mark.django_db
def test_the_email_backend_sends_through_django_mail(settings: Any) -> None:
    settings.MADOGUCHI_NOTIFICATION_BACKENDS = {
        "email": BACKENDS + "EmailBackend",
        "sms": BACKENDS + "ConsoleBackend",
    }
    settings.DEFAULT_FROM_EMAIL = "madoguchi@city.example.lg.jp"
    notification = notify_turn_near()
    assert notification is not None
    run_one("w1")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert (message.subject, message.to, message.from_email) == (
        "まもなく順番です",
        ["hanako@example.jp"],
        "madoguchi@city.example.lg.jp",
    )
    assert message.body == "A-012 番の方、あと 3 人でお呼びします。"
    notification.refresh_from_db()
    assert notification.status == Status.SENT


@dataclass
class Gateway:
    """A stand-in for the city's SMS gateway on 127.0.0.1: answers each POST with the next status."""

    url: str
    statuses: list[int]
    requests: list[dict[str, Any]] = field(default_factory=list)


@pytest.fixture
def gateway(settings: Any) -> Iterator[Gateway]:
    state = Gateway(url="", statuses=[])

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers["Content-Length"]))
            state.requests.append(
                {
                    "path": self.path,
                    "content_type": self.headers["Content-Type"],
                    "idempotency_key": self.headers["Idempotency-Key"],
                    "json": json.loads(body),
                }
            )
            status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.url = f"http://127.0.0.1:{server.server_port}/sms"
    settings.MADOGUCHI_SMS_WEBHOOK_URL = state.url
    settings.MADOGUCHI_SMS_WEBHOOK_TIMEOUT = 5.0
    settings.MADOGUCHI_NOTIFICATION_BACKENDS = {
        "email": BACKENDS + "ConsoleBackend",
        "sms": BACKENDS + "WebhookSmsBackend",
    }
    yield state
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.django_db
def test_the_webhook_backend_posts_the_message_to_the_sms_gateway(gateway: Gateway) -> None:
    notification = notify_turn_near(channel="sms", to="090-1234-5678", subject="")
    assert notification is not None
    run_one("w1")
    assert gateway.requests == [
        {
            "path": "/sms",
            "content_type": "application/json; charset=utf-8",
            "idempotency_key": str(notification.pk),
            "json": {"to": "+819012345678", "body": "A-012 番の方、あと 3 人でお呼びします。"},
        }
    ]
    notification.refresh_from_db()
    assert notification.status == Status.SENT


@pytest.mark.django_db
def test_a_gateway_error_is_retried_with_the_same_idempotency_key(gateway: Gateway, clock: Any) -> None:
    # given: the gateway fails once
    gateway.statuses = [500]
    notification = notify_turn_near(channel="sms", to="090-1234-5678", subject="")
    assert notification is not None
    # when
    run_one("w1")
    # then: the attempt is recorded and the task waits for its retry
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.PENDING, 1)
    assert notification.error == "SmsGatewayError: the SMS gateway answered HTTP 500"
    task = Task.objects.get()
    assert (task.status, task.attempts) == (Task.Status.QUEUED, 1)
    assert "SmsGatewayError" in task.error
    clock.advance(seconds=2)
    run_one("w1")
    notification.refresh_from_db()
    assert (notification.status, notification.attempts, notification.error) == (Status.SENT, 2, "")
    assert [r["idempotency_key"] for r in gateway.requests] == [str(notification.pk)] * 2


@pytest.mark.django_db
def test_a_notification_fails_after_the_last_attempt(gateway: Gateway, clock: Any) -> None:
    gateway.statuses = [503] * 5
    notification = notify_turn_near(channel="sms", to="090-1234-5678", subject="")
    assert notification is not None
    for _ in range(5):
        assert run_one("w1")
        clock.advance(hours=1)
    assert run_one("w1") is False
    notification.refresh_from_db()
    assert (notification.status, notification.attempts) == (Status.FAILED, 5)
    assert notification.error == "SmsGatewayError: the SMS gateway answered HTTP 503"
    assert Task.objects.get().status == Task.Status.FAILED
    assert len(gateway.requests) == 5


@pytest.mark.django_db
def test_an_unreachable_gateway_is_an_error_that_retries(settings: Any) -> None:
    settings.MADOGUCHI_NOTIFICATION_BACKENDS = {
        "email": BACKENDS + "ConsoleBackend",
        "sms": BACKENDS + "WebhookSmsBackend",
    }
    settings.MADOGUCHI_SMS_WEBHOOK_URL = "http://127.0.0.1:9/sms"  # the discard port: nothing listens
    notification = notify_turn_near(channel="sms", to="090-1234-5678", subject="")
    assert notification is not None
    run_one("w1")
    notification.refresh_from_db()
    assert notification.status == Status.PENDING
    assert notification.error.startswith("SmsGatewayError: the SMS gateway did not answer")


@pytest.mark.parametrize(
    ("backends", "url", "error"),
    [
        (
            {"email": BACKENDS + "FaxBackend", "sms": BACKENDS + "ConsoleBackend"},
            "",
            "MADOGUCHI_EMAIL_BACKEND_CLASS='madoguchi.notifications.backends.FaxBackend': "
            "no such notification backend",
        ),
        (
            {"email": BACKENDS + "ConsoleBackend", "sms": "django.core.mail.send_mail"},
            "",
            "MADOGUCHI_SMS_BACKEND_CLASS='django.core.mail.send_mail' is not a NotificationBackend subclass",
        ),
        (
            {"email": BACKENDS + "ConsoleBackend", "sms": BACKENDS + "WebhookSmsBackend"},
            "",
            "WebhookSmsBackend needs MADOGUCHI_SMS_WEBHOOK_URL, an http(s) URL (now '')",
        ),
        (
            {"email": BACKENDS + "ConsoleBackend", "sms": BACKENDS + "WebhookSmsBackend"},
            "file:///etc/passwd",
            "WebhookSmsBackend needs MADOGUCHI_SMS_WEBHOOK_URL, an http(s) URL",
        ),
        ({"email": BACKENDS + "ConsoleBackend"}, "", "no notification backend for channel 'sms'"),
    ],
)
def test_a_misconfigured_backend_is_a_clear_error_at_start_up(
    settings: Any, backends: dict[str, str], url: str, error: str
) -> None:
    settings.MADOGUCHI_NOTIFICATION_BACKENDS = backends
    settings.MADOGUCHI_SMS_WEBHOOK_URL = url
    messages = check_notification_backends()
    assert [m.id for m in messages] == ["notifications.E001"]
    assert error in messages[0].msg
    channel = "email" if "EMAIL" in error else "sms"
    with pytest.raises(ImproperlyConfigured, match=re.escape(error)):
        backend_for(channel)


def test_the_default_backends_pass_the_check() -> None:
    assert check_notification_backends() == []
