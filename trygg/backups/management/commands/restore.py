from pathlib import Path
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from trygg.areas.management.importing import RawStream
from trygg.backups.archive import BackupError, read_manifest
from trygg.backups.archive import restore as restore_archive


class Command(BaseCommand):
    help = (
        "Restore a backup written by `trygg backup` into this database (migrated first). "
        "Refuses a database that holds data, unless --force."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive", help="the .tar.gz written by `trygg backup`")
        parser.add_argument(
            "--force",
            action="store_true",
            help="replace everything in a database that holds data, and its uploaded files",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        archive = Path(options["archive"])
        if not archive.is_file():
            raise CommandError(f"{archive}: no such file.")
        call_command("migrate", interactive=False, verbosity=0)
        try:
            manifest = read_manifest(archive)
            members = len(manifest["tables"]) + len(manifest["files"])
            total = members + sum(t["rows"] for t in manifest["tables"])
            bar = tqdm(total=total, unit=" rows", file=RawStream(self.stderr), leave=False)
            try:
                restore_archive(archive, force=options["force"], progress=bar.update)
            finally:
                bar.close()
        except BackupError as e:
            raise CommandError(f"{e} Nothing was restored.") from None
        rows = sum(t["rows"] for t in manifest["tables"])
        self.stdout.write(
            f"{archive}: restored {len(manifest['tables'])} tables, {rows} rows, "
            f"{len(manifest['files'])} files (backup of {manifest['created_at']})"
        )
