"""Tabular event data (ACLED exports, protest registrations) into ledger events.

A row identical to one already imported (same columns, same values) is the same record: it
becomes no second event, whichever file it came from. Every event keeps its source row.
Rows are written in batches, each batch one transaction, so an interrupted import leaves whole
batches and a re-run adds exactly what is missing.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
import tomllib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from infoscope.errors import InfoscopeError
from infoscope.events.forms import protest_form
from infoscope.geo.gazetteer import gazetteer
from infoscope.ids import make_id
from infoscope.ingest.decode import NotText, detect_encoding
from infoscope.model import Event, Source
from infoscope.store import Store
from infoscope.store.retry import retry_write

# field -> column names recognised without a mapping (ACLED's first, then common variants)
ALIASES: dict[str, tuple[str, ...]] = {
    "event_id": ("event_id_cnty", "event_id", "id"),
    "date": ("event_date", "date", "day"),
    "type": ("event_type", "type"),
    "subtype": ("sub_event_type", "subtype", "event_subtype"),
    "form": ("form", "protest_form"),
    "country": ("country", "country_code", "iso2"),
    "admin1": ("admin1", "region", "state", "bundesland", "province"),
    "location": ("location", "city", "place", "town"),
    "lat": ("latitude", "lat"),
    "lon": ("longitude", "lon", "lng"),
    "organiser": ("actor1", "organiser", "organizer", "veranstalter"),
    "actors": ("assoc_actor_1", "actor2", "assoc_actor_2"),
    "topic": ("topic", "thema", "motto"),
    "notes": ("notes", "description"),
    "killed": ("fatalities", "killed", "deaths"),
    "injured": ("injured", "injuries"),
    "participants_registered": (
        "participants_registered",
        "registered_participants",
        "angemeldete_teilnehmer",
    ),
    "participants_observed": ("participants_actual", "participants_observed", "participants", "crowd_size"),
    "participants_text": ("tags",),
    "sources": ("source",),
}
DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d/%m/%Y", "%d.%m.%Y", "%Y/%m/%d", "%m/%d/%Y")
BATCH = 1000
RACES = 3  # times a batch is checked again after losing a race with a concurrent import
_NUM = re.compile(r"\d[\d,. ]*")


@dataclass
class EventMapping:
    """How a file's columns map to event fields, plus constant values for missing fields."""

    columns: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, Any] = field(default_factory=dict)
    dataset: str | None = None
    delimiter: str | None = None

    @classmethod
    def load(cls, path: Path) -> EventMapping:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise InfoscopeError(f"cannot read mapping {path}: {exc}") from exc
        unknown = (set(data.get("columns", {})) | set(data.get("defaults", {}))) - set(ALIASES)
        if unknown:
            raise InfoscopeError(f"{path}: unknown event fields {sorted(unknown)}; known: {sorted(ALIASES)}")
        return cls(
            dict(data.get("columns", {})),
            dict(data.get("defaults", {})),
            data.get("dataset"),
            data.get("delimiter"),
        )


@dataclass
class ImportSummary:
    rows: int = 0
    imported: int = 0
    duplicates: int = 0  # identical to a row already in the ledger or earlier in this run
    failed: int = 0
    reasons: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    def fail(self, where: str, reason: str) -> None:
        self.failed += 1
        self.reasons[reason] = self.reasons.get(reason, 0) + 1
        if len(self.examples) < 20:
            self.examples.append(f"{where}: {reason}")

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "imported": self.imported,
            "duplicates": self.duplicates,
            "failed": self.failed,
            "reasons": self.reasons,
        }


def parse_count(value: str | None) -> int | None:
    """'150.0' -> 150, '2,000' -> 2000, '' -> None (registrations store counts as floats)."""
    if value is None:
        return None
    v = value.strip()
    if not v or v.lower() in ("nan", "none", "null", "na", "n/a"):
        return None
    try:
        return int(round(float(v.replace(",", "").replace(" ", ""))))
    except ValueError:
        return None


def crowd_from_tags(tags: str | None) -> tuple[str | None, int | None]:
    """ACLED's 'crowd size=around 2000' tag: the quoted size and its number, if any."""
    if not tags:
        return None, None
    for part in tags.split(";"):
        key, _, val = part.partition("=")
        if key.strip().lower() == "crowd size":
            val = val.strip()
            m = _NUM.search(val)
            return val, parse_count(m.group(0)) if m else None
    return None, None


def parse_date(value: str) -> dt.date:
    v = value.strip()
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(v, fmt).date()
        except ValueError:
            continue
    raise ValueError("unrecognised date")


def fingerprint(row: Mapping[str, str]) -> str:
    """The identity of a row: its columns and values, independent of column order and file."""
    canon = json.dumps(sorted((k, v or "") for k, v in row.items() if k is not None), ensure_ascii=False)
    return hashlib.sha256(canon.encode("utf-8")).hexdigest()


def resolve_columns(header: list[str], mapping: EventMapping) -> dict[str, list[str]]:
    lower = {h.lower().strip(): h for h in header}
    found: dict[str, list[str]] = {}
    for fld, aliases in ALIASES.items():
        if fld in mapping.columns:
            col = mapping.columns[fld]
            cols = col if isinstance(col, list) else [col]
            missing = [c for c in cols if c not in header]
            if missing:
                raise InfoscopeError(f"mapping names columns not in the file: {missing}")
            found[fld] = cols
        else:
            hits = [lower[a] for a in aliases if a in lower]
            if hits:
                found[fld] = hits if fld == "actors" else hits[:1]
    return found


def _rows(path: Path, mapping: EventMapping) -> Iterator[tuple[int, dict[str, str], list[str]]]:
    with path.open("rb") as raw:
        head = raw.read(65536)
        try:
            encoding = detect_encoding(head)
        except NotText as exc:
            raise InfoscopeError(f"{path}: {exc}") from exc
        raw.seek(0)
        text = io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")
        delimiter = mapping.delimiter
        if delimiter is None:
            try:
                delimiter = csv.Sniffer().sniff(head.decode(encoding, "replace")[:8192], ",;\t|").delimiter
            except csv.Error:
                delimiter = ","
        reader = csv.DictReader(text, delimiter=delimiter)
        header = list(reader.fieldnames or [])
        if not header:
            raise InfoscopeError(f"{path}: no header row")
        for n, row in enumerate(reader, start=2):
            yield n, row, header


class _Places:
    """City and country resolution, cached: a file names few distinct places many times."""

    def __init__(self) -> None:
        self._cache: dict[tuple[str, str], tuple[str | None, float | None, float | None]] = {}

    def resolve(self, location: str, country: str) -> tuple[str | None, float | None, float | None]:
        key = (location, country)
        if key not in self._cache:
            gaz = gazetteer()
            code = gaz.country(country) if country else None
            place = gaz.city(location, code) if location else None
            if place is not None:
                self._cache[key] = (code or place.country, place.lat, place.lon)
            else:
                self._cache[key] = (code, None, None)
        return self._cache[key]


def row_to_event(
    row: dict[str, str],
    cols: dict[str, list[str]],
    mapping: EventMapping,
    places: _Places,
    where: dict[str, Any],
    source_id: str,
) -> dict[str, Any]:
    def get(fld: str) -> str | None:
        for c in cols.get(fld, []):
            v = (row.get(c) or "").strip()
            if v:
                return v
        d = mapping.defaults.get(fld)
        return None if d is None else str(d)

    date_s = get("date")
    if not date_s:
        raise ValueError("no date")
    day = parse_date(date_s)
    location = get("location")
    country_raw = get("country") or ""
    country, lat, lon = places.resolve(location or "", country_raw)
    if get("lat") and get("lon"):
        try:
            lat, lon = float(get("lat") or ""), float(get("lon") or "")
        except ValueError:
            pass
    observed = parse_count(get("participants_observed"))
    text, tag_count = crowd_from_tags(get("participants_text"))
    if observed is None:
        observed = tag_count
    topic = get("topic")
    fp = fingerprint(row)
    actors = [v for c in cols.get("actors", []) if (v := (row.get(c) or "").strip())]
    return {
        "id": make_id("evt", fp),
        "fingerprint": fp,
        "origin": "import",
        "type": get("type"),
        "subtype": get("subtype"),
        "form": get("form") or protest_form(" ".join(x for x in (topic, get("notes")) if x)),
        "date": day.isoformat(),
        "date_low": day,
        "date_high": day,
        "country": country,
        "admin1": get("admin1"),
        "location": location,
        "lat": lat,
        "lon": lon,
        "participants_low": observed,
        "participants_high": observed,
        "participants_registered": parse_count(get("participants_registered")),
        "participants_observed": observed,
        "participants_text": text,
        "killed": parse_count(get("killed")),
        "injured": parse_count(get("injured")),
        "organiser": get("organiser"),
        "actors": actors,
        "topic": topic,
        "notes": get("notes"),
        "status": "reported",
        "source_id": source_id,
        "provenance": {**where, "record": row, "event_id": get("event_id"), "sources": get("sources")},
    }


def import_events(
    store: Store,
    path: Path,
    mapping: EventMapping | None = None,
    on_row: Callable[[int], None] | None = None,
    on_batch: Callable[[Session, int], None] | None = None,
) -> ImportSummary:
    """Import one CSV file of events; returns counts of rows, imported, duplicates and failures.

    ``on_batch(session, imported)`` runs inside each batch's transaction (a job's progress counter).
    """
    mapping = mapping or EventMapping()
    if not path.is_file():
        raise InfoscopeError(f"no such file: {path}")
    dataset = mapping.dataset or path.stem
    source_id = make_id("src", dataset.casefold().strip())

    def add_source() -> None:
        with store.session() as s:
            if s.get(Source, source_id) is None:
                s.execute(insert(Source).values(id=source_id, name=dataset, kind="dataset"))

    retry_write(add_source)
    places = _Places()
    summary = ImportSummary()
    batch: dict[str, dict[str, Any]] = {}
    cols: dict[str, list[str]] | None = None

    def write() -> list[dict[str, Any]]:
        with store.session() as s:
            existing = set(s.scalars(select(Event.fingerprint).where(Event.fingerprint.in_(list(batch)))))
            new = [ev for fp, ev in batch.items() if fp not in existing]
            if new:
                s.execute(insert(Event), new)
            if on_batch:
                on_batch(s, len(new))
        return new

    def flush() -> None:
        if not batch:
            return
        for attempt in range(1, RACES + 1):
            try:
                new = retry_write(write)  # another writer holding the database is waited out
                break
            except IntegrityError:
                # a concurrent import stored some of these events between our check and our
                # insert (PostgreSQL, read committed): check again, insert the rest
                if attempt == RACES:
                    raise
        summary.imported += len(new)
        summary.duplicates += len(batch) - len(new)
        batch.clear()

    for n, row, header in _rows(path, mapping):
        if cols is None:
            cols = resolve_columns(header, mapping)
            if "date" not in cols and "date" not in mapping.defaults:
                raise InfoscopeError(
                    f"{path}: no date column (looked for {', '.join(ALIASES['date'])}; "
                    "name it in a mapping file)"
                )
        summary.rows += 1
        if None in row:
            summary.fail(f"row {n}", "more values than header columns")
            continue
        try:
            ev = row_to_event(
                row, cols, mapping, places, {"dataset": dataset, "file": path.name, "row": n}, source_id
            )
        except ValueError as exc:
            summary.fail(f"row {n}", str(exc))
            continue
        if ev["fingerprint"] in batch:
            summary.duplicates += 1
        else:
            batch[ev["fingerprint"]] = ev
        if len(batch) >= BATCH:
            flush()
        if on_row:
            on_row(n)
    flush()
    return summary
