"""Writing many rows of one model with one prepared statement.

Django's ``bulk_create`` and ``bulk_update`` prepare every value through the query compiler
(and ``bulk_update`` builds a CASE expression per field and row); on the outbox worker's hot
path that cost more than the work itself. These helpers prepare each value once with the
field's own ``get_db_prep_save`` and run one ``executemany``. Only model metadata is
formatted into the SQL; every value is a query parameter. Neither sends signals or calls
``save``: use them where the caller owns every side effect (the outbox, the audit chain).
"""

from __future__ import annotations

from collections.abc import Sequence

from django.db import connection, models


def _fields(model: type[models.Model], names: Sequence[str]) -> list[models.Field]:
    return [model._meta.get_field(name) for name in names]


def insert_rows(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """INSERT ``objs`` (unsaved, same model) with the columns ``names``; primary keys are
    left to the database and not read back."""
    if not objs:
        return
    model = type(objs[0])
    fields = _fields(model, names)
    quote = connection.ops.quote_name
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(quote(f.column) for f in fields),
        ", ".join(["%s"] * len(fields)),
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def update_rows(objs: Sequence[models.Model], names: Sequence[str]) -> None:
    """UPDATE the columns ``names`` of each of ``objs`` (saved, same model) by primary key."""
    if not objs:
        return
    model = type(objs[0])
    fields = _fields(model, names)
    quote = connection.ops.quote_name
    sql = "UPDATE {} SET {} WHERE {} = %s".format(  # noqa: S608
        quote(model._meta.db_table),
        ", ".join(f"{quote(f.column)} = %s" for f in fields),
        quote(model._meta.pk.column),
    )
    rows = [
        [f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields] + [obj.pk]
        for obj in objs
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)
