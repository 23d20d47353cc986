"""Alembic, driven from code: the migrations ship inside the package."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from infoscope.store.engine import Store

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(store: Store) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    cfg.attributes["store"] = store
    return cfg


def head_revision() -> str | None:
    return ScriptDirectory.from_config(_bare_config()).get_current_head()


def _bare_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def current_revision(store: Store) -> str | None:
    with store.engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade_to_head(store: Store) -> bool:
    """Bring the schema to the newest revision; returns True when something ran."""
    if current_revision(store) == head_revision():
        return False
    if store.dialect == "sqlite":
        from infoscope.store.retry import retry_write

        retry_write(lambda: _upgrade_sqlite(store))  # another process migrating holds the lock
        return True
    with store.engine.begin() as conn:
        # one migrator at a time: a second run started at the same moment waits here, then finds
        # the schema current instead of failing on "relation already exists"
        if store.dialect == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7263001)")
        cfg = alembic_config(store)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True


def _upgrade_sqlite(store: Store) -> None:
    """Migrate in one real transaction: all of it or nothing, even when the process is killed.

    Python's sqlite3 commits each CREATE TABLE on its own (it opens transactions only before
    DML), so a kill during the first run's migration used to leave tables without the revision
    stamp, and every later run then failed on "table already exists". Here the connection is
    switched to manual transactions and opened with BEGIN IMMEDIATE, which also makes a second
    process that migrates at the same moment wait and then find the schema current.
    """
    with store.engine.connect() as conn:
        raw = conn.connection.driver_connection
        saved = raw.isolation_level  # type: ignore[union-attr]
        raw.isolation_level = None  # type: ignore[union-attr]
        try:
            trans = conn.begin()
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            try:
                cfg = alembic_config(store)
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "head")
            except BaseException:
                trans.rollback()
                raise
            trans.commit()
        finally:
            raw.isolation_level = saved  # type: ignore[union-attr]
