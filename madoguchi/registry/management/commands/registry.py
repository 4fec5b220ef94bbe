"""`madoguchi registry generate --residents N [--seed S]` loads the simulated core system's population;
`madoguchi registry show CODE` prints one resident as the adapter answers it (for demos and support)."""

from __future__ import annotations

import sys
import time
from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.registry import population
from madoguchi.registry.actions import do_load_population
from madoguchi.registry.adapter import registry

MAX_RESIDENTS = 5_000_000


def _count(text: str) -> int:
    try:
        value = int(text.replace("_", "").replace(",", ""))
    except ValueError:
        raise CommandError(f"--residents: not a whole number: {text!r}", returncode=2) from None
    if not 1 <= value <= MAX_RESIDENTS:
        raise CommandError(f"--residents: between 1 and {MAX_RESIDENTS:,}", returncode=2)
    return value


class Command(BaseCommand):
    help = "The simulated core system (住民記録・印鑑登録・税): generate the population, show a resident."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="command", required=True)
        generate = sub.add_parser(
            "generate", help="replace the synthetic population (deterministic per seed)"
        )
        generate.add_argument("--residents", default=str(population.DEFAULT_RESIDENTS))
        generate.add_argument("--million", action="store_true", help="1,000,000 residents")
        generate.add_argument("--seed", default=str(population.DEFAULT_SEED))
        show = sub.add_parser("show", help="one resident as the adapter answers it")
        show.add_argument("code")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["command"] == "show":
            record = registry().resident(options["code"])
            if record is None:
                raise CommandError(f"{options['code']}: no such resident", returncode=1)
            for key, value in record.__dict__.items():
                self.stdout.write(f"{key}: {value}")
            return
        residents = 1_000_000 if options["million"] else _count(options["residents"])
        try:
            seed = int(options["seed"])
        except ValueError:
            raise CommandError(f"--seed: not a whole number: {options['seed']!r}", returncode=2) from None
        started = time.perf_counter()

        def progress(done: int) -> None:
            sys.stderr.write(f"\r{done:,} / {residents:,} residents ({done * 100 // residents} %)")
            sys.stderr.flush()

        loaded = do_load_population(
            SystemActor("registry generate"), population.generate(residents, seed), progress=progress
        )
        sys.stderr.write("\n")
        self.stdout.write(f"{loaded:,} residents (seed {seed}) in {time.perf_counter() - started:.1f} s")
