"""The store: migrations create exactly the model's schema, on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select

from infoscope.errors import InfoscopeError
from infoscope.ids import content_hash, make_id
from infoscope.model import Base, Document, Source
from infoscope.store import open_store, resolve_url
from infoscope.store.migrate import current_revision, head_revision, upgrade_to_head


def test_migrations_match_the_model(store):
    assert current_revision(store) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == [], f"migrations and model.py disagree: {diff}"


def test_upgrade_is_idempotent(store):
    assert upgrade_to_head(store) is False


def test_document_round_trip_keeps_text_raw_bytes_and_time(store):
    raw = "Привет\r\n".encode("cp1251")
    with store.session() as s:
        s.add(Source(id="src_x", name="X", kind="outlet", country="DE"))
        s.flush()
        s.add(
            Document(
                id="doc_x",
                source_id="src_x",
                origin="x.txt",
                text="Привет",
                content_hash=content_hash("Привет"),
                raw=raw,
                published_at=dt.datetime(2024, 7, 14, 18, 30),
            )
        )
    with store.sessions() as s:
        doc = s.scalars(select(Document)).one()
        assert doc.text == "Привет" and doc.raw == raw
        assert doc.published_at == dt.datetime(2024, 7, 14, 18, 30)
        assert doc.ingested_at.tzinfo is None


def test_unit_of_work_rolls_back_whole(store):
    with pytest.raises(RuntimeError), store.session() as s:
        s.add(Source(id="src_y", name="Y"))
        s.flush()
        raise RuntimeError("crash mid-transaction")
    with store.sessions() as s:
        assert s.scalars(select(Source)).all() == []


def test_sqlite_uses_wal(sqlite_url):
    s = open_store(sqlite_url)
    with s.engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    s.close()


def test_url_resolution(monkeypatch):
    monkeypatch.delenv("INFOSCOPE_DB", raising=False)
    assert resolve_url() == "sqlite:///infoscope.db"
    monkeypatch.setenv("INFOSCOPE_DB", "/tmp/a.db")
    assert resolve_url() == "sqlite:////tmp/a.db"
    assert resolve_url("postgresql://h/db") == "postgresql+psycopg://h/db"


def test_unreachable_database_is_a_clear_error():
    with pytest.raises(InfoscopeError, match="cannot open database"):
        open_store("postgresql+psycopg://127.0.0.1:1/nothing?connect_timeout=2")
    with pytest.raises(InfoscopeError, match="does not exist"):
        open_store("sqlite:////no/such/folder/x.db")


def test_ids_are_deterministic():
    assert make_id("doc", "a", 1) == make_id("doc", "a", 1) != make_id("doc", "a", 2)
    assert content_hash("a  b\n") == content_hash("a b")


def test_migrations_upgrade_a_store_that_holds_data(db_url):
    """Every migration runs on a store that already has rows (new NOT NULL columns need defaults)."""
    from alembic import command
    from sqlalchemy import text

    from infoscope.store.migrate import alembic_config

    s = open_store(db_url, upgrade=False)
    with s.engine.begin() as conn:
        cfg = alembic_config(s)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0001")
    with s.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO sources (id, name, kind, created_at) VALUES ('src_1', 'S', 'dataset', "
                "'2024-01-01 00:00:00')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO events (id, fingerprint, origin, status, source_id, actors, provenance, "
                "created_at) VALUES ('evt_1', 'f', 'import', 'reported', 'src_1', '[]', '{}', "
                "'2024-01-01 00:00:00')"
            )
        )
    assert upgrade_to_head(s) is True
    with s.sessions() as ses:
        from infoscope.model import Event

        ev = ses.get(Event, "evt_1")
        assert ev.independent_sources == 1 and ev.mentions == 1
    s.close()
