"""One shape for every state machine of madoguchi (tickets, cases, work items, reservations, ...).

A machine is a list of named steps: from which states each is allowed, the state it leads to, the time
field it stamps, and the audit event it records. Actions apply a step to a locked row; views ask the same
machine which steps a row allows now, so that a page draws exactly the buttons that will work:

    TICKET = Machine("status", [Step("finish", {SERVING}, DONE, stamp="finished_at"), ...],
                     error=TicketStateError, audit="reception.ticket.{target}")
    before, fields = TICKET.apply(locked, "finish", now)     # raises TicketStateError when not allowed
    TICKET.allows(ticket, "finish")                          # for the page

The machine only moves the state and the stamp: the action saves the row with the fields it returns,
writes the audit entry (`machine.event(step)`) and does what the step means (a new ticket, a notice).
Background work that must not wait for locks (task workers claiming, a run finishing) takes the same
steps with `machine.update(queryset, step, now)`, one conditional UPDATE.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class Step:
    name: str
    sources: Collection[str]  # the states the step is allowed from
    target: str
    stamp: str | None = None  # the time field set when the step is taken

    def __post_init__(self) -> None:
        object.__setattr__(self, "sources", frozenset(str(state) for state in self.sources))
        object.__setattr__(self, "target", str(self.target))


class Machine:
    """The steps of one model's state field. `error(row, step)` builds the error a refused step raises;
    `audit` is the audit event's code, with `{target}` and `{step}` filled in."""

    def __init__(
        self,
        field: str,
        steps: Iterable[Step],
        *,
        error: Callable[[Any, Step], Exception],
        audit: str,
    ) -> None:
        self.field = field
        self.steps = {step.name: step for step in steps}
        self.error = error
        self.audit = audit

    def state_of(self, row: Any) -> str:
        return str(getattr(row, self.field))

    def step(self, name: str) -> Step:
        try:
            return self.steps[name]
        except KeyError:
            raise LookupError(f"no step {name!r}; the steps are {sorted(self.steps)}") from None

    def allows(self, row: Any, name: str) -> bool:
        return self.state_of(row) in self.step(name).sources

    def allowed(self, row: Any) -> list[str]:
        """The names of the steps the row allows now, in the order they were declared (for the page)."""
        state = self.state_of(row)
        return [name for name, step in self.steps.items() if state in step.sources]

    def targets(self) -> set[str]:
        return {step.target for step in self.steps.values()}

    def check(self, row: Any, name: str) -> Step:
        step = self.step(name)
        if self.state_of(row) not in step.sources:
            raise self.error(row, step)
        return step

    def apply(self, row: Any, name: str, now: datetime) -> tuple[str, list[str]]:
        """Move `row` (locked by the caller) by the step: its state before, and the fields to save."""
        step = self.check(row, name)
        before = self.state_of(row)
        setattr(row, self.field, step.target)
        fields = [self.field]
        if step.stamp:
            setattr(row, step.stamp, now)
            fields.append(step.stamp)
        return before, fields

    def update(self, queryset: Any, name: str, now: datetime, /, **fields: Any) -> int:
        """Take the step on `queryset` without locking them: one conditional UPDATE that changes
        only the rows still in one of the step's from-states. How many it changed: 0 means another
        process took them first, which background workers read as "not mine any more"."""
        step = self.step(name)
        values = {self.field: step.target, **fields}
        if step.stamp:
            values[step.stamp] = now
        return int(queryset.filter(**{f"{self.field}__in": sorted(step.sources)}).update(**values))

    def event(self, step: Step | str) -> str:
        chosen = self.step(step) if isinstance(step, str) else step
        return self.audit.format(target=chosen.target, step=chosen.name)
