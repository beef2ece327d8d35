from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from trygg.imports.commands import add_arguments, command_runner


class Command(BaseCommand):
    help = (
        "Import Brå statistics per kommun: Brå's per-kommun CSV (semicolons, byte-order mark, "
        "Swedish numbers, kommun names) or the kommun indicators with NTU results. "
        "`trygg import bra FILE`, or `-` for standard input."
    )
    stealth_options = ("stdin",)

    def add_arguments(self, parser: CommandParser) -> None:
        add_arguments(parser, file_help="a CSV file, or - for standard input")

    def handle(self, *args: Any, **options: Any) -> None:
        command_runner("bra")(self, options)
