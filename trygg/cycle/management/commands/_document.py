"""What `report quarterly` and `report followup` share: arguments, municipality, writing."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from trygg.audit.services import record
from trygg.cycle.periods import PERIOD_RE
from trygg.tenants.models import Municipality


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--municipality", required=True, help="kommun code, e.g. 1981")
    parser.add_argument("--quarter", "--period", dest="period", required=True,
                        help="quarter or tertial, e.g. 2026-Q4 or 2026-T3")  # fmt: skip
    parser.add_argument("--format", choices=["pdf", "html"], default="pdf")
    parser.add_argument("-o", "--output", required=True, help="the file to write")
    parser.add_argument("--language", default="sv", help="sv (default) or en")


def municipality_and_period(options: dict[str, Any]) -> tuple[Municipality, str]:
    municipality = Municipality.objects.filter(code=options["municipality"]).first()
    if municipality is None:
        raise CommandError(f"no municipality with code {options['municipality']}")
    period = options["period"].strip().upper()
    if not PERIOD_RE.match(period):
        raise CommandError(f"not a period (YYYY-Qn or YYYY-Tn): {options['period']}")
    return municipality, period


def write(options: dict[str, Any], data: bytes, municipality: Municipality, kind: str) -> str:
    Path(options["output"]).write_bytes(data)
    record(
        None,
        "export",
        municipality=municipality,
        object_type=f"cycle.{kind}",
        object_id=options["period"],
        summary=f"{kind} {options['period']} {options['format']} (command line)",
    )
    return f"{options['output']}: {len(data):,} bytes"
