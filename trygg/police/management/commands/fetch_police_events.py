import tempfile
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from trygg.imports import commands
from trygg.police.fetch import API_URL, FetchError, fetch


class Command(BaseCommand):
    help = (
        "Fetch the latest police event notices from the police's public events API and "
        "import them, as `trygg import police-events` does. Polite: at most one request a "
        "minute, a timeout, and a few retries."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", default=API_URL, help=f"the API (default {API_URL})")
        parser.add_argument("--timeout", type=float, default=30.0, help="seconds per request")
        parser.add_argument(
            "--retries", type=int, default=2, help="tries after a failure, a minute apart"
        )
        commands.add_options(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        with tempfile.NamedTemporaryFile(prefix="trygg-police-events-", suffix=".json") as out:
            try:
                fetch(
                    options["url"],
                    out,
                    timeout=options["timeout"],
                    retries=max(options["retries"], 0),
                    log=self.stderr.write,
                )
            except FetchError as e:
                raise CommandError(str(e)) from None
            name = f"{options['url']} {timezone.now():%Y-%m-%d %H:%M}"
            commands.run(Path(out.name), name, "police-events", options, self.stdout, self.stderr)
