from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from trygg.imports.models import ImportBatch
from trygg.imports.services import undo


class Command(BaseCommand):
    help = (
        "Undo an import: `trygg import undo BATCH` removes the rows the batch added and "
        "restores the rows it changed. The batch numbers are on the Imports page."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("batch", type=int, help="the number of the import batch")

    def handle(self, *args: Any, **options: Any) -> None:
        batch = ImportBatch.objects.filter(pk=options["batch"]).first()
        if batch is None:
            raise CommandError(f"There is no import batch {options['batch']}.")
        try:
            removed, restored = undo(None, batch)
        except ValidationError as e:
            raise CommandError(" ".join(e.messages)) from None
        self.stdout.write(f"removed={removed} restored={restored}")
