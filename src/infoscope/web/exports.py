"""Event exports honouring the dashboard's filters: CSV, JSON Lines, GeoJSON and ACLED-style CSV.

Used by the web app's download links and meant for ``infoscope export --format ...``; no FastAPI.
The ACLED-style CSV uses the column names of ACLED's export, so ``infoscope import-events``
reads it back without a mapping.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from typing import IO, Any

from infoscope.model import Event, Source
from infoscope.store import Store
from infoscope.web.data import EVENT_FIELDS, Filters, event_dict, event_query

FORMATS = ("csv", "jsonl", "geojson", "acled-csv")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "acled-csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "geojson": "application/geo+json",
}
ACLED_COLUMNS = (
    "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,assoc_actor_1,country,admin1,"
    "location,latitude,longitude,source,notes,fatalities,tags"
).split(",")


def _events(store: Store, filters: Filters) -> Iterator[tuple[Event, str | None]]:
    q = (
        event_query(filters)
        .add_columns(Source.name)
        .outerjoin(Source, Source.id == Event.source_id)
        .order_by(Event.date, Event.id)
    )
    with store.sessions() as s:
        for row in s.execute(q.execution_options(yield_per=1000)):
            yield row[0], row[1]


def _cell(v: Any) -> Any:
    """Spreadsheet formula injection: a cell starting with = + - @ is prefixed with a quote."""
    if isinstance(v, list | dict):
        v = json.dumps(v, ensure_ascii=False)
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return "" if v is None else v


def _country_name(code: str | None) -> str:
    if not code:
        return ""
    import pycountry

    c = pycountry.countries.get(alpha_2=code)
    return c.name if c else code


def export_events(store: Store, out: IO[str], fmt: str = "csv", filters: Filters | None = None) -> int:
    """Write the filtered ledger events to ``out`` in ``fmt``; returns the number of events."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (available: {', '.join(FORMATS)})")
    filters = filters or Filters()
    n = 0
    if fmt == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow([*EVENT_FIELDS, "source"])
        for e, src in _events(store, filters):
            d = event_dict(e)
            w.writerow([_cell(d[k]) for k in EVENT_FIELDS] + [_cell(src)])
            n += 1
    elif fmt == "acled-csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(ACLED_COLUMNS)
        for e, src in _events(store, filters):
            row = [
                e.id,
                e.date or "",
                (e.date or "")[:4],
                e.type or "",
                e.subtype or "",
                (e.actors or [""])[0] if e.actors else (e.organiser or ""),
                "; ".join(e.actors[1:]) if e.actors and len(e.actors) > 1 else "",
                _country_name(e.country),
                e.admin1 or "",
                e.location or "",
                "" if e.lat is None else e.lat,
                "" if e.lon is None else e.lon,
                src or "",
                e.notes or e.topic or "",
                "" if e.killed is None else e.killed,
                f"status={e.status}; independent_sources={e.independent_sources}",
            ]
            w.writerow([_cell(v) for v in row])
            n += 1
    elif fmt == "jsonl":
        for e, src in _events(store, filters):
            out.write(json.dumps({**event_dict(e), "source": src}, ensure_ascii=False) + "\n")
            n += 1
    else:
        out.write('{"type":"FeatureCollection","features":[')
        for e, src in _events(store, filters):
            lat, lon = e.lat, e.lon
            if lat is None or lon is None:
                lat, lon = geocode(e.location, e.country)
            geometry = None if lat is None else {"type": "Point", "coordinates": [lon, lat]}
            feature = {
                "type": "Feature",
                "id": e.id,
                "geometry": geometry,
                "properties": {**event_dict(e), "source": src},
            }
            out.write(("," if n else "") + "\n" + json.dumps(feature, ensure_ascii=False))
            n += 1
        out.write("\n]}\n")
    return n


def geocode(location: str | None, country: str | None) -> tuple[float | None, float | None]:
    """Coordinates for an event without them, from the offline gazetteer (city, else nothing)."""
    if not location:
        return None, None
    try:
        from infoscope.geo.gazetteer import gazetteer

        place = gazetteer().city(location.split(" - ")[0], country)
    except Exception:  # a gazetteer problem must never break an export or a map
        return None, None
    if place is None:
        return None, None
    lat, lon = getattr(place, "lat", None), getattr(place, "lon", None)
    return (float(lat), float(lon)) if lat is not None and lon is not None else (None, None)


def event_points(store: Store, filters: Filters, limit: int = 5000) -> list[dict[str, Any]]:
    """Events with coordinates for the dashboard map (stored, else geocoded offline)."""
    points = []
    with store.sessions() as s:
        rows = s.scalars(event_query(filters).order_by(Event.date, Event.id).limit(limit)).all()
    for e in rows:
        lat, lon = (
            (e.lat, e.lon) if e.lat is not None and e.lon is not None else geocode(e.location, e.country)
        )
        if lat is None or lon is None:
            continue
        points.append(
            {
                "id": e.id,
                "lat": lat,
                "lon": lon,
                "date": e.date,
                "type": e.type,
                "location": e.location,
                "status": e.status,
                "sources": e.independent_sources,
            }
        )
    return points
