"""Writing many rows of one model with one prepared statement.

Django's ``bulk_create`` and ``bulk_update`` prepare every value through the query compiler
(and ``bulk_update`` builds a CASE expression per field and row); on the hot paths (the
outbox worker, inbox ingestion, the audit chain) that cost more than the work itself. These
helpers prepare each column once per kind and send every value as a query parameter; only
model metadata is formatted into the SQL. Neither sends signals or calls ``save``: use them
where the caller owns every side effect.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from operator import attrgetter

from django.db import connection, models
from django.db.models.base import ModelState
from django.utils import timezone


def _preparer(field: models.Field) -> Callable | None:
    """How a value of ``field`` reaches the database driver; None: as it is (text, numbers,
    booleans and foreign keys)."""
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return connection.ops.adapt_datetimefield_value
    if kind in (
        "DateField", "JSONField", "DecimalField", "UUIDField", "BinaryField",
        "GenericIPAddressField",
    ):  # fmt: skip
        return partial(field.get_db_prep_save, connection=connection)
    return None


class _Columns:
    """How to read the values of some columns off model instances, ready for the driver: one
    C-level attribute fetch per row, then only the columns that need preparing."""

    def __init__(self, fields: Sequence[models.Field]) -> None:
        self.fields = list(fields)
        names = [field.attname for field in self.fields]
        self._get = (
            attrgetter(*names) if len(names) > 1 else (lambda obj: (getattr(obj, names[0]),))
        )
        self._prepare = [
            (index, prepare)
            for index, prepare in enumerate(map(_preparer, self.fields))
            if prepare is not None
        ]

    def values(self, obj: models.Model) -> list:
        return self.prepared(list(self._get(obj)))

    def prepared(self, row: list) -> list:
        """``row`` (values in column order, changed in place) ready for the driver."""
        for index, prepare in self._prepare:
            value = row[index]
            if value is not None:
                row[index] = prepare(value)
        return row


def reserve_ids(model: type[models.Model], count: int) -> list[int] | None:
    """``count`` primary keys for new rows of ``model``, taken from its sequence now, so rows
    that refer to them can be written first; None where the database has no sequence
    (SQLite numbers rows as they are inserted)."""
    if connection.vendor != "postgresql" or count <= 0:
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, model._meta.pk.column, count],
        )
        return [row[0] for row in cursor.fetchall()]


def insert_rows(
    model: type[models.Model], objects: Sequence[models.Model], *, keys: bool = True
) -> None:
    """INSERT new ``objects`` of ``model`` (every concrete column, with ``auto_now``/
    ``auto_now_add`` fields set to now) in one statement, and give each object its primary
    key, as ``bulk_create`` does. The primary key is written when every object already has one
    (``reserve_ids``), and left to the database otherwise. ``keys=False``: the caller does not
    need the keys of new rows, and the objects may be left without them.

    On PostgreSQL, rows whose keys are known or not needed go in by ``COPY``, the fastest way
    in (the driver formats each row in C; an array a column is formatted element by element in
    Python): a third of the client's time for a few hundred rows.
    """
    if not objects:
        return
    now = timezone.now()
    with_pk = all(obj.pk is not None for obj in objects)
    fields = []
    for field in model._meta.concrete_fields:
        if field.primary_key and not with_pk:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
        fields.append(field)
    columns = _Columns(fields)
    rows = [columns.values(obj) for obj in objects]
    if connection.vendor == "postgresql" and (with_pk or not keys):
        _copy(model, fields, rows)
        if with_pk:
            _saved(objects)
        return
    pk = model._meta.pk
    for obj, value in zip(objects, _insert(model, fields, rows, returning=True), strict=True):
        setattr(obj, pk.attname, value)
    _saved(objects)


def insert_values(model: type[models.Model], names: Sequence[str], rows: Sequence[list]) -> None:
    """INSERT new rows of ``model`` given as lists of values, in the order of the fields (by
    attname) ``names``; the other columns take their database defaults. No model instances
    are built and no keys come back: for rows nothing reads back at once (a queue's), where
    building an instance a row cost a fifth of taking a message in. ``COPY`` on PostgreSQL."""
    if not rows:
        return
    columns = _Columns([model._meta.get_field(name) for name in names])
    fields = columns.fields
    rows = [columns.prepared(list(row)) for row in rows]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
    else:
        _insert(model, fields, rows, returning=False)


def _insert(
    model: type[models.Model], fields: list[models.Field], rows: Sequence[list], *, returning: bool
) -> list:
    """One INSERT of prepared ``rows``; the new rows' keys when ``returning``."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    if connection.vendor == "postgresql":
        # One array a column, as Django's bulk_create does on PostgreSQL: the statement stays
        # short and the same whatever the number of rows (the driver parses a long statement's
        # placeholders anew on every call: a fifth of a 20-row insert's time).
        arrays = ", ".join(f"%s::{field.db_type(connection)}[]" for field in fields)
        source = f"SELECT * FROM unnest({arrays})"  # noqa: S608 (model metadata only)
        params = [list(column) for column in zip(*rows, strict=True)]
    else:
        row = "(" + ", ".join(["%s"] * len(fields)) + ")"
        source = "VALUES " + ", ".join([row] * len(rows))
        params = [value for values in rows for value in values]
    sql = f"INSERT INTO {quote(model._meta.db_table)} ({names}) {source}"
    if returning:
        sql += f" RETURNING {quote(model._meta.pk.column)}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [found[0] for found in cursor.fetchall()] if returning else []


def _copy(model: type[models.Model], fields: list[models.Field], rows: Sequence[list]) -> None:
    """``COPY`` prepared ``rows`` into ``model``'s table (PostgreSQL), its errors raised as
    Django's (an ``IntegrityError`` for a duplicate key, as from an INSERT)."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with (
        connection.cursor() as cursor,
        connection.wrap_database_errors,
        cursor.cursor.copy(sql) as copy,
    ):
        for row in rows:
            copy.write_row(row)


def _saved(objects: Sequence[models.Model]) -> None:
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias


def update_rows(objects: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the columns ``names`` of each of ``objects`` (saved, same model) by primary key,
    with one prepared statement run for every row."""
    if not objects:
        return
    model = type(objects[0])
    columns = _Columns([model._meta.get_field(name) for name in names])
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field in columns.fields),
        quote(model._meta.pk.column),
    )
    rows = [[*columns.values(obj), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


_TEMPLATES: dict[type, tuple[dict, list]] = {}


def unsaved(model: type[models.Model], values: dict, related: dict) -> models.Model:
    """A new, unsaved ``model`` instance from values by attname (other fields at their
    defaults) and related objects already in hand, without ``Model.__init__``'s work field by
    field: ingestion builds one or two per message. Only for models nothing listens to the
    init of (no ``pre_init``/``post_init`` receivers)."""
    found = _TEMPLATES.get(model)
    if found is None:
        fields = list(model._meta.concrete_fields)
        fresh = [f for f in fields if f.has_default() and callable(f.default)]
        found = _TEMPLATES[model] = (
            {f.attname: f.get_default() for f in fields if f not in fresh},
            fresh,
        )
    template, fresh = found
    obj = model.__new__(model)
    state = obj.__dict__
    state.update(template)
    for field in fresh:
        state[field.attname] = field.get_default()
    state.update(values)
    obj._state = ModelState()
    cache = obj._state.fields_cache
    for name, value in related.items():
        state[f"{name}_id"] = value.pk if value is not None else None
        cache[name] = value
    return obj
