"""The benchmarks can fail: in quick mode each exits 1 with a MISS line on an impossible goal, 0 on a goal
any machine reaches, and 2 with a message on bad arguments.

The benchmarks run in this process (`main(argv)` returns the exit code) to stay fast; one runs as a real
process to check the exit code reaches the shell. The two server benchmarks measure one shared
`madoguchi serve` through their `--url` option, with kiosk tokens made once.
"""

from __future__ import annotations

import concurrent.futures
import importlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

from benchmarks.goals import MET, MISSED, Goal, percentile, report
from tests.live import running_server

ROOT = Path(__file__).resolve().parent.parent

# name: (quick arguments, an impossible goal, a goal any machine reaches)
PURE = {
    "bench_engine": (["--quick"], ["--goal-api-ms", "0"], ["--goal-api-ms", "1e6", "--goal-ratio", "1e6"]),
    "bench_forms": (["--quick"], ["--goal-ms", "0"], ["--goal-ms", "1e6"]),
    "bench_screening": (["--quick"], ["--goal-ms", "0"], ["--goal-ms", "1e6"]),
    "bench_simulator": (
        ["--quick", "--visits", "1000"],
        ["--goal-ratio", "1e6"],
        ["--goal-ratio", "0", "--goal-seconds", "1e6"],
    ),
}
SERVED = {
    "bench_kiosk": (["--quick"], ["--goal-tickets-per-s", "1e9"], ["--goal-tickets-per-s", "0"]),
    "bench_board": (["--quick"], ["--goal-p99-ms", "0"], ["--goal-p99-ms", "1e6"]),
}
BAD_ARGUMENTS = [
    ("bench_serve", ["--workers", "1"]),
    ("bench_city", ["--processes", "one"]),
    ("bench_city", ["--counters", "0"]),
    ("bench_city", ["--stream-processes", "-1"]),
    ("bench_case_page", ["--pages", "1"]),
    ("bench_preparation", ["--scans", "0"]),
    ("bench_certificates", ["--requests", "0"]),
    ("bench_certificates", ["--goal-p99-ms", "soon"]),
    ("bench_preparation", ["--goal-ms", "fast"]),
    ("bench_engine", ["--batch", "0"]),
    ("bench_engine", ["--goal-api-ms", "-1"]),
    ("bench_forms", ["--repeats", "many"]),
    ("bench_screening", ["--rows", "-5"]),
    ("bench_simulator", ["--office", "nowhere"]),
    ("bench_simulator", ["--goal-ratio", "nan"]),
    ("bench_kiosk", ["--clients", "0"]),
    ("bench_kiosk", ["--database-url", "mysql://localhost/x"]),
    ("bench_board", ["--broadcast", "ftp://x"]),
    ("bench_board", ["--broadcast", "postgres://"]),
    ("bench_board", ["--no-such-option"]),
    ("bench_kiosk", ["--url", "http://127.0.0.1:9"]),
    ("bench_kiosk", ["--url", "127.0.0.1:9", "--kiosk-tokens", "tokens.txt"]),
    ("bench_board", ["--url", "http://127.0.0.1:9", "--kiosk-tokens", "no/such/file"]),
    ("bench_board", ["--kiosk-tokens", "tokens.txt"]),
]


def bench(name: str) -> ModuleType:
    return importlib.import_module(f"benchmarks.{name}")


def run(name: str, argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """The benchmark's exit code and output. It runs in a thread of its own: a benchmark may start an
    event loop, and the browser tests of the same session leave one running in the main thread."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        code = pool.submit(bench(name).main, argv).result()
    return code, capsys.readouterr().out


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[str]]:
    """`--url` and `--kiosk-tokens` of a running demo city, for the server benchmarks."""
    env = {"DJANGO_SETTINGS_MODULE": "tests.fast_password_settings", "MADOGUCHI_LOG_LEVEL": "WARNING"}
    var_dir = tmp_path_factory.mktemp("bench-server")
    with running_server(var_dir, env) as server:
        kiosk = bench("bench_kiosk")
        tokens = var_dir / "kiosk-tokens.txt"
        tokens.write_text("\n".join(kiosk.shell(server, kiosk.ISSUE_TOKENS.format(clients=3))))
        yield ["--url", server.url, "--kiosk-tokens", str(tokens)]


def test_report_passes_only_when_every_goal_is_met(capsys: pytest.CaptureFixture[str]) -> None:
    # given
    met = Goal("speed", 210, ">=", 200, "tickets/s", "fast enough")
    missed = Goal("p99", 1200, "<=", 1000, "ms", "quick enough")
    unmeasured = Goal("rate", float("nan"), ">=", 0, "x", "measured at all")
    # when / then
    assert report([met]) == MET
    assert "PASS  speed  210 tickets/s  (goal >= 200 tickets/s): fast enough" in capsys.readouterr().out
    assert report([missed]) == MISSED
    assert "MISS  p99  1,200 ms  (goal <= 1,000 ms): quick enough" in capsys.readouterr().out
    assert report([met, missed]) == MISSED
    assert "MISSED 1 of 2 goals: p99" in capsys.readouterr().out
    assert report([unmeasured]) == MISSED
    assert "MISS  rate  nan x" in capsys.readouterr().out
    with pytest.raises(ValueError, match="comparison must be one of"):
        Goal("x", 1, "=", 1, "", "")


def test_percentile_is_the_nearest_rank() -> None:
    assert percentile([5, 1, 4, 2, 3], 50) == 3
    assert percentile(range(1, 101), 99) == 99
    assert percentile(range(1, 101), 100) == 100
    assert percentile([7.0], 99) == 7.0


@pytest.mark.parametrize("name", sorted(PURE))
def test_pure_benchmark_misses_an_impossible_goal_and_meets_a_reachable_one(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    quick, impossible, reachable = PURE[name]
    code, out = run(name, [*quick, *impossible], capsys)
    assert code == MISSED, out
    assert "\n  MISS  " in out
    code, out = run(name, [*quick, *reachable], capsys)
    assert code == MET, out
    assert "MISS" not in out
    assert "\n  PASS  " in out


@pytest.mark.parametrize("name", sorted(SERVED))
def test_server_benchmark_misses_an_impossible_goal_and_meets_a_reachable_one(
    name: str, served: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    quick, impossible, reachable = SERVED[name]
    code, out = run(name, [*quick, *served, *impossible], capsys)
    assert code == MISSED, out
    assert "\n  MISS  " in out
    code, out = run(name, [*quick, *served, *reachable], capsys)
    assert code == MET, out
    assert "MISS" not in out


@pytest.mark.parametrize(("name", "argv"), BAD_ARGUMENTS)
def test_bad_arguments_exit_2_with_a_message(
    name: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        bench(name).main(argv)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "error:" in err
    assert "Traceback" not in err


def test_the_exit_code_reaches_the_shell() -> None:
    script = str(ROOT / "benchmarks" / "bench_screening.py")
    missed = subprocess.run(
        [sys.executable, script, "--quick", "--goal-ms", "0"], capture_output=True, text=True, check=False
    )
    assert missed.returncode == 1, missed.stderr
    assert "MISS" in missed.stdout
