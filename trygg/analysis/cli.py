"""`trygg analyse <method> --input FILE …`: the analysis engine on any CSV of events.

Each method module in `METHOD_MODULES` defines `add_cli(subparsers)`, which adds its
subcommand and sets `run(args, events) -> dict`. A module that is not there (yet) is
skipped, so the command works with whatever methods exist. The result is printed as a
readable table, or as JSON with `--json`; errors are one line on stderr, exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

from trygg.analysis.io import SWEREF99TM, AnalysisError, Columns, Events, read_events

METHOD_MODULES = [
    "aggregate",
    "trends",
    "hotspots",
    "kde",
    "concentration",
    "scan",
    "alarms",
    "knox",
    "evaluate",
    "priorities",
]
MAX_TABLE_ROWS = 50
COORDINATES = {"x", "y", "lon", "lat"}  # printed with 8 significant digits (degrees or metres)


def available_modules() -> list[Any]:
    """The method modules that exist and define `add_cli`, in `METHOD_MODULES` order."""
    modules = []
    for name in METHOD_MODULES:
        full = f"trygg.analysis.{name}"
        if importlib.util.find_spec(full) is not None:
            module = importlib.import_module(full)
            if hasattr(module, "add_cli"):
                modules.append(module)
    return modules


def add_input_options(parser: argparse.ArgumentParser) -> None:
    """The options every method shares: the input file and its columns."""
    group = parser.add_argument_group("input")
    group.add_argument("--input", required=True, help="CSV file of events")
    group.add_argument("--x", help="x column, metres in --crs")
    group.add_argument("--y", help="y column, metres in --crs")
    group.add_argument("--crs", default=SWEREF99TM, help="CRS of --x/--y (default EPSG:3006)")
    group.add_argument("--lon", help="longitude column (WGS84 degrees)")
    group.add_argument("--lat", help="latitude column (WGS84 degrees)")
    group.add_argument("--time", help="date/time column (ISO or MM/DD/YYYY [hh:mm:ss AM])")
    group.add_argument("--category", help="category column")
    group.add_argument("--weight", help="weight column (numbers)")
    group.add_argument("--json", action="store_true", help="print JSON instead of a table")


def build_parser() -> argparse.ArgumentParser:
    """The `trygg analyse` parser with one subcommand per available method."""
    parser = argparse.ArgumentParser(
        prog="trygg analyse", description="Statistical analysis of a CSV of events."
    )
    subparsers = parser.add_subparsers(dest="method", required=True, metavar="METHOD")
    for module in available_modules():
        module.add_cli(subparsers)
    for sub in subparsers.choices.values():
        add_input_options(sub)
    return parser


def load(args: argparse.Namespace) -> Events:
    """The events of `--input`, read with the column options."""
    columns = Columns(
        x=args.x,
        y=args.y,
        lon=args.lon,
        lat=args.lat,
        time=args.time,
        category=args.category,
        weight=args.weight,
        crs=args.crs,
    )
    return read_events(args.input, columns)


def main(argv: Sequence[str] | None = None) -> int:
    """Run `trygg analyse`; 0 on success, 2 on a usage or data error."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        events = load(args)
        for note in events.notes:
            print(f"note: {note}", file=sys.stderr)
        result = args.run(args, events)
    except (AnalysisError, ValueError, OSError) as err:
        print(f"trygg analyse {args.method}: error: {err}", file=sys.stderr)
        return 2
    result.setdefault(
        "input", {"file": args.input, "events": len(events), "skipped": events.skipped}
    )
    try:
        if args.json:
            json.dump(result, sys.stdout, indent=1, ensure_ascii=False, default=_json_default)
            print()
        else:
            print_result(result)
    except BrokenPipeError:  # the reader (e.g. `| head`) stopped early: not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    return 0


def _json_default(value: Any) -> Any:
    """numpy scalars, arrays and other objects in JSON."""
    if hasattr(value, "tolist"):
        return value.tolist()
    if hasattr(value, "describe"):
        return value.describe()
    return str(value)


def print_result(result: dict[str, Any], out: Any = None) -> None:
    """A readable rendering: the parameters and summary as lines, the rows as a table."""
    out = out or sys.stdout
    print(f"{result.get('method', '')}", file=out)
    for section in ("params", "summary"):
        items = {k: v for k, v in (result.get(section) or {}).items() if v is not None}
        if items:
            print(f"  {section}: " + ", ".join(f"{k}={fmt(v)}" for k, v in items.items()), file=out)
    rows = result.get("rows") or []
    if not rows:
        print("(no rows)", file=out)
        return
    print(file=out)
    print(format_table(rows[:MAX_TABLE_ROWS]), file=out)
    if len(rows) > MAX_TABLE_ROWS:
        print(f"… {len(rows) - MAX_TABLE_ROWS} more rows (use --json for all)", file=out)


def format_table(rows: list[dict[str, Any]]) -> str:
    """Rows as a text table with a header; numbers right-aligned."""
    columns: list[str] = []
    for row in rows:
        columns += [k for k in row if k not in columns]
    cells = [[fmt(row.get(c), c in COORDINATES) for c in columns] for row in rows]
    numeric = [all(_is_number(row.get(c)) for row in rows) for c in columns]
    widths = [max(len(c), *(len(r[i]) for r in cells)) for i, c in enumerate(columns)]

    def line(values: list[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    return "\n".join([line(columns), line(["-" * w for w in widths]), *map(line, cells)])


def _is_number(v: Any) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool))


def fmt(value: Any, coordinate: bool = False) -> str:
    """A compact text form: 4 significant digits for floats (8 for coordinates), '–' for
    missing."""
    if value is None:
        return "–"
    if isinstance(value, float):
        if math.isnan(value):
            return "–"
        if coordinate:
            return f"{value:.8g}"
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}" if abs(value) < 1e4 else f"{value:.1f}"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={fmt(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(fmt(v) for v in value) + "]"
    return str(value)


if __name__ == "__main__":
    sys.exit(main())
