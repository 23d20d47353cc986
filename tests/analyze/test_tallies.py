"""Aggregate count claims and their arithmetic, as an analyst checking a campaign's figures sees them."""

from __future__ import annotations

from pathlib import Path

import pytest

from infoscope.analyze import quantities, tallies
from infoscope.analyze.document import AnalysisDoc

DEMO = Path(__file__).resolve().parents[2] / "examples" / "demo" / "articles"


def run(text: str, lang: str = "en", places: list | None = None) -> list[dict]:
    doc = AnalysisDoc(text=text, language=lang)
    doc.layers["paragraph_languages"] = [
        {"start": p.start, "end": p.end, "language": lang, "confidence": None} for p in doc.paragraphs
    ]
    doc.layers["places"] = places or []
    doc.layers["quantities"] = quantities.annotate(doc)
    out = tallies.annotate(doc)
    for t in out:
        ev = t["evidence"]
        assert ev["text"] == text[ev["start"] : ev["end"]]
        for p in t["parts"]:
            assert p["text"] == text[p["start"] : p["end"]]
    return out


def only(text: str, lang: str = "en") -> dict:
    out = run(text, lang)
    assert len(out) == 1, out
    return out[0]


def parts(t: dict) -> list[tuple]:
    return [(p["value"], p["where"]) for p in t["parts"]]


def test_total_with_scope_and_parts_in_the_next_sentence_is_consistent():
    t = only(
        "71 events were held in 26 countries, involving more than 25,000 people. "
        "Of these, 33 took place in Europe, 16 in the United States, 9 in Turkey and 13 elsewhere."
    )
    assert (t["counted"], t["value"], t["qualifier"]) == ("event", 71, "exact")
    assert t["scope"]["countries"] == 26
    assert t["scope"]["participants"]["low"] == 25000 and t["scope"]["participants"]["high"] is None
    assert parts(t) == [(33, "Europe"), (16, "United States"), (9, "Turkey"), (13, "elsewhere")]
    assert t["check"]["status"] == "consistent"
    assert t["evidence"]["text"].endswith("13 elsewhere.")


def test_parts_that_do_not_add_up_are_flagged_with_the_difference():
    t = only(
        "71 events were held in 26 countries. "
        "Of these, 33 took place in Europe, 16 in the United States, 9 in Turkey and 20 elsewhere."
    )
    assert t["check"]["status"] == "inconsistent"
    assert "78" in t["check"]["detail"] and "(+7)" in t["check"]["detail"]


def test_total_stated_after_its_parts():
    t = only("12 in Germany, 9 in France and 50 elsewhere – 71 events in all.")
    assert (t["counted"], t["value"]) == ("event", 71)
    assert parts(t) == [(12, "Germany"), (9, "France"), (50, "elsewhere")]
    assert t["check"]["status"] == "consistent"
    t = only("12 in Germany, 9 in France and 40 elsewhere – 71 events in all.")
    assert t["check"]["status"] == "inconsistent" and "(-10)" in t["check"]["detail"]


def test_out_of_a_total():
    t = only("Nine out of 71 events took place in France.")
    assert (t["value"], parts(t), t["check"]["status"]) == (71, [(9, "France")], "consistent")
    t = only("According to the council, 80 out of 71 events took place in France.")
    assert t["check"]["status"] == "inconsistent"


def test_percentages_of_a_total_may_not_exceed_100():
    t = only(
        "Activists organised 40 rallies last month. 40% of the rallies took place in Europe, 35% in Asia and 30% in Africa."
    )
    assert t["check"]["status"] == "inconsistent" and "105%" in t["check"]["detail"]
    t = only("40% of the rallies took place in Europe and 35% in Asia.")
    assert (t["counted"], t["check"]["status"]) == ("event", "consistent")


def test_articles_in_languages_and_statements_made():
    out = run(
        "The campaign was covered in 180 articles in 20 languages in 40 countries. The ministry made 128 statements."
    )
    assert [(t["counted"], t["value"]) for t in out] == [("article", 180), ("statement", 128)]
    assert (out[0]["scope"]["languages"], out[0]["scope"]["countries"]) == (20, 40)
    assert all(t["check"]["status"] == "unchecked" for t in out)


@pytest.mark.parametrize(
    "text",
    [
        "5,000 people attended the rally in Paris on Saturday.",
        "Nine civilians, among them two children, were killed and 23 wounded.",
        "On Sunday, more than 300 cars decorated with flags drove through Lyon in a car march.",
        "Germany is home to about 250,000 people of Kestrian origin, most of them in Berlin.",
    ],
)
def test_single_events_and_casualty_breakdowns_are_not_tallies(text):
    assert run(text) == []


def test_open_remainder_checks_only_that_parts_fit_in_the_total():
    t = only(
        "Of the 71 events, 40 were held in Europe and 20 in North America, while the remainder took place in Asia."
    )
    assert t["check"]["status"] == "consistent" and "remainder" in t["check"]["detail"]
    assert t["remainder"]["where"] == "Asia"


def test_a_partial_list_within_a_wider_scope_is_not_a_contradiction():
    t = only(
        "Over the weekend 71 events took place in 26 countries; of these, 12 in Germany and 9 in France."
    )
    assert t["check"]["status"] == "consistent"
    assert t["period"].lower() == "over the weekend"


def test_numbered_remainder_and_country_count():
    t = only(
        "Since 14 July, communities abroad have held 54 rallies and car marches in 17 countries, attended by about "
        "90,000 people; 19 of them took place in Turkey, 14 in Germany and 6 in Austria. The remaining 15 events "
        "were held in 14 other countries, among them France and Canada."
    )
    assert parts(t) == [(19, "Turkey"), (14, "Germany"), (6, "Austria"), (15, "elsewhere")]
    assert t["check"]["status"] == "consistent"
    assert "3 named + 14 other = 17" in t["check"]["detail"]
    assert t["scope"]["participants"]["value"] == 90000


LANGS = [
    ("ru", "За выходные прошли 54 акции в 17 странах; из них 19 — в Турции, 14 — в Германии и 21 — в Австрии.", [19, 14, 21], "consistent"),
    ("uk", "Протягом тижня відбулися 54 акції у 17 країнах; з них 19 — у Туреччині, 14 — у Німеччині та 30 — в Австрії.", [19, 14, 30], "inconsistent"),
    ("tr", "Hafta sonu 17 ülkede 54 miting düzenlendi; bunlardan 19'u Türkiye'de, 14'ü Almanya'da ve 21'i Avusturya'da yapıldı.", [19, 14, 21], "consistent"),
    ("fr", "Au total, 54 rassemblements ont eu lieu dans 17 pays, dont 19 en Turquie, 14 en Allemagne et 30 en Autriche.", [19, 14, 30], "inconsistent"),
    ("de", "Am Wochenende fanden 54 Kundgebungen in 17 Ländern statt, davon 19 in der Türkei, 14 in Deutschland und 21 in Österreich.", [19, 14, 21], "consistent"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "values", "status"), LANGS)
def test_breakdowns_in_other_languages(lang, text, values, status):
    t = only(text, lang)
    assert (t["counted"], t["value"], t["scope"]["countries"]) == ("event", 54, 17)
    assert [p["value"] for p in t["parts"]] == values
    assert all(p["where"] for p in t["parts"])
    assert t["check"]["status"] == status


def test_places_layer_gives_parts_a_country_code():
    text = "71 events took place in 26 countries; of these, 12 in Germany and 9 in France."
    places = [
        {"text": "Germany", "start": text.index("Germany"), "end": text.index("Germany") + 7, "name": "Germany", "country": "DE"},
        {"text": "France", "start": text.index("France"), "end": text.index("France") + 6, "name": "France", "country": "FR"},
    ]  # fmt: skip
    t = run(text, places=places)[0]
    assert [p.get("country") for p in t["parts"]] == ["DE", "FR"]


def _demo(name: str) -> list[dict]:
    from infoscope.ingest.text import split_front_matter

    _fields, body = split_front_matter((DEMO / name).read_text(encoding="utf-8"))
    return run(body)


def test_demo_weekend_tally_flags_40_plus_38_of_71():
    out = _demo("en-weekend-tally-valdoria-today.md")
    restated = [t for t in out if t["evidence"]["text"].startswith("Of the 71 events")]
    assert len(restated) == 1
    t = restated[0]
    assert parts(t) == [(40, "Europe"), (38, "North America")]
    assert t["check"]["status"] == "inconsistent" and "(+7)" in t["check"]["detail"]
    assert out[t["refers_to"]]["value"] == 71  # restates the first paragraph's total
    first = out[0]
    assert (first["value"], first["scope"]["countries"], first["scope"]["participants"]["low"]) == (
        71,
        26,
        25000,
    )
    assert any(t["counted"] == "article" and t["value"] == 180 and t["scope"]["languages"] == 20 for t in out)


def test_demo_kestria_post_54_rallies_add_up():
    out = _demo("en-kestrian-rallies-kestria-post.md")
    t = next(t for t in out if t["value"] == 54)
    assert sum(p["value"] for p in t["parts"]) == 54
    assert t["check"]["status"] == "consistent"


def test_no_quantities_no_tallies():
    assert run("") == []
    assert run("Nothing to count here.") == []
