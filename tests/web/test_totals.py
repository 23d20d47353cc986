"""List totals are kept for a moment, but never survive a write made through the same server."""

from __future__ import annotations

import time

from sqlalchemy import create_engine, delete, insert

from infoscope.model import Event
from infoscope.web import data
from infoscope.web.data import Filters, Totals


def test_a_write_through_the_app_shows_in_the_total_at_once(client, ledger):
    h = ledger.auth("contributor")
    before = client.get("/api/v1/events?country=GB", headers=h).json()["total"]
    assert client.get("/api/v1/events?country=GB", headers=h).json()["total"] == before  # now cached
    r = client.post(
        "/api/v1/contributions/events",
        headers=h,
        json={
            "type": "Protests",
            "date": "2024-07-28",
            "country": "United Kingdom",
            "location": "Leeds",
            "description": "A vigil in Leeds.",
        },
    )
    assert r.status_code == 201
    assert client.get("/api/v1/events?country=GB", headers=h).json()["total"] == before + 1


def test_another_process_write_shows_within_the_time_to_live(ledger, monkeypatch):
    store = ledger.store
    monkeypatch.setattr(data, "TOTALS", Totals(ttl=0.5))
    f = Filters(country="ZZ")
    assert data.list_events(store, f)["total"] == 0
    other = create_engine(store.engine.url)  # a separate engine: its commits are not seen by this one's cache
    row = {
        "id": "evt_totals_test",
        "origin": "test",
        "type": "Protests",
        "country": "ZZ",
        "status": "reported",
        "fingerprint": "totals-test",
    }
    try:
        with other.begin() as c:
            c.execute(insert(Event), [row])
        page = data.list_events(store, f)
        assert page["total"] == 0 and [e["id"] for e in page["items"]] == ["evt_totals_test"]  # items fresh
        time.sleep(0.6)
        assert data.list_events(store, f)["total"] == 1
    finally:
        with other.begin() as c:
            c.execute(delete(Event).where(Event.id == row["id"]))
        other.dispose()


def test_time_to_live_zero_counts_every_time(ledger, monkeypatch):
    monkeypatch.setattr(data, "TOTALS", Totals(ttl=0))
    store = ledger.store
    n = data.list_events(store, Filters())["total"]
    assert n > 0 and data.list_events(store, Filters())["total"] == n
    assert data.TOTALS._values == {}
