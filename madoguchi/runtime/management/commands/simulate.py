"""`madoguchi simulate`: the effect simulator from the command line (savings, a year, staffing, any household,
the fit to an office's tickets, the calibration on published figures and the sensitivity to assumptions)."""

from __future__ import annotations

import json
import sys
from argparse import ArgumentParser, ArgumentTypeError
from dataclasses import asdict, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.simulator import (
    AFTER,
    DESIGNS,
    OFFICES,
    OfficeConfig,
    SimulationError,
    StaffingTarget,
    Timings,
    default_table,
    fewest_counters,
    savings,
    simulate_year,
)
from madoguchi.simulator.households import MAX_SIZE, HouseholdTable
from madoguchi.simulator.parameters import ERRAND_UTILISATION, with_errand_load, with_self_service

if TYPE_CHECKING:
    from madoguchi.simulation.households import Measured

BAR_WIDTH = 30
OFFICE_HELP = "a ward office's code in the organization data (default: the first)"


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError as error:
        raise ArgumentTypeError(f"not a whole number: {text!r}") from error
    if value < 1:
        raise ArgumentTypeError(f"must be 1 or more: {text!r}")
    return value


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise ArgumentTypeError(f"a date as YYYY-MM-DD: {text!r}") from error


def _month(text: str) -> int:
    try:
        month = int(text)
    except ValueError as error:
        raise ArgumentTypeError(f"a month from 1 to 12: {text!r}") from error
    if not 1 <= month <= 12:
        raise ArgumentTypeError(f"a month from 1 to 12: {text!r}")
    return month


def _sizes(text: str) -> list[int]:
    try:
        if "-" in text:
            first, last = (int(part) for part in text.split("-", 1))
            sizes = list(range(first, last + 1))
        else:
            sizes = [int(part) for part in text.split(",")]
    except ValueError as error:
        raise ArgumentTypeError(f"sizes like 1-6 or 3,5: {text!r}") from error
    if not sizes or not all(1 <= size <= MAX_SIZE for size in sizes):
        raise ArgumentTypeError(f"household sizes go from 1 to {MAX_SIZE}: {text!r}")
    return sizes


def _measured_line(measured: Measured) -> str:
    return (
        f"counter minutes of {len(measured.minutes)} procedures as measured at {measured.office} from "
        f"{measured.start} to {measured.end} ({measured.visits} visits with a case); the others from the "
        "catalog"
    )


def _measured_arguments(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--measured-from",
        type=_day,
        default=None,
        help="with --measured-to: each procedure's counter minutes as the office recorded them "
        "(tickets and signed cases) from this day, YYYY-MM-DD, in place of the catalog's",
    )
    parser.add_argument("--measured-to", type=_day, default=None, help="last day of --measured-from's period")


class Command(BaseCommand):
    help = "Simulate a ward office before and after the one-stop counter (docs/simulator.md)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        # The offices are the city's own (organization data): checked when the command runs, not here, so
        # that `--help` works before the database is set up.

        saved = sub.add_parser("savings", help="minutes before and after by household size (moving in)")
        saved.add_argument("--office", default=None, help=OFFICE_HELP)
        saved.add_argument(
            "--sizes", type=_sizes, default=list(range(1, MAX_SIZE + 1)), help="e.g. 1-6 or 3,5"
        )
        saved.add_argument("--event", default="tennyu", help="life event of the households (default tennyu)")
        saved.add_argument("--replications", type=_positive, default=200, help="simulated days (default 200)")
        saved.add_argument("--seed", type=int, default=0)
        saved.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
        _measured_arguments(saved)
        saved.add_argument("--json", action="store_true", help="print JSON")

        year = sub.add_parser("year", help="every business day of a year of one office")
        year.add_argument("--office", default=None, help=OFFICE_HELP)
        year.add_argument("--visits", type=_positive, default=None, help="tickets in the year")
        year.add_argument("--design", default=AFTER, choices=DESIGNS)
        year.add_argument("--year", type=int, default=2026)
        year.add_argument("--seed", type=int, default=0)
        year.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
        year.add_argument(
            "--certificate-self-service",
            default=None,
            help="share of certificates issued outside the counter: 0.3, or 'measured' (the last 28 days)",
        )
        _measured_arguments(year)
        year.add_argument("--json", action="store_true", help="print JSON")

        staff = sub.add_parser("staffing", help="fewest one-stop counters per hour meeting a waiting target")
        staff.add_argument("--office", default=None, help=OFFICE_HELP)
        staff.add_argument("--wait", type=float, default=30.0, help="minutes (default 30)")
        staff.add_argument("--share", type=float, default=0.9, help="share of tickets under --wait (0.9)")
        staff.add_argument("--visits", type=_positive, default=None, help="tickets in the year")
        staff.add_argument("--seed", type=int, default=0)
        staff.add_argument("--json", action="store_true", help="print JSON")

        home = sub.add_parser("household", help="any households (household-facts/v1) before and after")
        home.add_argument("facts", help="a JSON file of one household, or JSON lines of several; - for stdin")
        home.add_argument("--office", default=None, help=OFFICE_HELP)
        home.add_argument("--design", default="both", choices=[*DESIGNS, "both"])
        home.add_argument("--month", type=_month, default=None, help="simulate days of this month (1-12)")
        home.add_argument("--replications", type=_positive, default=100, help="simulated days (default 100)")
        home.add_argument("--seed", type=int, default=0)
        home.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
        _measured_arguments(home)
        home.add_argument("--json", action="store_true", help="print JSON")

        fit = sub.add_parser("fit", help="fit the office's queues from its tickets and simulate that period")
        fit.add_argument("--office", default=None, help=OFFICE_HELP)
        fit.add_argument(
            "--from", dest="start", type=_day, required=True, help="first business day, YYYY-MM-DD"
        )
        fit.add_argument("--to", dest="end", type=_day, required=True, help="last business day, YYYY-MM-DD")
        fit.add_argument("--seed", type=int, default=0)
        fit.add_argument("--json", action="store_true", help="print JSON")

        calibrate = sub.add_parser(
            "calibrate", help="the model against published figures (fitted and held out), on the example ward"
        )
        calibrate.add_argument("--fit", action="store_true", help="search the free parameters again first")
        calibrate.add_argument(
            "--replications", type=_positive, default=240, help="simulated days per evaluation (default 240)"
        )
        calibrate.add_argument("--seed", type=int, default=0)
        calibrate.add_argument(
            "--errand-load",
            type=float,
            default=None,
            help="share of each department's counters after the change busy with its own residents "
            f"(0 or more, under 1; default {ERRAND_UTILISATION})",
        )
        calibrate.add_argument("--json", action="store_true", help="print JSON")

        swing = sub.add_parser("sensitivity", help="minutes saved as each assumption moves over its range")
        swing.add_argument("--office", default=None, help=OFFICE_HELP)
        swing.add_argument("--event", default="tennyu", help="life event of the household (default tennyu)")
        swing.add_argument("--size", type=_sizes, default=[3], help="household size (default 3)")
        swing.add_argument("--replications", type=_positive, default=40, help="simulated days (default 40)")
        swing.add_argument("--seed", type=int, default=0)
        swing.add_argument("--workers", type=_positive, default=None, help="processes (default: all cores)")
        swing.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "fit":
            self._fit(options)
            return
        if options["subcommand"] == "calibrate":
            self._calibrate(options)
            return
        config = self._office(options["office"])
        try:
            if options["subcommand"] == "savings":
                self._savings(config, options)
            elif options["subcommand"] == "year":
                self._year(config, options)
            elif options["subcommand"] == "household":
                self._household(config, options)
            elif options["subcommand"] == "sensitivity":
                self._sensitivity(config, options)
            else:
                self._staffing(config, options)
        except SimulationError as error:
            raise CommandError(str(error), returncode=2) from error

    def _office(self, code: str | None) -> OfficeConfig:
        from madoguchi.simulation.offices import UnknownOffice, office_config, simulated_offices

        offices = [office.code for office in simulated_offices()]
        if not offices:
            raise CommandError(
                "no ward office with a one-stop queue and counters in the organization data "
                "(load the city's organization, or the demo city with `madoguchi demo`)",
                returncode=2,
            )
        try:
            return office_config(code or offices[0])
        except UnknownOffice as error:
            raise CommandError(
                f"--office: no ward office {code!r}; the offices are {', '.join(offices)}", returncode=2
            ) from error

    def _fit(self, options: dict[str, Any]) -> None:
        from madoguchi.simulation.fit import NoHistory, fit_office, fit_report
        from madoguchi.simulator.fitted import simulate_fitted

        config = self._office(options["office"])
        from madoguchi.organization.models import Office

        try:
            fitted = fit_office(Office.objects.get(code=config.code), options["start"], options["end"])
        except NoHistory as error:
            raise CommandError(f"{config.code}: {error}", returncode=2) from error
        report = fit_report(fitted, simulate_fitted(fitted, options["seed"]))
        if options["json"]:
            self.stdout.write(json.dumps(report, ensure_ascii=False))
            return
        self.stdout.write(
            f"{config.name} {options['start']}..{options['end']}: {len(fitted.days)} business days, "
            f"{report['transfer']:.1%} of one-stop residents handed over"
        )
        weekdays = "  ".join(
            f"{'月火水木金土日'[day]} {factor:.2f}" for day, factor in sorted(fitted.weekday_factors.items())
        )
        self.stdout.write(f"weekday factors: {weekdays}")
        for queue in report["queues"]:
            daily = sum(queue["daily_by_month"].values()) / max(1, len(queue["daily_by_month"]))
            recorded = queue["recorded"]
            (mean_low, mean_high), (p90_low, p90_high) = (
                queue["simulated_mean_band"],
                queue["simulated_p90_band"],
            )
            verdict = "within" if queue["recorded_within_simulated"] else "OUTSIDE"
            self.stdout.write(
                f"{queue['name']}: {queue['counters']} counters, {daily:.1f} tickets a day, "
                f"{queue['service_mean']:.1f} min a resident (CV {queue['service_cv']:.2f}), "
                f"no-show {queue['no_show']:.1%}; wait recorded mean {recorded['mean']:.1f} "
                f"(simulated {mean_low:.1f}-{mean_high:.1f}), p90 {recorded['p90']:.1f} "
                f"(simulated {p90_low:.1f}-{p90_high:.1f}) min: {verdict} the simulated runs"
            )

    def _calibrate(self, options: dict[str, Any]) -> None:
        from madoguchi.simulator.calibration import FITTED, HELD_OUT, evaluate, fit, loss, residuals

        office = OFFICES["chuo"]
        if options["errand_load"] is not None:
            try:
                office = with_errand_load(office, options["errand_load"])
            except ValueError as error:
                raise CommandError(f"--errand-load: {error}", returncode=2) from error

        def evaluator(timings: Timings) -> Any:
            replications, seed = options["replications"], options["seed"]
            return evaluate(timings, office=office, replications=replications, seed=seed)

        timings = Timings()
        at_bounds: tuple[str, ...] = ()
        if options["fit"]:
            found = fit(evaluator=evaluator, progress=lambda line: self.stderr.write(line))
            timings, at_bounds = found.timings, found.at_bounds
        rows = residuals(evaluator(timings))
        if options["json"]:
            data = {
                "timings": asdict(timings),
                "at_bounds": list(at_bounds),
                "loss": {role: round(loss(rows, role), 3) for role in (FITTED, HELD_OUT)},
                "targets": [row.as_json() for row in rows],
            }
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write("target                               role      published  simulated  residual")
        for row in rows:
            verdict = "within" if row.within else f"OUTSIDE {row.target.low:g}-{row.target.high:g}"
            self.stdout.write(
                f"{row.target.key:<36} {row.target.role:<9} {row.target.published:9.2f}  {row.simulated:9.2f}"
                f"  {row.residual:+8.2f}  {verdict}"
            )
        for role in (FITTED, HELD_OUT):
            self.stdout.write(f"sum of squared scores, {role}: {loss(rows, role):.2f}")
        if options["fit"]:
            changed = {
                name: value for name, value in asdict(timings).items() if value != getattr(Timings(), name)
            }
            self.stdout.write(f"fitted: {changed or 'no change'}; at a bound: {list(at_bounds)}")

    def _sensitivity(self, config: OfficeConfig, options: dict[str, Any]) -> None:
        from madoguchi.simulator.sensitivity import sensitivity

        if len(options["size"]) != 1:
            raise CommandError("--size: one household size", returncode=2)
        found = sensitivity(
            config,
            options["event"],
            options["size"][0],
            options["replications"],
            options["seed"],
            workers=options["workers"],
            progress=self._progress_bar("sensitivity"),
        )
        self._clear_bar()
        if options["json"]:
            self.stdout.write(json.dumps(found.as_json(), ensure_ascii=False))
            return
        self.stdout.write(f"{config.code}: {found.output}: {found.base:.1f} with every parameter as set")
        for swing in found.swings:
            self.stdout.write(
                f"{swing.name:<26} {swing.low_value:8.3g} → {swing.low_result:6.1f}   "
                f"{swing.high_value:8.3g} → {swing.high_result:6.1f}   ({swing.what})"
            )

    def _household(self, config: OfficeConfig, options: dict[str, Any]) -> None:
        from madoguchi.simulation.households import (
            FactsFileError,
            follow_households,
            measure,
            read_facts_file,
        )

        measured = self._measured(config, options)
        try:
            households = read_facts_file(options["facts"])
            if measured is not None:
                households = measure(households, measured, config)
            report = follow_households(
                config,
                households,
                designs=DESIGNS if options["design"] == "both" else (options["design"],),
                month=options["month"],
                replications=options["replications"],
                seed=options["seed"],
                workers=options["workers"],
                progress=self._progress_bar("household"),
            )
        except FactsFileError as error:
            raise CommandError(str(error), returncode=2) from error
        self._clear_bar()
        if options["json"]:
            data = report.as_json()
            if measured is not None:
                data["measured"] = measured.as_json()
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        from madoguchi.simulation.households import describe

        lines = describe(report, config)
        if measured is not None:
            lines.insert(1, _measured_line(measured))
        self.stdout.write("\n".join(lines))

    def _measured(self, config: OfficeConfig, options: dict[str, Any]) -> Measured | None:
        """The office's measured minutes per procedure for --measured-from/--measured-to, if given."""
        from madoguchi.simulation.households import FactsFileError, measured_minutes

        start, end = options["measured_from"], options["measured_to"]
        if (start is None) != (end is None):
            raise CommandError("--measured-from and --measured-to go together: give both days", returncode=2)
        if start is None or end is None:
            return None
        if end < start:
            raise CommandError("--measured-to: the last day is before --measured-from", returncode=2)
        try:
            return measured_minutes(config.code, start, end)
        except FactsFileError as error:
            raise CommandError(str(error), returncode=2) from error

    def _table(self, config: OfficeConfig, options: dict[str, Any]) -> tuple[HouseholdTable, Measured | None]:
        """The household types of a savings or year run: with the measured minutes, if asked for."""
        from madoguchi.simulation.households import measured_table

        measured = self._measured(config, options)
        if measured is None:
            return default_table(), None
        return measured_table(measured, config), measured

    def _savings(self, config: OfficeConfig, options: dict[str, Any]) -> None:
        table, measured = self._table(config, options)
        report = savings(
            config,
            options["sizes"],
            options["replications"],
            options["seed"],
            event=options["event"],
            table=table,
            workers=options["workers"],
            progress=self._progress_bar("savings"),
        )
        self._clear_bar()
        if options["json"]:
            data = report.as_json()
            if measured is not None:
                data["measured"] = measured.as_json()
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(f"{report.office}: {options['event']}, {report.replications} simulated days")
        if measured is not None:
            self.stdout.write(_measured_line(measured))
        self.stdout.write("size  before  after  saved (minutes)")
        for row in report.rows:
            self.stdout.write(
                f"{row.size:>4}  {row.before.total:6.1f}  {row.after.total:5.1f}  {row.saved:5.1f}"
            )

    def _year(self, config: OfficeConfig, options: dict[str, Any]) -> None:
        chosen = options.get("certificate_self_service")
        share = None
        if chosen == "measured":
            from madoguchi.certificates.actions import self_service_share

            share = self_service_share(config.code) or 0.0
        elif chosen is not None:
            try:
                share = float(chosen)
                config = with_self_service(config, share)
            except ValueError as error:
                raise CommandError(f"--certificate-self-service: {error}", returncode=2) from error
        if chosen == "measured":
            config = with_self_service(config, share or 0.0)
        if share is not None:
            self.stderr.write(f"certificates issued outside the counter: {share:.0%} of requests")
        table, measured = self._table(config, options)
        report = simulate_year(
            config,
            options["visits"],
            options["seed"],
            design=options["design"],
            year=options["year"],
            table=table,
            workers=options["workers"],
            progress=self._progress_bar("year"),
        )
        self._clear_bar()
        if options["json"]:
            data = report.as_json()
            if measured is not None:
                data["measured"] = measured.as_json()
            self.stdout.write(json.dumps(data, ensure_ascii=False))
            return
        self.stdout.write(
            f"{report.office} {report.year} ({report.design}): {report.visits} visits and {report.errands} "
            f"on a department's own business on {report.days} days, {report.events} events in "
            f"{report.wall_s:.1f} s"
        )
        if measured is not None:
            self.stdout.write(_measured_line(measured))
        self.stdout.write("queue           tickets  mean wait  p90 wait  utilisation")
        for queue in report.queues:
            self.stdout.write(
                f"{queue.queue:<14} {queue.tickets:>8}  {queue.mean_wait_min:9.1f}  {queue.p90_wait_min:8.1f}"
                f"  {queue.utilisation:11.0%}"
            )

    def _staffing(self, config: OfficeConfig, options: dict[str, Any]) -> None:
        if options["visits"] is not None:
            config = replace(config, visits_per_year=options["visits"])
        plan = fewest_counters(
            config, StaffingTarget(options["wait"], options["share"]), seed=options["seed"], workers=1
        )
        if options["json"]:
            data = {
                "queue": plan.queue,
                "hours": list(plan.hours),
                "counters": list(plan.schedule),
                "share_within": plan.share_within,
                "evaluations": plan.evaluations,
            }
            self.stdout.write(json.dumps(data))
            return
        for hour, counters in zip(plan.hours, plan.schedule, strict=True):
            self.stdout.write(f"{hour:02d}:00  {counters} counters")
        self.stdout.write(f"{plan.share_within:.1%} of tickets wait under {options['wait']:g} minutes")

    def _progress_bar(self, label: str) -> Any:
        if not sys.stderr.isatty():
            return None

        def show(fraction: float) -> None:
            done = int(fraction * BAR_WIDTH)
            sys.stderr.write(f"\r{label} [{'#' * done}{'.' * (BAR_WIDTH - done)}] {fraction:4.0%}")
            sys.stderr.flush()

        return show

    def _clear_bar(self) -> None:
        if sys.stderr.isatty():
            sys.stderr.write("\r" + " " * (BAR_WIDTH + 20) + "\r")
            sys.stderr.flush()
