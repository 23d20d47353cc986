"""Review with optimistic locking, the append-only audit log, contributions entering as unverified."""

from __future__ import annotations

import json
import threading

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from conftest import run_cli
from infoscope.link.resolve import build_ledger
from infoscope.model import AuditEntry, Document, Event, Source
from infoscope.web.accounts import Principal
from infoscope.web.review import ReviewError, set_review

from .conftest import sign_in


def _event(ledger, country: str) -> str:
    with ledger.store.sessions() as s:
        return s.scalars(select(Event.id).where(Event.country == country).order_by(Event.id)).first()


def test_review_conflict_returns_409_with_a_clear_message(client, ledger):
    eid = _event(ledger, "GB")
    h = ledger.auth("reviewer")
    r = client.post(
        f"/api/v1/events/{eid}/review",
        headers=h,
        json={"status": "verified", "note": "two photos", "version": 0},
    )
    assert r.status_code == 200 and r.json()["version"] == 1 and r.json()["status"] == "verified"
    # a second reviewer who loaded the page before that change
    r = client.post(
        f"/api/v1/events/{eid}/review",
        headers=ledger.auth("admin"),
        json={"status": "rejected", "version": 0},
    )
    assert r.status_code == 409
    assert "reviewed by someone else" in r.json()["detail"] and r.json()["current"]["status"] == "verified"
    r = client.post(f"/api/v1/events/{eid}/review", headers=h, json={"status": "disputed", "version": 1})
    assert r.status_code == 200 and r.json()["version"] == 2
    ev = client.get(f"/api/v1/events/{eid}", headers=h).json()
    assert ev["status"] == "disputed" and ev["review"]["version"] == 2
    assert (
        client.post(
            f"/api/v1/events/{eid}/review", headers=h, json={"status": "corroborated", "version": 2}
        ).status_code
        == 422
    )
    assert (
        client.post(
            "/api/v1/events/evt_none/review", headers=h, json={"status": "verified", "version": 0}
        ).status_code
        == 404
    )


def test_concurrent_reviews_one_wins(ledger):
    """Two reviewers deciding at once from the same version: exactly one succeeds."""
    eid = _event(ledger, "CA")
    results: list[object] = []

    def decide(name: str, status: str) -> None:
        try:
            results.append(
                set_review(ledger.store, "event", eid, status, None, 0, Principal(name, name, "reviewer"))
            )
        except ReviewError as exc:
            results.append(exc)

    threads = [
        threading.Thread(target=decide, args=(f"r{i}", s)) for i, s in enumerate(["verified", "rejected"] * 2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if isinstance(r, ReviewError)]
    assert len(won) == 1 and len(lost) == 3 and all(e.status == 409 for e in lost)


def test_review_survives_relinking_and_is_audited(client, ledger):
    eid = _event(ledger, "AT")
    h = ledger.auth("reviewer")
    assert (
        client.post(
            f"/api/v1/events/{eid}/review",
            headers=h,
            json={"status": "rejected", "note": "wrong city", "version": 0},
        ).status_code
        == 200
    )
    build_ledger(ledger.store)
    assert client.get(f"/api/v1/events/{eid}", headers=h).json()["status"] == "rejected"
    hist = client.get(f"/api/v1/audit?item_type=event&item_id={eid}", headers=h).json()["items"]
    assert [(a["actor"], a["old_value"], a["new_value"], a["note"]) for a in hist] == [
        ("reviewer", "reported", "rejected", "wrong city")
    ]
    lines = [json.loads(x) for x in client.get("/api/v1/audit?format=jsonl", headers=h).text.splitlines()]
    assert any(x["item_id"] == eid and x["new_value"] == "rejected" for x in lines)
    assert [x["id"] for x in lines] == sorted(x["id"] for x in lines)


def test_audit_log_is_append_only(client, ledger):
    h = ledger.auth("admin")
    for method in ("put", "patch", "delete"):
        assert getattr(client, method)("/api/v1/audit", headers=h).status_code == 405
    with ledger.store.sessions() as s:
        first = s.scalars(select(AuditEntry.id).order_by(AuditEntry.id)).first()
    assert first is not None
    for stmt in (
        update(AuditEntry).where(AuditEntry.id == first).values(note="rewritten"),
        delete(AuditEntry),
    ):
        with pytest.raises(DBAPIError, match="append-only"), ledger.store.engine.begin() as conn:
            conn.execute(stmt)
    with ledger.store.engine.connect() as conn:
        assert conn.execute(text("select count(*) from audit_log")).scalar() > 0


def test_review_through_the_form_shows_in_the_history(client, ledger):
    eid = _event(ledger, "BE")
    csrf = sign_in(client, "reviewer")
    page = client.get(f"/events/{eid}").text
    assert 'id="review-form"' in page
    r = client.post(
        f"/events/{eid}/review",
        data={"status": "verified", "version": "0", "note": "seen <b>it</b>", "csrf_token": csrf},
    )
    assert r.status_code == 200 and r.url.path == f"/events/{eid}"
    assert 'id="event-status">verified' in r.text and "seen &lt;b&gt;it&lt;/b&gt;" in r.text
    # the stale form again: 409 and a message, nothing overwritten
    r = client.post(f"/events/{eid}/review", data={"status": "rejected", "version": "0", "csrf_token": csrf})
    assert r.status_code == 409 and "reviewed by someone else" in r.text
    viewer_page = client.get(f"/events/{eid}")
    assert "verified" in viewer_page.text


def test_contributions_enter_unverified(client, ledger):
    h = ledger.auth("contributor")
    r = client.post(
        "/api/v1/contributions/events",
        headers=h,
        json={
            "type": "Protests",
            "date": "2024-07-27",
            "country": "United Kingdom",
            "location": "London",
            "participants": 300,
            "description": "We held a vigil outside the embassy.",
            "links": ["https://example.org/photos"],
        },
    )
    assert r.status_code == 201
    eid = r.json()["id"]
    ev = client.get(f"/api/v1/events/{eid}", headers=h).json()
    assert ev["origin"] == "contribution" and ev["status"] == "reported" and ev["country"] == "GB"
    assert ev["provenance"]["contributed_by"] == "contributor"
    build_ledger(ledger.store)  # relinking keeps contributions as they are
    assert client.get(f"/api/v1/events/{eid}", headers=h).json()["status"] == "reported"
    r = client.post(
        "/api/v1/contributions/documents",
        headers=h,
        data={
            "text": "Statement of the Lyon committee on the 21 July rally.",
            "title": "Statement",
            "links": "https://example.org/statement",
        },
    )
    assert r.status_code == 201 and len(r.json()["ingested"]) == 1
    did = r.json()["ingested"][0]
    with ledger.store.sessions() as s:
        doc = s.get(Document, did)
        src = s.get(Source, doc.source_id)
    assert src.name == "contributor: contributor" and src.kind == "community"
    assert doc.meta["contributed_by"] == "contributor" and doc.meta["links"] == [
        "https://example.org/statement"
    ]
    audit = client.get("/api/v1/audit?limit=500", headers=h).json()["items"]
    assert {(a["action"], a["item_id"]) for a in audit} >= {("contribute", eid), ("contribute", did)}
    bad = client.post(
        "/api/v1/contributions/events",
        headers=h,
        json={"type": "Picnic", "date": "2024-07-27", "description": "x"},
    )
    assert bad.status_code == 422


def test_cli_user_add_and_token_create(ledger, tmp_path):
    if ledger.store.dialect != "sqlite":
        pytest.skip("the CLI is exercised once, on SQLite")
    db = ledger.store.url
    r = run_cli("user", "add", "cli-reviewer", "--role", "reviewer", "--password", "long enough pw", db=db)
    assert r.returncode == 0, r.stderr
    r = run_cli("user", "add", "x", "--role", "overlord", "--password", "long enough pw", db=db)
    assert r.returncode == 2 and "role must be one of" in r.stderr
    r = run_cli("token", "create", "cli-reviewer", db=db)
    assert r.returncode == 0 and r.stdout.strip().startswith("isc_")
    token = r.stdout.strip()
    with ledger.store.engine.connect() as conn:
        stored = [row[0] for row in conn.execute(text("select token_hash from api_tokens"))]
    assert token not in stored  # only the hash is kept
    from fastapi.testclient import TestClient

    from infoscope.web.app import create_app

    with TestClient(create_app(store=ledger.store)) as c:
        me = c.get("/api/v1/audit?limit=1", headers={"Authorization": f"Bearer {token}"})
        assert me.status_code == 200
    assert run_cli("token", "create", "nobody", db=db).returncode == 1
