"""The remote pages through the Django client: the expert's grant on the case, bad input, guests' codes,
signalling between parties, captures with consent, and the managers' figures."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from PIL import Image

from madoguchi.broadcast.events import get_broadcaster
from madoguchi.cases.models import Case
from madoguchi.remote import turn
from madoguchi.remote.actions import do_accept, do_end, do_request, party_channel
from madoguchi.remote.models import Capture, Consultation, Participant
from madoguchi.remote.skills import Skill
from madoguchi.remote.stream import inflate, publish_signal
from madoguchi.remote.tests.conftest import Clock
from madoguchi.staff.models import Staff


def client_of(staff: Staff) -> Client:
    client = Client()
    client.force_login(staff)
    return client


def post_json(client: Client, url: str, body: Any) -> Any:
    return client.post(url, json.dumps(body), content_type="application/json")


@pytest.fixture
def consultation(branch_clerk: Staff, case: Case, on_commit: Any) -> Consultation:
    with on_commit(execute=True):
        return do_request(branch_clerk, case, skill="kokuho_nenkin")


def test_the_expert_fills_in_the_case_only_while_answering(
    clock: Clock, expert: Callable[..., Staff], consultation: Consultation, case: Case
) -> None:
    staff = expert("department")
    web = client_of(staff)
    detail = reverse("cases:detail", args=[case.pk])
    assert web.get(detail).status_code == 403
    do_accept(staff, consultation.pk)
    page = web.get(detail)
    assert page.status_code == 200
    assert "申請書を作成" not in page.content.decode()  # printing and sending stay with the branch
    do_end(staff, consultation, outcome="resolved")
    assert web.get(detail).status_code == 403


def test_a_heartbeat_needs_a_page_id_and_a_signed_in_staff_member(clock: Clock, branch_clerk: Staff) -> None:
    url = reverse("remote:beat")
    assert post_json(Client(), url, {"tab": str(uuid.uuid4())}).status_code == 403
    web = client_of(branch_clerk)
    bad = post_json(web, url, {"tab": "not-a-uuid"})
    assert bad.status_code == 400
    assert "ページの識別子" in bad.json()["error"]
    assert web.post(url, "{", content_type="application/json").status_code == 400
    assert post_json(web, url, {"tab": str(uuid.uuid4())}).json()["offers"] == []


def test_a_heartbeat_does_not_keep_an_idle_session_alive(clock: Clock, branch_clerk: Staff) -> None:
    web = client_of(branch_clerk)
    before = web.session.get("_renewed_at")
    web.post(
        reverse("remote:beat"),
        json.dumps({"tab": str(uuid.uuid4())}),
        content_type="application/json",
        headers={"X-Madoguchi-Background": "1"},
    )
    assert web.session.get("_renewed_at") == before


def test_a_heartbeat_rings_an_available_expert(
    clock: Clock, expert: Callable[..., Staff], consultation: Consultation
) -> None:
    web = client_of(expert("department"))
    answer = post_json(web, reverse("remote:beat"), {"tab": str(uuid.uuid4())}).json()
    assert [offer["id"] for offer in answer["offers"]] == [str(consultation.pk)]
    assert "山手支所" in answer["offers"][0]["text"]


def test_a_heartbeat_costs_the_same_queries_whatever_the_experts_skills(
    clock: Clock, expert: Callable[..., Staff], consultation: Consultation
) -> None:
    """The queue moves on once per beat for all the expert's skills, not once per skill."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(skills: list[str]) -> int:
        web = client_of(expert("department", skills=skills))
        tab = str(uuid.uuid4())
        post_json(web, reverse("remote:beat"), {"tab": tab})  # the first beat rings and records the page
        with CaptureQueriesContext(connection) as captured:
            assert post_json(web, reverse("remote:beat"), {"tab": tab}).status_code == 200
        return len(captured)

    one = queries([consultation.skill])
    every = queries([skill.value for skill in Skill])
    assert every == one


def test_signalling_passes_only_between_present_parties_of_one_consultation(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, consultation: Consultation
) -> None:
    staff = expert("department")
    do_accept(staff, consultation.pk)
    clerk, expert_web = client_of(branch_clerk), client_of(staff)
    join = reverse("remote:join", args=[consultation.pk])
    assert post_json(clerk, join, {"session": "short"}).status_code == 400
    mine = post_json(clerk, join, {"session": "clerk-session-1"}).json()
    assert mine["rtc"]["iceServers"] == []  # no TURN set: host candidates only, never a public STUN
    signal = reverse("remote:signal", args=[consultation.pk])
    theirs = Participant.objects.get(consultation=consultation, staff=staff)
    # the expert's page has not joined yet
    refused = post_json(clerk, signal, {"to": str(theirs.pk), "session": "clerk-session-1", "payload": {}})
    assert refused.status_code == 409
    assert "参加していません" in refused.json()["error"]
    post_json(expert_web, join, {"session": "expert-session-1"})
    # a page that lost its place (an older tab) may not speak for it
    stale = post_json(clerk, signal, {"to": str(theirs.pk), "session": "old-session", "payload": {}})
    assert stale.status_code == 409
    big = {"description": {"type": "offer", "sdp": "x" * 70_000}}
    assert (
        post_json(
            clerk, signal, {"to": str(theirs.pk), "session": "clerk-session-1", "payload": big}
        ).status_code
        == 409
    )
    hub = get_broadcaster().hub
    before = hub.version(party_channel(theirs.pk))
    sdp = {
        "description": {
            "type": "offer",
            "sdp": "v=0\r\n" + "a=candidate:1 1 udp 1 192.0.2.2 5000 typ host\r\n" * 60,
        }
    }
    ok = post_json(clerk, signal, {"to": str(theirs.pk), "session": "clerk-session-1", "payload": sdp})
    assert ok.status_code == 200
    assert hub.version(party_channel(theirs.pk)) == before + 1
    # a stranger gets nothing
    stranger = client_of(Staff.objects.get(username="clerk"))
    assert stranger.get(reverse("remote:state", args=[consultation.pk])).status_code == 403


def test_large_signals_travel_deflated_within_postgresqls_notify_limit() -> None:
    sdp = "v=0\r\n" + "a=candidate:1 1 udp 2122260223 192.0.2.2 50000 typ host generation 0\r\n" * 120
    message = {
        "type": "signal",
        "from": "a",
        "session": "s",
        "payload": {"description": {"type": "offer", "sdp": sdp}},
    }
    sent: list[str] = []
    broadcaster = get_broadcaster()
    original = broadcaster.publish
    broadcaster.publish = lambda channel, text: sent.append(text)  # type: ignore[method-assign]
    try:
        publish_signal("remote:p:x", message)
    finally:
        broadcaster.publish = original  # type: ignore[method-assign]
    assert len(sent[0]) < 8000 < len(json.dumps(message))
    assert json.loads(inflate(sent[0])) == message


def test_a_guest_joins_once_with_the_code_and_sees_no_case(
    clock: Clock, branch_clerk: Staff, consultation: Consultation
) -> None:
    clerk = client_of(branch_clerk)
    invited = clerk.post(reverse("remote:invite", args=[consultation.pk]), {"role": "terminal"})
    assert invited.status_code == 200
    code = invited.context["code"]
    assert "data:image/svg+xml" in invited.content.decode()
    assert clerk.post(reverse("remote:invite", args=[consultation.pk]), {"role": "clerk"}).status_code == 400
    guest = Client()
    wrong = guest.post(reverse("remote:door"), {"code": "12345678" if code != "12345678" else "87654321"})
    assert wrong.status_code == 400
    assert "参加コード" in wrong.content.decode()
    entered = guest.post(reverse("remote:door"), {"code": f"{code[:4]} {code[4:]}"})
    assert entered.status_code == 302
    assert guest.get(entered["Location"]).status_code == 200
    assert guest.get(reverse("remote:state", args=[consultation.pk])).status_code == 200
    assert guest.get(reverse("remote:case", args=[consultation.pk])).status_code == 403
    # used once
    assert Client().post(reverse("remote:door"), {"code": code}).status_code == 400


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 180, 160)).save(out, format="PNG")
    return out.getvalue()


def test_a_capture_needs_the_citys_setting_and_the_residents_consent(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, consultation: Consultation, settings: Any
) -> None:
    staff = expert("department")
    do_accept(staff, consultation.pk)
    web = client_of(staff)
    post_json(web, reverse("remote:join", args=[consultation.pk]), {"session": "expert-session-1"})
    url = reverse("remote:capture", args=[consultation.pk])

    def capture(label: str = "年金手帳", data: bytes | None = None) -> Any:
        return web.post(url, {"label": label, "image": io.BytesIO(data if data is not None else png())})

    settings.MADOGUCHI_CONSULTATION_CAPTURES = False
    assert "市の設定で無効" in capture().json()["error"]
    settings.MADOGUCHI_CONSULTATION_CAPTURES = True
    assert "同意がない" in capture().json()["error"]
    client_of(branch_clerk).post(reverse("remote:consent", args=[consultation.pk]), {"consent": "1"})
    assert "名前" in capture(label=" ").json()["error"]
    assert "PNG" in capture(data=b"<html>").json()["error"]
    assert web.post(url, {"label": "x"}).status_code == 400
    assert capture().status_code == 200
    stored = Capture.objects.get()
    assert bytes(stored.image) != png()  # encrypted at rest
    image = client_of(branch_clerk).get(reverse("remote:capture-image", args=[consultation.pk, stored.pk]))
    assert image.status_code == 200
    assert image.content == png()
    assert image["Content-Type"] == "image/png"
    assert hashlib.sha256(image.content).hexdigest() == stored.sha256


def test_turn_credentials_are_coturns_rest_api_and_there_is_no_public_server(settings: Any) -> None:
    settings.MADOGUCHI_TURN_URLS = ["turn:turn.city.example.lg.jp:3478?transport=udp"]
    settings.MADOGUCHI_TURN_SECRET = "shared-with-coturn"
    settings.MADOGUCHI_TURN_TTL_SECONDS = 600
    username, credential = turn.credentials("party-1", now=1_800_000_000)
    assert username == "1800000600:party-1"
    expected = base64.b64encode(
        hmac.new(b"shared-with-coturn", username.encode(), hashlib.sha1).digest()
    ).decode()
    assert credential == expected
    config = turn.ice_configuration("party-1")
    assert [s["urls"] for s in config["iceServers"]] == [["turn:turn.city.example.lg.jp:3478?transport=udp"]]
    assert config["iceTransportPolicy"] == "all"
    settings.MADOGUCHI_TURN_RELAY_ONLY = True
    assert turn.ice_configuration("party-1")["iceTransportPolicy"] == "relay"
    settings.MADOGUCHI_TURN_SECRET = ""
    assert turn.ice_configuration("party-1") == {
        "iceServers": [],
        "iceTransportPolicy": "all",
        "bundlePolicy": "max-bundle",
    }


def test_the_case_page_records_the_consultation(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, consultation: Consultation, case: Case
) -> None:
    staff = expert("department")
    do_accept(staff, consultation.pk)
    ended = client_of(staff).post(
        reverse("remote:end", args=[consultation.pk]), {"outcome": "referred", "note": "介護保険課へ引継ぎ"}
    )
    assert ended.status_code == 302
    page = client_of(branch_clerk).get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "所管課へ引継ぎ" in page
    assert "介護保険課へ引継ぎ" in page
    assert "保険 年子" in page


def test_bad_input_on_the_forms_is_told_not_a_500(
    clock: Clock,
    branch_clerk: Staff,
    consultation: Consultation,
    case: Case,
    staff_of: Callable[[str], Staff],
) -> None:
    clerk = client_of(branch_clerk)
    back = clerk.post(
        reverse("remote:callback", args=[consultation.pk]), {"callback_at": "tomorrow"}, follow=True
    )
    assert "折り返しの日時を入力してください" in back.content.decode()
    past = clerk.post(
        reverse("remote:callback", args=[consultation.pk]), {"callback_at": "2026-12-07T09:00"}, follow=True
    )
    assert "これから先の日時" in past.content.decode()
    bad_end = clerk.post(reverse("remote:end", args=[consultation.pk]), {"outcome": "won"}, follow=True)
    assert "結果を選んでください" in bad_end.content.decode()
    other = Case.objects.create(number="x-9", office=case.office, event="tennyu", event_date=case.event_date)
    no_skill = clerk.post(reverse("remote:request", args=[other.pk]), {"skill": "magic"}, follow=True)
    assert "相談分野を選んでください" in no_skill.content.decode()
    expert_web = client_of(staff_of("department_staff"))
    bad_hours = expert_web.post(
        reverse("remote:profile"), {"skills": ["zei"], "duty_start": "9時", "duty_end": "17:00"}, follow=True
    )
    assert "勤務開始 は 8:30 のように" in bad_hours.content.decode()
    assert client_of(staff_of("manager")).get(reverse("remote:manage") + "?days=abc").status_code == 200


def test_the_planning_figures_count_every_hour_that_had_requests(
    clock: Clock, expert: Callable[..., Staff], branch_clerk: Staff, case: Case, on_commit: Any
) -> None:
    from madoguchi.remote.figures import figures

    # given one consultation at 19:30 Tokyo time, outside the usual office hours
    clock.now = clock.now.replace(hour=19, minute=30)
    with on_commit(execute=True):
        consultation = do_request(branch_clerk, case, skill="kokuho_nenkin")
    staff = expert("department")
    do_accept(staff, consultation.pk)
    clock.advance(600)
    do_end(staff, consultation, outcome="resolved")
    # then
    planning = figures(clock.now.date(), days=7)["planning"][0]
    hours = {h["hour"]: h for h in planning["hours"]}
    assert min(hours) == 8
    assert hours[19]["rate"] > 0
    assert hours[19]["experts"] >= 1
    assert sum(h["rate"] for h in planning["hours"]) == pytest.approx(1 / 5)  # one request in 5 business days


def test_the_figures_tell_the_answered_consultations_whose_video_connected(
    clock: Clock,
    expert: Callable[..., Staff],
    branch_clerk: Staff,
    case: Case,
    on_commit: Any,
    staff_of: Callable[[str], Staff],
) -> None:
    """An answered consultation whose video never connected is a network or device problem the managers
    must see: the figures count the connected ones and the median time from the answer to the video."""
    from madoguchi.remote.actions import do_mark_connected
    from madoguchi.remote.figures import figures

    staff = expert("department")
    for connect_after in (20, None):
        with on_commit(execute=True):
            consultation = do_request(branch_clerk, case, skill="kokuho_nenkin")
        do_accept(staff, consultation.pk)
        if connect_after is not None:
            clock.advance(connect_after)
            party = Participant.objects.filter(consultation=consultation).first()
            assert party is not None
            do_mark_connected(party, now=clock.now)
        clock.advance(300)
        do_end(staff, consultation, outcome="resolved")
    (row,) = figures(clock.now.date(), days=7)["rows"]
    assert (row.answered, row.connected) == (2, 1)
    assert row.connect_p50_s == pytest.approx(20.0)
    page = client_of(staff_of("manager")).get(reverse("remote:manage")).content.decode()
    assert "映像が接続" in page


def test_the_figures_percentiles_are_nearest_rank() -> None:
    """The 90th percentile of ten waits is the ninth (nine of ten waited no longer), not the longest."""
    from madoguchi.remote.figures import _percentile

    waits = [float(minute) for minute in range(1, 11)]
    assert _percentile(waits, 0.9) == 9.0
    assert _percentile(waits, 0.5) == 5.0
    assert _percentile([4.0], 0.9) == 4.0
    assert _percentile([], 0.9) is None
