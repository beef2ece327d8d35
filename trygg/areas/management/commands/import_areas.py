from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.areas.management.importing import (
    add_common_arguments,
    iso_date,
    municipality,
    run_import,
)
from trygg.areas.models import Area
from trygg.areas.services import import_areas


class Command(BaseCommand):
    help = (
        "Import areas (DeSO, RegSO, districts, custom areas) of one municipality from a "
        "GeoJSON file: `trygg import areas FILE --kind deso --municipality 1981`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument("--kind", required=True, choices=Area.Kind.values)
        parser.add_argument("--valid-from", type=iso_date, metavar="DATE")
        parser.add_argument("--valid-to", type=iso_date, metavar="DATE")

    def handle(self, *args: Any, **options: Any) -> None:
        target = municipality(options["municipality"])
        run_import(
            lambda progress: import_areas(
                options["file"],
                target,
                kind=options["kind"],
                crs=options["crs"],
                valid_from=options["valid_from"],
                valid_to=options["valid_to"],
                progress=progress,
            ),
            self.stdout,
            self.stderr,
            options["json"],
        )
