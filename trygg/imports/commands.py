"""What the import commands share: arguments, standard input, the progress bar, the output.

Every `trygg import …` command prints its problems (with line numbers) on stderr, shows a
progress bar on stderr, and ends its output with `imported=N updated=N unchanged=N skipped=N`
(or the same as JSON with `--json`). A rejected file is a CommandError: a non-zero exit.
"""

import json
import shutil
import sys
import tempfile
from argparse import ArgumentParser
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from django.core.management.base import CommandError, OutputWrapper
from tqdm import tqdm

from trygg.areas.management.importing import RawStream
from trygg.tenants.models import Municipality

from .engine import Outcome, run_import
from .files import FileInfo, Rejected
from .kommuner import Targets

SHOWN_PROBLEMS = 50


def add_arguments(parser: ArgumentParser, *, file_help: str) -> None:
    parser.add_argument("file", help=file_help)
    add_options(parser)


def add_options(parser: ArgumentParser) -> None:
    parser.add_argument(
        "--municipality",
        action="append",
        metavar="CODE",
        help="import only into this municipality (kommun code; may be repeated). Default: "
        "every municipality of the installation; rows of other kommuner are skipped.",
    )
    parser.add_argument("--dry-run", action="store_true", help="check and count, but write nothing")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def targets(codes: list[str] | None) -> Targets:
    if not codes:
        found = Targets.all()
        if not found:
            raise CommandError("There is no municipality in this installation yet.")
        return found
    municipalities = list(Municipality.objects.filter(code__in=codes))
    unknown = sorted(set(codes) - {m.code for m in municipalities})
    if unknown:
        raise CommandError(f"Unknown municipality code {', '.join(unknown)}.")
    return Targets(municipalities)


@contextmanager
def local_file(name: str, stdin: IO[Any] | None) -> Iterator[tuple[Path, str]]:
    """The file to import, and its name; `-` is standard input, spooled to a temporary file."""
    if name != "-":
        path = Path(name)
        if not path.is_file():
            raise CommandError(f"{name}: no such file.")
        yield path, path.name
        return
    source = stdin if stdin is not None else sys.stdin
    with tempfile.NamedTemporaryFile(prefix="trygg-import-", suffix=".upload") as spool:
        shutil.copyfileobj(getattr(source, "buffer", source), spool)
        spool.flush()
        yield Path(spool.name), "stdin"


class ProgressBar:
    """A tqdm bar over the bytes of the file, started once the file has been checked."""

    def __init__(self, stderr: OutputWrapper):
        self.stream = RawStream(stderr)
        self.bar: Any = None

    def start(self, info: FileInfo) -> None:
        self.bar = tqdm(
            total=info.size,
            unit="B",
            unit_scale=True,
            desc=info.name[:30],
            file=self.stream,
            leave=False,
            mininterval=0.5,
        )

    def update(self, size: int) -> None:
        if self.bar is not None:
            self.bar.update(size)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def run(
    path: Path,
    name: str,
    source: str | list[str],
    options: dict[str, Any],
    stdout: OutputWrapper,
    stderr: OutputWrapper,
    actor: Any = None,
) -> Outcome:
    """Import one file as a command does; CommandError when it is rejected."""
    bar = ProgressBar(stderr)
    try:
        outcome = run_import(
            path,
            source=source,
            targets=targets(options.get("municipality")),
            actor=actor,
            name=name,
            dry_run=options.get("dry_run", False),
            progress=bar.update,
            on_inspected=bar.start,
        )
    except Rejected as e:
        raise CommandError(f"{name}: {e} Nothing was imported.") from None
    finally:
        bar.close()
    report(outcome, stdout, stderr, as_json=options.get("json", False))
    return outcome


def report(
    outcome: Outcome, stdout: OutputWrapper, stderr: OutputWrapper, *, as_json: bool
) -> None:
    """The problems on stderr; the counts, or everything as JSON, last on stdout."""
    for problem in outcome.problems[:SHOWN_PROBLEMS]:
        stderr.write(f"{outcome.info.name}: {problem}")
    if len(outcome.problems) > SHOWN_PROBLEMS:
        stderr.write(f"… and {outcome.problem_count - SHOWN_PROBLEMS} more problems")
    if as_json:
        stdout.write(json.dumps(outcome.as_dict(), ensure_ascii=False))
        return
    for code, counts in outcome.by_municipality.items():
        stdout.write(f"{code}: {counts}")
    if outcome.redactions:
        stdout.write(f"personal data masked: {outcome.redactions}")
    if outcome.dry_run:
        stdout.write("dry run: nothing was written")
    stdout.write(str(outcome.counts))


def command_runner(source: str | list[str]) -> Callable[[Any, dict[str, Any]], None]:
    """The body of an import command for one source."""

    def handle(command: Any, options: dict[str, Any]) -> None:
        with local_file(options["file"], options.get("stdin")) as (path, name):
            run(path, name, source, options, command.stdout, command.stderr)

    return handle
