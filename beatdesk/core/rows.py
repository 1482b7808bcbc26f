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

from django.db import connection, models
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


def _values(obj: models.Model, preparers) -> list:
    values = []
    for field, prepare in preparers:
        value = getattr(obj, field.attname)
        values.append(value if prepare is None or value is None else prepare(value))
    return values


def insert_rows(model: type[models.Model], objects: Sequence[models.Model]) -> None:
    """INSERT new ``objects`` of ``model`` (every concrete column but the primary key, with
    ``auto_now``/``auto_now_add`` fields set to now) in one ``INSERT ... RETURNING``, and give
    each object its primary key, as ``bulk_create`` does."""
    if not objects:
        return
    now = timezone.now()
    preparers = []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            for obj in objects:
                setattr(obj, field.attname, now)
        preparers.append((field, _preparer(field)))
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field, _ in preparers)
    row = "(" + ", ".join(["%s"] * len(preparers)) + ")"
    params = [value for obj in objects for value in _values(obj, preparers)]
    pk = model._meta.pk
    sql = "INSERT INTO {} ({}) VALUES {} RETURNING {}".format(  # noqa: S608
        quote(model._meta.db_table), columns, ", ".join([row] * len(objects)), quote(pk.column)
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        ids = [found[0] for found in cursor.fetchall()]
    for obj, value in zip(objects, ids, strict=True):
        setattr(obj, pk.attname, value)
        obj._state.adding = False
        obj._state.db = connection.alias


def update_rows(objects: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the columns ``names`` of each of ``objects`` (saved, same model) by primary key,
    with one prepared statement run for every row."""
    if not objects:
        return
    model = type(objects[0])
    preparers = [(field, _preparer(field)) for field in map(model._meta.get_field, names)]
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(field.column)} = %s" for field, _ in preparers),
        quote(model._meta.pk.column),
    )
    rows = [[*_values(obj, preparers), obj.pk] for obj in objects]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
