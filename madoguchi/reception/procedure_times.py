"""Counter minutes per procedure, read off the recorded tickets and the signed plans of their cases.

A ticket records how long a resident was at a counter, not which procedure took how long. A visit with a
case, though, has both: its counter time (the handling times of the case's tickets: the one-stop counter
and any department it was handed over to) and the procedures the resident signed for. The counter time of
a visit is modelled as the sum of the minutes of its plan's procedures,

    minutes(visit) = Σ minutes(procedure of the visit) + noise,

fitted by non-negative least squares (`scipy.optimize.nnls`): the time study a city would do with a
stopwatch, read off what the counter already records. Each figure's 90% interval comes from a bootstrap
over the visits.

What such data cannot tell apart is said, not guessed:
- procedures whose visits are always the same (one never comes without the other) are fitted and shown
  as one row;
- a procedure whose minutes are a combination of others' in every visit (the design has a null space
  that touches it) has no figure of its own; its time is in the others' (`identified` is False);
- a visit's fixed time (reception, identity check) has no column of its own: every visit signs its
  event's notification (転入届, 死亡届...), and that procedure's minutes carry it. A separate base would be
  the same null space.
A procedure signed in fewer than `MIN_VISITS` visits is fitted (so its time does not land on the others)
but its figure is not shown.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import median

import numpy as np
from scipy.optimize import nnls

from madoguchi.organization.models import Office
from madoguchi.reception.models import Ticket
from madoguchi.submissions.models import Submission

MIN_VISITS = 10  # a procedure's minutes are shown only when this many visits signed for it
MIN_FIT_VISITS = 30  # fewer visits in the period: no fit at all
RESAMPLES = 200  # bootstrap resamples for the 90% intervals
_CHUNK = 500  # ids per query (SQLite's limit on parameters)


@dataclass(frozen=True)
class ProcedureMinutes:
    """One procedure (or several that always come together) and its estimated counter minutes."""

    codes: tuple[str, ...]
    visits: int  # visits whose signed plan held it
    visit_median: float  # median counter minutes of those visits (all their procedures)
    minutes: float | None  # its own share of a visit's counter minutes; None: too few visits, not identified
    low: float | None  # 90% interval
    high: float | None
    identified: bool = True  # False: the data cannot separate it from the others (see the module)


@dataclass(frozen=True)
class ProcedureFit:
    visits: int  # visits with counter time and a signed plan
    r_squared: float | None  # share of the visits' variance the fit explains (None: no fit, or no variance)
    procedures: tuple[ProcedureMinutes, ...]  # those with a figure first; then by visits, most first
    fitted: bool = True  # False: too few visits (MIN_FIT_VISITS) to fit

    def minutes_by_code(self) -> dict[str, float]:
        """Each shown procedure's minutes by code (a group's minutes split evenly among its codes)."""
        found: dict[str, float] = {}
        for row in self.procedures:
            if row.minutes is not None:
                for code in row.codes:
                    found[code] = row.minutes / len(row.codes)
        return found


def _solve(gram: np.ndarray, moment: np.ndarray) -> np.ndarray:
    """Non-negative least squares from the normal equations: min |Xb - y|² for b ≥ 0 is min |Rb - c|²
    with R'R = X'X and R'c = X'y (a tiny ridge keeps R defined when a column is empty in a resample)."""
    size = gram.shape[0]
    upper = np.linalg.cholesky(gram + 1e-9 * (np.trace(gram) / size + 1.0) * np.eye(size)).T
    target = np.linalg.solve(upper.T, moment)
    solution, _ = nnls(upper, target)
    return solution


def _identified(design: np.ndarray) -> np.ndarray:
    """For each column, whether its coefficient is determined by the rows: no null-space vector of the
    design touches it."""
    _, singular, rows = np.linalg.svd(design, full_matrices=True)
    rank = int((singular > singular.max(initial=0.0) * 1e-9).sum())
    null = rows[rank:]
    if not len(null):
        return np.ones(design.shape[1], dtype=bool)
    return np.abs(null).max(axis=0) < 1e-6


def usable(visits: Sequence[tuple[float, Sequence[str]]]) -> list[tuple[float, tuple[str, ...]]]:
    """The visits a fit can use: some counter time and at least one procedure (each procedure once)."""
    return [(minutes, tuple(dict.fromkeys(codes))) for minutes, codes in visits if minutes > 0 and codes]


def fit_procedure_minutes(
    visits: Sequence[tuple[float, Sequence[str]]], *, resamples: int = RESAMPLES, seed: int = 0
) -> ProcedureFit:
    """Fit each procedure's minutes to `visits` (counter minutes, procedure codes)."""
    # sorted: the fit, and the bootstrap's resamples with it, depend on the visits and not on the order a
    # database returned them in (the same interval at every reading of the page, on SQLite or PostgreSQL)
    kept = sorted(usable(visits))
    holding: dict[str, list[int]] = defaultdict(list)
    for index, (_, codes) in enumerate(kept):
        for code in codes:
            holding[code].append(index)
    # procedures with the same visits are one column: no data of this kind tells them apart
    groups: dict[tuple[int, ...], list[str]] = defaultdict(list)
    for code, indexes in holding.items():
        groups[tuple(indexes)].append(code)
    ordered = sorted(groups.items(), key=lambda item: (-len(item[0]), item[1][0]))
    minutes = np.array([minutes for minutes, _ in kept], dtype=float)
    medians = [float(median(minutes[list(indexes)])) for indexes, _ in ordered]
    if len(kept) < MIN_FIT_VISITS:
        rows = tuple(
            ProcedureMinutes(tuple(codes), len(indexes), medians[number], None, None, None)
            for number, (indexes, codes) in enumerate(ordered)
        )
        return ProcedureFit(len(kept), None, rows, fitted=False)
    # the design matrix, its identical rows counted once (visits of the same plan): the bootstrap's
    # normal equations are then sums over the distinct plans, whatever the number of visits
    design = np.zeros((len(kept), len(ordered)))
    for column, (rows_with, _) in enumerate(ordered):
        design[list(rows_with), column] = 1.0
    distinct, row_of = np.unique(design, axis=0, return_inverse=True)
    row_of = row_of.ravel()
    identified = _identified(distinct)

    def estimate(weights: np.ndarray) -> np.ndarray:
        counts = np.bincount(row_of, weights=weights, minlength=len(distinct))
        sums = np.bincount(row_of, weights=weights * minutes, minlength=len(distinct))
        return _solve((distinct * counts[:, None]).T @ distinct, distinct.T @ sums)

    solution = estimate(np.ones(len(kept)))
    residual = minutes - design @ solution
    spread = float(((minutes - minutes.mean()) ** 2).sum())
    r_squared = 1.0 - float((residual**2).sum()) / spread if spread > 0 else None
    generator = np.random.default_rng(seed)
    even = np.full(len(kept), 1.0 / len(kept))
    draws = np.array([estimate(generator.multinomial(len(kept), even)) for _ in range(resamples)])
    low, high = np.percentile(draws, [5.0, 95.0], axis=0)
    fitted: list[ProcedureMinutes] = []
    for number, (members, names) in enumerate(ordered):
        shown = len(members) >= MIN_VISITS and bool(identified[number])
        fitted.append(
            ProcedureMinutes(
                codes=tuple(names),
                visits=len(members),
                visit_median=medians[number],
                minutes=float(solution[number]) if shown else None,
                low=float(low[number]) if shown else None,
                high=float(high[number]) if shown else None,
                identified=bool(identified[number]),
            )
        )
    fitted.sort(key=lambda row: row.minutes is None)  # the figures first, each part most signed first
    return ProcedureFit(len(kept), r_squared, tuple(fitted))


def visit_minutes(office: Office, start: date, end: date) -> list[tuple[float, list[str]]]:
    """Each case's counter minutes at `office` from `start` to `end` (the handling times of its tickets
    there), with the counter procedures of its latest signed plan; cases never signed are left out."""
    handled: dict[str, float] = defaultdict(float)
    tickets = Ticket.objects.filter(
        office=office,
        business_day__gte=start,
        business_day__lte=end,
        case__isnull=False,
        status__in=[Ticket.Status.DONE, Ticket.Status.TRANSFERRED],
        serving_at__isnull=False,
        finished_at__isnull=False,
    ).values_list("case_id", "serving_at", "finished_at")
    for case_id, serving, finished in tickets.iterator(chunk_size=2000):
        if serving is not None and finished is not None:  # (filtered above; the types do not know it)
            handled[str(case_id)] += max(0.0, (finished - serving).total_seconds() / 60.0)
    return signed_visits(handled)


def signed_visits(handled: Mapping[str, float]) -> list[tuple[float, list[str]]]:
    """Each case's counter minutes (`handled`: case id → minutes) with the counter procedures of its latest
    signed plan; cases never signed are left out."""
    signed: dict[str, tuple[int, list[str]]] = {}
    ids = list(handled)
    for first in range(0, len(ids), _CHUNK):
        rows = Submission.objects.filter(
            source=Submission.Source.CASE, source_id__in=ids[first : first + _CHUNK]
        ).values_list("source_id", "version", "counter_procedures")
        for source_id, version, codes in rows:
            if source_id not in signed or signed[source_id][0] < version:
                signed[source_id] = (version, list(codes or ()))
    return [(handled[case], codes) for case, (_, codes) in signed.items()]


def office_procedure_minutes(office: Office, start: date, end: date) -> ProcedureFit:
    return fit_procedure_minutes(visit_minutes(office, start, end))
