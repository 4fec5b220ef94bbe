"""Benchmark of the kiosk API: tickets per second from many kiosks at once, on a real server.

Goals (exit 1 when one is missed):
  - >= 200 tickets/s issued by one `madoguchi serve` process to 50 kiosks at once (--goal-tickets-per-s):
    the morning rush of every ward's kiosks and phones together never waits on the server.
  - no failed request, and the numbers the kiosks were given run on without gap or repeat.

    .venv/bin/python benchmarks/bench_kiosk.py [--clients 50] [--seconds 10] [--database-url postgres://…]
                                               [--quick] [--url http://host:port --kiosk-tokens FILE]

Starts `madoguchi serve` (uvicorn, one process) on a fresh database with the demo city, then `--clients`
kiosks (threads with keep-alive connections, each its own kiosk token) POST /api/v1/tickets into the one-stop
queue for `--seconds`. The baseline, in the same run and with the same clients, is GET /healthz: a request
that reaches Django and the database but writes nothing, so the difference is the cost of issuing a ticket
(locked number row, ticket, event, audit entry, board broadcast). The numbers in the answers are checked:
one unbroken run (1..N on a fresh database), no number given twice. The clients run on the same machine as the
server and take part of its cores, as they would not in an office. With `--url` it measures a server already
running (see benchmarks/served.py); no other kiosk may issue tickets in chuo meanwhile. `--quick` is a smoke
run for the tests (3 kiosks, 0.3 s each): its figures mean little.
"""

from __future__ import annotations

import http.client
import json
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.goals import (
    Goal,
    non_negative_float,
    parser,
    percentile,
    positive_float,
    positive_int,
    report,
)
from benchmarks.served import add_arguments, kiosk_tokens, server_to_measure
from tests.live import RunningServer

GOAL_TICKETS_PER_S = 200.0
Request = tuple[str, str, bytes, dict[str, str]]  # method, path, body, headers

# Run by `madoguchi shell` on the server's database: one token per kiosk, printed one per line.
ISSUE_TOKENS = """
from madoguchi.audit.chain import SystemActor
from madoguchi.organization.models import Office
from madoguchi.reception.actions import do_create_kiosk_token
office = Office.objects.get(code="chuo")
for _ in range({clients}):
    print(do_create_kiosk_token(SystemActor("bench-kiosk"), office=office, label="bench")[1])
"""


def shell(server: RunningServer, code: str) -> list[str]:
    """Run Python in `madoguchi shell` against the server's database and return its output lines."""
    done = server.madoguchi("shell", "--no-imports", "-c", code)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        raise SystemExit(f"madoguchi shell failed: {last}")
    return done.stdout.split()


def load(
    server: RunningServer,
    tokens: list[str],
    seconds: float,
    request: Request,
    numbers: list[int] | None = None,
) -> dict[str, float]:
    """Each token's kiosk sends `request` over and over for `seconds`; the rate and latencies of answers.

    With `numbers`, each answer's ticket number is added to it.
    """
    host, port = server.url.removeprefix("http://").split(":")
    method, path, body, headers = request
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(len(tokens) + 1)
    stop = threading.Event()

    def client(token: str) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine: list[float] = []
        given: list[int] = []
        failed: list[str] = []
        start.wait()
        while not stop.is_set():
            began = time.perf_counter()
            try:
                connection.request(
                    method, path, body=body, headers={**headers, "Authorization": f"Bearer {token}"}
                )
                response = connection.getresponse()
                answer = response.read()
            except OSError as error:
                failed.append(type(error).__name__)
                connection.close()
                continue
            if response.status in (200, 201):
                mine.append(time.perf_counter() - began)
                if numbers is not None:
                    given.append(json.loads(answer)["number"])
            else:
                failed.append(f"HTTP {response.status}")
        connection.close()
        with lock:
            latencies.extend(mine)
            errors.extend(failed)
            if numbers is not None:
                numbers.extend(given)

    threads = [threading.Thread(target=client, args=(token,)) for token in tokens]
    for thread in threads:
        thread.start()
    start.wait()
    began = time.perf_counter()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    if errors:
        print(f"  {path}: {len(errors)} requests failed, e.g. {errors[0]}", file=sys.stderr)
    return {
        "requests": len(latencies),
        "failed": len(errors),
        "per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000 if latencies else float("nan"),
        "p95_ms": percentile(latencies, 95) * 1000,
    }


def main(argv: list[str] | None = None) -> int:
    arguments = parser(__doc__)
    arguments.add_argument("--clients", type=positive_int, default=50, help="kiosks at once (default 50)")
    arguments.add_argument(
        "--seconds", type=positive_float, default=10.0, help="length of each load (default 10)"
    )
    arguments.add_argument(
        "--database-url", default="", help="PostgreSQL (postgres://…) to measure; default the embedded SQLite"
    )
    arguments.add_argument("--quick", action="store_true", help="a smoke run: --clients 3 --seconds 0.3")
    arguments.add_argument("--goal-tickets-per-s", type=non_negative_float, default=GOAL_TICKETS_PER_S)
    add_arguments(arguments)
    options = arguments.parse_args(argv)
    if options.database_url and not options.database_url.startswith(("postgres://", "postgresql://")):
        arguments.error(f"--database-url must start with postgres://, not {options.database_url!r}")
    if options.quick:
        options.clients, options.seconds = 3, 0.3
    given_tokens = kiosk_tokens(arguments, options, options.clients)
    env = {"DATABASE_URL": options.database_url, "MADOGUCHI_LOG_LEVEL": "WARNING"}
    with server_to_measure(options.url, env) as server:
        tokens = given_tokens or shell(server, ISSUE_TOKENS.format(clients=options.clients))
        ticket: Request = (
            "POST",
            "/api/v1/tickets",
            json.dumps({"office": "chuo", "queue": "one-stop"}).encode(),
            {"Content-Type": "application/json"},
        )
        health: Request = ("GET", "/healthz", b"", {})
        baseline = load(server, tokens, options.seconds, health)
        numbers: list[int] = []
        tickets = load(server, tokens, options.seconds, ticket, numbers)
    # Numbers given twice, and numbers skipped between the lowest and the highest given.
    out_of_sequence = len(numbers) - len(set(numbers))
    if numbers:
        out_of_sequence += max(numbers) - min(numbers) + 1 - len(set(numbers))
    database = options.url or ("PostgreSQL" if options.database_url else "SQLite")
    print(
        f"kiosk API on {database}, {options.clients} kiosks at once, {options.seconds:g} s each"
        + ("" if options.url else ", one server process")
    )
    for label, unit, figures in (
        ("baseline GET /healthz", "req/s", baseline),
        ("POST /api/v1/tickets", "tickets/s", tickets),
    ):
        print(
            f"  {label:22}: {figures['per_s']:8.1f} {unit:9} "
            f"p50 {figures['p50_ms']:6.1f} ms   p95 {figures['p95_ms']:6.1f} ms"
        )
    print(
        f"  tickets issued: {len(numbers)}, numbers {min(numbers, default=0)}..{max(numbers, default=0)}; "
        f"{tickets['per_s'] / baseline['per_s']:.2f}x the /healthz rate"
    )
    return report(
        [
            Goal(
                f"tickets/s, {options.clients} kiosks",
                tickets["per_s"],
                ">=",
                options.goal_tickets_per_s,
                "tickets/s",
                "the morning rush of every kiosk at once never waits on the server",
            ),
            Goal(
                "failed requests",
                baseline["failed"] + tickets["failed"],
                "<=",
                0,
                "requests",
                "every kiosk gets its ticket (and every /healthz its answer)",
            ),
            Goal(
                "tickets out of sequence",
                out_of_sequence,
                "<=",
                0,
                "tickets",
                "each resident's number is the next one: no gap, no number given twice",
            ),
        ]
    )


if __name__ == "__main__":
    sys.exit(main())
