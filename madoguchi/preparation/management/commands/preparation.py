"""`madoguchi preparation decode FILE.png|TEXT … [--json]` prints what a preparation code holds;
`madoguchi preparation keys` prints a new key set for the two sides of the city's network;
`madoguchi preparation import --kind hikkoshi|pittari FILE` keeps a マイナポータル file's preparations."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.preparation import actions, codes, keys, mynaportal, qr
from madoguchi.preparation.record import source_of

MAX_TEXT_FILE = 1024 * 1024


def _fail(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def _texts(argument: str) -> list[str]:
    """What one argument gives: the codes in an image, the lines of a text file, or the code itself."""
    if argument == "-":
        return sys.stdin.read(MAX_TEXT_FILE).splitlines()
    path = Path(argument)
    looks_like_code = argument.upper().startswith(codes.PREFIX)
    if looks_like_code or not path.exists():
        if not looks_like_code and ("/" in argument or "." in argument[-5:]):
            raise _fail(f"{argument}: no such file")
        return [argument]
    if not path.is_file():
        raise _fail(f"{argument}: not a file")
    head = path.open("rb").read(8)
    if head.startswith((b"\x89PNG", b"\xff\xd8", b"GIF8", b"BM", b"RIFF", b"II*\x00", b"MM\x00*")):
        try:
            return qr.read_image(path)
        except qr.NoCodeFound as error:
            raise _fail(f"{argument}: {error}") from error
    if path.stat().st_size > MAX_TEXT_FILE:
        raise _fail(f"{argument}: larger than a text file of codes can be ({MAX_TEXT_FILE} bytes)")
    try:
        return path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as error:
        raise _fail(f"{argument}: neither an image nor UTF-8 text") from error


def _summary(opened: codes.Opened) -> list[str]:
    record = opened.record
    lines = [
        f"preparation {record['id']} ({record['schema']}), door: {record['source']}",
        f"event: {record['event']} on {record['event_date']}, language: {record.get('language', 'ja')}",
        f"issued: {opened.issued.isoformat()}, expires: {opened.expires.isoformat()}",
    ]
    visit = record.get("visit", {})
    if visit:
        lines.append("visit: " + ", ".join(f"{k} {v}" for k, v in visit.items()))
    for key in ("address", "previous_address"):
        if key in record:
            lines.append(f"{key}: " + " ".join(str(v) for v in record[key].values()))
    for index, member in enumerate(record["members"]):
        name = f"{member['family_name']} {member['given_name']}"
        door = source_of(record, f"/members/{index}")
        lines.append(
            f"  {member['id']} {member['relationship']}: {name} ({member['sex']}, {member['birth_date']})"
            + (f" [from {door}]" if door != record["source"] else "")
        )
    return lines


class Command(BaseCommand):
    help = "Preparation codes (事前入力のQRコード): decode one, or make the keys that seal and sign them."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        decode = sub.add_parser(
            "decode",
            help="print the preparation a code holds (exit 2 with a message for a code the counter refuses)",
        )
        decode.add_argument(
            "codes",
            nargs="+",
            metavar="FILE.png|TEXT",
            help="an image of the code(s), a text file of codes (one per line), the code text, or - (stdin)",
        )
        decode.add_argument("--json", action="store_true", help="print the preparation/v1 record as JSON")
        sub.add_parser(
            "keys", help="print a new key set: which lines go to the counter side and which to the phone side"
        )
        load = sub.add_parser(
            "import",
            help="keep a マイナポータル file's preparations on the counter side (exit 2 naming each problem)",
        )
        load.add_argument("--kind", choices=["hikkoshi", "pittari"], required=True)
        load.add_argument("file", metavar="FILE")
        load.add_argument("--dry-run", action="store_true", help="read and check the file, keep nothing")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "keys":
            self._keys()
            return
        if options["subcommand"] == "import":
            self._import(options["kind"], Path(options["file"]), dry_run=options["dry_run"])
            return
        texts = [text for argument in options["codes"] for text in _texts(argument)]
        try:
            opened = actions.read_codes(texts)
        except actions.Incomplete as incomplete:
            raise _fail(
                f"{incomplete.have} of {incomplete.total} codes read: give every code of the sequence"
            ) from incomplete
        except codes.CodeRefused as refused:
            raise _fail(f"refused ({refused.reason}): {refused.message}") from refused
        except keys.PreparationKeyError as error:
            raise _fail(str(error)) from error
        if options["json"]:
            self.stdout.write(json.dumps(opened.record, ensure_ascii=False, indent=2))
        else:
            self.stdout.write("\n".join(_summary(opened)))

    def _import(self, kind: str, path: Path, *, dry_run: bool) -> None:
        if not path.is_file():
            raise _fail(f"{path}: no such file")
        if path.stat().st_size > mynaportal.MAX_BYTES:
            raise _fail(f"{path}: larger than {mynaportal.MAX_BYTES} bytes")
        try:
            records = mynaportal.read(kind, path.read_bytes())
        except mynaportal.ImportRefused as refused:
            lines = [f"{place}: {message}" for place, message in refused.problems]
            raise _fail(
                f"{path}: nothing was imported ({len(lines)} problems)\n" + "\n".join(lines)
            ) from refused
        for line in mynaportal.summary(records):
            self.stdout.write(line)
        if dry_run:
            self.stdout.write(f"{len(records)} preparation(s) read; nothing kept (--dry-run)")
            return
        kept = actions.do_import(SystemActor("preparation-import"), records)
        self.stdout.write(f"{len(kept)} preparation(s) kept for the counter")

    def _keys(self) -> None:
        new = keys.new_key_set()
        counter = ("MADOGUCHI_PREPARATION_OPENING_KEYS", "MADOGUCHI_PREPARATION_ISSUER_KEYS")
        self.stdout.write("# the counter side (LGWAN / My Number segment): opens and checks codes")
        for name in counter:
            self.stdout.write(f"{name}={new[name]}")
        self.stdout.write("# the resident-facing side (internet segment): seals and signs codes")
        for name in ("MADOGUCHI_PREPARATION_SEALING_KEY", "MADOGUCHI_PREPARATION_SIGNING_KEY"):
            self.stdout.write(f"{name}={new[name]}")
        self.stdout.write(
            "# to rotate: put the new opening key first and keep the old one after it until its codes expire"
        )
