"""Full-fidelity ledger exchange as JSON Lines: export, import into an empty store, export again
gives identical bytes.

Line 1 is a header naming the format and schema revision; then one line per row,
``{"table": ..., "row": {...}}``, tables in dependency order and rows by primary key. Bytes are
base64, dates and timestamps ISO 8601, JSON columns as they are (keys sorted).
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from collections.abc import Callable, Iterator
from typing import IO, Any

from sqlalchemy import Date, DateTime, LargeBinary, func, insert, select
from sqlalchemy.sql.schema import Table

from infoscope.errors import InfoscopeError
from infoscope.model import Base
from infoscope.store import Store
from infoscope.store.migrate import head_revision

FORMAT = "infoscope-ledger"
VERSION = 1
BATCH = 500


def _tables() -> list[Table]:
    """Tables that travel in an export: not users and tokens, nor document vectors (a cache of the texts).

    Those tables are marked ``info={"exchange": False}``.
    """
    return [t for t in Base.metadata.sorted_tables if t.info.get("exchange", True)]


def _encode(table: Table, row: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        v = getattr(row, col.name)
        if v is None:
            out[col.name] = None
        elif isinstance(col.type, LargeBinary):
            out[col.name] = base64.b64encode(v).decode("ascii")
        elif isinstance(v, dt.datetime | dt.date):
            out[col.name] = v.isoformat()
        else:
            out[col.name] = v
    return out


def _decode(table: Table, values: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for col in table.columns:
        if col.name not in values:
            continue
        v = values[col.name]
        if v is not None:
            if isinstance(col.type, LargeBinary):
                v = base64.b64decode(v)
            elif isinstance(col.type, DateTime):
                v = dt.datetime.fromisoformat(v)
            elif isinstance(col.type, Date):
                v = dt.date.fromisoformat(v)
        out[col.name] = v
    return out


def export_lines(store: Store) -> Iterator[str]:
    """The ledger as JSON Lines, streamed table by table in primary-key order."""
    yield json.dumps({"format": FORMAT, "version": VERSION, "schema": head_revision()}, sort_keys=True)
    with store.sessions() as s:
        for table in _tables():
            pk = list(table.primary_key.columns)
            result = s.execute(select(table).order_by(*pk).execution_options(yield_per=BATCH))
            for row in result:
                yield json.dumps(
                    {"table": table.name, "row": _encode(table, row)}, ensure_ascii=False, sort_keys=True
                )


def export_ledger(store: Store, out: IO[str]) -> int:
    n = 0
    for line in export_lines(store):
        out.write(line + "\n")
        n += 1
    return n - 1


def import_ledger(store: Store, lines: IO[str], on_row: Callable[[], None] | None = None) -> dict[str, int]:
    """Load an export into an empty store, all or nothing (one transaction)."""
    tables = {t.name: t for t in _tables()}
    with store.session() as s:
        for t in tables.values():
            if s.scalar(select(func.count()).select_from(t)):
                raise InfoscopeError(
                    f"the target store is not empty (table {t.name} has rows): "
                    "import-ledger only loads into an empty store"
                )
        first = lines.readline()
        try:
            header = json.loads(first)
        except json.JSONDecodeError as exc:
            raise InfoscopeError(f"not an infoscope ledger export: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise InfoscopeError("not an infoscope ledger export (no header line)")
        if header.get("version") != VERSION:
            raise InfoscopeError(f"unsupported ledger export version {header.get('version')}")
        counts: dict[str, int] = {}
        pending: dict[str, list[dict[str, Any]]] = {}

        def flush(name: str) -> None:
            if pending.get(name):
                s.execute(insert(tables[name]), pending[name])
                pending[name] = []

        current = None
        for lineno, line in enumerate(lines, start=2):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
                table = tables[item["table"]]
                values = _decode(table, item["row"])
            except (json.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
                raise InfoscopeError(f"line {lineno}: bad ledger row ({type(exc).__name__}: {exc})") from exc
            if current is not None and table.name != current:
                flush(current)
            current = table.name
            pending.setdefault(table.name, []).append(values)
            if len(pending[table.name]) >= BATCH:
                flush(table.name)
            counts[table.name] = counts.get(table.name, 0) + 1
            if on_row:
                on_row()
        if current is not None:
            flush(current)
    return counts
