from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from trygg.cycle import documents
from trygg.cycle.models import FollowUp

from . import _document


class Command(BaseCommand):
    help = (
        "Write the follow-up of a period (evaluations, notes, feedback) as PDF or HTML: "
        "`trygg report followup --municipality 1981 --quarter 2026-Q3 --format pdf -o FILE`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        _document.add_arguments(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        municipality, period = _document.municipality_and_period(options)
        options["period"] = period
        followup = FollowUp.objects.filter(municipality=municipality, period=period).first()
        if followup is None:
            raise CommandError(f"no follow-up for {period} in {municipality.code}")
        with translation.override(options["language"]):
            ctx = documents.followup_context(followup)
            data, _type = documents.render_document(
                "cycle/doc_followup.html", ctx, options["format"]
            )
        self.stdout.write(_document.write(options, data, municipality, "followup"))
