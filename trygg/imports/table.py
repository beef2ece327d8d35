"""Fast reads and writes of imported rows, in SQL built once per model.

Building a Django model object for each of 80 000 rows, and an ORM query for each chunk of
keys, costs more than parsing the file. So new rows go in with one prepared INSERT run for
many rows (SQLite) or through COPY and a temporary table (PostgreSQL), always with
`ON CONFLICT DO NOTHING` (a key that is already there is left alone), each value converted
the way Django would; and stored rows are read with plain SELECTs (the driver gives back
dates and datetimes; SQLite's datetimes are naive, in UTC). The rare changed rows are read and
updated through the ORM.
"""

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models, transaction

MAX_ROWS = 500

# (inserted, keys that were already stored before this chunk)
FreshResult = tuple[int, set[Any]]


def _adapter(field: Any) -> Callable[[Any], Any] | None:
    """How Django turns a value of this field into what the database stores."""
    kind = field.get_internal_type()
    if kind == "DateField":
        # PostgreSQL takes a date as it is; SQLite stores it as text.
        return None if connection.vendor == "postgresql" else str
    if kind == "DateTimeField":
        return lambda value: _datetime(field, value)
    return None


def _datetime(field: Any, value: datetime) -> Any:
    """An aware datetime as Django stores it: SQLite as text in UTC, PostgreSQL as it is."""
    if value.tzinfo is None:
        return field.get_db_prep_save(value, connection)
    if connection.vendor == "sqlite":
        return str(value.astimezone(UTC).replace(tzinfo=None))
    return value


class Table:
    """One model's table, seen as: municipality, batch, natural key, and the compared fields."""

    def __init__(self, model: type[models.Model], key_field: str, fields: tuple[str, ...]):
        self.model = model
        self.fields = fields
        meta = model._meta

        def field(name: str) -> Any:
            return meta.get_field(name)

        quote = connection.ops.quote_name
        adapters = {name: _adapter(field(name)) for name in fields}
        self.plan = [(name, adapters[name], field(name).get_default()) for name in fields]
        # (position, adapter) of the fields whose values need converting.
        self.adapted = [(i, a) for i, (_n, a, _d) in enumerate(self.plan) if a is not None]
        self.table = quote(meta.db_table)
        self.staging = quote(f"staging_{meta.db_table}")
        self.key_column = quote(field(key_field).column)
        self.field_columns = [quote(field(name).column) for name in fields]
        self.columns = ", ".join(
            [
                quote(field("municipality").column),
                quote(field("batch").column),
                self.key_column,
                *self.field_columns,
            ]
        )
        self.postgresql = connection.vendor == "postgresql"

    def records(
        self, municipality_id: int, batch_id: int, rows: list[tuple[Any, dict[str, Any]]]
    ) -> list[list[Any]]:
        """(key, values) rows as the table's columns, as stored, defaults filled in."""
        return [[municipality_id, batch_id, key, *self._stored(values)] for key, values in rows]

    def _stored(self, values: dict[str, Any]) -> list[Any]:
        row = [values.get(name, default) for name, _adapt, default in self.plan]
        for index, adapt in self.adapted:
            if row[index] is not None:
                row[index] = adapt(row[index])
        return row

    def insert(self, records: list[list[Any]]) -> int:
        """Insert the records; those whose key is stored already are left out. How many went in."""
        if not records:
            return 0
        with connection.cursor() as cursor:
            return self._insert(cursor, records)

    def _insert(self, cursor: Any, records: list[list[Any]]) -> int:
        if self.postgresql:
            return self._copy(cursor.cursor, records)
        marks = ", ".join(["%s"] * len(records[0]))
        cursor.executemany(
            f"INSERT INTO {self.table} ({self.columns}) VALUES ({marks}) "  # noqa: S608
            "ON CONFLICT DO NOTHING",
            records,
        )
        return int(cursor.rowcount)

    def _copy(self, cursor: Any, records: list[list[Any]]) -> int:
        """PostgreSQL: COPY the rows in; if a key is there already, through a staging table.

        The rows are new keys (looked up, or a municipality's first rows), so COPY straight
        into the table nearly always works. A line that repeats an earlier line of the file
        makes it fail: then, back at the savepoint, the chunk goes through a temporary
        table and `INSERT … ON CONFLICT DO NOTHING`.
        """
        from psycopg.errors import UniqueViolation

        try:
            copying = cursor.copy(f"COPY {self.table} ({self.columns}) FROM STDIN")
            with transaction.atomic(), copying as copy:
                for record in records:
                    copy.write_row(record)
            return len(records)
        except UniqueViolation:
            return self._copy_staged(cursor, records)

    def _copy_staged(self, cursor: Any, records: list[list[Any]]) -> int:
        cursor.execute(
            f"CREATE TEMPORARY TABLE IF NOT EXISTS {self.staging} ON COMMIT DROP AS "  # noqa: S608
            f"SELECT {self.columns} FROM {self.table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {self.staging} ({self.columns}) FROM STDIN") as copy:
            for record in records:
                copy.write_row(record)
        cursor.execute(
            f"INSERT INTO {self.table} ({self.columns}) SELECT {self.columns} "  # noqa: S608
            f"FROM {self.staging} ON CONFLICT DO NOTHING"
        )
        inserted = int(cursor.rowcount)
        cursor.execute(f"TRUNCATE {self.staging}")
        return inserted

    def insert_fresh(self, municipality_id: int, records: list[list[Any]]) -> FreshResult:
        """Insert a chunk of rows of a municipality that had none before this import.

        Returns how many went in, and the keys that were stored before this chunk: lines
        that repeat an earlier line of the file.
        """
        if not records:
            return 0, set()
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MAX(id) FROM {self.table}")  # noqa: S608
            before = cursor.fetchone()[0] or 0
            inserted = self._insert(cursor, records)
            if inserted == len(records):
                return inserted, set()
            keys = list({record[2] for record in records})
            return inserted, self._keys_upto(cursor, municipality_id, before, keys)

    def _keys_upto(self, cursor: Any, municipality_id: int, last: int, keys: list[Any]) -> set[Any]:
        found: set[Any] = set()
        for start in range(0, len(keys), MAX_ROWS):
            chunk = keys[start : start + MAX_ROWS]
            cursor.execute(
                f"SELECT {self.key_column} FROM {self.table} WHERE municipality_id = %s "  # noqa: S608
                f"AND id <= %s AND {self._in(len(chunk))}",
                [municipality_id, last, *self._in_params(chunk)],
            )
            found |= {row[0] for row in cursor.fetchall()}
        return found

    def _in(self, count: int) -> str:
        if self.postgresql:
            return f"{self.key_column} = ANY(%s)"
        return f"{self.key_column} IN ({', '.join(['%s'] * count)})"

    def _in_params(self, keys: list[Any]) -> list[Any]:
        return [keys] if self.postgresql else keys

    def existing(self, municipality_id: int, keys: list[Any]) -> dict[Any, tuple[Any, ...]]:
        """Key -> (pk, batch id, *fields as stored) of the rows with these keys."""
        found: dict[Any, tuple[Any, ...]] = {}
        unique = list(dict.fromkeys(keys))
        columns = ", ".join([self.key_column, "id", "batch_id", *self.field_columns])
        with connection.cursor() as cursor:
            for start in range(0, len(unique), MAX_ROWS):
                chunk = unique[start : start + MAX_ROWS]
                cursor.execute(
                    f"SELECT {columns} FROM {self.table} "  # noqa: S608
                    f"WHERE municipality_id = %s AND {self._in(len(chunk))}",
                    [municipality_id, *self._in_params(chunk)],
                )
                for values in cursor.fetchall():
                    found[values[0]] = values[1:]
        return found

    def values_of(self, pks: list[int]) -> dict[int, dict[str, Any]]:
        """The fields of these rows, as Python values, through the ORM."""
        rows = self.model._default_manager.filter(pk__in=pks).values("pk", *self.fields)
        return {row.pop("pk"): row for row in rows}

    def update(self, batch_id: int, rows: list[tuple[int, dict[str, Any]]]) -> None:
        objects = [self.model(pk=pk, batch_id=batch_id, **values) for pk, values in rows]
        self.model._default_manager.bulk_update(
            objects, [*self.fields, "batch_id"], batch_size=MAX_ROWS
        )
