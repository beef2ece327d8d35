"""A throw-away Trygg installation driven through its CLI in subprocesses.

For tests that must kill a process, run a real server or compare two databases: each
installation has its own TRYGG_VAR_DIR and database (a SQLite file; with DATABASE_URL on
PostgreSQL, a database named after the test run's, created and dropped here).
"""

import os
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import dj_database_url

ROOT = Path(__file__).resolve().parent.parent
TRYGG = [sys.executable, "-m", "trygg.cli"]


def on_postgres() -> bool:
    return os.environ.get("DATABASE_URL", "").startswith(("postgres://", "postgresql://"))


class Installation:
    def __init__(self, var: Path, backend: str = "sqlite"):
        self.var = var
        self.var.mkdir(parents=True, exist_ok=True)
        self.backend = backend
        self.pg_name = ""
        if backend == "postgres":
            base = dj_database_url.parse(os.environ["DATABASE_URL"])
            self.pg_name = f"{base['NAME']}_x{uuid.uuid4().hex[:8]}"
            self.url = _pg_url(base, self.pg_name)
            self._admin(f"CREATE DATABASE {self.pg_name}")
        else:
            self.url = f"sqlite:///{var / 'trygg.sqlite3'}"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
        return env | {
            "DATABASE_URL": self.url,
            "TRYGG_VAR_DIR": str(self.var),
            "DJANGO_SETTINGS_MODULE": "trygg.settings",
            "PYTHONPATH": str(ROOT),
            "DEBUG": "0",
        }

    @property
    def media(self) -> Path:
        return self.var / "media"

    def trygg(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            [*TRYGG, *args], env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and done.returncode:
            raise AssertionError(f"trygg {' '.join(args)}: {done.returncode}\n{done.stderr}")
        return done

    def python(self, code: str) -> str:
        """Run Django code in the installation; returns its standard output."""
        script = "import django\ndjango.setup()\n" + textwrap.dedent(code)
        done = subprocess.run(
            [sys.executable, "-c", script],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        if done.returncode:
            raise AssertionError(f"python failed: {done.returncode}\n{done.stderr}")
        return done.stdout

    def popen(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [*TRYGG, *args],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def drop(self) -> None:
        if self.pg_name:
            self._admin(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")

    def _admin(self, sql: str) -> None:
        import psycopg

        base = dj_database_url.parse(os.environ["DATABASE_URL"])
        with psycopg.connect(_pg_url(base, "postgres"), autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[call-overload]


def _pg_url(base: dict[str, Any], name: str) -> str:
    user = base.get("USER") or "postgres"
    password = f":{base['PASSWORD']}" if base.get("PASSWORD") else ""
    host = base.get("HOST") or "127.0.0.1"
    port = base.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{name}"


def backends() -> list[str]:
    return ["sqlite", "postgres"] if on_postgres() else ["sqlite"]
