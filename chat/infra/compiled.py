"""Queries whose SQL is built once per process, for the paths that run them hundreds of times a
second. There, building a queryset costs more than the database's answer: a send's screening
took 4.7 ms of CPU to build and compile and 0.4 ms to run (docs/performance.md, round 2).

The query is still written with the ORM, in one place, so its meaning has one definition; what
is kept is the SQL the ORM made for it, and the converters that turn its columns into Python.
"""

from collections.abc import Callable
from threading import Lock

from django.core.exceptions import ImproperlyConfigured
from django.db import connections
from django.db.models import QuerySet

# Stand-ins for the arguments while the SQL is built: numbers no primary key takes.
_STAND_IN = -7_340_033
_STAND_IN_STEP = -1_009


class CompiledQuery:
    """``build(**arguments)`` returns a ``values()`` queryset; it is built once, with a
    stand-in number for each argument, and its SQL then runs with the real ones.

    Every argument must be a whole number the query only compares (a primary key). One that
    shaped the query, or that a lookup turned into something else, would not appear among the
    parameters as its stand-in: that is refused when the SQL is built, not guessed at. Anything
    that must be fresh on each run (the time) belongs in the SQL (``Now()``), not in
    ``build``."""

    def __init__(self, build: Callable[..., QuerySet], *names: str, using: str = "default"):
        self._build, self._names, self._using = build, names, using
        self._lock = Lock()
        self._compiled: tuple | None = None

    def _compile(self) -> tuple:
        stand_ins = {name: _STAND_IN + i * _STAND_IN_STEP for i, name in enumerate(self._names)}
        compiler = self._build(**stand_ins).query.get_compiler(using=self._using)
        sql, params = compiler.as_sql()
        slots: dict[int, str] = {}
        for name, value in stand_ins.items():
            places = [i for i, param in enumerate(params) if param == value]
            if not places:
                raise ImproperlyConfigured(f"{name!r} is not a parameter of the compiled query")
            slots.update(dict.fromkeys(places, name))
        selected = compiler.select[: compiler.col_count]
        columns = [alias for _expression, _sql, alias in selected]
        # The compiler's own converters (booleans from SQLite's integers, and the like), found
        # once; applied below with the running thread's connection, not the compiling one's.
        converters = compiler.get_converters([expression for expression, _s, _a in selected])
        return sql, tuple(params), slots, columns, list(converters.items())

    def rows(self, **arguments: int) -> list[dict]:
        if self._compiled is None:
            with self._lock:
                if self._compiled is None:
                    self._compiled = self._compile()
        sql, template, slots, columns, converters = self._compiled
        params = [arguments[slots[i]] if i in slots else p for i, p in enumerate(template)]
        connection = connections[self._using]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            fetched = cursor.fetchall()
        rows = []
        for row in fetched:
            row = list(row)
            for position, (functions, expression) in converters:
                for function in functions:
                    row[position] = function(row[position], expression, connection)
            rows.append(dict(zip(columns, row, strict=True)))
        return rows
