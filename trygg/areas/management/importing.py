"""What the import commands share: arguments, the progress bar and the summary line."""

import json
from argparse import ArgumentParser, ArgumentTypeError
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, OutputWrapper
from tqdm import tqdm

from trygg.areas.geojson import ImportRejected
from trygg.areas.services import ImportResult, Progress
from trygg.tenants.models import Municipality


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a date (YYYY-MM-DD)") from None


def add_common_arguments(parser: ArgumentParser) -> None:
    parser.add_argument("file", type=Path, help="GeoJSON FeatureCollection")
    parser.add_argument("--municipality", required=True, metavar="CODE", help="kommun code")
    parser.add_argument(
        "--crs", default="EPSG:4326", help="the file's CRS (default EPSG:4326, WGS84)"
    )
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def municipality(code: str) -> Municipality:
    try:
        return Municipality.objects.get(code=code)
    except Municipality.DoesNotExist:
        raise CommandError(f"Unknown municipality code {code!r}.") from None


class RawStream:
    """An OutputWrapper without its added line endings, for tqdm's carriage returns."""

    def __init__(self, wrapper: OutputWrapper):
        self.wrapper = wrapper

    def write(self, text: str) -> None:
        self.wrapper.write(text, ending="")

    def flush(self) -> None:
        self.wrapper.flush()


@contextmanager
def progress_bar(stderr: OutputWrapper) -> Iterator[Progress]:
    bars: list[Any] = []

    def progress(features: list[Any]) -> Any:
        bar = tqdm(features, desc="features", unit="", file=RawStream(stderr), leave=False)
        bars.append(bar)
        return bar

    try:
        yield progress
    finally:
        for bar in bars:
            bar.close()


def run_import(
    run: Callable[[Progress], ImportResult],
    stdout: OutputWrapper,
    stderr: OutputWrapper,
    as_json: bool,
) -> None:
    """Run an import with a progress bar; print its counts, or fail naming what was rejected."""
    with progress_bar(stderr) as progress:
        try:
            result = run(progress)
        except ImportRejected as e:
            raise CommandError(f"{e} Nothing was imported.") from None
    stdout.write(json.dumps(result.as_dict()) if as_json else str(result))
