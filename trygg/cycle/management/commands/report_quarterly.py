from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from trygg.cycle import documents

from . import _document


class Command(BaseCommand):
    help = (
        "Write the quarterly analysis (need × influence, direction decisions) as PDF or HTML: "
        "`trygg report quarterly --municipality 1981 --quarter 2026-Q4 --format pdf -o FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        _document.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        municipality, period = _document.municipality_and_period(options)
        options["period"] = period
        with translation.override(options["language"]):
            ctx = documents.quarterly_context(municipality, period)
            data, _type = documents.render_document(
                "cycle/doc_quarterly.html", ctx, options["format"]
            )
        self.stdout.write(_document.write(options, data, municipality, "quarterly"))
