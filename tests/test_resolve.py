"""Event resolution and corroboration: mentions become ledger events; independent sources counted."""

from __future__ import annotations

from sqlalchemy import select, update

from infoscope.ids import content_hash
from infoscope.link.resolve import DateRange, Mention, build_ledger, compatible, resolve
from infoscope.model import Annotation, Cluster, ClusterMember, Document, Event, EventMention, Source


def m(i, date, city=None, country="FR", type_="Protests", key=None, low=None):
    fam = {"Protests": "demonstration", "Riots": "demonstration", "Battles": "violence"}.get(type_)
    return Mention(
        id=f"m{i}",
        family=fam,
        type=type_,
        subtype=None,
        date=DateRange.parse(date),
        date_text=date,
        location=city,
        country=country,
        source_key=key or f"s{i}",
        participants_low=low,
    )


def test_date_tolerance():
    d = DateRange.parse
    assert d("2024-07-20").compatible(d("2024-07-21"))
    assert not d("2024-07-20").compatible(d("2024-07-23"))
    assert d("XXXX-07-20").compatible(d("2024-07-20"))  # unknown year widens the match
    assert d("2024-07").compatible(d("2024-07-28"))  # a month-only date covers the month
    assert not d("2023-07-20").compatible(d("2024-07-20"))
    assert d("2024-07-31").compatible(d("2024-08-01"))
    assert DateRange.parse("sometime") is None


def test_compatibility_rules():
    assert compatible(m(1, "2024-07-20", "Paris"), m(2, "2024-07-20", "paris", type_="Riots"))
    assert not compatible(m(1, "2024-07-20", "Paris"), m(2, "2024-07-20", "Lyon"))
    assert compatible(m(1, "2024-07-20", "Paris"), m(2, "2024-07-20", None))  # Paris is in France
    assert not compatible(m(1, "2024-07-20", "Paris"), m(2, "2024-07-20", "Paris", type_="Battles"))
    assert not compatible(m(1, "2024-07-20", None, country="FR"), m(2, "2024-07-20", None, country="DE"))


def test_resolve_keeps_distinct_events_apart_and_merges_reports():
    ms = [
        m(1, "2024-07-20", "Paris", low=20000),
        m(2, "2024-07-20", "Paris", low=5200),
        m(3, "XXXX-07-20", "Paris"),
        m(4, "2024-07-27", "Paris"),
        m(5, "2024-07-21", "Lyon"),
        m(6, "2024-07-20", None),
        m(7, None, "Paris"),
    ]
    clusters = resolve(ms)
    groups = sorted(sorted(x.id for x in c.members) for c in clusters)
    assert ["m1", "m2", "m3", "m6"] in groups
    assert ["m4"] in groups and ["m5"] in groups and ["m7"] in groups  # no date: never merged


def _setup(store):
    with store.session() as s:
        for sid, owner in (("src_a", "Group One"), ("src_b", "Group One"), ("src_c", None), ("src_d", None)):
            s.add(Source(id=sid, name=sid, kind="outlet", owner=owner, domain=f"{sid}.example"))
        s.flush()
        for i, sid in enumerate(["src_a", "src_b", "src_c", "src_d"]):
            s.add(
                Document(
                    id=f"doc_{i}",
                    source_id=sid,
                    origin=f"{i}.md",
                    text=f"text {i}",
                    content_hash=content_hash(f"text {i}"),
                )
            )
        s.flush()
        items = [
            (
                "doc_0",
                {
                    "type": "Protests",
                    "subtype": "Peaceful protest",
                    "date": "2024-07-20",
                    "place": {"name": "Paris", "country": "FR"},
                    "participants": {"low": 20000, "high": 20000},
                    "killed": None,
                    "injured": 2,
                    "evidence": {"start": 0, "end": 4, "text": "text"},
                },
            ),
            (
                "doc_1",
                {
                    "type": "Protests",
                    "subtype": "Peaceful protest",
                    "date": "2024-07-20",
                    "place": {"name": "Paris", "country": "FR"},
                    "participants": {"low": 5200, "high": 5200},
                    "killed": None,
                    "injured": 5,
                    "evidence": {"start": 0, "end": 4, "text": "text"},
                },
            ),
            (
                "doc_2",
                {
                    "type": "Riots",
                    "subtype": "Violent demonstration",
                    "date": "2024-07-21",
                    "place": {"name": "Paris", "country": "FR"},
                    "participants": {},
                    "killed": None,
                    "injured": None,
                    "evidence": {"start": 0, "end": 4, "text": "text"},
                },
            ),
            (
                "doc_3",
                {
                    "type": "Protests",
                    "subtype": "Peaceful protest",
                    "date": "2024-07-21",
                    "place": {"name": "Lyon", "country": "FR"},
                    "participants": {},
                    "killed": None,
                    "injured": None,
                    "evidence": {"start": 0, "end": 4, "text": "text"},
                },
            ),
        ]
        for i, (doc, value) in enumerate(items):
            s.add(Annotation(id=f"ann_{i}", document_id=doc, layer="events", value=value))


def test_build_ledger_counts_independent_sources_and_keeps_reviews(store):
    _setup(store)
    summary = build_ledger(store)
    assert summary.events == 2 and summary.mentions == 4
    with store.sessions() as s:
        paris = s.scalars(select(Event).where(Event.location == "Paris")).one()
        lyon = s.scalars(select(Event).where(Event.location == "Lyon")).one()
        quotes = s.scalars(
            select(EventMention.participants_low).where(EventMention.event_id == paris.id)
        ).all()
    # doc_0 and doc_1 share an owner: with doc_2 that makes two independent sources
    assert (paris.mentions, paris.independent_sources, paris.status) == (3, 2, "corroborated")
    assert (paris.participants_low, paris.participants_high) == (5200, 20000)
    assert paris.provenance["injured_reported"] == [2, 5] and paris.injured == 2
    assert sorted(q for q in quotes if q) == [5200, 20000]
    assert (lyon.mentions, lyon.status) == (1, "reported")
    with store.session() as s:
        s.execute(update(Event).where(Event.id == lyon.id).values(status="disputed"))
    build_ledger(store)  # a rebuild keeps people's decisions
    with store.sessions() as s:
        assert s.get(Event, lyon.id).status == "disputed"
        assert s.scalar(select(Event.id).where(Event.location == "Paris")) == paris.id  # stable id


def test_near_copies_count_once(store):
    _setup(store)
    with store.session() as s:
        s.add(Cluster(id="clu_1", kind="near_duplicate", size=2, sources=2))
        s.flush()
        s.add_all(
            [
                ClusterMember(cluster_id="clu_1", document_id="doc_1"),
                ClusterMember(cluster_id="clu_1", document_id="doc_2"),
            ]
        )
    build_ledger(store)
    with store.sessions() as s:
        paris = s.scalars(select(Event).where(Event.location == "Paris")).one()
    # doc_0 (Group One) + {doc_1, doc_2} one copy cluster = 2 independent sources
    assert paris.independent_sources == 2


def test_undated_reports_stay_mentions_without_an_event(store):
    _setup(store)
    with store.session() as s:
        s.add(
            Annotation(
                id="ann_x",
                document_id="doc_3",
                layer="events",
                value={
                    "type": "Protests",
                    "subtype": "Peaceful protest",
                    "date": None,
                    "place": {"name": "Paris", "country": "FR"},
                    "participants": {},
                    "killed": None,
                    "injured": None,
                    "evidence": {"start": 0, "end": 4, "text": "text"},
                },
            )
        )
    summary = build_ledger(store)
    assert summary.undated == 1 and summary.events == 2
    with store.sessions() as s:
        row = s.scalars(select(EventMention).where(EventMention.annotation_id == "ann_x")).one()
    assert row.event_id is None and row.quote == "text"


def test_follow_up_reports_continue_the_dated_story(store):
    _setup(store)
    with store.session() as s:
        s.add(
            Annotation(
                id="ann_f",
                document_id="doc_1",
                layer="events",
                value={
                    "type": "Protests",
                    "subtype": "Peaceful protest",
                    "date": None,
                    "place": {"name": "France", "country": "FR"},
                    "participants": {"low": 5200, "high": 5200},
                    "killed": None,
                    "injured": None,
                    "evidence": {"start": 50, "end": 54, "text": "text"},
                },
            )
        )
    summary = build_ledger(store)
    assert summary.dated_from_context == 1 and summary.undated == 0
    with store.sessions() as s:
        follow = s.scalars(select(EventMention).where(EventMention.annotation_id == "ann_f")).one()
        lead = s.scalars(select(EventMention).where(EventMention.annotation_id == "ann_1")).one()
    assert follow.event_id == lead.event_id  # "France" is the country Paris is in, not another city
