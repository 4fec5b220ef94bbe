"""Closed-form queueing (M/M/c, Erlang C): how many servers a stream of requests needs for a service level.

Used where a simulation would be too much for the question: how many head-office experts must be on duty
in an hour so that a branch reaches one quickly enough. Arrivals are taken as Poisson and lengths as
exponential (the Erlang C assumptions); the simulator remains the tool for the counters' own queues.
"""

from __future__ import annotations

import math


def erlang_c(servers: int, load: float) -> float:
    """The probability that a request waits, with `servers` servers and an offered load of `load` Erlangs
    (arrival rate × mean service time). 1.0 when the servers cannot keep up."""
    if servers <= 0 or load >= servers:
        return 1.0
    if load <= 0:
        return 0.0
    # Erlang B by its stable recursion, then C from B
    b = 1.0
    for k in range(1, servers + 1):
        b = load * b / (k + load * b)
    return servers * b / (servers - load * (1 - b))


def share_within(servers: int, rate_per_hour: float, mean_minutes: float, wait_minutes: float) -> float:
    """The share of requests that wait at most `wait_minutes` (M/M/c)."""
    load = rate_per_hour * mean_minutes / 60
    if servers <= load:
        return 0.0
    waiting = erlang_c(servers, load)
    mu = 1 / mean_minutes  # per minute
    return 1 - waiting * math.exp(-(servers - load) * mu * wait_minutes)


def servers_for_service_level(
    rate_per_hour: float, mean_minutes: float, wait_minutes: float, share: float, *, most: int = 200
) -> int:
    """The fewest servers so that `share` of the requests wait at most `wait_minutes`."""
    if rate_per_hour <= 0:
        return 0
    for servers in range(1, most + 1):
        if share_within(servers, rate_per_hour, mean_minutes, wait_minutes) >= share:
            return servers
    raise ValueError(f"more than {most} servers needed for {rate_per_hour}/h of {mean_minutes} min")
