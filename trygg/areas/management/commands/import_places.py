from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.areas.management.importing import add_common_arguments, municipality, run_import
from trygg.areas.models import Place
from trygg.areas.services import import_places


class Command(BaseCommand):
    help = (
        "Import named places (points, or polygons such as tätorter) of one municipality from "
        "a GeoJSON file: `trygg import places FILE --municipality 1981 --kind tatort`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        add_common_arguments(parser)
        parser.add_argument(
            "--kind",
            default=Place.Kind.LOCALITY,
            choices=Place.Kind.values,
            help="kind of the places without a valid `kind` property (default tatort)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        target = municipality(options["municipality"])
        run_import(
            lambda progress: import_places(
                options["file"], target, kind=options["kind"], crs=options["crs"], progress=progress
            ),
            self.stdout,
            self.stderr,
            options["json"],
        )
