"""Reports under load: many reporters' phones sending at once, against a real server process.

Run: `.venv/bin/python bench/load_reports.py` (`--backend sqlite` or `--backend postgres` for
one; `--reports 50` for a quick check). Writes bench/results/load_reports.json (`--out` for
another file). Loopback only: the server listens on 127.0.0.1.

For each backend, on a throw-away database (a temporary SQLite file; a PostgreSQL database
`trygg_bench_<pid>` created and dropped by the run, skipped when no server answers at
BENCH_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432):
1. a setup process migrates, creates Sala (kommun 1981) with its real DeSO areas, the EST
   categories and `--reporters` reporter accounts (password only, as reporters log in);
2. `trygg serve` starts gunicorn on 127.0.0.1 (`--workers`, `--threads`; default as
   `trygg serve`: one process per core, two threads);
3. every reporter logs in through the login form (a real session and CSRF cookie);
4. `--clients` threads, each with its own keep-alive connection and one reporter's session,
   post the phone form (`/k/1981/report/new/`, one event, a fresh `client_key` per report)
   as fast as the server answers. A share of the requests (`--drop`) is sent and the socket
   closed before the answer is read, as a phone losing its network does; the report is then
   sent again with the same client key. Timeouts (5 s) and 5xx answers are retried the same
   way, at most 6 attempts per report, and the whole run is bounded by `--max-seconds`;
5. after the server has stopped, the database is counted: every client key sent must be
   stored exactly once (none lost, none duplicated), with its one event and one audit row.

Reported: reports/s sustained (stored reports / wall time of the load), latency percentiles
of the answered requests (sent → answer read) and of whole reports (first send → stored,
retries after drops included), errors, retries, lost, duplicated, and the CPU milliseconds
per report of the server processes, of the PostgreSQL processes serving the database and of
the load generator (steadier than reports/s on a machine shared with other work).

Peer: the same load against a minimal Django application (`bench/peer_app.py`: no
middleware, no session, no form, one `INSERT … ON CONFLICT DO NOTHING` per request) under
the same gunicorn settings: the ceiling of Django and the database on this machine. The
ratio says how much of that ceiling the real report path reaches.

The load generator runs on the same 2 cores as the server and the database; it is kept
lean (stdlib `http.client`, pre-built request bodies).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
RESULT = ROOT / "bench" / "results" / "load_reports.json"
POSTGRES = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
AREAS = ROOT / "trygg" / "demo" / "data" / "deso2025_sala_1981.geojson"
CODE = "1981"
PASSWORD = "load-test-password-1981"  # noqa: S105 (a throw-away database)
TOWN = (59.91648, 16.61212)
TARGET_PER_S = 200
TARGET_P95_MS = 200
MAX_ATTEMPTS = 6
TIMEOUT_S = 5.0


# The setup and count steps run in their own process, with the backend's DATABASE_URL -------


def setup_database(reporters: int) -> dict[str, Any]:
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", interactive=False, verbosity=0)
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password
    from django.db import connection

    from trygg.areas.services import import_areas
    from trygg.reports.models import Category
    from trygg.tenants.models import Membership, Organisation, Role
    from trygg.tenants.services import create_municipality

    sala = create_municipality(None, CODE, "Sala", center=(59.92, 16.60))
    import_areas(AREAS, sala, kind="deso")
    org = Organisation.objects.create(municipality=sala, name="Sala bevakning", kind="bevakning")
    hashed = make_password(PASSWORD)  # one hash for all: the accounts are made fast
    users = get_user_model().objects.bulk_create(
        get_user_model()(username=f"reporter{i:03d}", password=hashed) for i in range(reporters)
    )
    Membership.objects.bulk_create(
        Membership(user=u, organisation=org, role=Role.REPORTER) for u in users
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE bench_peer (id INTEGER PRIMARY KEY"
            + (
                " AUTOINCREMENT"
                if connection.vendor == "sqlite"
                else " GENERATED ALWAYS AS IDENTITY"
            )
            + ", client_key VARCHAR(64) NOT NULL UNIQUE, body TEXT NOT NULL)"
        )
    category = Category.objects.get(municipality=sala, code="SKA")
    return {
        "users": [u.username for u in users],
        "organisation": org.pk,
        "category": category.pk,
        "subcategory": Category.objects.get(municipality=sala, code="SKA.KLO").pk,
        "database": _database_version(connection),
    }


def _database_version(connection: Any) -> str:
    if connection.vendor == "sqlite":
        return f"sqlite {connection.Database.sqlite_version}"
    major, minor = divmod(connection.pg_version, 10000)
    return f"postgresql {major}.{minor}"


def count_database() -> dict[str, Any]:
    import django

    django.setup()
    from django.db import connection
    from django.db.models import Count

    from trygg.audit.models import AuditEvent
    from trygg.reports.models import Event, Report

    reports = dict(
        Report.objects.values_list("client_key")
        .annotate(n=Count("id"))
        .values_list("client_key", "n")
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT client_key, COUNT(*) FROM bench_peer GROUP BY client_key")
        peer = dict(cursor.fetchall())
    return {
        "reports": reports,
        "events": Event.objects.count(),
        "events_without_report": Event.objects.filter(report__isnull=True).count(),
        "audit_creates": AuditEvent.objects.filter(
            object_type="reports.report", action="create"
        ).count(),
        "peer": peer,
    }


# The load ------------------------------------------------------------------------------------


@dataclass
class Session:
    username: str
    cookie: str
    csrf: str


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # answered requests, seconds
    report_latencies: list[float] = field(default_factory=list)  # whole reports, seconds
    sent: list[str] = field(default_factory=list)
    confirmed: int = 0
    dropped: int = 0
    timeouts: int = 0
    retries: int = 0
    server_errors: int = 0
    form_errors: int = 0
    connection_errors: int = 0
    gave_up: int = 0
    samples: list[str] = field(default_factory=list)


class Client:
    """One phone: a keep-alive connection and a session; posts reports one after another."""

    def __init__(
        self, port: int, path: str, session: Session | None, body: Any, rng: random.Random
    ):
        self.port, self.path, self.session, self.body, self.rng = port, path, session, body, rng
        self.conn: http.client.HTTPConnection | None = None
        self.headers = {"Content-Type": "application/x-www-form-urlencoded"}
        if session:
            self.headers["Cookie"] = f"sessionid={session.cookie}; csrftoken={session.csrf}"

    def connection(self) -> http.client.HTTPConnection:
        if self.conn is None:
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=TIMEOUT_S)
        return self.conn

    def reset(self) -> None:
        if self.conn is not None:
            self.conn.close()
        self.conn = None

    def send(self, key: str, drop_share: float, tally: Tally) -> bool:
        """Send one report until it is confirmed (or the attempts run out)."""
        body = self.body(key, self.session)
        first = time.perf_counter()
        for attempt in range(MAX_ATTEMPTS):
            if attempt:
                tally.retries += 1
            outcome = self._attempt(body, drop_share, tally)
            if outcome == "stored":
                tally.report_latencies.append(time.perf_counter() - first)
                tally.confirmed += 1
                return True
            if outcome == "form":
                return False
        tally.gave_up += 1
        return False

    def _attempt(self, body: bytes, drop_share: float, tally: Tally) -> str:
        conn = self.connection()
        start = time.perf_counter()
        try:
            conn.request("POST", self.path, body, self.headers)
            if self.rng.random() < drop_share:
                # The phone loses its network after sending: the answer is never read.
                self.reset()
                tally.dropped += 1
                return "dropped"
            response = conn.getresponse()
            content = response.read()
        except TimeoutError:
            self.reset()
            tally.timeouts += 1
            return "timeout"
        except (OSError, http.client.HTTPException):
            self.reset()
            tally.connection_errors += 1
            return "connection"
        tally.latencies.append(time.perf_counter() - start)
        if response.getheader("Connection", "").lower() == "close":
            self.reset()
        if response.status == 302:
            return "stored"
        if response.status >= 500:
            tally.server_errors += 1
            return "server"
        tally.form_errors += 1
        if len(tally.samples) < 3:
            tally.samples.append(f"{response.status}: {_errors_in(content)}")
        return "form"


def _errors_in(content: bytes) -> str:
    text = content.decode(errors="replace")
    found = re.findall(r'class="[^"]*error[^"]*"[^>]*>(.*?)<', text, re.S)
    return " | ".join(s.strip() for s in found if s.strip())[:300] or text[:300]


def report_body(setup: dict[str, Any]) -> Any:
    """The phone form's fields, as report.js sends them: one event of graffiti in Sala."""
    now = datetime.now(ZoneInfo("Europe/Stockholm")) - timedelta(minutes=10)
    stamp = now.strftime("%Y-%m-%dT%H:%M")
    fixed = urllib.parse.urlencode(
        {
            "organisation": setup["organisation"],
            "events-TOTAL_FORMS": 1,
            "events-INITIAL_FORMS": 0,
            "events-MIN_NUM_FORMS": 1,
            "events-MAX_NUM_FORMS": 10,
            "events-0-category": setup["category"],
            "events-0-subcategory": setup["subcategory"],
            "events-0-observed_from": stamp,
            "events-0-observed_to": stamp,
            "events-0-lat": TOWN[0],
            "events-0-lon": TOWN[1],
            "events-0-youths": "okant",
            "events-0-insecurity": 2,
            "events-0-description": "Nytt klotter på busskuren vid stationen.",
        }
    )

    def body(key: str, session: Session | None) -> bytes:
        csrf = session.csrf if session else ""
        return f"{fixed}&client_key={key}&csrfmiddlewaretoken={csrf}".encode()

    return body


def peer_body(key: str, session: Session | None) -> bytes:
    return f"client_key={key}&text=Nytt+klotter+p%C3%A5+busskuren+vid+stationen.".encode()


def log_in(port: int, username: str) -> Session:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request("GET", "/login/")
    response = conn.getresponse()
    page = response.read().decode()
    csrf = _cookie(response, "csrftoken")
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token, "no CSRF token on the login page"
    form = urllib.parse.urlencode(
        {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Cookie": f"csrftoken={csrf}",
    }
    conn.request("POST", "/login/", form, headers)
    response = conn.getresponse()
    response.read()
    assert response.status == 302, f"login of {username} failed: {response.status}"
    session = Session(
        username, _cookie(response, "sessionid"), _cookie(response, "csrftoken") or csrf
    )
    conn.close()
    return session


def _cookie(response: http.client.HTTPResponse, name: str) -> str:
    for header in response.headers.get_all("Set-Cookie") or []:
        if header.startswith(name + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return ""


def drive(
    port: int,
    path: str,
    body: Any,
    sessions: list[Session | None],
    *,
    reports: int,
    clients: int,
    drop_share: float,
    max_seconds: float,
    seed: int,
) -> tuple[Tally, float]:
    """`clients` threads send `reports` reports in all; (tally, wall seconds)."""
    tally = Tally()
    lock = threading.Lock()
    remaining = [reports]
    deadline = time.monotonic() + max_seconds

    def work(i: int) -> None:
        rng = random.Random(seed + i)
        client = Client(port, path, sessions[i % len(sessions)], body, rng)
        mine = Tally()
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
            mine.sent.append(key)
            client.send(key, drop_share, mine)
        client.reset()
        with lock:
            _merge(tally, mine)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(clients)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return tally, time.perf_counter() - start


def _merge(into: Tally, part: Tally) -> None:
    for name, value in vars(part).items():
        if isinstance(value, list):
            getattr(into, name).extend(value)
        else:
            setattr(into, name, getattr(into, name) + value)


def percentiles(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "p95": None, "p99": None, "max": None}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"p50": at(0.50), "p95": at(0.95), "p99": at(0.99), "max": round(1000 * ordered[-1], 1)}


# Orchestration ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def database(backend: str, var: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{var / 'trygg.sqlite3'}"
        return
    try:
        import psycopg

        name = f"trygg_bench_{os.getpid()}"
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True, connect_timeout=3) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name}")
            c.execute(f"CREATE DATABASE {name}")
    except Exception as e:
        print(f"skipped postgres: {e}", file=sys.stderr)
        yield None
        return
    try:
        yield f"{POSTGRES}/{name}"
    finally:
        with psycopg.connect(f"{POSTGRES}/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def in_process(mode: str, env: dict[str, str], *extra: str) -> dict[str, Any]:
    out = subprocess.run(  # noqa: S603 (our own script, our own interpreter)
        [sys.executable, __file__, mode, *extra], env=env, capture_output=True, text=True
    )
    if out.returncode:
        raise RuntimeError(f"{mode} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


@contextmanager
def server(
    env: dict[str, str], port: int, workers: int, threads: int, app: str | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    if app is None:
        cmd = [sys.executable, "-m", "trygg.cli", "serve", "--port", str(port)]
        cmd += ["--workers", str(workers), "--threads", str(threads)]
    else:
        cmd = [sys.executable, "-m", "gunicorn", app, "--bind", f"127.0.0.1:{port}"]
        cmd += [
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--chdir",
            str(ROOT / "bench"),
        ]
    log = open(Path(env["TRYGG_VAR_DIR"]) / f"server-{port}.log", "wb")  # noqa: SIM115
    proc = subprocess.Popen(  # noqa: S603 (our own interpreter)
        cmd, env=env | {"ACCESS_LOG": "0"}, stdout=log, stderr=log, start_new_session=True
    )
    try:
        _wait_for(port, proc)
        yield proc
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()


def _wait_for(port: int, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


# CPU time by side: on a machine shared with other work, the machine time a report costs is
# steadier than the reports per second.

TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _cpu_of(pid: int) -> float:
    """User + system seconds of one process (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def _tree(pid: int) -> list[int]:
    """The process and its descendants (the gunicorn master and its workers)."""
    parents: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = [], [pid]
    while todo:
        p = todo.pop()
        found.append(p)
        todo.extend(parents.get(p, []))
    return found


def _database_pids(url: str | None) -> list[int]:
    """The PostgreSQL server processes serving the benchmark's database (none on SQLite)."""
    if not url or not url.startswith("postgres"):
        return []
    import psycopg

    with psycopg.connect(url, autocommit=True) as c:
        query = "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
        rows = c.execute(query + " AND pid <> pg_backend_pid()").fetchall()
    return [int(r[0]) for r in rows]


@dataclass
class CpuMeter:
    """CPU seconds used during the load by the server, the database and this load generator."""

    server_pid: int
    database_url: str | None
    start: dict[str, dict[int, float]] = field(default_factory=dict)

    def _now(self) -> dict[str, dict[int, float]]:
        return {
            "server": {p: _cpu_of(p) for p in _tree(self.server_pid)},
            "database": {p: _cpu_of(p) for p in _database_pids(self.database_url)},
        }

    def __enter__(self) -> CpuMeter:
        self.start = self._now()
        self.client = os.times()
        return self

    def __exit__(self, *exc: object) -> None:
        end, client = self._now(), os.times()
        # A database process started during the load counts whole; one that ended is missed.
        self.used = {
            side: sum(max(0.0, t - self.start[side].get(p, 0.0)) for p, t in end[side].items())
            for side in end
        }
        self.used["client"] = (client.user - self.client.user) + (
            client.system - self.client.system
        )

    def per_report_ms(self, reports: int) -> dict[str, float | None]:
        if not reports:
            return {k: None for k in (*self.used, "total")}
        out = {k: round(1000 * v / reports, 2) for k, v in self.used.items()}
        out["total"] = round(sum(out.values()), 2)
        return out


def check(sent: list[str], stored: dict[str, int]) -> dict[str, int]:
    sent_set = set(sent)
    return {
        "sent": len(sent),
        "distinct_sent": len(sent_set),
        "stored": sum(stored.values()),
        "lost": sum(1 for key in sent_set if stored.get(key, 0) == 0),
        "duplicated": sum(n - 1 for n in stored.values() if n > 1),
        "unexpected": sum(1 for key in stored if key not in sent_set),
    }


def summary(tally: Tally, seconds: float, verdict: dict[str, int]) -> dict[str, Any]:
    return {
        "seconds": round(seconds, 2),
        "reports_per_s": round(verdict["stored"] / seconds, 1) if seconds else None,
        "confirmed": tally.confirmed,
        "requests_answered": len(tally.latencies),
        "latency_ms": percentiles(tally.latencies),
        "report_latency_ms": percentiles(tally.report_latencies),
        "dropped_by_client": tally.dropped,
        "timeouts": tally.timeouts,
        "connection_errors": tally.connection_errors,
        "server_errors": tally.server_errors,
        "form_errors": tally.form_errors,
        "error_samples": tally.samples,
        "retries": tally.retries,
        "gave_up": tally.gave_up,
        **verdict,
    }


def run_backend(backend: str, args: argparse.Namespace) -> dict[str, Any] | None:
    with tempfile.TemporaryDirectory(prefix="trygg-load-") as tmp:
        var = Path(tmp)
        with database(backend, var) as url:
            if url is None:
                return None
            env = {
                **os.environ,
                "DATABASE_URL": url,
                "TRYGG_VAR_DIR": str(var),
                "DEBUG": "0",
                "ALLOWED_HOSTS": "127.0.0.1",
                "PYTHONPATH": str(ROOT),
            }
            env.pop("DJANGO_SETTINGS_MODULE", None)
            setup = in_process(
                "--setup", env | {"DJANGO_SETTINGS_MODULE": "trygg.settings"}, str(args.reporters)
            )
            result: dict[str, Any] = {"backend": backend, "database": setup["database"]}
            port = args.port or free_port()
            with server(env, port, args.workers, args.threads) as proc:
                sessions: list[Session | None] = []
                with_threads(lambda u: sessions.append(log_in(port, u)), setup["users"])
                with CpuMeter(proc.pid, url) as cpu:
                    tally, seconds = drive(
                        port, f"/k/{CODE}/report/new/", report_body(setup), sessions,
                        reports=args.reports, clients=args.clients, drop_share=args.drop,
                        max_seconds=args.max_seconds, seed=args.seed,
                    )  # fmt: skip
            counted = in_process("--count", env | {"DJANGO_SETTINGS_MODULE": "trygg.settings"})
            verdict = check(tally.sent, counted["reports"])
            result["trygg"] = summary(tally, seconds, verdict) | {
                "events": counted["events"],
                "audit_creates": counted["audit_creates"],
                "cpu_ms_per_report": cpu.per_report_ms(verdict["stored"]),
            }
            if not args.no_peer:
                result["peer"] = run_peer(env, args, url)
                ours, peer = result["trygg"]["reports_per_s"], result["peer"]["reports_per_s"]
                result["ratio_to_peer"] = round(ours / peer, 2) if ours and peer else None
            return result


def run_peer(env: dict[str, str], args: argparse.Namespace, url: str | None) -> dict[str, Any]:
    port = free_port()
    with server(env, port, args.workers, args.threads, app="peer_app:application") as proc:
        cpu = CpuMeter(proc.pid, url)
        with cpu:
            tally, seconds = drive(
                port, "/insert/", peer_body, [None], reports=args.reports,
                clients=args.clients, drop_share=args.drop, max_seconds=args.max_seconds,
                seed=args.seed + 1,
            )  # fmt: skip
    counted = in_process("--count", env | {"DJANGO_SETTINGS_MODULE": "trygg.settings"})
    verdict = check(tally.sent, counted["peer"])
    return summary(tally, seconds, verdict) | {
        "cpu_ms_per_report": cpu.per_report_ms(verdict["stored"])
    }


def with_threads(fn: Any, items: list[Any], n: int = 4) -> None:
    items = list(items)
    lock = threading.Lock()

    def work() -> None:
        while True:
            with lock:
                if not items:
                    return
                item = items.pop()
            fn(item)

    threads = [threading.Thread(target=work) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def passed(result: dict[str, Any]) -> bool:
    ours = result["trygg"]
    return ours["lost"] == 0 and ours["duplicated"] == 0 and ours["unexpected"] == 0


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args[:1] == ["--setup"]:
        print(json.dumps(setup_database(int(args[1]))))
        return 0
    if args[:1] == ["--count"]:
        print(json.dumps(count_database()))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres"])
    parser.add_argument("--reports", type=int, default=6000)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--reporters", type=int, default=16)
    parser.add_argument("--drop", type=float, default=0.02, help="share of requests dropped")
    workers = os.environ.get("WORKERS", str(max(2, os.cpu_count() or 2)))  # as `trygg serve`
    parser.add_argument("--workers", type=int, default=int(workers))
    parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "2")))
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--max-seconds", type=float, default=300)
    parser.add_argument("--seed", type=int, default=1981)
    parser.add_argument("--no-peer", action="store_true", help="skip the minimal-Django peer")
    parser.add_argument("--out", type=Path, default=RESULT)
    opts = parser.parse_args(args)
    results = []
    for backend in [opts.backend] if opts.backend else ["sqlite", "postgres"]:
        result = run_backend(backend, opts)
        if result is not None:
            results.append(result)
            print(json.dumps(result["trygg"] | {"backend": backend}, indent=1), file=sys.stderr)
    output = {
        "what": "report submissions under load against `trygg serve` on loopback",
        "target": {"reports_per_s_postgresql": TARGET_PER_S, "p95_ms": TARGET_P95_MS},
        "load": {
            "reports": opts.reports,
            "clients": opts.clients,
            "reporters": opts.reporters,
            "drop_share": opts.drop,
            "max_attempts": MAX_ATTEMPTS,
            "timeout_s": TIMEOUT_S,
            "gunicorn": {"workers": opts.workers, "threads": opts.threads, "class": "gthread"},
        },
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "load_average": list(os.getloadavg()),
        },
        "results": results,
    }
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(output, indent=2) + "\n")
    return 0 if results and all(passed(r) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
