"""`madoguchi catalog load|export|check`: the procedure catalog between YAML and the database."""

from __future__ import annotations

from argparse import ArgumentParser
from pathlib import Path
from typing import Any

import yaml
from django.core.management.base import BaseCommand, CommandError

from madoguchi.audit.chain import SystemActor
from madoguchi.catalog.actions import do_load_catalog
from madoguchi.catalog.models import CatalogVersion, Procedure
from madoguchi.catalog.service import meta_spec, procedure_spec
from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, CatalogError, load_catalog


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)


class Command(BaseCommand):
    help = "Load the catalog YAML into the database, export it back, or check a catalog directory."

    def add_arguments(self, parser: ArgumentParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, text in [
            ("load", "validate and load a catalog directory (default: the city's catalog in the package)"),
            ("check", "validate a catalog directory without loading it"),
        ]:
            command = sub.add_parser(name, help=text)
            command.add_argument("directory", nargs="?", type=Path, default=DEFAULT_CATALOG_DIR)
        export = sub.add_parser(
            "export", help="write the database catalog as YAML (catalog.yaml, procedures/)"
        )
        export.add_argument("directory", type=Path)

    def handle(self, *args: Any, **options: Any) -> None:
        directory: Path = options["directory"]
        try:
            if options["subcommand"] == "check":
                catalog = load_catalog(directory)
                self.stdout.write(f"OK: {len(catalog.procedures)} procedures in {directory}")
            elif options["subcommand"] == "load":
                catalog, changed = do_load_catalog(SystemActor("catalog"), directory)
                self.stdout.write(
                    f"catalog {catalog.version}: {len(catalog.procedures)} procedures, {changed} changed"
                )
            else:
                self.export(directory)
        except CatalogError as error:
            raise CommandError(f"{error.file}:{error.line}: {error.reason}") from error

    def export(self, directory: Path) -> None:
        (directory / "procedures").mkdir(parents=True, exist_ok=True)
        version = CatalogVersion.objects.filter(id=1).first()
        meta = meta_spec(version.label if version else "")
        (directory / "catalog.yaml").write_text(_dump(meta), encoding="utf-8")
        by_department: dict[str, list[dict[str, Any]]] = {}
        rows = (
            Procedure.objects.filter(active=True)
            .select_related("department")
            .order_by("department__sort_order")
        )
        for row in rows:
            by_department.setdefault(row.department.code, []).append(procedure_spec(row))
        for department, specs in by_department.items():
            path = directory / "procedures" / f"{department}.yaml"
            path.write_text(_dump(specs), encoding="utf-8")
        self.stdout.write(f"exported {sum(map(len, by_department.values()))} procedures to {directory}")
