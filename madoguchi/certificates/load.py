"""Many residents at many stores at once, through the simulated issuing network, and a check of every
printed document: its subject must be its requester's. Used by the stress test and the benchmark.

Each worker thread plays one terminal after another; requests are spread over the stores and served by
several issuer processes; some exchanges are made to time out at a chosen step and some requests are
delivered twice, as in a real network on a bad day.
"""

from __future__ import annotations

import multiprocessing
import queue
import threading
import time
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, connections

from madoguchi.certificates import cards, document
from madoguchi.certificates.actions import IssuingError
from madoguchi.certificates.models import CertificateRequest, Issuance, IssuingPoint
from madoguchi.certificates.network import STEPS, Center, Faults, Issuer, StoreTerminal, embedded
from madoguchi.registry.adapter import ResidentRecord


@dataclass
class LoadResult:
    requests: int
    printed: int = 0
    failed: int = 0
    duplicates_refused: int = 0
    wrong_subject: int = 0  # printed documents whose subject is not their requester's: must be 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)  # seconds, card to printed, per printed request
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return self.printed / self.seconds if self.seconds else 0.0

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def run(
    holders: Sequence[ResidentRecord],
    points: Sequence[IssuingPoint],
    *,
    processes: int = 1,
    threads: int = 16,
    issuers: int = 2,
    timeout_every: int = 0,
    duplicate_every: int = 0,
) -> LoadResult:
    """Every holder requests a 住民票の写し at a store: `processes` × `threads` at a time.

    Several processes (forked, each with its own database connections) use every core, as several
    application servers would; each checks the documents it printed, and the results are summed."""
    if processes <= 1:
        return _run(holders, points, range(len(holders)), threads, issuers, timeout_every, duplicate_every)
    context = multiprocessing.get_context("fork")
    for alias in connections:
        _close(connections[alias])
    pipes = []
    children = []
    for number in range(processes):
        receiving, sending = context.Pipe(duplex=False)
        indexes = range(number, len(holders), processes)
        child = context.Process(
            target=_child,
            args=(sending, holders, points, indexes, threads, issuers, timeout_every, duplicate_every),
        )
        child.start()
        pipes.append(receiving)
        children.append(child)
    started = time.perf_counter()
    parts: list[LoadResult] = [pipe.recv() for pipe in pipes]
    for child in children:
        child.join()
    total = LoadResult(requests=len(holders), seconds=time.perf_counter() - started)
    for part in parts:
        total.printed += part.printed
        total.failed += part.failed
        total.duplicates_refused += part.duplicates_refused
        total.wrong_subject += part.wrong_subject
        total.latencies += part.latencies
        total.errors += part.errors
    return total


def _close(wrapper: Any) -> None:
    wrapper.close()
    close_pool = getattr(wrapper, "close_pool", None)
    if close_pool is not None and wrapper.settings_dict.get("OPTIONS", {}).get("pool"):
        close_pool()  # a forked child must not share the parent's pooled sockets


def _child(sending: Any, *args: Any) -> None:
    try:
        sending.send(_run(*args))
    except BaseException as error:
        sending.send(LoadResult(requests=0, errors=[f"process failed: {error!r}"]))
    finally:
        for alias in connections:
            _close(connections[alias])


def _run(
    holders: Sequence[ResidentRecord],
    points: Sequence[IssuingPoint],
    indexes: Iterable[int],
    threads: int,
    issuers: int,
    timeout_every: int,
    duplicate_every: int,
) -> LoadResult:
    jobs: queue.Queue[int] = queue.Queue()
    for index in indexes:
        jobs.put(index)
    processes = [Issuer(f"issuer-{n}") for n in range(issuers)]
    result = LoadResult(requests=jobs.qsize())
    lock = threading.Lock()
    printed: list[tuple[str, str, bytes]] = []  # (requester code, request id, pdf)

    def work() -> None:
        try:
            while True:
                try:
                    index = jobs.get_nowait()
                except queue.Empty:
                    return
                holder = holders[index]
                faults = Faults()
                if timeout_every and index % timeout_every == 0:
                    faults.timeout.add(STEPS[(index // timeout_every) % len(STEPS)])
                terminal = StoreTerminal(
                    points[index % len(points)], Center(processes, faults), faults=faults
                )
                started = time.perf_counter()
                try:
                    terminal.insert_card(holder.card_serial, cards.test_pin(holder.card_serial))
                    key = f"load:{index}"
                    out = terminal.request("juminhyo", {"whole_household": True}, key=key)
                    elapsed = time.perf_counter() - started
                    if duplicate_every and index % duplicate_every == 0:
                        try:
                            terminal.request("juminhyo", {"whole_household": True}, key=key)
                        except IssuingError:
                            with lock:
                                result.duplicates_refused += 1
                except (IssuingError, cards.CardError) as error:
                    with lock:
                        result.failed += 1
                        if not (timeout_every and index % timeout_every == 0):
                            result.errors.append(f"{index}: {getattr(error, 'code', '')} {error}")
                    continue
                with lock:
                    result.printed += 1
                    result.latencies.append(elapsed)
                    printed.append((holder.code, str(out.request_id), out.pdf))
        finally:
            connection.close()

    started = time.perf_counter()
    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    result.seconds = time.perf_counter() - started

    subjects = dict(
        CertificateRequest.objects.filter(
            pk__in=[request_id for _code, request_id, _pdf in printed]
        ).values_list("pk", "subject")
    )
    for requester, request_id, pdf in printed:
        inside = embedded(pdf)
        expected = document.subject_tag(request_id, requester)
        if (
            str(subjects.get(uuid.UUID(request_id))) != requester
            or inside.get("tag") != expected
            or inside.get("request") != request_id
        ):
            result.wrong_subject += 1
    return result


def valid_issuances() -> int:
    return Issuance.objects.filter(void=False).count()
