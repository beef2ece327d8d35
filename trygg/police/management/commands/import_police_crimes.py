from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.imports.commands import add_arguments, command_runner


class Command(BaseCommand):
    help = (
        "Import police-reported crime: the police's delivery per DeSO (desokod, Brottskod, "
        "Inskrivningsdatum, antal_brott, …) or a point-level export (x, y in SWEREF 99 TM or "
        "lat, lon; a date; Brottskod). `trygg import police-crimes FILE`, or `-` for standard "
        "input. Importing the same rows again never counts them twice. A newer key of crime "
        "codes (brottskod_niva_nyckel.csv) is imported the same way."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser, file_help="a CSV file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        command_runner(["police-crimes", "police-crime-points", "police-crime-codes"])(
            self, options
        )
