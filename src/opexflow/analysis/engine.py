"""The analytical engine: where Ibis expressions run. All engine-specific code is here.

Analyses build Ibis expressions over the canonical tables that :class:`Engine`
hands out, and ask the engine to run them. DuckDB (in-process) is the default;
another Ibis backend (PySpark for logs beyond one machine) plugs in by giving
``Engine`` a connected backend.

Example:
    >>> from opexflow.analysis.engine import Engine
    >>> engine = Engine.duckdb(memory_limit="1GB", threads=2)
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa

if TYPE_CHECKING:
    import ibis.expr.types as ir


class Engine:
    """Runs Ibis expressions over a log's Parquet files on one Ibis backend."""

    def __init__(self, backend: Any, *, name: str) -> None:
        self.backend = backend
        self.name = name
        self._tables: dict[tuple[str, str], ir.Table] = {}
        self._lock = threading.Lock()

    @classmethod
    def duckdb(cls, *, memory_limit: str | None = None, threads: int | None = None) -> Engine:
        """An in-process DuckDB engine (spills to disk beyond ``memory_limit``)."""
        import ibis

        config: dict[str, Any] = {}
        if memory_limit:
            config["memory_limit"] = memory_limit
        if threads:
            config["threads"] = threads
        backend = ibis.duckdb.connect(**config)
        backend.raw_sql("SET TimeZone = 'UTC'")
        return cls(backend, name="duckdb")

    def parquet(self, path: Path) -> ir.Table:
        """The Parquet file at ``path`` as an Ibis table (registered once)."""
        key = (str(path.resolve()), self.name)
        with self._lock:
            table = self._tables.get(key)
            if table is None:
                # Not t0, t1, ...: ibis aliases subqueries so, and a clash breaks deep queries.
                table_name = f"opexflow_parquet_{len(self._tables)}"
                table = self.backend.read_parquet(str(path), table_name=table_name)
                self._tables[key] = table
        return table

    def to_arrow(self, expr: ir.Expr) -> pa.Table:
        """Run a table expression and return its result as an Arrow table."""
        if self.name == "duckdb":
            # Straight from DuckDB: ibis's own to_pyarrow imports pandas (0.2 s) to convert.
            self.backend._run_pre_execute_hooks(expr)  # registers in-memory tables (memtables)
            rel = self.backend.con.sql(str(self.backend.compile(expr)))
            table = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
            assert isinstance(table, pa.Table)
            return table
        result = self.backend.to_pyarrow(expr)
        assert isinstance(result, pa.Table)
        return result

    def scalar(self, expr: ir.Expr) -> Any:
        """Run a scalar expression and return a Python value."""
        if self.name == "duckdb":
            self.backend._run_pre_execute_hooks(expr)
            row = self.backend.con.sql(str(self.backend.compile(expr))).fetchone()
            return row[0] if row else None
        return self.backend.execute(expr)


_default: Engine | None = None
_default_lock = threading.Lock()


def get_engine(engine: Engine | None = None) -> Engine:
    """``engine`` itself, or the process-wide DuckDB engine made from the settings."""
    global _default
    if engine is not None:
        return engine
    with _default_lock:
        if _default is None:
            from opexflow.settings import get_settings

            s = get_settings().engine
            _default = Engine.duckdb(memory_limit=s.memory_limit, threads=s.threads)
        return _default
