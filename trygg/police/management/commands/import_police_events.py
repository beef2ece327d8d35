from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.imports.commands import add_arguments, command_runner


class Command(BaseCommand):
    help = (
        "Import police event notices (the JSON of the police's events API, or an archive of "
        "it): `trygg import police-events FILE`, or `-` for standard input. Each event is "
        "stored once by its id, in the municipality it names; other kommuner are skipped."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser, file_help="a JSON file of events, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        command_runner("police-events")(self, options)
