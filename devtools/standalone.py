"""What a benchmark job run on its own (`python bench/<job>.py`) does before it measures: its own
PostgreSQL database, created if missing and migrated, then Django set up. No Django import at the top:
the job calls this before Django is configured."""

import os
import subprocess
import sys
import time
from pathlib import Path


def _ensure_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def standalone_setup(*, default_database: str, root: Path) -> str:
    """DATABASE_URL (or the job's default) created and migrated, Django set up; returns the URL."""
    url = os.environ.get("DATABASE_URL") or default_database
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
    os.environ.setdefault("DB_POOL", "0")
    _ensure_database(url)

    import django

    # Migrate in a child process, so this process's peak memory is the job's only.
    started = time.perf_counter()
    subprocess.run([sys.executable, str(root / "manage.py"), "migrate", "-v0"], check=True, env=os.environ)  # noqa: S603
    print(f"database {url.rsplit('/', 1)[1]} migrated in {time.perf_counter() - started:.1f} s")
    django.setup()
    return url
