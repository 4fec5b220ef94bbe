"""The server a benchmark measures: one it starts on a fresh database, or one already running (`--url`).

A running server (several workers behind a proxy, say) must have the demo city loaded, and the benchmark
needs kiosk tokens of its office `chuo` (`--kiosk-tokens FILE`, one a line, from `madoguchi kiosk-token`).
"""

from __future__ import annotations

import argparse
import tempfile
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.live import RunningServer, running_server


def add_arguments(arguments: argparse.ArgumentParser) -> None:
    arguments.add_argument(
        "--url", default="", help="measure this running server (http://host:port) instead of starting one"
    )
    arguments.add_argument(
        "--kiosk-tokens", type=Path, help="with --url: a file of kiosk tokens of office chuo, one a line"
    )


def kiosk_tokens(arguments: argparse.ArgumentParser, options: argparse.Namespace, needed: int) -> list[str]:
    """The tokens of --kiosk-tokens (at least `needed`), or [] without --url; bad arguments exit 2."""
    if not options.url:
        if options.kiosk_tokens:
            arguments.error("--kiosk-tokens is only for a running server (--url)")
        return []
    parts = urllib.parse.urlsplit(options.url)
    if parts.scheme != "http" or not parts.hostname or parts.port is None or parts.path not in ("", "/"):
        arguments.error(f"--url must be http://host:port, not {options.url!r}")
    if options.kiosk_tokens is None:
        arguments.error("--url needs --kiosk-tokens FILE (from madoguchi kiosk-token --office chuo)")
    try:
        tokens = options.kiosk_tokens.read_text().split()
    except OSError as error:
        arguments.error(f"--kiosk-tokens: cannot read {options.kiosk_tokens}: {error.strerror}")
    if len(tokens) < needed:
        arguments.error(f"--kiosk-tokens: {needed} tokens needed, {options.kiosk_tokens} has {len(tokens)}")
    return tokens[:needed]


@contextmanager
def server_to_measure(url: str, env: dict[str, str]) -> Iterator[RunningServer]:
    """The running server at `url`, else a fresh `madoguchi serve` with the demo city and `env`."""
    if url:
        yield RunningServer(url=url.rstrip("/"), var_dir=Path(), env={})
        return
    with tempfile.TemporaryDirectory() as var_dir, running_server(Path(var_dir), env) as server:
        yield server
