"""Whether the PostgreSQL server the store tests use answers (shared by every conftest)."""

from __future__ import annotations

import os

from sqlalchemy import create_engine, text

PG_SERVER = os.environ.get("INFOSCOPE_TEST_PG", "postgresql+psycopg://127.0.0.1:5432/test")


def pg_unavailable() -> str | None:
    """None when the server answers, else the reason it does not."""
    try:
        eng = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
        with eng.connect() as c:
            c.execute(text("select 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure means: no server to test against
        return f"no PostgreSQL server answers at {PG_SERVER}: {str(exc).splitlines()[0]}"
