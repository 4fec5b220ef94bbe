"""Where submissions come from, and how each source is told what became of its submission.

A source (the one-stop case, later a certificate request or a prepared application) registers its
handlers once, in its AppConfig.ready(). The center calls `returned()` and `completed()` inside its own
transaction, so the source changes state in the same commit as the work item: never a signal, never after
commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from madoguchi.submissions.models import Submission

Handler = Callable[[Any, "Submission", str], None]


@dataclass(frozen=True)
class Source:
    code: str
    returned: Handler  # (actor, submission, reason): the center sends it back for correction
    completed: Handler  # (actor, submission, summary): every work item is done; summary says what is mailed
    url: Callable[[str], str]  # source_id → the staff page of the source record (where a return is corrected)


_SOURCES: dict[str, Source] = {}


def register(source: Source) -> None:
    _SOURCES[source.code] = source


def source_of(submission: Submission) -> Source:
    try:
        return _SOURCES[submission.source]
    except KeyError:
        raise LookupError(f"no handlers registered for submissions from {submission.source!r}") from None


def returned(actor: Any, submission: Submission, reason: str) -> None:
    source_of(submission).returned(actor, submission, reason)


def completed(actor: Any, submission: Submission, summary: str) -> None:
    source_of(submission).completed(actor, submission, summary)


def source_url(submission: Submission) -> str:
    return source_of(submission).url(submission.source_id)
