"""The REST API over the demo ledger, on SQLite and PostgreSQL: reads, filters, pagination, exports."""

from __future__ import annotations

import csv
import io
import json

from sqlalchemy import func, select

from infoscope.model import Annotation, Document, Event, Span
from infoscope.web.data import Filters
from infoscope.web.exports import export_events


def test_reading_needs_a_token_unless_public(client, public_client, ledger):
    assert client.get("/api/v1/events").status_code == 401
    assert client.get("/api/v1/events", headers={"Authorization": "Bearer isc_wrong"}).status_code == 401
    assert client.get("/api/v1/events", headers={"Authorization": "Basic abc"}).status_code == 401
    assert client.get("/api/v1/events", headers=ledger.auth("viewer")).status_code == 200
    assert public_client.get("/api/v1/events").status_code == 200
    # writing is never public
    r = public_client.post("/api/v1/contributions/events", json={"type": "Protests", "date": "2024-07-20"})
    assert r.status_code == 401


def test_events_pagination_and_filters(client, ledger):
    h = ledger.auth("viewer")
    with ledger.store.sessions() as s:
        total = s.scalar(select(func.count()).select_from(Event))
        fr = s.scalar(select(func.count()).select_from(Event).where(Event.country == "FR"))
    first = client.get("/api/v1/events?limit=7", headers=h).json()
    assert first["total"] == total and len(first["items"]) == 7
    second = client.get("/api/v1/events?limit=7&offset=7", headers=h).json()
    assert {e["id"] for e in first["items"]}.isdisjoint(e["id"] for e in second["items"])
    got = client.get("/api/v1/events?country=fr&limit=500", headers=h).json()
    assert got["total"] == fr > 0 and all(e["country"] == "FR" for e in got["items"])
    july20 = client.get("/api/v1/events?period=2024-07-20&limit=500", headers=h).json()
    assert july20["total"] > 0 and all(e["date"].startswith("2024-07-20") for e in july20["items"])
    span = client.get("/api/v1/events?period=2024-07-20..2024-07-21&type=Protests", headers=h).json()
    assert span["total"] >= july20["total"] - sum(e["type"] != "Protests" for e in july20["items"])
    assert client.get("/api/v1/events?period=july", headers=h).status_code == 422
    assert client.get("/api/v1/events?limit=0", headers=h).status_code == 422
    assert client.get("/api/v1/events?limit=501", headers=h).status_code == 422
    by_source = client.get("/api/v1/events?source=events&limit=500", headers=h).json()
    assert by_source["total"] >= 1


def test_event_detail_has_mentions_and_quotes(client, ledger):
    h = ledger.auth("viewer")
    eid = client.get("/api/v1/events?country=FR&limit=1", headers=h).json()["items"][0]["id"]
    d = client.get(f"/api/v1/events/{eid}", headers=h).json()
    assert d["id"] == eid and d["review"]["version"] == 0
    assert d["mention_list"] and d["mention_list"][0]["quote"]
    assert isinstance(d["disagreements"], dict)
    assert client.get("/api/v1/events/evt_nope", headers=h).status_code == 404


def test_documents_list_detail_and_annotations(client, ledger):
    h = ledger.auth("viewer")
    docs = client.get("/api/v1/documents?limit=3&language=en", headers=h).json()
    assert docs["total"] > 0 and all(d["language"] == "en" for d in docs["items"])
    did = docs["items"][0]["id"]
    with ledger.store.session() as s:
        doc = s.get(Document, did)
        s.add(Span(id="spn_api_1", document_id=did, start=0, end=5))
        s.flush()
        s.add(
            Annotation(
                id="ann_api_claim",
                document_id=did,
                span_id="spn_api_1",
                layer="claims",
                label="a claim",
                value={"text": doc.text[:5]},
            )
        )
    d = client.get(f"/api/v1/documents/{did}", headers=h).json()
    assert d["text"] == doc.text
    assert any(a["layer"] == "claims" and a["start"] == 0 and a["end"] == 5 for a in d["annotations"])
    claims = client.get("/api/v1/claims", headers=h).json()
    assert any(c["id"] == "ann_api_claim" for c in claims["items"])
    assert client.get("/api/v1/documents/doc_nope", headers=h).status_code == 404
    period = client.get("/api/v1/documents?period=2024-07&limit=500", headers=h).json()
    assert all(x["published_at"].startswith("2024-07") for x in period["items"])


def test_stats_tallies_clusters_factchecks_openapi(client, ledger):
    h = ledger.auth("viewer")
    st = client.get("/api/v1/stats", headers=h).json()
    assert st["documents"] > 0 and st["events"] > 0
    for path in ("/api/v1/tallies", "/api/v1/clusters", "/api/v1/factchecks", "/api/v1/claims"):
        body = client.get(path, headers=h).json()
        assert {"total", "limit", "offset", "items"} <= set(body), path
    spec = client.get("/openapi.json").json()
    for p in (
        "/api/v1/events",
        "/api/v1/documents/{doc_id}",
        "/api/v1/events/{event_id}/review",
        "/api/v1/audit",
    ):
        assert p in spec["paths"], p


def test_exports_honour_the_filters(client, ledger):
    h = ledger.auth("viewer")
    r = client.get("/api/v1/events/export?format=csv&country=DE", headers=h)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert rows and all(row["country"] == "DE" for row in rows)
    geo = client.get("/api/v1/events/export?format=geojson&country=DE", headers=h).json()
    assert geo["type"] == "FeatureCollection" and len(geo["features"]) == len(rows)
    assert all(f["geometry"] for f in geo["features"])  # demo events carry coordinates
    acled = list(
        csv.DictReader(io.StringIO(client.get("/api/v1/events/export?format=acled-csv", headers=h).text))
    )
    assert acled and {"event_id_cnty", "event_date", "event_type", "country", "fatalities"} <= set(acled[0])
    jl = client.get("/api/v1/events/export?format=jsonl&country=DE", headers=h).text.splitlines()
    assert len(jl) == len(rows) and json.loads(jl[0])["country"] == "DE"
    assert client.get("/api/v1/events/export?format=xml", headers=h).status_code == 422


def test_export_function_neutralises_spreadsheet_formulas(ledger):
    with ledger.store.session() as s:
        e = s.scalars(select(Event).where(Event.country == "TR").limit(1)).one()
        e.notes = '=HYPERLINK("http://x.example")'
    buf = io.StringIO()
    n = export_events(ledger.store, buf, "acled-csv", Filters(country="TR"))
    assert n >= 1 and "'=HYPERLINK" in buf.getvalue()
