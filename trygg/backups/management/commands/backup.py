from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from trygg.areas.management.importing import RawStream
from trygg.backups.archive import backed_up_models, media_files, row_counts
from trygg.backups.archive import backup as write_backup


class Command(BaseCommand):
    help = "Write the whole database and the uploaded files to one archive (.tar.gz)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", required=True, help="the archive to write")

    def handle(self, *args: Any, **options: Any) -> None:
        from django.conf import settings

        target = Path(options["output"])
        if not target.parent.is_dir():
            raise CommandError(f"{target.parent}: no such directory.")
        total = sum(row_counts().values()) + len(media_files(Path(settings.MEDIA_ROOT)))
        bar = tqdm(total=total, unit=" rows", file=RawStream(self.stderr), leave=False)
        try:
            summary = write_backup(target, progress=bar.update)
        finally:
            bar.close()
        self.stdout.write(
            f"{target}: {summary.tables} tables of {len(backed_up_models())}, "
            f"{summary.rows} rows, {summary.files} files, {summary.bytes} bytes"
        )
