"""Benchmark of the HTTP server setup: keep-alive latency and how connections spread over the workers.

    .venv/bin/python benchmarks/bench_serve.py [--workers 2] [--requests 100] [--connections 40]

Goals (exit 1 when one is missed, 2 on bad arguments):
- keep-alive: the median time of a request after the first on one connection (GET /healthz) stays under
  20 ms with `madoguchi serve --workers N` (Nagle's algorithm plus the delayed ACK cost about 40 ms per
  response when TCP_NODELAY was missing);
- balance: with `--connections` opened at once, every worker holds at least half of its fair share.

The baseline, in the same run and on the same machine, is plain `uvicorn --workers N` on the same
application, which is what `madoguchi serve` ran before (runtime/server.py explains the difference).
Connections are counted per worker process with `ss -tnp`.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start(command: list[str], env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                connection.close()
                time.sleep(2)  # every worker up, not only the first
                return process
        except OSError:
            time.sleep(0.3)
    stop(process)
    raise SystemExit(f"the server did not answer on port {port}: {' '.join(command)}")


def stop(process: subprocess.Popen[bytes]) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)


def keep_alive_ms(port: int, requests: int) -> float:
    """Median milliseconds of the requests after the first, over 4 keep-alive connections."""
    times: list[float] = []
    for _ in range(4):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        for index in range(requests // 4 + 1):
            began = time.perf_counter()
            connection.request("GET", "/healthz")
            response = connection.getresponse()
            response.read()
            if index:
                times.append((time.perf_counter() - began) * 1000)
        connection.close()
    return statistics.median(times)


def spread(port: int, connections: int) -> list[int]:
    """How many of `connections` simultaneous connections each server process holds, most first."""
    opened = []
    for _ in range(connections):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/healthz")
        connection.getresponse().read()
        opened.append(connection)
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    per_pid: dict[str, int] = {}
    for pid in re.findall(r"pid=(\d+)", listing):
        per_pid[pid] = per_pid.get(pid, 0) + 1
    for connection in opened:
        connection.close()
    return sorted(per_pid.values(), reverse=True)


def measure(
    command: list[str], env: dict[str, str], port: int, args: argparse.Namespace
) -> tuple[float, list[int]]:
    process = start(command, env, port)
    try:
        return keep_alive_ms(port, args.requests), spread(port, args.connections)
    finally:
        stop(process)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--goal-ms", type=float, default=20.0, help="keep-alive median goal (ms)")
    args = parser.parse_args(argv)
    if args.workers < 2 or args.requests < 8 or args.connections < args.workers:
        parser.error("--workers must be 2 or more, --requests 8 or more, --connections at least --workers")

    with tempfile.TemporaryDirectory(prefix="bench-serve-") as var:
        env = {
            **os.environ,
            "MADOGUCHI_VAR_DIR": var,
            "DATABASE_URL": "",
            "MADOGUCHI_BROADCAST_URL": os.environ.get("MADOGUCHI_BROADCAST_URL", "redis://127.0.0.1:6379/7"),
            "MADOGUCHI_TASK_WORKERS": "0",
            "MADOGUCHI_LOG_LEVEL": "WARNING",
            "DJANGO_SETTINGS_MODULE": "madoguchi.config.settings",
        }
        subprocess.run([str(BIN / "madoguchi"), "migrate", "-v0"], env=env, check=True, cwd=ROOT)
        port = free_port()
        ours = [str(BIN / "madoguchi"), "serve", "--port", str(port), "--workers", str(args.workers)]
        base_port = free_port()
        application = "madoguchi.config.asgi:application"
        baseline = [str(BIN / "python"), "-m", "uvicorn", application, "--port", str(base_port)]
        baseline += ["--workers", str(args.workers), "--log-level", "warning"]
        base_ms, base_spread = measure(baseline, env, base_port, args)
        our_ms, our_spread = measure(ours, env, port, args)

    fair = args.connections / args.workers
    balanced = len(our_spread) == args.workers and min(our_spread) >= fair / 2
    print(f"{'server':<34} {'keep-alive median':>18} {'connections per worker':>24}")
    for name, ms, counts in (
        (f"uvicorn --workers {args.workers} (baseline)", base_ms, base_spread),
        (f"madoguchi serve --workers {args.workers}", our_ms, our_spread),
    ):
        print(f"{name:<34} {ms:>15.1f} ms {counts!s:>24}")
    misses = []
    if our_ms >= args.goal_ms:
        misses.append(f"keep-alive median {our_ms:.1f} ms ≥ goal {args.goal_ms} ms")
    if not balanced:
        misses.append(f"connections {our_spread}: a worker holds less than half of its share ({fair:.0f})")
    for line in misses:
        print(f"MISS {line}")
    if not misses:
        print(f"PASS keep-alive < {args.goal_ms} ms and every worker ≥ {fair / 2:.0f} of {args.connections}")
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
