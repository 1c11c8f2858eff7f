"""Queries of a fixed shape compiled to SQL once per process, then run with new values.

Building and compiling an ORM query costs far more CPU than running it: for the public
single read of a complaint (three short indexed queries) it was about 40% of the request.
A :class:`Template` builds its queryset once, with marker values in place of the real ones,
compiles it, and remembers the SQL, where each marker landed among the parameters, and how
to turn rows into model instances. Each run substitutes the values and executes the SQL.

The ORM stays the one description of the query: the template is compiled from it, so a
changed field or a new column changes the template too. A template is compiled per
database alias; nothing in it depends on the language or the time zone of a request (keep
it so: no ``__date`` lookups and no ``Now()`` in a template).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from django.db import connections, models
from django.db.models import Model, QuerySet
from django.db.models.query import get_related_populators


def text(i: int) -> str:
    """A marker for a text value: no real value looks like it."""
    return f"\x00aduan-compiled-{i}\x00"


def number(i: int) -> int:
    """A marker for an integer value (a primary key): far below any real one."""
    return -(2**62) + i


class TemplateError(RuntimeError):
    """The query's shape does not allow a template (a marker is missing or repeated)."""


class _Compiled:
    __slots__ = ("layout", "positions", "sql")

    def __init__(self, sql, positions, layout):
        self.sql = sql
        self.positions = positions
        self.layout = layout


class Template:
    """``Template(lambda code: Complaint.objects.filter(code=code), compiled.text(0))``,
    then ``template.run("ADU-2612-0001")`` returns the model instances, as iterating the
    queryset would (including ``select_related`` and annotations).

    Values are passed to the database as they are: give them in the database's own form
    (a text, an integer key), as the markers are.
    """

    def __init__(self, build: Callable[..., QuerySet], *markers):
        self.build = build
        self.markers = markers
        self._compiled: dict[str, _Compiled] = {}
        self._lock = threading.Lock()

    def _compile(self, using: str) -> _Compiled:
        queryset = self.build(*self.markers)
        compiler = queryset.query.get_compiler(using=using)
        sql, params = compiler.as_sql()
        positions = []
        for marker in self.markers:
            found = [i for i, p in enumerate(params) if p == marker]
            if len(found) != 1:
                raise TemplateError(f"marker {marker!r} found {len(found)} times in {sql}")
            positions.append(found[0])
        # Parameters other than the markers are constants of the query: kept as compiled.
        fixed = list(params)
        select, klass_info, annotations = (
            compiler.select,
            compiler.klass_info,
            compiler.annotation_col_map,
        )
        fields = [s[0] for s in select[: compiler.col_count]]
        converters = compiler.get_converters(fields)
        model = klass_info["model"]
        first, last = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [f[0].target.attname for f in select[first:last]]
        populators = get_related_populators(klass_info, select, using)
        layout = (compiler, converters, model, first, last, names, populators, annotations, fixed)
        return _Compiled(sql, positions, layout)

    def compiled(self, using: str = "default") -> _Compiled:
        found = self._compiled.get(using)
        if found is None:
            with self._lock:
                found = self._compiled.get(using)
                if found is None:
                    found = self._compiled[using] = self._compile(using)
        return found

    def run(self, *values, using: str = "default") -> list[Model]:
        if len(values) != len(self.markers):
            raise TypeError(f"expected {len(self.markers)} values, got {len(values)}")
        c = self.compiled(using)
        compiler, converters, model, first, last, names, populators, annotations, fixed = c.layout
        params: list = list(fixed)
        for position, value in zip(c.positions, values, strict=True):
            params[position] = value
        with connections[using].cursor() as cursor:
            cursor.execute(c.sql, params)
            rows: Sequence = cursor.fetchall()
        if converters:
            rows = compiler.apply_converters(rows, converters)
        found = []
        for row in rows:
            obj = model.from_db(using, names, row[first:last])
            for populator in populators:
                populator.populate(row, obj)
            for name, position in annotations.items():
                setattr(obj, name, row[position])
            found.append(obj)
        return found


# Fields whose database form of a value of the given type is the value itself, on every
# backend (exact classes only: a subclass may convert): the insert skips their conversion
# chain for such values, and for None.
_AS_GIVEN = {
    models.CharField: str,
    models.TextField: str,
    models.SlugField: str,
    models.EmailField: str,
    models.BooleanField: bool,
}
# Fields (exact classes) whose database form of None is None on every backend.
_NONE_AS_GIVEN = frozenset(
    {
        *_AS_GIVEN,
        models.DateTimeField,
        models.DateField,
        models.DecimalField,
        models.IntegerField,
        models.BigIntegerField,
        models.SmallIntegerField,
        models.PositiveIntegerField,
        models.PositiveSmallIntegerField,
        models.PositiveBigIntegerField,
        models.ForeignKey,
    }
)


class _InsertShape:
    __slots__ = ("converters", "fields", "given", "head", "returning", "tail", "variants")

    def __init__(self, head, fields, tail, returning, converters):
        self.converters = converters
        self.head = head
        self.given = (tuple(fields), tuple(returning or ()))
        # (field, the value type it takes as given or None, whether it takes None as given)
        self.fields = [
            (field, _AS_GIVEN.get(type(field)), type(field) in _NONE_AS_GIVEN) for field in fields
        ]
        self.tail = tail
        self.returning = bool(returning)
        # The SQL for each pattern of NULL values: a NULL is written into the statement
        # rather than passed, so a wide row's statement keeps under psycopg's 50-parameter
        # limit for caching its parsed form (above it, psycopg splits the query anew on
        # every execution).
        self.variants: dict[tuple[bool, ...], str] = {}

    def built_for(self, fields, returning) -> bool:
        given, given_returning = self.given
        return all(a is b for a, b in zip(given, fields, strict=True)) and all(
            a is b for a, b in zip(given_returning, returning or (), strict=True)
        )

    def sql(self, nulls: tuple[bool, ...]) -> str:
        found = self.variants.get(nulls)
        if found is None:
            values = ", ".join("NULL" if null else "%s" for null in nulls)
            found = f"{self.head}{values}{self.tail}"
            if len(self.variants) < 256:  # a model sees a handful; never unbounded
                self.variants[nulls] = found
        return found


class CompiledInsert:
    """A model mixin: adding one row writes a statement built once per model, database and
    set of columns, instead of compiling Django's ``InsertQuery`` on every save.

    Only ``_do_insert`` changes: ``save()``, its signals, ``pre_save`` of every field (the
    ``auto_now_add`` times), the returned primary key and the instance's state go as
    Django's own path takes them, and every case the plain statement cannot express (an
    expression as a value, a field with its own placeholder, raw loading, a database
    that cannot return the new key) takes Django's own path. A filing inserts three or four of these rows; compiling the
    complaint's 52-column INSERT was about a fifth of the filing's CPU.
    """

    _insert_shapes: dict = {}

    def _do_insert(self, manager, using, fields, returning_fields, raw):
        shape = (
            None
            if raw or not fields
            else _insert_shape(type(self), using, fields, returning_fields)
        )
        if shape is None:
            return super()._do_insert(manager, using, fields, returning_fields, raw)
        connection = connections[using]
        values = []
        for field, as_given, none_as_given in shape.fields:
            value = field.pre_save(self, True)
            if (value is None and none_as_given) or type(value) is as_given:
                values.append(value)
            elif hasattr(value, "resolve_expression"):
                return super()._do_insert(manager, using, fields, returning_fields, raw)
            else:
                values.append(field.get_db_prep_save(value, connection))
        nulls = tuple(value is None for value in values)
        params = [value for value in values if value is not None]
        with connection.cursor() as cursor:
            cursor.execute(shape.sql(nulls), params)
            if not shape.returning:
                return []
            row = cursor.fetchone()
        if shape.converters:
            row = list(row)
            for position, converters, column in shape.converters:
                for converter in converters:
                    row[position] = converter(row[position], column, connection)
        return [row]


def _insert_shape(model, using, fields, returning_fields) -> _InsertShape | None:
    # Django passes the same field objects in the same order for a model each time (all
    # local concrete fields, with or without the key): keyed by their number, checked by
    # identity (hashing 50 fields per insert cost more than the rest of the lookup).
    key = (model, using, len(fields), len(returning_fields or ()))
    shapes = CompiledInsert._insert_shapes
    found = shapes.get(key, False)
    if found is False:
        found = shapes[key] = _build_insert_shape(model, using, fields, returning_fields)
    if found is not None and not found.built_for(fields, returning_fields):
        return None
    return found


def _build_insert_shape(model, using, fields, returning_fields) -> _InsertShape | None:
    connection = connections[using]
    features, ops = connection.features, connection.ops
    if returning_fields and not features.can_return_columns_from_insert:
        return None
    if any(hasattr(field, "get_placeholder") for field in fields):
        return None
    table = model._meta.db_table
    # What Django's insert compiler applies to the returned values (SQLite's booleans).
    converters = []
    for position, field in enumerate(returning_fields or ()):
        column = field.get_col(table)
        found = ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((position, found, column))
    columns = ", ".join(ops.quote_name(field.column) for field in fields)
    # Names quoted by the backend, from the model; values always go as parameters.
    head = f"INSERT INTO {ops.quote_name(table)} ({columns}) VALUES ("  # noqa: S608
    tail = ")"
    if returning_fields:
        returning, returning_params = ops.return_insert_columns(returning_fields)
        if returning_params:
            return None
        tail = f") {returning}"
    return _InsertShape(head, fields, tail, returning_fields, converters)
