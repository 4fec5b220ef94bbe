"""`madoguchi forms`: a case file (case-file/v1) → the bundle PDF, as a plain function the management
command (and tests, without Django) call.

    madoguchi forms CASE.json --out bundle.pdf    render; prints {"pages", "forms", "handwritten_entries_*"}
    madoguchi forms --example 5-person-tennyu     print an example case file

Exit status 2 for input the user has to correct (an invalid or unreadable case file), with every problem on
standard error as `path: message`.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TextIO

from madoguchi.printing.casefile import InvalidCase, read_case
from madoguchi.printing.examples import EXAMPLES
from madoguchi.printing.forms import FormError
from madoguchi.printing.render import render_bundle
from madoguchi.rules.catalog import Catalog, CatalogError, load_catalog

# A control character written as a JSON escape (tab, line feed and carriage return allowed): the forms
# would print it invisibly, and the database refuses NUL
CONTROL_ESCAPE = re.compile(r"\\u00(?:0[0-8bcefBCEF]|1[0-9a-fA-F])|\\u007[fF]")
USAGE_ERROR = 2


@dataclass(frozen=True)
class FormsRequest:
    case_file: str | None = None  # a path, or "-" for standard input
    out: Path | None = None
    example: str | None = None
    catalog_dir: Path | None = None
    procedures: Sequence[str] | None = None
    today: date | None = None
    streams: tuple[TextIO, TextIO, TextIO] = field(
        default_factory=lambda: (sys.stdin, sys.stdout, sys.stderr)
    )


def run_forms(request: FormsRequest, default_catalog: Callable[[], Catalog]) -> int:
    """Do what `madoguchi forms` was asked; returns the exit status."""
    stdin, stdout, stderr = request.streams
    if request.example is not None:
        if request.example not in EXAMPLES:
            stderr.write(f"no example {request.example!r}; known: {', '.join(EXAMPLES)}\n")
            return USAGE_ERROR
        stdout.write(json.dumps(EXAMPLES[request.example], ensure_ascii=False, indent=2) + "\n")
        return 0
    if request.case_file is None or request.out is None:
        stderr.write("usage: madoguchi forms CASE.json --out bundle.pdf | madoguchi forms --example NAME\n")
        return USAGE_ERROR
    try:
        text = (
            stdin.read() if request.case_file == "-" else Path(request.case_file).read_text(encoding="utf-8")
        )
        data = json.loads(text)
    except (OSError, UnicodeDecodeError) as error:
        stderr.write(f"cannot read {request.case_file}: {error}\n")
        return USAGE_ERROR
    except json.JSONDecodeError as error:
        stderr.write(
            f"{request.case_file}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})\n"
        )
        return USAGE_ERROR
    except (RecursionError, ValueError):  # nested beyond the parser's depth, integers of 4,300+ digits
        stderr.write(f"{request.case_file}: JSON nested too deeply or with a number too long to read\n")
        return USAGE_ERROR
    if CONTROL_ESCAPE.search(text):
        stderr.write(f"{request.case_file}: a text contains a control character (such as \\u0000)\n")
        return USAGE_ERROR
    try:
        case = read_case(data)
    except InvalidCase as error:
        for path, message in error.errors:
            stderr.write(f"{path}: {message}\n")
        return USAGE_ERROR
    try:
        catalog = load_catalog(request.catalog_dir) if request.catalog_dir else default_catalog()
    except CatalogError as error:
        stderr.write(f"{error.file}:{error.line}: {error.reason}\n")
        return USAGE_ERROR
    try:
        bundle = render_bundle(case, catalog, procedures=request.procedures, today=request.today)
    except InvalidCase as error:  # a procedure the catalog does not have
        for path, message in error.errors:
            stderr.write(f"{path}: {message}\n")
        return USAGE_ERROR
    except FormError as error:
        stderr.write(f"{error}\n")
        return 1
    try:
        request.out.write_bytes(bundle.pdf)
    except OSError as error:
        stderr.write(f"cannot write {request.out}: {error}\n")
        return USAGE_ERROR
    if bundle.missing_glyphs:
        stderr.write(
            f"warning: no installed font has {''.join(bundle.missing_glyphs)} "
            "(install IPAmj明朝, Debian fonts-ipamj-mincho)\n"
        )
    summary = {
        "pages": bundle.pages,
        "forms": list(bundle.forms),
        "handwritten_entries_before": bundle.handwritten_entries_before,
        "handwritten_entries_now": bundle.handwritten_entries_now,
    }
    stdout.write(json.dumps(summary, ensure_ascii=False) + "\n")
    return 0
