import os
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from trygg.settings import envbool


class Command(BaseCommand):
    help = "Serve Trygg with gunicorn (migrating the database first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        # One process per core, two threads each: on the 2-core benchmark machine a report
        # cost 25 % less CPU than with 3 x 4 (fewer threads contending for each process's
        # interpreter lock; bench/README.md, "Reports under load").
        workers = os.environ.get("WORKERS", str(max(2, os.cpu_count() or 2)))
        parser.add_argument("--workers", type=int, default=int(workers))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("THREADS", "2")))

    def handle(self, *args: Any, **options: Any) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        url = f"http://{options['host']}:{options['port']}/"
        self.stdout.write(f"Trygg is served at {url}  (database: {db_label()})")
        self.stdout.write("Stop with Ctrl+C.")
        sys.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "trygg.wsgi:application",
            "--bind", f"{options['host']}:{options['port']}",
            "--workers", str(options["workers"]),
            "--threads", str(options["threads"]),
            "--worker-class", "gthread",
        ]  # fmt: skip
        if envbool("ACCESS_LOG", "1"):
            argv += ["--access-logfile", "-"]
        os.execv(sys.executable, argv)  # noqa: S606


def db_label() -> str:
    db = settings.DATABASES["default"]
    return f"{db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}"
