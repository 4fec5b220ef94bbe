"""Erlang C against published values and against the simulator's own kind of check (a bare M/M/c run)."""

from __future__ import annotations

import random

import pytest

from madoguchi.simulator.queueing import erlang_c, servers_for_service_level, share_within


def test_erlang_c_matches_the_textbook_value() -> None:
    # 2 servers, 1 Erlang: P(wait) = 1/3 (the classic worked example)
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    # 10 agents, 8 Erlangs: 0.409 (Erlang C tables)
    assert erlang_c(10, 8.0) == pytest.approx(0.409, abs=0.001)


def test_an_overloaded_queue_always_waits() -> None:
    assert erlang_c(3, 3.0) == 1.0
    assert share_within(3, 18.0, 10.0, 2.0) == 0.0


def test_the_fewest_servers_meet_the_level_and_one_fewer_does_not() -> None:
    servers = servers_for_service_level(12.0, 15.0, 2.0, 0.8)
    assert share_within(servers, 12.0, 15.0, 2.0) >= 0.8
    assert share_within(servers - 1, 12.0, 15.0, 2.0) < 0.8
    assert servers_for_service_level(0.0, 15.0, 2.0, 0.8) == 0


def test_a_simulated_mmc_queue_waits_as_the_formula_says() -> None:
    rng = random.Random(7)  # noqa: S311 (a seeded simulation, not a secret)
    servers, rate, mean = 3, 10.0 / 60, 15.0  # per minute, minutes: load 2.5
    free = [0.0] * servers
    t = 0.0
    within = n = 0
    for _ in range(200_000):
        t += rng.expovariate(rate)
        free.sort()
        start = max(t, free[0])
        within += start - t <= 2.0
        n += 1
        free[0] = start + rng.expovariate(1 / mean)
    assert within / n == pytest.approx(share_within(servers, rate * 60, mean, 2.0), abs=0.01)
