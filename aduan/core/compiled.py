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

from django.db import connections
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
