"""The issuing network: each failure class of the 2023–24 incidents, tried, and nobody gets someone
else's certificate."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from django.db import connection

from madoguchi.certificates import actions, cards, document, verification
from madoguchi.certificates.actions import IssuingError
from madoguchi.certificates.build import build_id
from madoguchi.certificates.models import (
    CertificateRequest,
    Issuance,
    IssuingAnomaly,
    IssuingPoint,
    Suspension,
)
from madoguchi.certificates.network import STEPS, Center, Faults, Issuer, StoreTerminal, Timeout, embedded
from madoguchi.registry.adapter import ResidentRecord

Status = CertificateRequest.Status


def _store_request(
    store: IssuingPoint, holder: ResidentRecord, session: actions.Session, key: str
) -> CertificateRequest:
    """A request received from a store, not yet issued: for the tests that play the issuers themselves."""
    ask = actions.Ask(
        office=store.office,
        point=store,
        session=session.id,
        subject=holder,
        requester=holder,
        relation="self",
        kind_code="juminhyo",
        options=None,
        channel="store",
        pickup="store",
        idempotency_key=key,
    )
    return actions.do_request(ask, build=build_id())


def _at(terminal: StoreTerminal, holder: ResidentRecord) -> StoreTerminal:
    terminal.insert_card(holder.card_serial, cards.test_pin(holder.card_serial))
    return terminal


def test_a_resident_gets_their_own_certificate_and_it_verifies(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    # given
    holder = resident()
    store = _at(terminal(), holder)
    # when
    printout = store.request("juminhyo", {"whole_household": True})
    # then
    request = CertificateRequest.objects.get(pk=printout.request_id)
    assert request.status == Status.PRINTED
    assert request.subject == holder.code
    assert request.fee == 200
    assert embedded(printout.pdf)["tag"] == document.subject_tag(str(request.pk), holder.code)
    verdict = verification.by_file(printout.pdf)
    assert verdict.valid, verdict
    assert Issuance.objects.get(request=request).document is None  # nothing kept after the hand-over


def test_a_wrong_pin_signs_nothing_and_three_lock_the_card(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    holder = resident()
    store = terminal()
    for tries_left in ("2", "1"):
        with pytest.raises(cards.CardError, match=tries_left):
            store.insert_card(
                holder.card_serial, "0000" if cards.test_pin(holder.card_serial) != "0000" else "1111"
            )
    with pytest.raises(cards.CardError) as locked:
        store.insert_card(
            holder.card_serial, "0000" if cards.test_pin(holder.card_serial) != "0000" else "1111"
        )
    assert locked.value.code == "locked"
    with pytest.raises(cards.CardError):
        store.insert_card(holder.card_serial, cards.test_pin(holder.card_serial))


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_stores_in_the_same_millisecond_each_print_their_own_residents(
    terminal: Callable[..., StoreTerminal], resident: Any, store: IssuingPoint
) -> None:
    """川崎: two requests at two stores within one second, the later overwrote the earlier."""
    # given
    other_point = IssuingPoint.objects.create(
        code="store-2", kind="store", name_ja="みなとマート栄町店", office=store.office
    )
    first = resident()
    second = resident(exclude=(first.code,), household__gt=first.household)
    stores = [_at(terminal(), first), _at(terminal(point=other_point), second)]
    barrier = threading.Barrier(2)
    printed: dict[int, Any] = {}

    def go(index: int) -> None:
        try:
            barrier.wait()
            printed[index] = stores[index].request("juminhyo")
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=go, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    for index, holder in enumerate((first, second)):
        request = CertificateRequest.objects.get(pk=printed[index].request_id)
        assert request.subject == holder.code
        assert embedded(printed[index].pdf)["tag"] == document.subject_tag(str(request.pk), holder.code)


@pytest.mark.parametrize("step", STEPS)
def test_a_timeout_at_any_step_cancels_the_whole_request(
    terminal: Callable[..., StoreTerminal], resident: Any, step: str
) -> None:
    """横浜: a timeout released part of the exchange. Here a timeout anywhere cancels all of it."""
    # given
    holder = resident()
    faults = Faults(timeout={step})
    store = terminal(center=Center([Issuer("issuer-1")], faults), faults=faults)
    # when
    with pytest.raises((Timeout, cards.CardError)):
        _at(store, holder).request("juminhyo")
    # then
    assert store.printed == [] or step == "printed"
    for request in CertificateRequest.objects.all():
        assert request.status == Status.CANCELLED
        issuance = Issuance.objects.filter(request=request).first()
        if issuance is not None:
            assert issuance.void
            assert issuance.document is None
            assert verification.by_code(document.verification_code(issuance.serial)).reason == "void"
    # and the next resident at the same terminal gets their own certificate
    faults.timeout.clear()
    nxt = resident(exclude=(holder.code,), household__gt=holder.household)
    printout = _at(store, nxt).request("juminhyo")
    assert CertificateRequest.objects.get(pk=printout.request_id).subject == nxt.code


def test_a_late_document_from_a_timed_out_request_is_not_printed_for_the_next_resident(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    """横浜: the next applicant's paper carried the previous applicant's file."""
    # given: the first resident's exchange times out after the issuer answered
    first = resident()
    late: list[actions.Document] = []
    center = Center([Issuer("issuer-1")])
    store = terminal(center=center, faults=Faults(timeout={"deliver"}))
    original_issue = center.issue

    def keep_answer(request: CertificateRequest) -> actions.Document:
        answer = original_issue(request)
        late.append(answer)
        return answer

    center.issue = keep_answer  # type: ignore[method-assign]
    with pytest.raises(Timeout):
        _at(store, first).request("juminhyo")
    # when: the late answer arrives while the next resident waits for theirs
    second = resident(exclude=(first.code,), household__gt=first.household)
    store.faults = Faults(hooks={"deliver": lambda: store.receive(late[0])})
    with pytest.raises(IssuingError) as refused:
        _at(store, second).request("juminhyo")
    # then: nothing of the first resident printed, the office is suspended until someone looks
    assert refused.value.code == "mismatch"
    assert store.printed == []
    assert IssuingAnomaly.objects.filter(kind="mismatch").exists()
    assert Suspension.objects.filter(office=store.point.office, acknowledged_at=None).exists()
    with pytest.raises(actions.Suspended):
        _at(store, second).request("juminhyo")


def test_the_same_request_delivered_twice_is_issued_and_printed_once(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    # given
    holder = resident()
    store = _at(terminal(), holder)
    key = f"{store.point.code}:{uuid.uuid4()}"
    first = store.request("juminhyo", key=key)
    # when: the same request arrives again
    with pytest.raises(IssuingError) as again:
        store.request("juminhyo", key=key)
    # then
    assert again.value.code == "state"
    assert CertificateRequest.objects.count() == 1
    assert Issuance.objects.count() == 1
    assert len(store.printed) == 1
    assert CertificateRequest.objects.get().status == Status.PRINTED
    assert first.request_id == CertificateRequest.objects.get().pk


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_issuer_processes_answering_one_request_issue_one_document(
    terminal: Callable[..., StoreTerminal], resident: Any, store: IssuingPoint
) -> None:
    """高松: a single-server build deployed on several servers. Issuers here share nothing but the rows."""
    # given
    holder = resident()
    session = actions.open_session()
    request = _store_request(store, holder, session, "k-1")
    answers: list[actions.Document] = []
    barrier = threading.Barrier(2)

    def answer(name: str) -> None:
        try:
            barrier.wait()
            answers.append(Issuer(name).issue(request.pk))
        finally:
            connection.close()

    # when
    threads = [threading.Thread(target=answer, args=(f"issuer-{i}",)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert len(answers) == 2
    assert answers[0].serial == answers[1].serial
    assert answers[0].pdf == answers[1].pdf
    assert Issuance.objects.filter(request=request).count() == 1


def test_a_store_with_an_old_build_is_refused_and_the_anomaly_recorded(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    """宗像: a fix never applied to one city's terminals."""
    holder = resident()
    store = _at(terminal(build="0123456789abcdef"), holder)
    with pytest.raises(actions.BuildMismatch):
        store.request("juminhyo")
    assert store.printed == []
    assert CertificateRequest.objects.count() == 0
    assert IssuingAnomaly.objects.get().kind == "build"


def test_an_issuer_on_an_old_build_is_refused_by_the_center(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    holder = resident()
    store = _at(terminal(center=Center([Issuer("old", build="0123456789abcdef")])), holder)
    with pytest.raises(actions.BuildMismatch):
        store.request("juminhyo")
    assert CertificateRequest.objects.get().status == Status.CANCELLED
    assert not Issuance.objects.exists()


def test_repeated_errors_suspend_the_office_until_a_manager_acknowledges_it(
    terminal: Callable[..., StoreTerminal], resident: Any, staff_of: Any, daytime: datetime
) -> None:
    """足立: errors flagged three times and not acted on. Here the third stops issuing for the office."""

    # given: an issuer that fails
    class Broken(Issuer):
        def issue(self, request_id: uuid.UUID) -> actions.Document:
            raise RuntimeError("disk full")

    holder = resident()
    store = _at(terminal(center=Center([Broken("broken")])), holder)
    for _attempt in range(actions.ERROR_LIMIT):
        with pytest.raises(IssuingError):
            store.request("juminhyo")
    # then: suspended, and a healthy issuer does not lift it by itself
    store.center = Center([Issuer("issuer-1")])
    with pytest.raises(actions.Suspended):
        store.request("juminhyo")
    suspension = Suspension.objects.get(acknowledged_at=None)
    # when: a manager acknowledges it with what was done
    with pytest.raises(IssuingError):
        actions.do_acknowledge_suspension(staff_of("manager"), suspension.pk, note="  ")
    actions.do_acknowledge_suspension(
        staff_of("manager"), suspension.pk, note="発行サーバのディスクを交換した"
    )
    # then
    assert store.request("juminhyo").request_id


def test_the_sweeper_cancels_a_request_left_half_way(
    terminal: Callable[..., StoreTerminal], resident: Any, store: IssuingPoint, daytime: datetime
) -> None:
    holder = resident()
    session = actions.open_session()
    request = _store_request(store, holder, session, "k-2")
    Issuer("issuer-1").issue(request.pk)
    assert actions.cancel_overdue(now=daytime + timedelta(seconds=actions.ISSUE_SECONDS + 60)) == 1
    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    assert Issuance.objects.get(request=request).void
    with pytest.raises(IssuingError):
        actions.do_commit(request.pk, session=session.id)


def test_a_paper_jam_mid_print_cancels_the_request_and_voids_its_document(
    terminal: Callable[..., StoreTerminal], resident: Any
) -> None:
    # given: a printer that stops half-way
    def jam(pdf: bytes) -> None:
        raise OSError("paper jam")

    holder = resident()
    store = _at(terminal(printer=jam), holder)
    # when
    with pytest.raises(OSError, match="paper jam"):
        store.request("juminhyo")
    # then: the whole request is cancelled, no fee, and the half-printed paper does not verify
    request = CertificateRequest.objects.get()
    assert request.status == Status.CANCELLED
    issuance = Issuance.objects.get(request=request)
    assert issuance.void
    assert verification.by_code(document.verification_code(issuance.serial)).reason == "void"
