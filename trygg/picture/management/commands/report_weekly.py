from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from trygg.audit.services import record
from trygg.picture import render, services
from trygg.picture.weeks import Week
from trygg.tenants.models import Municipality


class Command(BaseCommand):
    help = (
        "Write the weekly situational picture of a municipality as PDF or HTML: "
        "`trygg report weekly --municipality 1981 --week 2026-W47 --format pdf -o FILE`. "
        "A published week comes from its frozen record; other weeks are computed now."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="kommun code, e.g. 1981")
        parser.add_argument("--week", help="ISO week, e.g. 2026-W47 (default: this week)")
        parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument(
            "--no-police",
            action="store_true",
            help="leave out police data (for readers without police-data access)",
        )
        parser.add_argument("--language", default="sv", help="sv (default) or en")

    def handle(self, *args: Any, **options: Any) -> None:
        municipality = Municipality.objects.filter(code=options["municipality"]).first()
        if municipality is None:
            raise CommandError(f"no municipality with code {options['municipality']}")
        try:
            week = Week.parse(options["week"]) if options["week"] else Week.current()
        except ValueError:
            raise CommandError(f"not an ISO week (YYYY-Www): {options['week']}") from None
        with translation.override(options["language"]):
            picture, content = services.content_of(municipality, week)
            ctx = render.context(week, picture, content, police=not options["no_police"])
            if options["format"] == "pdf":
                data = render.document_pdf(ctx)
            else:
                data = render.document_html(ctx).encode()
        Path(options["output"]).write_bytes(data)
        record(
            None,
            "export",
            municipality=municipality,
            object_type="picture.weeklypicture",
            object_id=str(week),
            summary=f"{week} {options['format']} (command line)",
            police=not options["no_police"],
        )
        self.stdout.write(f"{options['output']}: {len(data):,} bytes ({week})")
