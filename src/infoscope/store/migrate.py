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
    with store.engine.begin() as conn:
        # one migrator at a time: a second run started at the same moment waits here, then finds
        # the schema current instead of failing on "relation already exists"
        if store.dialect == "postgresql":
            conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7263001)")
        cfg = alembic_config(store)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return True
