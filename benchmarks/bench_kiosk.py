"""Benchmark of the kiosk API: tickets per second from many kiosks at once, on a real server.

    .venv/bin/python benchmarks/bench_kiosk.py [--clients 20] [--seconds 10] [--database-url postgres://…]

Starts `madoguchi serve` (uvicorn, one process) on a fresh database with the demo city, then `--clients`
kiosks (threads with keep-alive connections, each its own kiosk token) POST /api/v1/tickets into the one-stop
queue for `--seconds`. The baseline, in the same run and with the same clients, is GET /healthz: a request
that reaches Django and the database but writes nothing, so the difference is the cost of issuing a ticket
(locked number row, ticket, event, audit entry, board broadcast). At the end the numbers issued are checked:
1..N with no gap and no repeat.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.live import RunningServer, running_server


def load(
    server: RunningServer, clients: int, seconds: float, request: tuple[str, str, bytes, dict[str, str]]
) -> dict[str, float]:
    host, port = server.url.removeprefix("http://").split(":")
    method, path, body, headers = request
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(clients + 1)
    stop = threading.Event()

    def client(token: str) -> None:
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        mine: list[float] = []
        start.wait()
        while not stop.is_set():
            began = time.perf_counter()
            connection.request(
                method, path, body=body, headers={**headers, "Authorization": f"Bearer {token}"}
            )
            response = connection.getresponse()
            response.read()
            mine.append(time.perf_counter() - began)
            if response.status not in (200, 201):
                with lock:
                    errors.append(str(response.status))
        connection.close()
        with lock:
            latencies.extend(mine)

    tokens = [server.madoguchi("kiosk-token", "--office", "chuo").stdout.strip() for _ in range(clients)]
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
        raise SystemExit(f"{len(errors)} requests failed, e.g. HTTP {errors[0]}")
    latencies.sort()
    return {
        "requests": len(latencies),
        "per_s": len(latencies) / elapsed,
        "p50_ms": statistics.median(latencies) * 1000,
        "p95_ms": latencies[int(len(latencies) * 0.95)] * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument(
        "--database-url", default="", help="PostgreSQL to measure; default the embedded SQLite"
    )
    options = parser.parse_args()
    env = {"DATABASE_URL": options.database_url, "MADOGUCHI_LOG_LEVEL": "WARNING"}
    with tempfile.TemporaryDirectory() as var_dir, running_server(Path(var_dir), env) as server:
        if options.database_url:
            server.madoguchi("migrate", "--noinput")
            server.madoguchi("demo")
        ticket = (
            "POST",
            "/api/v1/tickets",
            json.dumps({"office": "chuo", "queue": "one-stop"}).encode(),
            {"Content-Type": "application/json"},
        )
        health = ("GET", "/healthz", b"", {})
        baseline = load(server, options.clients, options.seconds, health)
        tickets = load(server, options.clients, options.seconds, ticket)
        check = (
            server.madoguchi(
                "shell",
                "--no-imports",
                "-c",
                "from madoguchi.reception.models import Ticket;"
                "n=sorted(Ticket.objects.filter(queue__code='one-stop', office__code='chuo')"
                ".values_list('number', flat=True));"
                "print(len(n), n == list(range(1, len(n) + 1)))",
            )
            .stdout.strip()
            .splitlines()[-1]
            .split()
        )
    database = "PostgreSQL" if options.database_url else "SQLite"
    print(f"kiosk API on {database}, {options.clients} kiosks, {options.seconds:.0f} s each (one process)")
    for label, unit, figures in (
        ("baseline GET /healthz", "req/s", baseline),
        ("POST /api/v1/tickets", "tickets/s", tickets),
    ):
        print(
            f"  {label:22}: {figures['per_s']:8.1f} {unit:9} "
            f"p50 {figures['p50_ms']:6.1f} ms   p95 {figures['p95_ms']:6.1f} ms"
        )
    print(f"  tickets issued: {check[0]}, numbered 1..N without gap or repeat: {check[1]}")
    if check[1] != "True" or int(check[0]) != tickets["requests"]:
        raise SystemExit("ticket numbers are not 1..N: see the server log")


if __name__ == "__main__":
    main()
