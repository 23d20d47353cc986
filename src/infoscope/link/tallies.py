"""Tally verification: a count published in a document, set against what the ledger holds.

"Claims 71 events in 26 countries; the ledger holds 64 events in 23 countries, 51 of them
corroborated." The comparison needs three choices, made here and shown with every result:

- Period: "since 14 July" runs from that date to publication; "over the weekend" is the last
  Saturday and Sunday up to publication; otherwise the span of the day-precise dates stated in
  the tally's sentence; otherwise the seven days up to publication.
- Kinds: counts of events, rallies, protests and the like are compared with Protests and Riots;
  counts of articles, statements or people are not events and are left unverified here.
- Side: when the tally's sentence names a group ("Kestrian communities abroad"), only events whose
  actors, organiser or description name that group are counted, so one side's campaign is not
  credited with the other side's rallies.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select
from sqlalchemy.orm import Session

from infoscope.model import Annotation, Document, Event, Source, TallyCheck, utcnow
from infoscope.store import Store

EVENT_UNITS = {
    "event",
    "rally",
    "protest",
    "demonstration",
    "action",
    "car march",
    "vigil",
    "gathering",
    "march",
}
DEMONSTRATION = ("Protests", "Riots")
_SINCE = re.compile(r"\b(since|seit|depuis|с|со|beri|від|з)\b", re.IGNORECASE)
_WEEKEND = re.compile(r"weekend|week-end|wochenende|выходн|hafta\s*sonu|вихідн", re.IGNORECASE)


def tally_period(
    tally: dict[str, Any], dates: list[dict[str, Any]], published: dt.datetime | None
) -> tuple[dt.date, dt.date, str] | None:
    """The period a tally speaks of, and how it was decided."""
    if published is None and not dates:
        return None
    pub = published.date() if published else None
    ev = tally.get("evidence") or {}
    inside = [
        d
        for d in dates
        if ev.get("start", 0) <= d["start"] < ev.get("end", 0)
        and d.get("date")
        and len(d["date"]) == 10
        and not d["date"].startswith("X")
    ]
    days = sorted(dt.date.fromisoformat(d["date"]) for d in inside)
    period_text = tally.get("period") or ""
    if pub and days and _SINCE.search(period_text):
        return days[0], pub, f"since {days[0].isoformat()} until publication"
    if pub and _WEEKEND.search(period_text or ev.get("text", "")):
        sunday = pub - dt.timedelta(days=(pub.weekday() + 1) % 7)
        return sunday - dt.timedelta(days=1), sunday, "the weekend before publication"
    if days:
        return days[0], days[-1], "the dates stated in the sentence"
    if pub:
        return pub - dt.timedelta(days=7), pub, "the seven days up to publication"
    return None


def _group_stem(tally: dict[str, Any], actors: list[dict[str, Any]]) -> str | None:
    ev = tally.get("evidence") or {}
    for a in actors:
        if a.get("kind") == "group" and ev.get("start", 0) <= a["start"] < ev.get("end", 0):
            word = re.findall(r"\w+", a.get("text", ""))
            word = [w for w in word if w[:1].isupper()] or word
            if word:
                return word[0][:6].casefold()  # "Kestrian", "Kestrians", "кестрийцы" share a stem
    return None


def _names_group(event: Event, stem: str) -> bool:
    hay = " ".join(
        str(x) for x in (event.organiser, " ".join(event.actors or []), event.notes, event.topic) if x
    )
    return stem in hay.casefold()


def verify_tallies(store: Store, conn: Connection | None = None) -> list[dict[str, Any]]:
    """Every stored tally with the ledger's counts for the same period, kinds and side.

    With ``conn``, reads through that connection's transaction (``link`` checks the ledger it is
    about to commit)."""
    out: list[dict[str, Any]] = []
    with Session(bind=conn) if conn is not None else store.sessions() as s:
        rows = s.execute(
            select(
                Annotation.id,
                Annotation.value,
                Document.id,
                Document.title,
                Document.published_at,
                Source.name,
            )
            .join(Document, Document.id == Annotation.document_id)
            .join(Source, Source.id == Document.source_id)
            .where(Annotation.layer == "tallies")
            .order_by(Document.published_at, Annotation.id)
        ).all()
        for ann_id, tally, doc_id, title, published, source in rows:
            layers = {
                layer: [
                    a.value
                    for a in s.scalars(
                        select(Annotation).where(Annotation.document_id == doc_id, Annotation.layer == layer)
                    )
                ]
                for layer in ("dates", "actors")
            }
            result: dict[str, Any] = {
                "annotation": ann_id,
                "document": doc_id,
                "title": title,
                "source": source,
                "claim": {
                    "counted": tally.get("counted"),
                    "value": tally.get("value"),
                    "qualifier": tally.get("qualifier"),
                    "countries": (tally.get("scope") or {}).get("countries"),
                    "parts": [
                        {"where": p.get("where"), "country": p.get("country"), "value": p.get("value")}
                        for p in tally.get("parts", [])
                        if not p.get("remainder")
                    ],
                },
                "evidence": tally.get("evidence"),
                "arithmetic": tally.get("check"),
            }
            unit = tally.get("unit") or tally.get("counted")
            if tally.get("counted") != "event" and unit not in EVENT_UNITS:
                result["ledger"] = None
                result["status"] = "not_comparable"
                result["detail"] = f"counts {tally.get('counted')}s, which the ledger does not hold as events"
                out.append(result)
                continue
            period = tally_period(tally, layers["dates"], published)
            if period is None:
                result.update(ledger=None, status="no_period", detail="no date to anchor the count")
                out.append(result)
                continue
            start, end, how = period
            stem = _group_stem(tally, layers["actors"])
            events = [
                e
                for e in s.scalars(
                    select(Event)
                    .where(
                        Event.type.in_(DEMONSTRATION),
                        Event.date_low >= start,
                        Event.date_low <= end,
                        Event.status != "rejected",
                    )
                    .order_by(Event.date_low, Event.id)  # stored: the same ledger gives the same check
                )
                if stem is None or _names_group(e, stem)
            ]
            countries = {e.country for e in events if e.country}
            corroborated = sum(e.independent_sources >= 2 for e in events)
            by_country = {
                p["country"]: sum(e.country == p["country"] for e in events)
                for p in result["claim"]["parts"]
                if p.get("country")
            }
            claimed = tally.get("value")
            n = len(events)
            status = (
                "matches"
                if claimed == n
                else ("ledger_lower" if claimed and n < claimed else "ledger_higher")
            )
            claim_text = f"claims {claimed} events"
            if result["claim"]["countries"]:
                claim_text += f" in {result['claim']['countries']} countries"
            result.update(
                period={"start": start.isoformat(), "end": end.isoformat(), "how": how},
                side=stem,
                status=status,
                ledger={
                    "events": n,
                    "countries": len(countries),
                    "corroborated": corroborated,
                    "by_country": by_country,
                    "event_ids": [e.id for e in events][:500],
                },
                detail=f"{claim_text}; the ledger holds {n} events in {len(countries)} countries, "
                f"{corroborated} of them corroborated ({start.isoformat()} to {end.isoformat()}"
                + (f", events naming '{stem}…'" if stem else "")
                + ")",
            )
            out.append(result)
    return out


def store_checks(store: Store, conn: Connection) -> int:
    """Check every stored tally against the ledger; replace the stored checks in ``conn``'s transaction."""
    now = utcnow()
    rows = [
        {
            "id": r["annotation"],
            "document_id": r["document"],
            "status": r["status"],
            "detail": r.get("detail"),
            "result": r,
            "checked_at": now,
        }
        for r in verify_tallies(store, conn)
    ]
    conn.execute(delete(TallyCheck))
    if rows:
        conn.execute(insert(TallyCheck), rows)
    return len(rows)


def stored_checks(store: Store) -> list[dict[str, Any]]:
    """The checks made by the last ``infoscope link``, in publication order, each with its time.

    Tallies found after that link (or in a store never linked) have no stored check yet: they are
    checked now against the ledger as it stands and marked ``"checked_at": null``."""
    with store.sessions() as s:
        rows = s.execute(
            select(TallyCheck.result, TallyCheck.checked_at)
            .join(Document, Document.id == TallyCheck.document_id)
            .join(Annotation, Annotation.id == TallyCheck.id)  # not a tally that re-analysis dropped
            .order_by(Document.published_at, TallyCheck.id)
        ).all()
        unchecked = s.scalar(
            select(func.count())
            .select_from(Annotation)
            .where(Annotation.layer == "tallies", Annotation.id.not_in(select(TallyCheck.id)))
        )
    out = [{**result, "checked_at": checked.isoformat(timespec="seconds")} for result, checked in rows]
    if unchecked:
        seen = {r["annotation"] for r in out}
        out += [{**r, "checked_at": None} for r in verify_tallies(store) if r["annotation"] not in seen]
    return out
