"""A ward office's peak, against the production topology on this machine, with 1 and then 2 app processes.

    .venv/bin/python benchmarks/bench_city.py [--seconds 30] [--processes 1,2] [--stream-processes 1]
        [--boards 100] [--phones 300] [--counters 20] [--kiosks 4] [--center 3] [--peak-tickets 10]
        [--database-url postgres://postgres@127.0.0.1:5432/postgres]

For each number of app processes: a fresh PostgreSQL database with the demo city and 40 submitted cases,
`madoguchi serve --workers N` with Redis for broadcast, `madoguchi serve --streams` for the event streams
(as nginx routes them in production; `--stream-processes 0` leaves them in the app processes) and a
separate `madoguchi worker`, then:

1. the baseline: as many clients as the load below makes requests, GET /healthz in a closed loop;
2. the office at capacity: kiosks and the concierge desk issue tickets (POST /api/v1/tickets), `--counters`
   counters call, serve, finish and transfer residents through the counter API (POST
   /api/v1/counters/{id}/call, ...), center staff claim, process and approve work items on their pages,
   `--boards` display boards hold the office's event stream, and `--phones` residents' wait pages hold it
   too and do what wait.js does: work out their place from each event and fetch their status part only
   when it changes shape (at most once a second), then follow a ticket the kiosks issued since. Every
   client goes as fast as it is answered: this measures how many audited writes a second the servers take;
3. the peak hour: the same office working as people do, at `--peak-tickets` tickets a second (default 10,
   36,000 an hour; the busiest ward offices issue a few thousand on a March day): a counter spends
   (counters / rate × 0.75) seconds with each resident, a center clerk a second with each item. This
   measures what the counter actions and the boards' chimes take when the servers are not saturated.

It reports audited writes per second (audit entries written in the phase), p50/p95/p99 per endpoint, the
board latency (a call's request sent → each board receives its chime), every error, and the ratio of
audited writes/s at capacity to /healthz req/s of the same run. Goals (exit 1 when one is missed), with the
most processes: ≥ 300 audited writes/s at capacity; at the peak hour p95 < 100 ms for the counter actions
and board p99 < 200 ms; 0 errors in both phases.
The load generator runs on the same 2 cores as the server, in one asyncio process.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
PASSWORD = "minato-demo-2026"  # noqa: S105 (the demo city's published demonstration password)
COUNTER_ACTIONS = ("counter call", "ticket serve", "ticket finish", "ticket transfer")


def run_loop(main: Any) -> None:
    """Run the load generator on uvloop (a project dependency), as the servers are: its own event loop's
    overhead would otherwise show in what it measures."""
    try:
        import uvloop
    except ImportError:
        asyncio.run(main)
    else:
        uvloop.run(main)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- a small keep-alive HTTP/1.1 client on asyncio streams ------------------------------------------------


class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None
        self.cookies: dict[str, str] = {}

    async def request(
        self, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None
    ) -> tuple[int, dict[str, str], bytes]:
        for attempt in range(2):
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
            if self.reader is None:
                raise ConnectionError("not connected")
            lines = [
                f"{method} {path} HTTP/1.1",
                f"Host: 127.0.0.1:{self.port}",
                f"Content-Length: {len(body)}",
            ]
            if self.cookies:
                lines.append("Cookie: " + "; ".join(f"{k}={v}" for k, v in self.cookies.items()))
            lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
            self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
            try:
                return await self._response()
            except (ConnectionError, asyncio.IncompleteReadError):
                self.close()
                if attempt:
                    raise
        raise AssertionError("unreachable")

    async def _response(self) -> tuple[int, dict[str, str], bytes]:
        if self.reader is None:
            raise ConnectionError("not connected")
        head = await self.reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                name = name.strip().lower()
                if name == "set-cookie":
                    cookie = value.strip().split(";", 1)[0]
                    key, _, val = cookie.partition("=")
                    self.cookies[key] = val
                headers[name] = value.strip()
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size = int((await self.reader.readuntil(b"\r\n")).strip(), 16)
                chunk = await self.reader.readexactly(size + 2)
                if size == 0:
                    break
                body += chunk[:-2]
        else:
            body = await self.reader.readexactly(int(headers.get("content-length", "0")))
        if headers.get("connection", "").lower() == "close":
            self.close()
        return status, headers, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    called_at: dict[str, float] = field(default_factory=dict)  # ticket id → when its call was sent
    nobody_waiting: int = 0  # counter calls answered 204
    chimes: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))  # id → arrivals
    streams_open: int = 0  # event streams that received their first state
    issued: list[WaitingTicket] = field(default_factory=list)  # kiosk tickets whose phone is not open yet
    lags: list[float] = field(default_factory=list)  # the load generator's own event loop: late wake-ups
    stop: bool = False

    @property
    def board_delays(self) -> list[float]:
        """A call's request sent → each board's chime (a chime may arrive before the call's answer)."""
        return [
            arrival - self.called_at[ticket]
            for ticket, arrivals in self.chimes.items()
            if ticket in self.called_at
            for arrival in arrivals
        ]

    async def timed(self, name: str, call: Any, ok: tuple[int, ...]) -> tuple[int, dict[str, str], bytes]:
        began = time.perf_counter()
        try:
            status, headers, body = await call
        except (OSError, asyncio.IncompleteReadError) as error:
            self.errors.append(f"{name}: {type(error).__name__}: {error}")
            return 0, {}, b""
        self.latencies[name].append(time.perf_counter() - began)
        if status not in ok:
            self.errors.append(f"{name}: HTTP {status} {body[:120]!r}")
        return status, headers, body


# --- the actors ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pace:
    """How fast the office works. At capacity (the defaults) every client goes as fast as it is answered;
    at a peak hour the kiosks issue at a set rate, a counter spends `service_s` with each resident and a
    center clerk `center_s` with each item, as people do."""

    kiosk_interval_s: float = 0.0  # at capacity the kiosks too: the counters always find someone waiting
    service_s: float = 0.0
    center_s: float = 0.0
    idle_s: float = 0.2  # a counter with nobody waiting calls again after this long


CAPACITY = Pace()


async def kiosk(
    port: int, token: str, queues: list[str], results: Results, priority: bool = False, pace: Pace = CAPACITY
) -> None:
    http = Http(port)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    index = 0
    while not results.stop:
        queue = queues[index % len(queues)]
        body = json.dumps({"office": "chuo", "queue": queue, "priority": priority}).encode()
        status, _, answer = await results.timed(
            "kiosk ticket", http.request("POST", "/api/v1/tickets", body, auth), (201,)
        )
        if status == 201:
            issued = json.loads(answer)
            path = "/" + issued["status_url"].split("/", 3)[3]
            results.issued.append(WaitingTicket(path, queue, issued["number"]))
        index += 1
        await asyncio.sleep(pace.kiosk_interval_s)
    http.close()


async def counter(
    port: int, token: str, counter_id: int, transfer_to: str, results: Results, pace: Pace = CAPACITY
) -> None:
    http = Http(port)
    auth = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    served = 0
    while not results.stop:
        sent = time.perf_counter()
        status, _, body = await results.timed(
            "counter call", http.request("POST", f"/api/v1/counters/{counter_id}/call", b"", auth), (200, 204)
        )
        if status != 200:
            results.nobody_waiting += status == 204
            await asyncio.sleep(pace.idle_s)  # nobody waits: look again a moment later
            continue
        ticket = json.loads(body)["id"]
        results.called_at[ticket] = sent
        served += 1
        await asyncio.sleep(pace.service_s)  # the resident comes to the counter and is served
        if served % 3 == 0 and transfer_to:
            note = json.dumps({"queue": transfer_to, "note": "所管課へ"}).encode()
            await results.timed(
                "ticket transfer",
                http.request("POST", f"/api/v1/tickets/{ticket}/transfer", note, auth),
                (200,),
            )
            continue
        await results.timed(
            "ticket serve", http.request("POST", f"/api/v1/tickets/{ticket}/serve", b"", auth), (200,)
        )
        await results.timed(
            "ticket finish", http.request("POST", f"/api/v1/tickets/{ticket}/finish", b"", auth), (200,)
        )
    http.close()


async def signed_in(port: int, username: str) -> Http:
    http = Http(port)
    _, _, page = await http.request("GET", "/accounts/login/")
    csrf = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if csrf is None:
        raise SystemExit("no CSRF token on the login page")
    form = urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": csrf.group(1).decode()}
    )
    status, _, _ = await http.request(
        "POST", "/accounts/login/", form.encode(), {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if status != 302:
        raise SystemExit(f"{username} could not sign in ({status})")
    return http


async def post_form(http: Http, path: str, fields: dict[str, str]) -> Any:
    fields = {**fields, "csrfmiddlewaretoken": http.cookies.get("csrftoken", "")}
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-CSRFToken": http.cookies.get("csrftoken", ""),
    }
    return http.request("POST", path, urlencode(fields).encode(), headers)


async def center_staff(http: Http, queues: list[int], results: Results, pace: Pace = CAPACITY) -> None:
    await http.request("GET", "/center/")  # the csrftoken cookie
    index = 0
    while not results.stop:
        _status, headers, _ = await results.timed(
            "center claim",
            await post_form(http, "/center/claim/", {"queue": str(queues[index % len(queues)])}),
            (302,),
        )
        index += 1
        item = re.search(r"/center/items/([0-9a-f-]{36})/", headers.get("location", ""))
        if item is None:
            await asyncio.sleep(0.2)
            continue
        await asyncio.sleep(pace.center_s)
        await results.timed(
            "center process",
            await post_form(
                http, f"/center/items/{item.group(1)}/submit/", {"result": "処理済み", "issued": ""}
            ),
            (302,),
        )
    http.close()


async def approver(http: Http, results: Results, pace: Pace = CAPACITY) -> None:
    while not results.stop:
        _, _, page = await results.timed(
            "center approvals page", http.request("GET", "/center/approvals/"), (200,)
        )
        items = list(dict.fromkeys(re.findall(rb"/center/items/([0-9a-f-]{36})/", page)))[:5]
        if not items:
            await asyncio.sleep(0.3)
            continue
        for item in items:
            await asyncio.sleep(pace.center_s)
            await results.timed(
                "center approve", await post_form(http, f"/center/items/{item.decode()}/approve/", {}), (302,)
            )
    http.close()


CHIME_ID = re.compile(rb'"chime":\{"id":"([0-9a-f-]+)"')


async def event_stream(
    port: int, results: Results, on_event: Any, *, raw: bool = False, path: str = "/board/chuo/events"
) -> None:
    """Hold the office's event stream open; call `on_event(data)` for each message (with `raw`, the
    message's bytes: a hundred boards need only the chime, and parsing every state in the one load
    generator process would delay what it measures)."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept: text/event-stream\r\n\r\n"
    writer.write(request.encode())
    first = True
    pending = b""
    # What arrived is read at once and split into lines here: a `readline` per line (in `wait_for`, a task
    # each on Python 3.11) cost the one load generator process more than parsing, and delayed what it
    # measured. The stream runs until its task is cancelled at the end of the phase.
    try:
        while True:
            chunk = await reader.read(65536)
            if not chunk:
                if not results.stop:
                    results.errors.append("event stream closed by the server")
                return
            *lines, pending = (pending + chunk).split(b"\n")
            for line in lines:
                if not line.startswith(b"data:"):
                    continue
                if first:
                    results.streams_open += 1
                    first = False
                if raw:
                    on_event(line[5:])
                    continue
                try:
                    on_event(json.loads(line[5:]))
                except ValueError:
                    continue
    finally:
        writer.close()


async def board(stream_port: int, results: Results) -> None:
    def seen(data: bytes) -> None:
        chime = CHIME_ID.search(data)
        if chime:
            results.chimes[chime.group(1).decode()].append(time.perf_counter())

    await event_stream(stream_port, results, seen, raw=True)


@dataclass
class WaitingTicket:
    path: str  # the wait page, from the ticket's QR code
    queue: str
    number: int


async def phone(port: int, stream_port: int, first: WaitingTicket, results: Results) -> None:
    """A resident's wait page, as wait.js does it: each board event carries the queue's waiting numbers,
    so the page works out its place itself and fetches its status part only when it changes shape (its
    ticket left the waiting list, or the "near" notice appears). When the ticket is no longer waiting,
    the phone takes up a ticket the kiosks issued since and opens its wait page, as a new resident would."""
    http = Http(port)
    due = asyncio.Event()
    ticket = first
    shape: bool | None = None  # the "near" notice shown
    missing = False  # the ticket has left the waiting list (its status was fetched once)

    def seen(data: dict[str, Any]) -> None:
        nonlocal shape, missing
        queue = next((q for q in data.get("state", {}).get("queues", []) if q["code"] == ticket.queue), None)
        if queue is None or ticket.number not in queue["order"]:
            # asked once, as wait.js does, not after every event; then a new resident takes the phone
            if not missing or results.issued:
                due.set()
            missing = True
            return
        missing = False
        now = queue["order"].index(ticket.number) <= 3
        if shape is not None and now != shape:
            due.set()
        shape = now

    async def follow() -> None:
        nonlocal ticket, shape, missing
        await results.timed("wait page", http.request("GET", ticket.path), (200,))
        asked = False  # the status of a ticket that left the waiting list was fetched
        while not results.stop:
            await due.wait()
            due.clear()
            if missing and asked:
                if results.issued:
                    ticket, shape, missing, asked = results.issued.pop(0), None, False, False
                    await results.timed("wait page", http.request("GET", ticket.path), (200,))
            else:
                asked = missing
                await results.timed(
                    "wait page part", http.request("GET", f"{ticket.path}?part=status"), (200,)
                )
            await asyncio.sleep(1.0)  # as madoguchiRefresh: at most one fetch a second

    follower = asyncio.create_task(follow())
    try:
        # as wait.html asks; the page's own requests go to `port`, the stream to `stream_port` (nginx routes)
        await event_stream(stream_port, results, seen, path="/board/chuo/events?for=wait")
    finally:
        follower.cancel()
        http.close()


async def loop_lag(results: Results, every: float = 0.01) -> None:
    """How late the load generator's own event loop wakes up: every latency it measures includes this, so
    it is reported beside them (a busy generator, not the servers, would show here)."""
    while not results.stop:
        began = time.perf_counter()
        await asyncio.sleep(every)
        results.lags.append(time.perf_counter() - began - every)


async def healthz(port: int, results: Results) -> None:
    http = Http(port)
    while not results.stop:
        await results.timed("healthz", http.request("GET", "/healthz"), (200,))
    http.close()


# --- one run ---------------------------------------------------------------------------------------------


def madoguchi(env: dict[str, str], *args: str, timeout: int = 600) -> str:
    done = subprocess.run(
        [str(BIN / "madoguchi"), *args], env=env, capture_output=True, text=True, timeout=timeout, cwd=ROOT
    )
    if done.returncode != 0:
        raise SystemExit(f"madoguchi {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    return done.stdout


SETUP = """
from madoguchi.demo.cases import make_submitted_case
from madoguchi.center.models import WorkQueue
from madoguchi.organization.models import Counter, Queue
from madoguchi.staff.models import Staff
clerk = Staff.objects.get(username="clerk")
for _ in range({cases}):
    make_submitted_case(clerk)
print("COUNTERS", [c.pk for c in Counter.objects.filter(queue__office__code="chuo", queue__code="one-stop")])
department = Counter.objects.filter(queue__office__code="chuo", queue__code="hoken-nenkin")
print("DEPARTMENT", [c.pk for c in department])
print("WORKQUEUES", [q.pk for q in WorkQueue.objects.filter(items__isnull=False).distinct()])
"""


@dataclass
class Phase:
    name: str
    seconds: float
    writes_per_s: float
    latencies: dict[str, list[float]]
    board_delays: list[float]
    errors: list[str]
    lags: list[float] = field(default_factory=list)
    cpu: dict[str, float] = field(default_factory=dict)  # cores used during the phase, by process group
    nobody_waiting: int = 0  # counter calls that found nobody (answered 204)


@dataclass
class Run:
    processes: int
    healthz_per_s: float
    capacity: Phase
    peak: Phase


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def audit_count(database_url: str) -> int:
    import psycopg

    with psycopg.connect(database_url.replace("postgres://", "postgresql://", 1)) as connection:
        row = connection.execute("SELECT count(*) FROM audit_auditentry").fetchone()
        return int(row[0]) if row else 0


async def drive(
    port: int,
    stream_port: int,
    args: argparse.Namespace,
    setup: dict[str, Any],
    results: Results,
    seconds: float,
    pace: Pace = CAPACITY,
) -> None:
    streams = [asyncio.create_task(board(stream_port, results)) for _ in range(args.boards)]
    waits = setup["wait_paths"]
    streams += [
        asyncio.create_task(phone(port, stream_port, waits[i % len(waits)], results))
        for i in range(args.phones)
    ]
    tasks: list[asyncio.Task[None]] = []
    # The office opens before the peak: boards and phones are connected (and the phones' pages loaded)
    # before the first ticket, as in the morning; 700 connections at once are not the peak hour.
    # Staff sign in at the start of their day too: a sign-in's password hash (PBKDF2, about half a second
    # of CPU by design) belongs to the morning, not to the hour measured.
    center = [await signed_in(port, "center") for _ in range(args.center)]
    approving = await signed_in(port, "approver")
    deadline = time.monotonic() + 30
    while results.streams_open < args.boards + args.phones and time.monotonic() < deadline:
        await asyncio.sleep(0.2)
    await asyncio.sleep(1.0)
    for name in ("wait page", "wait page part"):
        results.latencies.pop(name, None)  # the morning's page loads are not the peak's
    tasks += [
        asyncio.create_task(kiosk(port, token, ["one-stop", "one-stop", "shomei"], results, pace=pace))
        for token in setup["kiosks"]
    ]
    tasks.append(asyncio.create_task(kiosk(port, setup["concierge"], ["one-stop"], results, pace=pace)))
    counters = setup["counters"]
    for index in range(args.counters):
        counter_id, transfer = (
            (counters[index % len(counters)], "hoken-nenkin") if index % 5 else (setup["department"][0], "")
        )
        tasks.append(
            asyncio.create_task(
                counter(port, setup["clerk_tokens"][index], counter_id, transfer, results, pace=pace)
            )
        )
    tasks += [
        asyncio.create_task(center_staff(http, setup["workqueues"], results, pace=pace)) for http in center
    ]
    tasks.append(asyncio.create_task(approver(approving, results, pace=pace)))
    tasks.append(asyncio.create_task(loop_lag(results)))
    await asyncio.sleep(seconds)
    results.stop = True
    for stream in streams:
        stream.cancel()
    await asyncio.wait(tasks, timeout=15)
    for task in [*tasks, *streams]:
        task.cancel()
    await asyncio.gather(*tasks, *streams, return_exceptions=True)


# --- where the CPU goes: each process group's CPU time during a phase (Linux /proc) ---------------------

CLOCK_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _processes() -> dict[int, tuple[int, float, str]]:
    """pid → (parent pid, CPU seconds used so far, command line), for every process of the machine."""
    found: dict[int, tuple[int, float, str]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            command = (
                Path(f"/proc/{entry}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            )
        except OSError:  # ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (name) ": state, ppid, ..., utime, stime
        found[int(entry)] = (
            int(fields[1]),
            (int(fields[11]) + int(fields[12])) / CLOCK_TICKS,
            command.strip(),
        )
    return found


def _machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle (all cores), from /proc/stat."""
    user, nice, system, _idle, _iowait, irq, softirq, steal = (
        int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]
    )
    return (user + nice + system + irq + softirq + steal) / CLOCK_TICKS


def cpu_seconds(roots: dict[str, int], database: str) -> dict[str, float]:
    """CPU seconds used so far by each group: the process trees under `roots` (group → pid), PostgreSQL's
    backends of `database` and its other processes, Redis, this load generator, and the whole machine."""
    if not Path("/proc/stat").exists():
        return {}
    processes = _processes()
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _cpu, _command) in processes.items():
        children[parent].append(pid)
    used: dict[str, float] = defaultdict(float)
    for group, root in roots.items():
        stack = [root]
        while stack:
            pid = stack.pop()
            if pid in processes:
                used[group] += processes[pid][1]
            stack += children.get(pid, [])
    for pid, (_parent, cpu, command) in processes.items():
        if command.startswith("postgres: ") and f" {database} " in command:
            used["PostgreSQL, this database's connections"] += cpu
        elif command.startswith(("postgres", "/usr/lib/postgresql")):
            used["PostgreSQL, its own processes"] += cpu
        elif "redis-server" in command:
            used["Redis"] += cpu
        elif pid == os.getpid():
            used["load generator"] += cpu
    used["whole machine"] = _machine_busy_seconds()
    return dict(used)


def one_run(processes: int, args: argparse.Namespace) -> Run:
    import psycopg

    name = f"bench_city_{os.getpid()}_{processes}"
    name_of_database = name  # (each phase below has a `name` of its own)
    admin_url = args.database_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        connection.execute(f'CREATE DATABASE "{name}"')
    database_url = args.database_url.rsplit("/", 1)[0] + f"/{name}"
    var = tempfile.mkdtemp(prefix="bench-city-")
    port = free_port()
    # the event streams' own server (docs/deployment.md: nginx routes the stream paths to it), or the app's
    stream_port = free_port() if args.stream_processes else port
    env = {
        **os.environ,
        "MADOGUCHI_VAR_DIR": var,
        "DATABASE_URL": database_url,
        "MADOGUCHI_BROADCAST_URL": args.broadcast_url,
        "MADOGUCHI_TASK_WORKERS": "0",
        "MADOGUCHI_LOG_LEVEL": "WARNING",
        "MADOGUCHI_DEBUG": "0",
        "MADOGUCHI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "MADOGUCHI_DB_POOL_MAX": "40",
        # every phone of the load runs from 127.0.0.1: the per-address limit of the public pages is off
        "MADOGUCHI_PUBLIC_REQUESTS_PER_MINUTE": "0",
    }
    servers: list[subprocess.Popen[bytes]] = []
    try:
        madoguchi(env, "migrate", "--noinput")
        madoguchi(env, "demo")
        out = madoguchi(env, "shell", "--no-imports", "-c", SETUP.format(cases=args.cases))
        ids = {key: json.loads(value) for key, value in re.findall(r"^(\w+) (\[.*\])$", out, re.M)}
        kiosks = [
            madoguchi(env, "kiosk-token", "--office", "chuo").split()[-1] for _ in range(args.kiosks + 1)
        ]
        clerk_tokens = [madoguchi(env, "staff-token", "clerk").split()[-1] for _ in range(args.counters)]
        waits = madoguchi(
            env,
            "shell",
            "--no-imports",
            "-c",
            "from madoguchi.audit.chain import SystemActor\n"
            "from madoguchi.organization.models import Queue\n"
            "from madoguchi.reception.actions import do_issue_ticket\n"
            "for code in ('one-stop', 'shomei') * 25:\n"
            "    q = Queue.objects.get(office__code='chuo', code=code)\n"
            "    t = do_issue_ticket(SystemActor('bench'), queue=q, channel='kiosk')\n"
            "    print('WAIT', t.status_token, code, t.number)",
        )
        setup = {
            "counters": ids["COUNTERS"],
            "department": ids["DEPARTMENT"],
            "workqueues": ids["WORKQUEUES"],
            "kiosks": kiosks[:-1],
            "concierge": kiosks[-1],
            "clerk_tokens": clerk_tokens,
            "wait_paths": [
                WaitingTicket(f"/wait/{token}/", code, int(number))
                for token, code, number in re.findall(r"^WAIT (\S+) (\S+) (\d+)$", waits, re.M)
            ],
        }
        roots: dict[str, int] = {}
        servers.append(
            subprocess.Popen(
                [str(BIN / "madoguchi"), "serve", "--port", str(port), "--workers", str(processes)],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=open(Path(var) / "serve.log", "w"),  # noqa: SIM115 (kept open for the server's life)
                start_new_session=True,
                cwd=ROOT,
            )
        )
        roots["app processes"] = servers[-1].pid
        if args.stream_processes:
            servers.append(
                subprocess.Popen(
                    [
                        str(BIN / "madoguchi"),
                        "serve",
                        "--port",
                        str(stream_port),
                        "--workers",
                        str(args.stream_processes),
                        "--streams",
                    ],
                    env=env,
                    stdout=subprocess.DEVNULL,
                    stderr=open(Path(var) / "serve-streams.log", "w"),  # noqa: SIM115
                    start_new_session=True,
                    cwd=ROOT,
                )
            )
        if args.stream_processes:
            roots["stream server"] = servers[-1].pid
        servers.append(
            subprocess.Popen(
                [str(BIN / "madoguchi"), "worker"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
                cwd=ROOT,
            )
        )
        roots["madoguchi worker"] = servers[-1].pid
        wait_for(port)
        if stream_port != port:
            wait_for(stream_port)
        # the baseline: as many closed-loop clients as the writers below, on /healthz
        writers = args.kiosks + 1 + args.counters + args.center + 1
        base = Results()

        async def baseline() -> None:
            tasks = [asyncio.create_task(healthz(port, base)) for _ in range(writers)]
            await asyncio.sleep(args.baseline_seconds)
            base.stop = True
            await asyncio.wait(tasks, timeout=10)

        asyncio.run(baseline())
        healthz_per_s = len(base.latencies["healthz"]) / args.baseline_seconds

        def phase(name: str, pace: Pace) -> Phase:
            results = Results()
            before = audit_count(database_url)
            # progress on stderr, e.g. for a profiler to attach to the servers during a phase
            print(f"bench_city: {processes} process(es), {name}", file=sys.stderr, flush=True)
            cpu_before = cpu_seconds(roots, name_of_database)
            began = time.perf_counter()
            run_loop(drive(port, stream_port, args, setup, results, args.seconds, pace))
            elapsed = time.perf_counter() - began
            cpu_after = cpu_seconds(roots, name_of_database)
            return Phase(
                name=name,
                seconds=elapsed,
                writes_per_s=(audit_count(database_url) - before) / args.seconds,
                latencies=dict(results.latencies),
                board_delays=results.board_delays,
                errors=results.errors,
                lags=results.lags,
                cpu={group: (cpu_after[group] - cpu_before.get(group, 0.0)) / elapsed for group in cpu_after},
                nobody_waiting=results.nobody_waiting,
            )

        capacity = phase("capacity: every client as fast as it is answered", CAPACITY)
        residents = args.counters / args.peak_tickets  # seconds per resident at each counter
        peak = phase(
            f"peak hour: {args.peak_tickets:g} tickets/s ({args.peak_tickets * 3600:,.0f} an hour)",
            Pace(
                kiosk_interval_s=(args.kiosks + 1) / args.peak_tickets,
                service_s=residents * 0.75,
                center_s=1.0,
                idle_s=2.0,
            ),
        )
        capacity.errors += base.errors
        return Run(processes=processes, healthz_per_s=healthz_per_s, capacity=capacity, peak=peak)
    finally:
        for server in servers:
            try:
                os.killpg(server.pid, signal.SIGTERM)
                server.wait(timeout=20)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                os.killpg(server.pid, signal.SIGKILL)
        with psycopg.connect(admin_url, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def wait_for(port: int) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as sock:
                sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                if sock.recv(64).startswith(b"HTTP/1.1 200"):
                    time.sleep(2)
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit("the server did not answer /healthz within 90 s")


def report_phase(phase: Phase) -> None:
    print(f"-- {phase.name}, {phase.seconds:.0f} s: audited writes/s {phase.writes_per_s:.1f}")
    print(f"{'endpoint':<24}{'count':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}")
    for name, values in sorted(phase.latencies.items()):
        print(
            f"{name:<24}{len(values):>8}{percentile(values, 0.5) * 1000:>9.1f}"
            f"{percentile(values, 0.95) * 1000:>9.1f}{percentile(values, 0.99) * 1000:>9.1f}"
        )
    calls = len(phase.latencies.get("counter call", []))
    print(f"counter calls that found nobody waiting: {phase.nobody_waiting} of {calls}")
    delays = phase.board_delays
    print(f"board latency: {len(delays)} chimes received, p50 {percentile(delays, 0.5) * 1000:.0f} ms, "
          f"p99 {percentile(delays, 0.99) * 1000:.0f} ms")  # fmt: skip
    lag = {q: percentile(phase.lags, q) * 1000 for q in (0.5, 0.95, 0.99)}
    print(f"load generator's loop lag (included in the above): p50 {lag[0.5]:.1f} ms, "
          f"p95 {lag[0.95]:.1f} ms, p99 {lag[0.99]:.1f} ms")  # fmt: skip
    if phase.cpu:
        cores = os.cpu_count() or 1
        used = ", ".join(
            f"{group} {value:.2f}" for group, value in phase.cpu.items() if group != "whole machine"
        )
        print(
            f"CPU, in cores used: {used}; whole machine {phase.cpu.get('whole machine', 0.0):.2f} of {cores}"
        )
    print(f"errors: {len(phase.errors)}")
    for error in sorted(set(phase.errors))[:10]:
        print(f"  {error}")


def counter_p95(phase: Phase) -> float:
    values = [
        percentile(phase.latencies[name], 0.95) for name in COUNTER_ACTIONS if phase.latencies.get(name)
    ]
    return max(values, default=float("nan"))


def report(runs: list[Run]) -> int:
    for run in runs:
        print(f"\n== {run.processes} app process(es) ==")
        ratio = run.capacity.writes_per_s / run.healthz_per_s
        print(f"/healthz req/s {run.healthz_per_s:.1f}; audited writes/s at capacity "
              f"{run.capacity.writes_per_s:.1f}; ratio {ratio:.3f}")  # fmt: skip
        report_phase(run.capacity)
        report_phase(run.peak)
    last = runs[-1]
    goals = [
        ("audited writes/s at capacity", last.capacity.writes_per_s, ">=", 300.0),
        ("counter actions p95 (ms), peak", counter_p95(last.peak) * 1000, "<", 100.0),
        ("board p99 (ms), peak", percentile(last.peak.board_delays, 0.99) * 1000, "<", 200.0),
        ("errors, both phases", float(len(last.capacity.errors) + len(last.peak.errors)), "<=", 0.0),
    ]
    print(f"\n== goals, {last.processes} app process(es) ==")
    missed = 0
    for name, value, op, target in goals:
        met = value >= target if op == ">=" else value < target if op == "<" else value <= target
        missed += not met
        print(f"{'PASS' if met else 'MISS'}  {name:<32} {value:10.1f}  (goal {op} {target:g})")
    return 1 if missed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--baseline-seconds", type=float, default=10)
    parser.add_argument("--processes", default="1,2")
    parser.add_argument(
        "--stream-processes",
        type=int,
        default=1,
        help="processes of a second `madoguchi serve` that holds the boards' and phones' event streams, as "
        "nginx routes them in production (docs/deployment.md); 0: the streams share the app processes",
    )
    parser.add_argument("--boards", type=int, default=100)
    parser.add_argument("--phones", type=int, default=300)
    parser.add_argument("--counters", type=int, default=20)
    parser.add_argument("--kiosks", type=int, default=4)
    parser.add_argument("--center", type=int, default=3)
    parser.add_argument("--cases", type=int, default=40)
    parser.add_argument(
        "--peak-tickets",
        type=float,
        default=10.0,
        help="tickets a second in the peak-hour phase (10/s is 36,000 an hour, far above any ward office)",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("MADOGUCHI_BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres"),
    )
    parser.add_argument(
        "--broadcast-url", default=os.environ.get("MADOGUCHI_BENCH_BROADCAST_URL", "redis://127.0.0.1:6379/3")
    )
    args = parser.parse_args(argv)
    try:
        processes = [int(p) for p in args.processes.split(",")]
    except ValueError:
        parser.error("--processes is a comma-separated list of numbers, e.g. 1,2")
    if (
        not processes
        or min(processes) < 1
        or args.seconds <= 0
        or min(args.counters, args.kiosks, args.center) < 1
        or args.peak_tickets <= 0
    ):
        parser.error(
            "--processes ≥ 1, --seconds > 0, --peak-tickets > 0, "
            "and at least one counter, kiosk and center client"
        )
    if args.boards < 0 or args.phones < 0 or args.stream_processes < 0:
        parser.error("--boards, --phones and --stream-processes are 0 or more")
    runs = [one_run(count, args) for count in processes]
    return report(runs)


if __name__ == "__main__":
    sys.exit(main())
