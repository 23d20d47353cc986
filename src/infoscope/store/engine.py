"""Opening a store: URL resolution, engine settings per back end, automatic migration."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from infoscope.errors import InfoscopeError
from infoscope.store.retry import busy_timeout_ms

DEFAULT_DB = "sqlite:///infoscope.db"


def resolve_url(db: str | None = None) -> str:
    """The database URL: ``--db``, else ``INFOSCOPE_DB``, else ``./infoscope.db``.

    A plain file path is taken as an SQLite file, and ``postgresql://`` gets the psycopg 3
    driver so users can paste the URL their server prints.
    """
    url = db or os.environ.get("INFOSCOPE_DB") or DEFAULT_DB
    if "://" not in url:
        url = f"sqlite:///{Path(url)}"
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")  # wait for the write lock, then retry_write
    cur.close()


@dataclass
class Store:
    """An open ledger: the engine and a session factory."""

    url: str
    engine: Engine
    sessions: sessionmaker[Session] = field(repr=False)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """One unit of work: committed when the block ends, rolled back if it raises."""
        with self.sessions() as s, s.begin():
            yield s

    def close(self) -> None:
        self.engine.dispose()


def open_store(db: str | None = None, *, upgrade: bool = True) -> Store:
    """Open (and, on first use, create or migrate) the ledger at ``db``."""
    url = resolve_url(db)
    try:
        sa_url = make_url(url)
    except ArgumentError as exc:
        raise InfoscopeError(f"not a database URL: {url!r}") from exc
    if sa_url.get_backend_name() == "sqlite":
        if sa_url.database and sa_url.database != ":memory:":
            parent = Path(sa_url.database).parent
            if not parent.exists():
                raise InfoscopeError(f"folder for the database does not exist: {parent}")
        # The web server answers from up to 40 threads: a pool smaller than that made requests queue
        # for a connection and opened and closed overflow connections (pragmas and all) per request.
        pool = {"pool_size": 20, "max_overflow": 20} if sa_url.database not in (None, "", ":memory:") else {}
        engine = create_engine(sa_url, connect_args={"timeout": busy_timeout_ms() / 1000}, **pool)
        event.listen(engine, "connect", _sqlite_pragmas)
    elif sa_url.get_backend_name() == "postgresql":
        engine = create_engine(sa_url, pool_pre_ping=True, pool_size=10, max_overflow=20)
    else:
        raise InfoscopeError(f"unsupported database {sa_url.get_backend_name()!r}: use sqlite or postgresql")
    store = Store(url=url, engine=engine, sessions=sessionmaker(engine, expire_on_commit=False))
    if upgrade:
        from infoscope.store.migrate import upgrade_to_head

        try:
            upgrade_to_head(store)
        except OperationalError as exc:
            engine.dispose()
            msg = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise InfoscopeError(f"cannot open database {sa_url.render_as_string()}: {msg}") from exc
    return store
