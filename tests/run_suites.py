"""`make test`'s pytest step: the whole suite on SQLite, then again on PostgreSQL.

PostgreSQL is where concurrency matters (row locks, SKIP LOCKED), so every database test runs there too.
Locally, an unreachable PostgreSQL skips that pass with a clear message; with CI=true it fails the run.
The browser tests run in the SQLite pass (they exercise the screens, not the database engine).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile

from tests.ci_policy import in_ci

DEFAULT_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/postgres"


def postgres_reachable(url: str) -> str | None:
    """None if a connection works, else the reason it does not."""
    import psycopg

    try:
        with psycopg.connect(url.replace("postgres://", "postgresql://", 1), connect_timeout=3):
            return None
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]


def postgres_unavailable(url: str) -> int | None:
    """None if the PostgreSQL pass can run; else the exit code, after saying why it cannot."""
    problem = postgres_reachable(url)
    if problem is None:
        return None
    message = f"PostgreSQL suite SKIPPED: cannot connect to {url} ({problem})."
    if in_ci():
        print(f"FAIL: {message} CI=true requires it.", flush=True)
        return 1
    print(f"{message} Set MADOGUCHI_TEST_POSTGRES_URL to run it.", flush=True)
    return 0


def pytest(env: dict[str, str], args: list[str]) -> int:
    return subprocess.call([sys.executable, "-m", "pytest", *args], env=env)


def main() -> int:
    extra = sys.argv[1:]
    base = dict(os.environ)
    with tempfile.TemporaryDirectory(prefix="madoguchi-test-") as var_dir:
        base["MADOGUCHI_VAR_DIR"] = var_dir
        # Request logs would drown pytest's report; tests that read them capture them themselves.
        base.setdefault("MADOGUCHI_LOG_LEVEL", "WARNING")
        print("== pytest on SQLite (embedded default), with browser tests ==", flush=True)
        code = pytest({**base, "DATABASE_URL": ""}, extra)
        if code != 0:
            return code

        url = os.environ.get("MADOGUCHI_TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)
        unavailable = postgres_unavailable(url)
        if unavailable is not None:
            return unavailable
        print(f"== pytest on PostgreSQL ({url}), without browser tests ==", flush=True)
        return pytest({**base, "DATABASE_URL": url}, ["-m", "not browser", *extra])


if __name__ == "__main__":
    sys.exit(main())
