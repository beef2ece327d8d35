"""Reading events from any CSV into `Events`: metric coordinates, times, categories.

The file may be UTF-8 (with or without a byte-order mark) or Windows-1252, separated by
commas, semicolons or tabs (semicolon files may use a decimal comma). Coordinates are
either `x/y` in metres in a given CRS (default SWEREF 99 TM, EPSG:3006) or `lon/lat`
in WGS84 degrees, which are projected to SWEREF 99 TM for Swedish data and otherwise to
the UTM zone of the data. Results are reported back in the input's own system with
`Events.to_input_crs`.

Times are read as written (wall-clock time; a trailing UTC offset or `Z` is ignored so
that time-of-day profiles stay local): ISO dates and date-times (`2025-06-07 7:32:06
+02:00`, `2019-01-01T01:30:00Z`) and slash dates, month-first as in the Chicago crime
file (`01/31/2017 11:05:00 PM`) or day-first when the column shows it (`13/01/2014`,
the Chicago burglary file). Rows with a missing or unreadable value in a used column are skipped and
counted; if no row is usable the error names the first bad line.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import numpy as np

SWEREF99TM = "EPSG:3006"
WGS84 = "EPSG:4326"
SEPARATORS = ",;\t"
# Sweden's extent in WGS84, a little generous (SWEREF 99 TM's area of use).
SWEDEN_LON = (10.0, 24.5)
SWEDEN_LAT = (54.9, 69.2)

_ISO = re.compile(
    r"^(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)
_US = re.compile(
    r"^(\d{1,2})/(\d{1,2})/(\d{4})"
    r"(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?)?$"
)
_EPOCH = datetime(1970, 1, 1)


class AnalysisError(ValueError):
    """A problem with the input or the parameters, reported as one clear line."""


@dataclass(frozen=True, eq=False)
class Events:
    """Point events in a metric CRS, one array element per usable row of the source.

    `crs` is the metric system of `x, y`; `input_crs` the system the source was written
    in (the same, or EPSG:4326 for lon/lat input). `rows` are 1-based line numbers in the
    source file (the header is line 1), so every number can be traced back.
    """

    x: np.ndarray
    y: np.ndarray
    t: np.ndarray | None = None
    category: np.ndarray | None = None
    weight: np.ndarray | None = None
    crs: str = SWEREF99TM
    rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    input_crs: str = ""
    skipped: int = 0
    notes: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if len(self.rows) != len(self.x):
            object.__setattr__(self, "rows", np.arange(2, len(self.x) + 2, dtype=np.int64))
        if not self.input_crs:
            object.__setattr__(self, "input_crs", self.crs)

    def __len__(self) -> int:
        return len(self.x)

    @property
    def weights(self) -> np.ndarray:
        """The weight of each event (1 when the source has no weight column)."""
        return np.ones(len(self.x)) if self.weight is None else self.weight

    def select(self, mask: np.ndarray) -> Events:
        """The events where `mask` is true (a boolean array or indices)."""

        def pick(a: np.ndarray | None) -> np.ndarray | None:
            return None if a is None else a[mask]

        return Events(
            x=self.x[mask],
            y=self.y[mask],
            t=pick(self.t),
            category=pick(self.category),
            weight=pick(self.weight),
            crs=self.crs,
            rows=self.rows[mask],
            input_crs=self.input_crs,
            skipped=self.skipped,
            notes=self.notes,
        )

    def to_input_crs(self, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Metric coordinates `x, y` (in `crs`) expressed in the input's own system."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if self.input_crs == self.crs:
            return x.copy(), y.copy()
        from pyproj import Transformer

        tr = Transformer.from_crs(self.crs, self.input_crs, always_xy=True)
        a, b = tr.transform(x, y)
        return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)

    def require_time(self, method: str) -> np.ndarray:
        """The event times, or a clear error when the method needs `--time`."""
        if self.t is None:
            raise AnalysisError(f"{method} needs event times: give --time COLUMN")
        return self.t


@dataclass(frozen=True)
class Columns:
    """Which source columns hold what (None: not used)."""

    x: str | None = None
    y: str | None = None
    lon: str | None = None
    lat: str | None = None
    time: str | None = None
    category: str | None = None
    weight: str | None = None
    crs: str = SWEREF99TM


def read_events(path: str | Path, columns: Columns) -> Events:
    """Read a CSV of events (see the module docstring for the accepted formats)."""
    header, records, sep = read_table(path)
    return events_from_table(header, records, columns, decimal_comma=sep == ";")


def read_table(path: str | Path) -> tuple[list[str], list[list[str]], str]:
    """The header, the data records and the separator of a delimited text file."""
    path = Path(path)
    if not path.is_file():
        raise AnalysisError(f"input file not found: {path}")
    text = decode(path.read_bytes())
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise AnalysisError(f"{path} is empty: expected a header line and events")
    sep = sniff_separator(lines[0])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    header = [h.strip() for h in next(reader)]
    records = list(reader)
    if not records:
        raise AnalysisError(f"{path} has a header but no events")
    return header, records, sep


def decode(data: bytes) -> str:
    """Text of a file in UTF-8 (byte-order mark optional) or, failing that, Windows-1252."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def sniff_separator(header_line: str) -> str:
    """The separator of a header line: the most frequent of `,`, `;` and tab."""
    counts = {sep: header_line.count(sep) for sep in SEPARATORS}
    best = max(counts, key=lambda s: counts[s])
    return best if counts[best] else ","


def events_from_table(
    header: list[str], records: list[list[str]], columns: Columns, *, decimal_comma: bool = False
) -> Events:
    """Events from parsed CSV records; rows with unusable values are skipped and counted."""
    xcol, ycol, geographic = coordinate_columns(columns)
    used = {"x": xcol, "y": ycol, "time": columns.time}
    used |= {"category": columns.category, "weight": columns.weight}
    index = {role: column_index(header, name) for role, name in used.items() if name}
    cells = {role: column_values(records, i) for role, i in index.items()}
    line = np.arange(2, len(records) + 2, dtype=np.int64)
    x, okx = parse_numbers(cells["x"], decimal_comma)
    y, oky = parse_numbers(cells["y"], decimal_comma)
    ok = {"x": okx, "y": oky}
    t = w = None
    if "time" in cells:
        t, ok["time"] = parse_times(cells["time"])
    if "weight" in cells:
        w, ok["weight"] = parse_numbers(cells["weight"], decimal_comma)
    category = np.array(cells["category"], dtype=str) if "category" in cells else None
    good = np.logical_and.reduce(list(ok.values()))
    notes = skip_notes(ok, used, cells, line)
    if not good.any():
        raise AnalysisError("no usable rows: " + "; ".join(notes))
    x, y = x[good], y[good]
    check_coordinates(x, y, xcol, ycol, geographic, columns.crs, line[good])
    crs, input_crs = columns.crs, columns.crs
    if geographic:
        crs, input_crs = metric_crs_for(x, y), WGS84
        x, y = project(x, y, WGS84, crs)
    return Events(
        x=x,
        y=y,
        t=None if t is None else t[good],
        category=None if category is None else category[good],
        weight=None if w is None else w[good],
        crs=crs,
        rows=line[good],
        input_crs=input_crs,
        skipped=int((~good).sum()),
        notes=tuple(notes),
    )


def coordinate_columns(columns: Columns) -> tuple[str, str, bool]:
    """(x column, y column, whether they are lon/lat degrees) from the options."""
    if columns.lon or columns.lat:
        if not (columns.lon and columns.lat):
            raise AnalysisError("give both --lon and --lat")
        if columns.x or columns.y:
            raise AnalysisError("give either --x/--y or --lon/--lat, not both")
        return columns.lon, columns.lat, True
    if columns.x and columns.y:
        return columns.x, columns.y, False
    raise AnalysisError("give the coordinate columns: --x X --y Y (metres) or --lon/--lat")


def column_index(header: list[str], name: str) -> int:
    """Position of column `name` (exact, else case- and space-insensitive)."""
    if name in header:
        return header.index(name)
    folded = [h.strip().casefold() for h in header]
    if name.strip().casefold() in folded:
        return folded.index(name.strip().casefold())
    listing = ", ".join(repr(h) for h in header)
    raise AnalysisError(f"column {name!r} not found; columns are: {listing}")


def column_values(records: list[list[str]], i: int) -> list[str]:
    """The stripped text of column `i` in every record ('' where the record is short)."""
    return [r[i].strip() if i < len(r) else "" for r in records]


def parse_numbers(
    values: Sequence[str], decimal_comma: bool = False
) -> tuple[np.ndarray, np.ndarray]:
    """Floats parsed from text, and a mask of the values that parsed to finite numbers."""
    if decimal_comma:
        values = [v.replace(",", ".") for v in values]
    try:
        out = np.array(values, dtype=np.float64)
    except ValueError:
        out = np.array([_float_or_nan(v) for v in values], dtype=np.float64)
    return out, np.isfinite(out)


def _float_or_nan(value: str) -> float:
    try:
        return float(value)
    except ValueError:
        return float("nan")


def parse_times(values: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """datetime64[s] parsed from ISO or slash-date text, and a mask of the parsed values.

    Slash dates are month-first (US, `01/31/2017`) unless some value of the column has a
    first field above 12 and none has a second field above 12: then the whole column is
    read day-first (`13/01/2014`).
    """
    day_first = slash_dates_day_first(values)
    cache: dict[str, int | None] = {}
    seconds = np.zeros(len(values), dtype=np.int64)
    ok = np.zeros(len(values), dtype=bool)
    for i, v in enumerate(values):
        if v not in cache:
            cache[v] = parse_time(v, day_first=day_first)
        s = cache[v]
        if s is not None:
            seconds[i] = s
            ok[i] = True
    return seconds.astype("datetime64[s]"), ok


def slash_dates_day_first(values: Sequence[str]) -> bool:
    """Whether the column's slash dates are DD/MM/YYYY (see `parse_times`)."""
    first_max = second_max = 0
    for v in set(values):
        if m := _US.match(v):
            first_max = max(first_max, int(m.group(1)))
            second_max = max(second_max, int(m.group(2)))
    return first_max > 12 and second_max <= 12


def parse_time(value: str, *, day_first: bool = False) -> int | None:
    """Seconds since 1970 of one ISO or slash-date text (None when unreadable)."""
    parts = _time_parts(value, day_first)
    if parts is None:
        return None
    try:
        when = datetime(*parts)
    except ValueError:
        return None
    return int((when - _EPOCH).total_seconds())


def _time_parts(value: str, day_first: bool) -> tuple[int, int, int, int, int, int] | None:
    if m := _ISO.match(value):
        year, month, day, hh, mm, ss = m.groups()
        return int(year), int(month), int(day), int(hh or 0), int(mm or 0), int(ss or 0)
    if m := _US.match(value):
        month, day, year, hh, mm, ss, ampm = m.groups()
        if day_first:
            month, day = day, month
        hour = int(hh or 0)
        if ampm:
            if not 1 <= hour <= 12:
                return None
            hour = hour % 12 + (12 if ampm.lower() == "pm" else 0)
        return int(year), int(month), int(day), hour, int(mm or 0), int(ss or 0)
    return None


def skip_notes(
    ok: dict[str, np.ndarray],
    used: dict[str, str | None],
    cells: dict[str, list[str]],
    line: np.ndarray,
) -> list[str]:
    """One message per column with unusable values: how many, and the first bad line."""
    notes = []
    for role, mask in ok.items():
        bad = np.flatnonzero(~mask)
        if len(bad):
            first = int(bad[0])
            value = cells[role][first]
            shown = f"value {value!r}" if value else "empty value"
            notes.append(
                f"{len(bad)} of {len(mask)} rows have no usable {used[role]!r} "
                f"(first: line {line[first]}, {shown})"
            )
    return notes


def check_coordinates(
    x: np.ndarray,
    y: np.ndarray,
    xcol: str,
    ycol: str,
    geographic: bool,
    crs: str,
    line: np.ndarray,
) -> None:
    """Reject coordinates that cannot be in the stated system, naming an example line."""
    if geographic:
        bad = (np.abs(x) > 180) | (np.abs(y) > 90)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise AnalysisError(
                f"{xcol!r}/{ycol!r} are not degrees (line {line[i]}: {x[i]:g}, {y[i]:g}); "
                "for metres use --x/--y with --crs"
            )
        return
    check_metric_crs(crs)
    if np.all((np.abs(x) <= 180) & (np.abs(y) <= 90)):
        raise AnalysisError(
            f"{xcol!r}/{ycol!r} look like degrees, not metres in {crs} "
            f"(line {line[0]}: {x[0]:g}, {y[0]:g}); use --lon/--lat"
        )
    check_area_of_use(x, y, crs, line)


def check_area_of_use(x: np.ndarray, y: np.ndarray, crs: str, line: np.ndarray) -> None:
    """Reject data whose median point lies far outside the CRS's area of use."""
    from pyproj import CRS, Transformer

    area = CRS.from_user_input(crs).area_of_use
    if area is None:
        return
    tr = Transformer.from_crs(WGS84, crs, always_xy=True)
    x0, y0, x1, y1 = tr.transform_bounds(*area.bounds)
    margin = 0.25 * max(x1 - x0, y1 - y0)
    mx, my = float(np.median(x)), float(np.median(y))
    if not (x0 - margin <= mx <= x1 + margin and y0 - margin <= my <= y1 + margin):
        raise AnalysisError(
            f"the coordinates (median {mx:.0f}, {my:.0f}; line {line[0]}: {x[0]:g}, "
            f"{y[0]:g}) lie outside {crs} ({area.name.split(' - ')[0]}); give the right --crs"
        )


def check_metric_crs(crs: str) -> None:
    """Accept only a known, projected CRS whose unit is the metre."""
    from pyproj import CRS
    from pyproj.exceptions import CRSError

    try:
        parsed = CRS.from_user_input(crs)
    except CRSError:
        raise AnalysisError(f"unknown coordinate system {crs!r} (e.g. EPSG:3006)") from None
    units = {a.unit_name for a in parsed.axis_info}
    if not parsed.is_projected or units != {"metre"}:
        raise AnalysisError(
            f"{crs} is not a projected system in metres; for degrees use --lon/--lat"
        )


def metric_crs_for(lon: np.ndarray, lat: np.ndarray) -> str:
    """SWEREF 99 TM for Swedish data, otherwise the UTM zone of the data's median point."""
    in_sweden = (
        SWEDEN_LON[0] <= lon.min()
        and lon.max() <= SWEDEN_LON[1]
        and SWEDEN_LAT[0] <= lat.min()
        and lat.max() <= SWEDEN_LAT[1]
    )
    if in_sweden:
        return SWEREF99TM
    lon0, lat0 = float(np.median(lon)), float(np.median(lat))
    zone = min(int((lon0 + 180) // 6) + 1, 60)
    return f"EPSG:{32600 + zone if lat0 >= 0 else 32700 + zone}"


def project(x: np.ndarray, y: np.ndarray, src: str, dst: str) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates transformed from `src` to `dst` (x/lon first)."""
    from pyproj import Transformer

    a, b = Transformer.from_crs(src, dst, always_xy=True).transform(x, y)
    return np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
