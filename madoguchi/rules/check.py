"""`python -m madoguchi.rules.check DIR`: validate a catalog directory; exit 1 with file:line: reason."""

from __future__ import annotations

import sys
from pathlib import Path

from madoguchi.rules.catalog import DEFAULT_CATALOG_DIR, CatalogError, load_catalog


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    directory = Path(args[0]) if args else DEFAULT_CATALOG_DIR
    try:
        catalog = load_catalog(directory)
    except CatalogError as error:
        print(f"{error.file}:{error.line}: {error.reason}", file=sys.stderr)  # noqa: T201
        return 1
    departments = {p.department for p in catalog.procedures}
    print(  # noqa: T201
        f"OK: catalog {catalog.version}: {len(catalog.procedures)} procedures, "
        f"{len(departments)} departments with procedures"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
