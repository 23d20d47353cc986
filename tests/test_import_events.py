"""Tabular event import: the German protest registrations, checked against a pandas count."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from conftest import ROOT, run_cli, shared
from infoscope.events.forms import protest_form
from infoscope.events.importer import EventMapping, crowd_from_tags, import_events, parse_count
from infoscope.store.queries import stats

MAPPING = ROOT / "examples" / "mappings" / "protest-registrations-de.toml"


def test_german_registrations_match_pandas_and_reimport_adds_none(db_url):
    folder = shared("protest-registrations-de")
    files = sorted(str(p) for p in folder.glob("*.csv"))
    assert len(files) == 3
    first = run_cli("import-events", *files, "--mapping", str(MAPPING), "--json", db=db_url)
    assert first.returncode == 0, first.stderr
    summary = json.loads(first.stdout)
    rows = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files])
    distinct = rows.drop_duplicates()
    assert summary["rows"] == len(rows) == 33529
    assert summary["imported"] == len(distinct) == 27212
    assert summary["duplicates"] == len(rows) - len(distinct)
    again = json.loads(
        run_cli("import-events", *files, "--mapping", str(MAPPING), "--json", db=db_url).stdout
    )
    assert again["imported"] == 0 and again["duplicates"] == 33529
    st = json.loads(run_cli("stats", "--json", db=db_url).stdout)
    assert st["events"] == 27212
    assert st["events_by_city"] == distinct["city"].value_counts().to_dict()
    assert st["events_by_year"] == distinct["date"].str[:4].value_counts().sort_index().to_dict()
    assert st["events_by_country"] == {"DE": 27212}


def test_acled_columns_without_mapping(tmp_path: Path, store):
    csv = tmp_path / "acled.csv"
    csv.write_text(
        "event_id_cnty,event_date,year,event_type,sub_event_type,actor1,assoc_actor_1,country,admin1,location,"
        "latitude,longitude,source,notes,fatalities,tags\n"
        "DEU1,2024-07-20,2024,Protests,Peaceful protest,Protesters (Germany),Diaspora Union,Germany,Berlin,Berlin,"
        "52.52,13.40,Harbour Wire,Car march (Autokorso) through the centre,0,crowd size=around 2000\n"
        "FRA1,20 July 2024,2024,Riots,Violent demonstration,Rioters (France),,France,Ile-de-France,Paris,"
        "48.85,2.35,Rhone Post,Clashes after a rally,1,crowd size=no report\n"
        "DEU1,2024-07-20,2024,Protests,Peaceful protest,Protesters (Germany),Diaspora Union,Germany,Berlin,Berlin,"
        "52.52,13.40,Harbour Wire,Car march (Autokorso) through the centre,0,crowd size=around 2000\n"
        "BAD1,sometime,2024,Protests,Peaceful protest,,,Germany,Bayern,Munich,,,,,0,\n",
        encoding="utf-8",
    )
    summary = import_events(store, csv)
    assert (summary.rows, summary.imported, summary.duplicates, summary.failed) == (4, 2, 1, 1)
    assert summary.reasons == {"unrecognised date": 1}
    st = stats(store)
    assert st["events_by_country"] == {"DE": 1, "FR": 1}
    assert st["events_by_form"]["car march"] == 1
    from sqlalchemy import select

    from infoscope.model import Event

    with store.sessions() as s:
        berlin = s.scalars(select(Event).where(Event.location == "Berlin")).one()
    assert berlin.participants_text == "around 2000" and berlin.participants_observed == 2000
    assert berlin.actors == ["Diaspora Union"] and berlin.organiser == "Protesters (Germany)"
    assert berlin.provenance["row"] == 2 and berlin.provenance["record"]["event_id_cnty"] == "DEU1"
    assert berlin.type == "Protests" and berlin.subtype == "Peaceful protest"


def test_mapping_errors_are_clear(tmp_path: Path, store):
    bad = tmp_path / "m.toml"
    bad.write_text('[columns]\nwhen = "date"\n')
    from infoscope.errors import InfoscopeError

    with pytest.raises(InfoscopeError, match="unknown event fields"):
        EventMapping.load(bad)
    nodate = tmp_path / "x.csv"
    nodate.write_text("city,topic\nBerlin,Peace\n")
    with pytest.raises(InfoscopeError, match="no date column"):
        import_events(store, nodate)


@pytest.mark.parametrize(
    "text,form",
    [
        ("Autokorso für den Frieden", "car march"),
        ("Stille Mahnwache", "vigil"),
        ("Автопробег в поддержку", "car march"),
        ("Rassemblement place de la République", "rally"),
        ("Kundgebung und Aufzug", "march"),
        ("Lesung im Park", None),
    ],
)
def test_protest_forms(text, form):
    assert protest_form(text) == form


def test_counts():
    assert parse_count("150.0") == 150 and parse_count("2,000") == 2000 and parse_count("") is None
    assert crowd_from_tags("crowd size=more than 500; women targeted") == ("more than 500", 500)
    assert crowd_from_tags("crowd size=no report") == ("no report", None)


@pytest.mark.parametrize(
    "text,form",
    [
        ("members mourned the victims of the drone strike on Halvik", None),
        ("Demokratie leben! Fest im Park", None),
        ("Klimastreik Fridays for Future", "strike"),
        ("Hunger strike outside parliament", "strike"),
    ],
)
def test_protest_forms_avoid_false_friends(text, form):
    assert protest_form(text) == form


def test_an_import_that_loses_a_race_for_an_event_checks_again_and_stores_the_rest(store, tmp_path):
    """Another import stores one of the batch's events between its check and its insert."""
    from sqlalchemy import event, func, insert, select

    from conftest import DEMO
    from infoscope.model import Event, Source
    from infoscope.store import open_store

    reference = open_store(f"sqlite:///{tmp_path / 'reference.db'}")
    expected = import_events(reference, DEMO / "events.csv")
    with reference.sessions() as s:
        rival = s.scalars(select(Event).order_by(Event.fingerprint)).first()
        source = s.get(Source, rival.source_id)
        rival_row = {c.name: getattr(rival, c.key) for c in Event.__table__.columns}
        source_row = {c.name: getattr(source, c.key) for c in Source.__table__.columns}
    reference.close()

    raced: list[bool] = []

    def rival_import(conn, cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if raced or not statement.lstrip().upper().startswith("INSERT INTO EVENTS"):
            return
        raced.append(True)
        other = open_store(store.url, upgrade=False)
        with other.engine.begin() as c:  # committed before the import's own insert runs
            if not c.execute(select(Source.id).where(Source.id == source_row["id"])).first():
                c.execute(insert(Source).values(**source_row))
            c.execute(insert(Event).values(**rival_row))
        other.close()

    event.listen(store.engine, "before_cursor_execute", rival_import)
    try:
        got = import_events(store, DEMO / "events.csv")
    finally:
        event.remove(store.engine, "before_cursor_execute", rival_import)
    assert raced
    with store.sessions() as s:
        stored = s.scalar(select(func.count()).select_from(Event))
    assert stored == expected.imported  # every event once: the rival's and the import's
    assert got.imported == expected.imported - 1 and got.duplicates == expected.duplicates + 1
