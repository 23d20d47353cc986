"""Event resolution: mentions of the same real-world event across documents and languages become
one ledger event, and each ledger event counts its independent sources.

Two mentions are compatible when their event types belong to one family (a rally that turned
violent is reported as a protest by one outlet and as a riot by another), their dates agree
within a tolerance (an unknown year or a month-only date widens it), their places agree (the
same city, or a city and the country that contains it) and, where both name a country, it is the
same. Mentions are merged greedily, most specific first, into the first compatible event, so a
vague mention cannot chain two distinct events together. Imported event rows (ACLED-style data)
are events already: a compatible document mention attaches to them as further evidence.

Independence: outlets of one owner, or on one domain, count once, and documents in one
near-copy cluster count once. Status: reported (one independent source) or corroborated (two or
more); verified, disputed and rejected are set by people and survive every rebuild.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from infoscope.ids import make_id
from infoscope.link.clusters import independence_key
from infoscope.model import Annotation, Cluster, ClusterMember, Document, Event, EventMention, Source, utcnow
from infoscope.store import Store

FAMILIES = {
    "Protests": "demonstration",
    "Riots": "demonstration",
    "Battles": "violence",
    "Explosions/Remote violence": "violence",
    "Violence against civilians": "violence",
    "Strategic developments": "strategic",
    "Information activity": "information",
}
REVIEWED = ("verified", "disputed", "rejected")
_DAY = re.compile(r"^(\d{4}|XXXX)-(\d{2})(?:-(\d{2}))?$")


@dataclass(frozen=True)
class DateRange:
    """When an event may have happened; ``year`` None means the year is unknown (EDTF XXXX)."""

    year: int | None
    month: int
    day: int | None

    @classmethod
    def parse(cls, value: str | None) -> DateRange | None:
        if not value:
            return None
        m = _DAY.match(value.strip())
        if not m:
            return None
        year = None if m.group(1) == "XXXX" else int(m.group(1))
        return cls(year, int(m.group(2)), int(m.group(3)) if m.group(3) else None)

    def compatible(self, other: DateRange, tolerance_days: int = 1) -> bool:
        if self.month != other.month and (self.day is None or other.day is None):
            return False
        if self.year is not None and other.year is not None and self.day and other.day:
            try:
                a = dt.date(self.year, self.month, self.day)
                b = dt.date(other.year, other.month, other.day)
            except ValueError:
                return False
            return abs((a - b).days) <= tolerance_days
        if self.year is not None and other.year is not None and self.year != other.year:
            return False
        if self.day is None or other.day is None:
            return self.month == other.month
        if self.month != other.month:
            return False
        return abs(self.day - other.day) <= tolerance_days

    @property
    def specificity(self) -> int:
        return (self.year is not None) * 2 + (self.day is not None)


@dataclass
class Mention:
    id: str
    family: str | None
    type: str | None
    subtype: str | None
    date: DateRange | None
    date_text: str | None
    location: str | None
    country: str | None
    source_key: str  # independence key
    document_id: str | None = None
    annotation_id: str | None = None
    source_id: str | None = None
    event_id: str | None = None  # imported events: the row's own event
    participants_low: int | None = None
    participants_high: int | None = None
    killed: int | None = None
    injured: int | None = None
    quote: str | None = None
    values: dict[str, Any] = field(default_factory=dict)
    position: int = 0  # where the report starts in its document

    @property
    def specificity(self) -> tuple[int, int, int]:
        return (
            self.event_id is not None,
            (self.date.specificity if self.date else -1),
            self.location is not None,
        )


def compatible(a: Mention, b: Mention, tolerance_days: int = 1) -> bool:
    if a.family != b.family or a.family is None:
        return False
    if a.date is None or b.date is None or not a.date.compatible(b.date, tolerance_days):
        return False
    if a.country and b.country and a.country != b.country:
        return False
    if a.location and b.location:
        return a.location.casefold() == b.location.casefold()
    # a city and its country are compatible; two country-only mentions need the same country
    return bool(a.country and b.country)


@dataclass
class LedgerCluster:
    members: list[Mention]

    @property
    def anchor(self) -> Mention:
        return self.members[0]

    def accepts(self, m: Mention, tolerance_days: int) -> bool:
        if m.event_id and any(x.event_id for x in self.members):
            return False  # two imported rows are two records; the import already de-duplicated them
        return all(compatible(x, m, tolerance_days) for x in self.members if x.location or x is self.anchor)


def resolve(mentions: Iterable[Mention], tolerance_days: int = 1) -> list[LedgerCluster]:
    """Greedy merge, most specific mentions first, comparing only events within the date window.

    Clusters are indexed by (family, month, day) of their anchor, so each mention is compared
    with the few events of nearby days, never with all events: time grows linearly.
    """
    clusters: list[LedgerCluster] = []
    index: dict[tuple[Any, ...], list[LedgerCluster]] = {}
    for m in sorted(mentions, key=_order):
        target = None
        if m.date is not None and not m.event_id:
            for key in _lookup_keys(m, tolerance_days):
                target = next((c for c in index.get(key, ()) if c.accepts(m, tolerance_days)), None)
                if target is not None:
                    break
        if target is not None:
            target.members.append(m)
            continue
        c = LedgerCluster([m])
        clusters.append(c)
        if m.date is not None:
            for key in ((m.family, m.date.month, m.date.day), (m.family, m.date.month, "*")):
                index.setdefault(key, []).append(c)
    return clusters


def _lookup_keys(m: Mention, tolerance_days: int) -> list[tuple[Any, ...]]:
    d = m.date
    assert d is not None
    if d.day is None:
        return [(m.family, d.month, "*")]
    keys = [(m.family, d.month, None)]
    base = dt.date(
        d.year or 2000, d.month, min(d.day, 28 if d.month == 2 else 30 if d.month in (4, 6, 9, 11) else 31)
    )
    for off in range(-tolerance_days, tolerance_days + 1):
        x = base + dt.timedelta(days=off)
        keys.append((m.family, x.month, x.day))
    return keys


def _order(m: Mention) -> tuple[Any, ...]:
    s = m.specificity
    return (-s[0], -s[1], -s[2], m.id)


# --- reading mentions from the store ----------------------------------------------------------


def _int(v: Any) -> int | None:
    try:
        return None if v is None else int(v)
    except (TypeError, ValueError):
        return None


def copy_keys(near: Iterable[tuple[str, str]], cross: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Document -> the cluster whose copies count once, from (document, cluster) pairs.

    A document in a near-copy cluster and in a translation cluster counts with its translation
    cluster: the rule decided here, not by the order rows come back from the database.
    """
    return {**dict(near), **dict(cross)}


def stored_copy_keys(conn: Connection) -> dict[str, str]:
    q = (
        select(ClusterMember.document_id, ClusterMember.cluster_id, Cluster.kind)
        .join(Cluster, Cluster.id == ClusterMember.cluster_id)
        .order_by(ClusterMember.cluster_id, ClusterMember.document_id)
    )
    rows = conn.execute(q).all()
    return copy_keys(
        ((d, c) for d, c, k in rows if k != "cross_language"),
        ((d, c) for d, c, k in rows if k == "cross_language"),
    )


def load_mentions(store: Store, copy_of: dict[str, str] | None = None) -> list[Mention]:
    """Document event items and imported event rows, as mentions.

    ``copy_of`` (document -> cluster) replaces the stored clusters: ``infoscope link`` passes the
    clusters it is about to write, so that clusters and ledger are replaced in one transaction.
    """
    out: list[Mention] = []
    with store.engine.connect() as conn:
        if copy_of is None:
            copy_of = stored_copy_keys(conn)
        q = (
            select(
                Annotation.id,
                Annotation.document_id,
                Annotation.value,
                Document.source_id,
                Source.owner,
                Source.domain,
            )
            .join(Document, Document.id == Annotation.document_id)
            .join(Source, Source.id == Document.source_id)
            .where(Annotation.layer == "events")
            .order_by(Annotation.id)
        )
        for row in conn.execute(q):
            v = row.value or {}
            place = v.get("place") or {}
            parts = v.get("participants") or {}
            key = (
                ("copy:" + copy_of[row.document_id])
                if row.document_id in copy_of
                else independence_key(row.owner, row.domain, row.source_id)
            )
            out.append(
                Mention(
                    id=make_id("men", row.id),
                    family=FAMILIES.get(v.get("type") or ""),
                    type=v.get("type"),
                    subtype=v.get("subtype"),
                    date=DateRange.parse(v.get("date")),
                    date_text=v.get("date"),
                    location=None if _is_country(place) else place.get("name"),
                    country=place.get("country"),
                    source_key=key,
                    document_id=row.document_id,
                    annotation_id=row.id,
                    source_id=row.source_id,
                    participants_low=_int(parts.get("low")),
                    participants_high=_int(parts.get("high")),
                    killed=_int(v.get("killed")),
                    injured=_int(v.get("injured")),
                    quote=(v.get("evidence") or {}).get("text"),
                    values={
                        "participants": parts,
                        "form": v.get("form"),
                        "actors": v.get("actors"),
                        "position": int((v.get("evidence") or {}).get("start") or 0),
                    },
                    position=int((v.get("evidence") or {}).get("start") or 0),
                )
            )
        q2 = select(Event).where(Event.origin == "import").order_by(Event.id)
        for ev in conn.execute(q2).mappings():
            out.append(
                Mention(
                    id=make_id("men", ev["id"]),
                    family=FAMILIES.get(ev["type"])
                    if ev["type"]
                    else "demonstration",  # untyped rows: registrations
                    type=ev["type"],
                    subtype=ev["subtype"],
                    date=DateRange.parse(ev["date"]),
                    date_text=ev["date"],
                    location=_city(ev["location"]),
                    country=ev["country"],
                    source_key="dataset:" + str(ev["source_id"]),
                    source_id=ev["source_id"],
                    event_id=ev["id"],
                    participants_low=ev["participants_low"],
                    participants_high=ev["participants_high"],
                    killed=ev["killed"],
                    injured=ev["injured"],
                    quote=ev["notes"] or ev["topic"],
                    values={"row": (ev["provenance"] or {}).get("row")},
                )
            )
    return out


def _is_country(place: dict[str, Any]) -> bool:
    """A place that is a whole country ("France", "Франции"): no city to match on."""
    if place.get("kind") == "country":
        return True
    name, code = place.get("name"), place.get("country")
    if not name or not code:
        return not name
    from infoscope.geo.gazetteer import gazetteer

    return name == code or gazetteer().country(name) == code


def inherit_within_documents(mentions: list[Mention]) -> int:
    """Follow-up sentences ("Police put the crowd at 5,200") name no date: they continue the story of
    the nearest earlier dated report of the same kind in the same document, when its place fits.
    Returns how many mentions took a date that way (marked ``values["date_from"]``)."""
    by_doc: dict[str, list[Mention]] = {}
    for m in mentions:
        if m.document_id:
            by_doc.setdefault(m.document_id, []).append(m)
    n = 0
    for ms in by_doc.values():
        ms.sort(key=lambda m: m.position)
        last: dict[str | None, Mention] = {}
        for m in ms:
            if m.date is not None:
                last[m.family] = m
                continue
            anchor = last.get(m.family)
            if anchor is None or (m.location and anchor.location and m.location != anchor.location):
                continue
            if m.country and anchor.country and m.country != anchor.country:
                continue
            m.date, m.date_text = anchor.date, anchor.date_text
            m.location = m.location or anchor.location
            m.country = m.country or anchor.country
            m.values["date_from"] = anchor.id
            n += 1
    return n


def _city(location: str | None) -> str | None:
    """ACLED writes 'London - Westminster': the city is the part before the dash."""
    if not location:
        return None
    return location.split(" - ")[0].strip() or None


# --- writing the ledger ----------------------------------------------------------------------------


@dataclass
class ResolveSummary:
    mentions: int = 0
    undated: int = 0  # document mentions without a date: kept, attached to no event
    dated_from_context: int = 0  # follow-up reports dated by the story they continue
    events: int = 0
    document_events: int = 0
    attached_to_imported: int = 0
    corroborated: int = 0

    def as_dict(self) -> dict[str, int]:
        return self.__dict__.copy()


def _most_common(values: Iterable[Any]) -> Any:
    c = Counter(v for v in values if v not in (None, ""))
    return c.most_common(1)[0][0] if c else None


def _mention_row(m: Mention, event_id: str | None) -> dict[str, Any]:
    return {
        "id": m.id,
        "event_id": event_id,
        "document_id": m.document_id,
        "annotation_id": m.annotation_id,
        "source_id": m.source_id,
        "type": m.type,
        "subtype": m.subtype,
        "date": m.date_text,
        "location": m.location,
        "country": m.country,
        "participants_low": m.participants_low,
        "participants_high": m.participants_high,
        "killed": m.killed,
        "injured": m.injured,
        "quote": m.quote,
        "values": m.values,
    }


def build_ledger(
    store: Store,
    tolerance_days: int = 1,
    *,
    copy_of: dict[str, str] | None = None,
    conn: Connection | None = None,
    mapper: Any = None,
) -> ResolveSummary:
    """Resolve every mention into ledger events and count independent sources, in one transaction.

    With ``conn`` the ledger is written in the caller's transaction (see ``load_mentions`` for
    ``copy_of``). Mentions are resolved by partitions (``link.blocking``); ``mapper`` maps them
    over Dask workers (``blocking.dask_mapper``), in process by default: the same events either way.
    """
    from infoscope.link.blocking import resolve_blocked

    mentions = load_mentions(store, copy_of)
    inherited = inherit_within_documents(mentions)
    # a report the ledger cannot place in time cannot be counted: it stays a mention without an event
    undated = [m for m in mentions if m.date is None and m.event_id is None]
    clusters = resolve_blocked(
        [m for m in mentions if m.date is not None or m.event_id is not None], tolerance_days, mapper
    )
    summary = ResolveSummary(mentions=len(mentions), undated=len(undated), dated_from_context=inherited)
    now = utcnow()
    with nullcontext(conn) if conn is not None else store.engine.begin() as conn:
        reviewed = dict(conn.execute(select(Event.id, Event.status).where(Event.status.in_(REVIEWED))).all())
        conn.execute(delete(EventMention))
        conn.execute(delete(Event).where(Event.origin == "document"))
        new_events, mention_rows, updates = [], [], []
        for c in clusters:
            ms = c.members
            imported = next((m for m in ms if m.event_id), None)
            event_id = imported.event_id if imported else make_id("evt", min(m.id for m in ms))
            independent = len({m.source_key for m in ms})
            status = reviewed.get(event_id) or ("corroborated" if independent >= 2 else "reported")
            summary.corroborated += status == "corroborated"
            lows = [m.participants_low for m in ms if m.participants_low is not None]
            highs = [
                m.participants_high if m.participants_high is not None else m.participants_low
                for m in ms
                if m.participants_low is not None
            ]
            if imported:
                summary.attached_to_imported += len(ms) > 1
                updates.append(
                    {
                        "eid": event_id,
                        "independent_sources": independent,
                        "mentions": len(ms),
                        "status": status,
                    }
                )
            else:
                dated = [m for m in ms if m.date]
                best = max(dated, key=lambda m: m.date.specificity) if dated else ms[0]  # type: ignore[union-attr]
                date_low = date_high = None
                if best.date and best.date.year and best.date.day:
                    date_low = date_high = dt.date(best.date.year, best.date.month, best.date.day)
                new_events.append(
                    {
                        "id": event_id,
                        "fingerprint": event_id,
                        "origin": "document",
                        "type": _most_common(m.type for m in ms),
                        "subtype": _most_common(m.subtype for m in ms),
                        "form": _most_common(m.values.get("form") for m in ms),
                        "date": best.date_text,
                        "date_low": date_low,
                        "date_high": date_high,
                        "country": _most_common(m.country for m in ms),
                        "admin1": None,
                        "location": _most_common(m.location for m in ms),
                        "lat": None,
                        "lon": None,
                        "participants_low": min(lows) if lows else None,
                        "participants_high": max(h for h in highs if h is not None) if lows else None,
                        "participants_registered": None,
                        "participants_observed": None,
                        "participants_text": None,
                        "killed": min((m.killed for m in ms if m.killed is not None), default=None),
                        "injured": min((m.injured for m in ms if m.injured is not None), default=None),
                        "organiser": None,
                        "actors": [],
                        "topic": None,
                        "notes": None,
                        "status": status,
                        "independent_sources": independent,
                        "mentions": len(ms),
                        "source_id": None,
                        "provenance": {
                            "resolved_from": len(ms),
                            "killed_reported": sorted({m.killed for m in ms if m.killed is not None}),
                            "injured_reported": sorted({m.injured for m in ms if m.injured is not None}),
                        },
                        "created_at": now,
                    }
                )
            mention_rows.extend(_mention_row(m, event_id) for m in ms)
        if new_events:
            conn.execute(insert(Event), new_events)
        # imported events: back to one mention each, then the few that gained evidence
        conn.execute(
            update(Event)
            .where(Event.origin == "import", Event.status.not_in(REVIEWED))
            .values(independent_sources=1, mentions=1, status="reported")
        )
        for u in updates:
            if u["mentions"] > 1 or u["status"] in REVIEWED:
                conn.execute(
                    update(Event)
                    .where(Event.id == u["eid"])
                    .values(
                        independent_sources=u["independent_sources"],
                        mentions=u["mentions"],
                        status=u["status"],
                    )
                )
        mention_rows.extend(_mention_row(m, None) for m in undated)
        for i in range(0, len(mention_rows), 1000):
            conn.execute(insert(EventMention), mention_rows[i : i + 1000])
    summary.events = len(clusters)
    summary.document_events = len(new_events)
    return summary
