"""Tallies set against the ledger: period, kinds and side are chosen as documented."""

from __future__ import annotations

import datetime as dt

from infoscope.ids import content_hash
from infoscope.link.tallies import store_checks, stored_checks, tally_period, verify_tallies
from infoscope.model import Annotation, Document, Event, Source, TallyCheck

TEXT = "Since 14 July 2024, Kestrian communities abroad have held 5 rallies in 3 countries."


def test_period_rules():
    pub = dt.datetime(2024, 7, 23, 9)
    since = {"period": "Since 14 July 2024", "evidence": {"start": 0, "end": 80}}
    dates = [{"start": 6, "end": 18, "date": "2024-07-14"}]
    assert tally_period(since, dates, pub)[:2] == (dt.date(2024, 7, 14), dt.date(2024, 7, 23))
    weekend = {"period": "over the weekend", "evidence": {"start": 0, "end": 10, "text": "x"}}
    assert tally_period(weekend, [], pub)[:2] == (dt.date(2024, 7, 20), dt.date(2024, 7, 21))
    plain = {"evidence": {"start": 0, "end": 10, "text": "x"}}
    assert tally_period(plain, [], pub)[:2] == (dt.date(2024, 7, 16), dt.date(2024, 7, 23))
    assert tally_period(plain, [], None) is None


def _event(
    i: int, day: int, country: str, actors: list[str], etype: str = "Protests", sources: int = 1
) -> Event:
    d = dt.date(2024, 7, day)
    return Event(
        id=f"evt_{i}",
        fingerprint=f"f{i}",
        origin="import",
        type=etype,
        date=d.isoformat(),
        date_low=d,
        date_high=d,
        country=country,
        actors=actors,
        independent_sources=sources,
        status="reported",
    )


def _kestrian_campaign(store) -> None:
    """A document claiming 5 rallies in 3 countries, and a ledger of 6 events around it."""
    with store.session() as s:
        s.add(Source(id="src_k", name="Kestria Post", kind="outlet"))
        s.flush()
        s.add(
            Document(
                id="doc_k",
                source_id="src_k",
                origin="k.md",
                text=TEXT,
                content_hash=content_hash(TEXT),
                published_at=dt.datetime(2024, 7, 23, 9),
            )
        )
        s.flush()
        s.add_all(
            [
                Annotation(
                    id="a1",
                    document_id="doc_k",
                    layer="tallies",
                    value={
                        "counted": "event",
                        "value": 5,
                        "qualifier": "exact",
                        "unit": "rally",
                        "period": "Since 14 July 2024",
                        "scope": {"countries": 3},
                        "parts": [{"value": 2, "where": "Turkey", "country": "TR"}],
                        "check": {"status": "consistent"},
                        "evidence": {"start": 0, "end": len(TEXT), "text": TEXT},
                    },
                ),
                Annotation(
                    id="a2",
                    document_id="doc_k",
                    layer="dates",
                    value={"start": 6, "end": 18, "date": "2024-07-14", "text": "14 July 2024"},
                ),
                Annotation(
                    id="a3",
                    document_id="doc_k",
                    layer="actors",
                    value={"start": 20, "end": 40, "kind": "group", "text": "Kestrian communities"},
                ),
            ]
        )
        s.add_all(
            [
                _event(1, 15, "TR", ["Kestrian Ethnic Group (Turkey)"], sources=2),
                _event(2, 16, "TR", ["Kestrian Students Union"]),
                _event(3, 20, "DE", ["Kestrian Ethnic Group (Germany)"]),
                _event(4, 20, "FR", ["Valdorian Ethnic Group (France)"]),  # the other side: not counted
                _event(5, 10, "TR", ["Kestrian Ethnic Group (Turkey)"]),  # before the period
                _event(6, 18, "TR", ["Kestrian forces"], etype="Battles"),  # not a demonstration
            ]
        )


def test_ledger_comparison_counts_the_named_side_only(store):
    _kestrian_campaign(store)
    [r] = verify_tallies(store)
    assert r["status"] == "ledger_lower"
    assert r["ledger"]["events"] == 3 and r["ledger"]["countries"] == 2 and r["ledger"]["corroborated"] == 1
    assert r["ledger"]["by_country"] == {"TR": 2}
    assert r["detail"].startswith(
        "claims 5 events in 3 countries; the ledger holds 3 events in 2 countries, 1 of them"
    )


def test_checks_are_stored_by_link_and_read_back(store):
    _kestrian_campaign(store)
    [before] = stored_checks(store)  # never linked: checked on the spot, and marked so
    assert before["checked_at"] is None and before["status"] == "ledger_lower"
    with store.engine.begin() as conn:
        assert store_checks(store, conn) == 1
    [r] = stored_checks(store)
    assert r["checked_at"] is not None and r["status"] == "ledger_lower" and r["ledger"]["events"] == 3
    with store.sessions() as s:
        row = s.get(TallyCheck, "a1")
        assert row.document_id == "doc_k" and row.detail == r["detail"]
    # the ledger changes after the check: the stored comparison stays what link saw ...
    with store.session() as s:
        s.add(_event(7, 21, "DE", ["Kestrian Ethnic Group (Germany)"]))
    assert stored_checks(store)[0]["ledger"]["events"] == 3
    # ... until the next check replaces it
    with store.engine.begin() as conn:
        store_checks(store, conn)
    assert stored_checks(store)[0]["ledger"]["events"] == 4
    # a tally found after the last link is checked on the spot; one re-analysis dropped is gone
    with store.session() as s:
        value = dict(s.get(Annotation, "a1").value, value=4)
        s.add(Annotation(id="a4", document_id="doc_k", layer="tallies", value=value))
    got = {r["annotation"]: r["checked_at"] for r in stored_checks(store)}
    assert got["a4"] is None and got["a1"] is not None
    with store.session() as s:
        s.delete(s.get(Annotation, "a1"))
    assert [r["annotation"] for r in stored_checks(store)] == ["a4"]
