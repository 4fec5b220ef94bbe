"""A real `madoguchi serve` process (uvicorn, ASGI) on a fresh embedded database, as `make run` starts it."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MADOGUCHI = str(Path(sys.executable).with_name("madoguchi"))


@dataclass(frozen=True)
class RunningServer:
    url: str
    var_dir: Path
    env: dict[str, str]

    def madoguchi(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a management command against this server's database."""
        return subprocess.run(
            [MADOGUCHI, *args], env=self.env, capture_output=True, text=True, timeout=300, check=False
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (a local URL)
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@contextmanager
def running_server(var_dir: Path, extra_env: dict[str, str] | None = None) -> Iterator[RunningServer]:
    """Migrate, load the demo city and serve; `extra_env` may name another database or broadcast broker."""
    env = {
        **os.environ,
        "MADOGUCHI_VAR_DIR": str(var_dir),
        "DATABASE_URL": "",
        "MADOGUCHI_DEBUG": "0",
        "MADOGUCHI_LOG_LEVEL": "INFO",
        **(extra_env or {}),
    }
    for step in (["migrate", "--noinput"], ["demo"]):
        subprocess.run([MADOGUCHI, *step], env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    log = (var_dir / "server.log").open("w")
    process = subprocess.Popen(
        [MADOGUCHI, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    server = RunningServer(url=f"http://127.0.0.1:{port}", var_dir=var_dir, env=env)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                get(f"{server.url}/healthz")
                break
            except (urllib.error.URLError, ConnectionError):
                if process.poll() is not None:
                    raise RuntimeError((var_dir / "server.log").read_text()) from None
                if time.monotonic() > deadline:
                    raise RuntimeError("the server did not answer within 30 s") from None
                time.sleep(0.2)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # a stream a test left open holds the graceful shutdown
            process.kill()
            process.wait(timeout=10)
        log.close()
