from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone, translation

from trygg.audit.services import record
from trygg.lagesbild import document
from trygg.lagesbild.models import Lagesbild
from trygg.tenants.models import Municipality


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from None


class Command(BaseCommand):
    help = (
        "Write the lägesbild and action plan of Lag (2023:196) as PDF, DOCX or HTML: "
        "`trygg report lagesbild --municipality 1981 --from 2024-12-01 --to 2026-11-30 "
        "--format pdf -o FILE`. The default period is the last two years. The texts are those "
        "of the kommun's lägesbild for exactly that period, when there is one."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--municipality", required=True, help="kommun code, e.g. 1981")
        parser.add_argument("--from", dest="start", help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="end", help="last day, YYYY-MM-DD")
        parser.add_argument("--format", choices=["pdf", "docx", "html"], default="pdf")
        parser.add_argument("-o", "--output", required=True, help="the file to write")
        parser.add_argument("--language", default="sv", help="sv (default) or en")

    def handle(self, *args: Any, **options: Any) -> None:
        m = Municipality.objects.filter(code=options["municipality"]).first()
        if m is None:
            raise CommandError(f"no municipality with code {options['municipality']}")
        default_start, default_end = document.default_period(timezone.localdate())
        start = day(options["start"]) if options["start"] else default_start
        end = day(options["end"]) if options["end"] else default_end
        if end < start:
            raise CommandError(f"--to {end} is before --from {start}")
        lagesbild = Lagesbild.objects.filter(municipality=m, start=start, end=end).first()
        fmt = options["format"]
        with translation.override(options["language"]):
            snapshot = document.build_snapshot(m, start, end, lagesbild)
            if fmt == "docx":
                data = document.render_docx(snapshot)
            else:
                html = document.render_html(snapshot)
                data = document.render_pdf(html) if fmt == "pdf" else html.encode()
        try:
            Path(options["output"]).write_bytes(data)
        except OSError as e:
            raise CommandError(f"cannot write {options['output']}: {e.strerror}") from None
        record(
            None,
            "export",
            municipality=m,
            object_type="lagesbild.lagesbild",
            object_id=lagesbild.pk if lagesbild else "",
            summary=f"lägesbild {start}–{end} {fmt} (command line)",
        )
        missing = len([i for i in document.context(snapshot)["missing"]])
        self.stdout.write(
            f"{options['output']}: {len(data):,} bytes; {missing} checklist items missing"
        )
