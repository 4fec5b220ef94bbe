"""The witness: an append-only file outside the database that remembers how far the audit chain reached.

Someone with rights on the database can delete the newest entries and rewind the head row with them, or
wipe or truncate the table: the chain left behind is consistent in itself. The sealer therefore appends
each new head (`seq hash time`) to this file after its transaction commits, and `madoguchi audit verify`
checks that the chain still reaches every recorded head with the same hash. Keep the file where the
database administrator cannot rewrite it (another host, `chattr +a`, the city's log collector), and back
it up with the database (docs/deployment.md).

Written after commit, the file can only lag the database, never lead it: a crash between the two loses a
line, which the next seal makes good.
"""

from __future__ import annotations

import fcntl
import os
import re
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings

LINE = re.compile(r"^(\d+) ([0-9a-f]{64}) \S+$")


def path() -> Path:
    return Path(settings.MADOGUCHI_AUDIT_WITNESS)


def _write(line: str) -> None:
    target = path()
    target.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)  # sealers of several processes on one host never interleave a line
        os.write(fd, line.encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def append(seq: int, digest: str) -> None:
    """Record that the chain reached entry `seq` with hash `digest` (call after the seal committed)."""
    _write(f"{seq} {digest} {datetime.now(UTC).isoformat(timespec='seconds')}\n")


def read() -> tuple[dict[int, str], list[str]]:
    """The recorded heads by sequence number, and what is wrong with the file itself."""
    target = path()
    if not target.exists():
        return {}, []
    checkpoints: dict[int, str] = {}
    problems: list[str] = []
    with target.open(encoding="ascii", errors="replace") as lines:
        for number, line in enumerate(lines, start=1):
            match = LINE.match(line.strip())
            if match is None:
                problems.append(f"witness {target}, line {number}: not a witness line")
                continue
            seq, digest = int(match[1]), match[2]
            if checkpoints.get(seq, digest) != digest:
                problems.append(f"witness {target}, line {number}: entry {seq} recorded with two hashes")
            checkpoints[seq] = digest
    return checkpoints, problems
