"""The import engine every source shares.

An import reads a file record by record (`files`), lets the source's `Importer` turn each
record into rows for the installation's municipalities, and writes the rows in chunks: a row
whose natural key is new is imported, one whose values differ is updated (its old values are
kept so the batch can be undone), the rest are unchanged. Everything runs in one transaction:
a rejected file, or one with too many bad rows, writes nothing. A dry run does all of it and
rolls back, which is how the web preview knows exactly what an import would do.
"""

from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from trygg.audit.services import record
from trygg.privacy import redact
from trygg.tenants.models import Municipality

from .files import FileInfo, Progress, Record, Rejected, csv_records, inspect, json_records
from .kommuner import Targets
from .models import ImportBatch, ImportChange
from .table import Table

CHUNK_ROWS = 2000
LOOKUP_BATCH = 500
MAX_PROBLEMS = 1000
PREVIEW_ROWS = 10
MIN_ERRORS_TO_REJECT = 5


@dataclass
class Row:
    """What one record gives one municipality: a natural key and the values to store."""

    municipality: Municipality
    key: Any
    values: dict[str, Any]


@dataclass
class Problem:
    line: int | None
    message: str
    level: str = "error"  # "error": the record is skipped; "warning": it is imported
    municipality_id: int | None = None
    more: int = 0  # the same problem on this many further lines

    def text(self) -> str:
        message = self.message
        if self.more:
            message += " " + ngettext(
                "(and on %(n)d more line)", "(and on %(n)d more lines)", self.more
            ) % {"n": self.more}
        return message

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "level": self.level, "message": self.text()}

    def __str__(self) -> str:
        if self.line is None:
            return self.text()
        return _("line %(line)d: %(message)s") % {"line": self.line, "message": self.text()}


@dataclass
class Counts:
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "imported": self.imported,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
        }

    def __str__(self) -> str:
        return " ".join(f"{key}={value}" for key, value in self.as_dict().items())


class Importer:
    """One source of data: how its files look, and how a record becomes rows."""

    source: ClassVar[str] = ""
    label: ClassVar[Any] = ""
    model: ClassVar[type[models.Model]]
    key_field: ClassVar[str] = "key"
    # The stored values a re-import compares and updates (the key and batch aside).
    fields: ClassVar[tuple[str, ...]] = ()
    kinds: ClassVar[tuple[str, ...]] = ("csv",)
    # The capability a user needs to import this source from the web.
    capability: ClassVar[str] = "police_data"
    # More bad records than this share rejects the file: it is not what it claims to be.
    max_error_share: ClassVar[float] = 0.2

    def __init__(self, info: FileInfo, run: "Run"):
        self.info = info
        self.run = run

    @classmethod
    def check(cls, info: FileInfo) -> str | None:
        """None when the file looks like this source, else what is wrong with it."""
        if info.kind not in cls.kinds:
            return _("expected a %(kinds)s file") % {"kinds": " or ".join(cls.kinds).upper()}
        return None

    def rows(self, record: Record) -> list[Row]:
        raise NotImplementedError

    def preview_row(self, record: Record) -> list[str]:
        return [str(value) for value in record.data]

    def finish(self, batches: list[ImportBatch]) -> None:
        """After the last row, in the same transaction."""

    @classmethod
    def restore(cls, previous: dict[str, Any]) -> dict[str, Any]:
        """Stored values from their JSON form in an `ImportChange`."""
        meta = cls.model._meta
        fields: dict[str, Any] = {name: meta.get_field(name) for name in previous}
        return {name: fields[name].to_python(value) for name, value in previous.items()}


REGISTRY: dict[str, type[Importer]] = {}


def register(importer: type[Importer]) -> type[Importer]:
    REGISTRY[importer.source] = importer
    return importer


def importer_for(source: str) -> type[Importer]:
    return REGISTRY[source]


def detect(info: FileInfo, sources: list[str] | None = None) -> type[Importer]:
    """The importer a file is for; `Rejected` naming what each source missed."""
    reasons = []
    for source in sources or list(REGISTRY):
        importer = REGISTRY[source]
        reason = importer.check(info)
        if reason is None:
            return importer
        reasons.append(f"{importer.label}: {reason}")
    columns = ", ".join(info.columns[:20]) or "–"
    raise Rejected(
        _("This file is not in a format Trygg knows (%(kind)s; columns: %(columns)s). %(why)s")
        % {"kind": info.kind.upper(), "columns": columns, "why": "; ".join(reasons) + "."}
    )


@dataclass
class Outcome:
    source: str
    info: FileInfo
    counts: Counts
    by_municipality: dict[str, Counts]
    batches: list[ImportBatch]
    problems: list[Problem]
    problem_count: int
    columns: list[str]
    first_rows: list[list[str]]
    dry_run: bool
    redactions: int = 0  # personal data masked in third parties' free text

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.counts.as_dict(),
            "source": self.source,
            "file": self.info.describe(),
            "municipalities": {code: c.as_dict() for code, c in self.by_municipality.items()},
            "batches": [] if self.dry_run else [b.pk for b in self.batches],
            "problems": [p.as_dict() for p in self.problems],
            "problem_count": self.problem_count,
            "dry_run": self.dry_run,
            "redactions": self.redactions,
        }


@dataclass
class _BatchState:
    batch: ImportBatch
    counts: Counts = field(default_factory=Counts)
    records: int = 0  # records that gave this municipality a row
    duplicates: int = 0
    # The municipality had no rows of this kind before: every key is new, unless repeated.
    fresh: bool = False


class Run:
    """One import of one file: reads, writes in chunks, counts, and collects problems."""

    def __init__(
        self,
        importer: type[Importer],
        info: FileInfo,
        targets: Targets,
        *,
        actor: Any = None,
        dry_run: bool = False,
        batches: dict[int, ImportBatch] | None = None,
        progress: Progress | None = None,
    ):
        self.importer_class = importer
        self.info = info
        self.targets = targets
        self.actor = actor
        self.dry_run = dry_run
        self.given_batches = batches or {}
        self.progress = progress
        self.states: dict[int, _BatchState] = {}
        self.records = 0
        self.skipped = 0
        self.errors = 0
        self.problems: list[Problem] = []
        self.problem_count = 0
        self.redactions = 0
        self.once: dict[str, Problem] = {}
        self.first_rows: list[list[str]] = []
        self.buffer: list[tuple[Record, Row]] = []
        self.table = Table(importer.model, importer.key_field, importer.fields)

    # Problems ------------------------------------------------------------------------------

    def problem(
        self,
        line: int | None,
        message: str,
        *,
        level: str = "error",
        municipality: Municipality | None = None,
    ) -> None:
        if level == "error":
            self.errors += 1
        self.problem_count += 1
        if len(self.problems) < MAX_PROBLEMS:
            mid = municipality.pk if municipality else None
            self.problems.append(Problem(line, message, level, mid))

    def warn_once(
        self,
        key: str,
        line: int,
        message: Callable[[], str],
        municipality: Municipality | None = None,
    ) -> None:
        """A warning that would repeat on many lines: listed once, with the count of the rest.

        `message` is only called the first time: the hot path of a big file stays cheap.
        """
        if key in self.once:
            self.once[key].more += 1
            return
        mid = municipality.id if municipality else None
        self.once[key] = Problem(line, message(), "warning", mid)
        self.problems.append(self.once[key])
        self.problem_count += 1

    def redact(
        self, line: int, values: dict[str, Any], fields: tuple[str, ...], municipality: Any
    ) -> None:
        """Mask personal data in third parties' free text in place, counting each finding."""
        found = 0
        for name in fields:
            if isinstance(values.get(name), str):
                values[name], n = redact(values[name])
                found += n
        if found:
            self.redactions += found
            self.warn_once(
                f"redacted:{municipality.pk}",
                line,
                lambda: str(
                    _("Personal data in the text was masked (e.g. [telefonnummer]) before saving.")
                ),
                municipality,
            )

    # Reading -------------------------------------------------------------------------------

    def execute(self) -> Outcome:
        with transaction.atomic():
            importer = self.importer_class(self.info, self)
            for item in self._records():
                self._take(importer, item)
            self._flush()
            self._check_share()
            batches = [state.batch for state in self.states.values()]
            importer.finish(batches)
            self._close_batches()
            if self.dry_run:
                transaction.set_rollback(True)
        return self._outcome()

    def _records(self) -> Iterator[Record]:
        read = json_records if self.info.kind == "json" else csv_records
        return read(self.info, self.progress)

    def _take(self, importer: Importer, item: Record) -> None:
        self.records += 1
        if len(self.first_rows) < PREVIEW_ROWS:
            self.first_rows.append(importer.preview_row(item))
        errors = self.errors
        rows = importer.rows(item)
        if item.cut and self.errors > errors:
            raise Rejected(
                _("The file ends in the middle of this line: it looks truncated."), item.line
            )
        if not rows:
            self.skipped += 1
            return
        if len(rows) == 1:
            self._state(rows[0].municipality).records += 1
        else:
            for mid in {row.municipality.id for row in rows}:
                self._state(self._municipality(rows, mid)).records += 1
        self.buffer += [(item, row) for row in rows]
        if len(self.buffer) >= CHUNK_ROWS:
            self._flush()

    @staticmethod
    def _municipality(rows: list[Row], mid: int) -> Municipality:
        return next(row.municipality for row in rows if row.municipality.id == mid)

    def _check_share(self) -> None:
        if self.records == 0:
            raise Rejected(_("The file has no rows."))
        share = self.importer_class.max_error_share
        too_many = self.errors >= MIN_ERRORS_TO_REJECT or self.errors == self.records
        if too_many and self.errors > share * self.records:
            raise Rejected(
                _(
                    "%(errors)d of %(records)d rows cannot be read: this does not look like a "
                    "valid %(label)s file. First problems: %(first)s"
                )
                % {
                    "errors": self.errors,
                    "records": self.records,
                    "label": self.importer_class.label,
                    "first": "; ".join(str(p) for p in self.problems[:3]),
                }
            )

    # Writing -------------------------------------------------------------------------------

    def _state(self, municipality: Municipality) -> _BatchState:
        state = self.states.get(municipality.id)
        if state is None:
            batch = self.given_batches.get(municipality.pk) or ImportBatch.objects.create(
                municipality=municipality,
                source=self.importer_class.source,
                file_name=self.info.name[:255],
                sha256=self.info.sha256,
                size=self.info.size,
                encoding=self.info.encoding_label,
                status=ImportBatch.Status.IMPORTED,
                created_by=self.actor if _is_user(self.actor) else None,
            )
            model = self.importer_class.model
            fresh = not model._default_manager.filter(municipality_id=municipality.id).exists()
            state = self.states[municipality.id] = _BatchState(batch, fresh=fresh)
        return state

    def _flush(self) -> None:
        groups: dict[int, list[tuple[Record, Row]]] = defaultdict(list)
        for item, row in self.buffer:
            groups[row.municipality.id].append((item, row))
        self.buffer = []
        for mid, items in groups.items():
            self._write(self.states[mid], items)

    def _write(self, state: _BatchState, items: list[tuple[Record, Row]]) -> None:
        if state.fresh:
            self._write_fresh(state, items)
            return
        table, batch = self.table, state.batch
        existing = table.existing(batch.municipality_id, [row.key for _item, row in items])
        new: list[tuple[Any, dict[str, Any]]] = []
        changed: dict[int, tuple[int, Row]] = {}  # pk -> (batch it was in, row)
        seen: set[Any] = set()
        for item, row in items:
            old = existing.get(row.key)
            if row.key in seen or (old is not None and old[1] == batch.id):
                self._duplicate(state, item)
                continue
            seen.add(row.key)
            if old is None:
                new.append((row.key, row.values))
            elif self._differs(old[2:], row.values):
                changed[old[0]] = (old[1], row)
            else:
                state.counts.unchanged += 1
        state.counts.imported += table.insert(table.records(batch.municipality_id, batch.id, new))
        self._update(state, changed)

    def _differs(self, stored: tuple[Any, ...], values: dict[str, Any]) -> bool:
        """Whether the given values differ from the stored ones (fields not given aside)."""
        return any(
            not _same(values[name], old)
            for name, old in zip(self.table.fields, stored, strict=True)
            if name in values
        )

    def _update(self, state: _BatchState, changed: dict[int, tuple[int, Row]]) -> None:
        """Update changed rows; keep their values before, to undo the batch."""
        if not changed:
            return
        batch, label = state.batch, self.importer_class.model._meta.label_lower
        before = self.table.values_of(list(changed))
        updates, undo = [], []
        for pk, (previous_batch, row) in changed.items():
            updates.append((pk, before[pk] | row.values))
            undo.append(
                ImportChange(
                    batch=batch,
                    model=label,
                    object_id=pk,
                    previous=_jsonable(before[pk]),
                    previous_batch_id=previous_batch,
                )
            )
        self.table.update(batch.id, updates)
        ImportChange.objects.bulk_create(undo, batch_size=LOOKUP_BATCH)
        state.counts.updated += len(updates)

    def _write_fresh(self, state: _BatchState, items: list[tuple[Record, Row]]) -> None:
        """Rows for a municipality that had none before: insert without looking them up.

        A key this import already inserted is not inserted again (ON CONFLICT DO NOTHING);
        the table says which keys were stored before the chunk: those lines repeat others.
        """
        new: list[tuple[Record, Row]] = []
        seen: set[Any] = set()
        for item, row in items:
            if row.key in seen:
                self._duplicate(state, item)
            else:
                seen.add(row.key)
                new.append((item, row))
        batch = state.batch
        records = self.table.records(
            batch.municipality_id, batch.id, [(row.key, row.values) for _item, row in new]
        )
        inserted, taken = self.table.insert_fresh(batch.municipality_id, records)
        for item, row in new:
            if row.key in taken:
                self._duplicate(state, item)
        state.counts.imported += inserted

    def _duplicate(self, state: _BatchState, item: Record) -> None:
        state.duplicates += 1
        self.problem(
            item.line,
            _("The same row as an earlier line of this file (the same natural key): left out."),
            municipality=state.batch.municipality,
        )

    def _close_batches(self) -> None:
        now = timezone.now()
        label = self.importer_class.label
        for state in self.states.values():
            batch = state.batch
            for name, value in state.counts.as_dict().items():
                setattr(batch, name, value)
            batch.skipped = self.records - state.records + state.duplicates
            mine = [p for p in self.problems if p.municipality_id in (None, batch.municipality_id)]
            batch.problems = [p.as_dict() for p in mine]
            batch.problem_count = len(mine) + sum(p.more for p in mine)
            batch.status, batch.imported_at = ImportBatch.Status.IMPORTED, now
            batch.save()
            record(
                self.actor,
                "import",
                batch,
                summary=f"{label} – {batch.file_name}: {state.counts} skipped={batch.skipped}",
                source=batch.source,
                file=batch.file_name,
                sha256=batch.sha256,
                counts=batch.counts(),
                problems=batch.problem_count,
                redactions=self.redactions,
            )
        if not self.states:
            record(
                self.actor,
                "import",
                object_type="imports.importbatch",
                summary=f"{label} – {self.info.name}: {self.totals()}",
                source=self.importer_class.source,
                file=self.info.name,
                sha256=self.info.sha256,
                counts=self.totals().as_dict(),
            )

    def totals(self) -> Counts:
        totals = Counts(skipped=self.skipped)
        for state in self.states.values():
            totals.imported += state.counts.imported
            totals.updated += state.counts.updated
            totals.unchanged += state.counts.unchanged
            totals.skipped += state.duplicates
        return totals

    def _outcome(self) -> Outcome:
        by_code = {}
        for state in self.states.values():
            counts = Counts(**state.counts.as_dict())
            counts.skipped = self.records - state.records + state.duplicates
            by_code[state.batch.municipality.code] = counts
        return Outcome(
            source=self.importer_class.source,
            info=self.info,
            counts=self.totals(),
            by_municipality=by_code,
            batches=[state.batch for state in self.states.values()],
            problems=self.problems,
            problem_count=self.problem_count + sum(p.more for p in self.once.values()),
            columns=self.info.columns,
            first_rows=self.first_rows,
            dry_run=self.dry_run,
            redactions=self.redactions,
        )


def _same(new: Any, stored: Any) -> bool:
    """Equal values; SQLite gives back an aware datetime as a naive one in UTC."""
    if isinstance(new, datetime) and isinstance(stored, datetime) and stored.tzinfo is None:
        return new.astimezone(UTC).replace(tzinfo=None) == stored
    return bool(new == stored)


def _is_user(actor: Any) -> bool:
    return actor is not None and getattr(actor, "is_authenticated", False)


def _jsonable(values: dict[str, Any]) -> dict[str, Any]:
    return {
        key: value.isoformat() if isinstance(value, date | datetime) else value
        for key, value in values.items()
    }


def run_import(
    path: Any,
    *,
    source: str | list[str] | None = None,
    targets: Targets | None = None,
    actor: Any = None,
    name: str | None = None,
    dry_run: bool = False,
    batches: dict[int, ImportBatch] | None = None,
    progress: Progress | None = None,
    on_inspected: Callable[[FileInfo], None] | None = None,
) -> Outcome:
    """Import a file of `source` (or one of several; any when None) into the targets.

    `Rejected` when the file cannot be imported; then nothing was written.
    """
    info = inspect(path, name)
    if on_inspected:
        on_inspected(info)
    importer = detect(info, [source] if isinstance(source, str) else source)
    run = Run(
        importer,
        info,
        targets if targets is not None else Targets.all(),
        actor=actor,
        dry_run=dry_run,
        batches=batches,
        progress=progress,
    )
    return run.execute()
