"""Fixtures for the web tests: a demo ledger on SQLite and PostgreSQL, people of every role, clients.

The ledger is built once per module and back end (ingesting the demo corpus takes seconds);
tests that change it pick items nobody else touches.
"""

from __future__ import annotations

import os
import re
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from infoscope.events.importer import EventMapping, import_events
from infoscope.ingest.registry import SourceRegistry
from infoscope.ingest.run import IngestOptions, ingest
from infoscope.link.resolve import build_ledger
from infoscope.store import Store, open_store
from infoscope.web.accounts import create_token, create_user
from infoscope.web.app import create_app
from infoscope.web.settings import Settings
from pgserver import PG_SERVER, pg_unavailable

ROOT = Path(__file__).resolve().parents[2]
DEMO = ROOT / "examples" / "demo"
ROLES = ("viewer", "contributor", "reviewer", "admin")
PASSWORD = "correct horse battery"
SECRET = "a fixed key, so a session made by one test's app is valid in the next"
_SESSIONS: dict[tuple[int, str], tuple[str, str]] = {}


PG_REASON = pg_unavailable()


class Ledger:
    """A demo ledger with one user and one API token per role."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.tokens: dict[str, str] = {}
        for role in ROLES:
            create_user(store, role, role, PASSWORD)
            self.tokens[role] = create_token(store, role, "tests")

    def auth(self, role: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[role]}"} if role else {}


def build_demo(store: Store) -> None:
    ingest(
        store,
        [str(DEMO / "articles")],
        IngestOptions(registry=SourceRegistry.load(DEMO / "sources.toml")),
    )
    import_events(store, DEMO / "events.csv", EventMapping())
    build_ledger(store)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def ledger(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Ledger]:
    """The demo ledger on each back end (module-scoped: built once per test file)."""
    admin = None
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'ledger.db'}"
    else:
        if PG_REASON:
            if os.environ.get("INFOSCOPE_REQUIRE_PG"):
                pytest.fail(PG_REASON)
            pytest.skip(PG_REASON)
        schema = f"t_{uuid.uuid4().hex[:12]}"
        admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
        with admin.connect() as c:
            c.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    store = open_store(url)
    try:
        build_demo(store)
        yield Ledger(store)
    finally:
        store.close()
        if admin is not None:
            with admin.connect() as c:
                c.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()


@pytest.fixture
def client(ledger: Ledger) -> Iterator[TestClient]:
    """A fresh app (fresh rate limiter, fresh sessions) over the module's ledger."""
    app = create_app(store=ledger.store, settings=Settings(public_read=False, secret_key=SECRET))
    with TestClient(app) as c:
        yield c


@pytest.fixture
def public_client(ledger: Ledger) -> Iterator[TestClient]:
    app = create_app(store=ledger.store, settings=Settings(public_read=True, secret_key=SECRET))
    with TestClient(app) as c:
        yield c


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def sign_in(client: TestClient, name: str, password: str = PASSWORD, *, fresh: bool = False) -> str:
    """Sign in through the form; returns the session's CSRF token.

    Sessions are reused per store and name (argon2 is slow on purpose), unless ``fresh``.
    """
    key = (id(client.app.state.store), name)
    if not fresh and key in _SESSIONS:
        cookie, csrf = _SESSIONS[key]
        client.cookies.set("infoscope_session", cookie)
        return csrf
    token = csrf_of(client.get("/login").text)
    r = client.post("/login", data={"name": name, "password": password, "csrf_token": token, "next": "/"})
    assert r.status_code == 200 and r.url.path == "/", r.text[:500]
    csrf = csrf_of(client.get("/events").text)
    _SESSIONS[key] = (client.cookies["infoscope_session"], csrf)
    return csrf
