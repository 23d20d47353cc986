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


# ---------------------------------------------------------------- partial and complete breakdowns


def status(t: dict) -> str:
    return t["check"]["status"]


PARTIAL = [
    ("fr", "Ces rassemblements ont réuni environ 70 000 personnes, dont 25 000 à Paris et 8 000 à Lyon.", 70000, [(25000, "Paris"), (8000, "Lyon")], "37000"),
    ("ru", "По данным правозащитников, задержаны более 5000 человек, из них около 1700 — в Москве и 750 — в Петербурге.", 5000, [(1700, "Москве"), (750, "Петербурге")], "2550"),
    ("de", "An den Protesten beteiligten sich rund 45.000 Menschen, davon etwa 20.000 in Berlin und 9.000 in Hamburg.", 45000, [(20000, "Berlin"), (9000, "Hamburg")], "16000"),
    ("en", "In total, about 90,000 people joined the protests in 17 cities, including 30,000 in Istanbul and 12,000 in Ankara.", 90000, [(30000, "Istanbul"), (12000, "Ankara")], "48000"),
    ("uk", "Загалом в акціях взяли участь понад 50 тисяч людей, зокрема 20 тисяч у Варшаві та 8 тисяч у Берліні.", 50000, [(20000, "Варшаві"), (8000, "Берліні")], "22000"),
    ("en", "Police said more than 3,000 people were detained, of whom 1,200 in Moscow and 900 in St Petersburg.", 3000, [(1200, "Moscow"), (900, "St Petersburg")], "900"),
    ("ru", "В акциях приняли участие около 30 тысяч человек: в Москве — 18 тысяч, в Петербурге — 9 тысяч.", 30000, [(18000, "Москве"), (9000, "Петербурге")], "3000"),
    ("uk", "Протягом тижня відбулося 40 акцій, з них 22 — у Польщі та 11 — у Німеччині.", 40, [(22, "Польщі"), (11, "Німеччині")], "7"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "total", "expected", "rest"), PARTIAL)
def test_a_breakdown_not_said_to_be_complete_only_has_to_fit_in_the_total(lang, text, total, expected, rest):
    t = only(text, lang)
    assert t["value"] == total and parts(t) == expected
    assert status(t) == "consistent"
    assert f"{rest} not broken down" in t["check"]["detail"]


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        (
            "fr",
            "Ces rassemblements ont réuni environ 70 000 personnes, dont 50 000 à Paris et 30 000 à Lyon.",
        ),
        ("en", "Organisers counted 40 rallies, including 25 in Germany and 20 in France."),
        ("ru", "Всего прошло 40 акций, из них 25 — в Европе и 20 — в Северной Америке."),
        ("de", "Insgesamt 300 Menschen wurden festgenommen, davon 200 in Berlin und 150 in Leipzig."),
    ],
)
def test_a_partial_breakdown_larger_than_its_total_is_inconsistent(lang, text):
    assert status(only(text, lang)) == "inconsistent"


COMPLETE = [
    ("ru", "По данным организаторов, состоялось 36 митингов в 9 странах, из них 14 — в Германии, 12 — во Франции, остальные 10 — в других странах.", "consistent"),
    ("ru", "По данным организаторов, состоялось 36 митингов в 9 странах, из них 14 — в Германии, 12 — во Франции, а 7 — в других странах.", "inconsistent"),
    ("de", "Insgesamt fanden 35 Kundgebungen statt, davon 15 in Berlin, 12 in Hamburg und 8 in anderen Städten.", "consistent"),
    ("de", "Insgesamt fanden 35 Kundgebungen statt, davon 15 in Berlin, 12 in Hamburg und 10 in anderen Städten.", "inconsistent"),
    ("fr", "Au total, 80 rassemblements ont eu lieu, dont 30 en Europe, 25 en Amérique du Nord et 30 ailleurs.", "inconsistent"),
    ("en", "The group counted 30 protests in 2 countries: 18 in Germany and 10 in Austria.", "inconsistent"),
    ("en", "Of the 52 vigils, 30 were held in Europe and 20 in Asia only.", "inconsistent"),
    ("tr", "Almanya'da 12, Fransa'da 9 ve Avusturya'da 6 olmak üzere toplam 27 miting düzenlendi.", "consistent"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "expected"), COMPLETE)
def test_a_complete_breakdown_must_add_up(lang, text, expected):
    t = only(text, lang)
    assert status(t) == expected, t["check"]
    if expected == "inconsistent":
        assert "complete" in t["check"]["detail"]


def test_hedged_totals_of_a_complete_breakdown():
    base = "Rund 45.000 Menschen demonstrierten, davon 20.000 in Berlin, 9.000 in Hamburg und {} in anderen Städten."
    assert status(only(base.format("17.500"), "de")) == "consistent"  # 46,500: within 5% of "about 45,000"
    assert status(only(base.format("22.000"), "de")) == "inconsistent"  # 51,000: 13% over
    more = "More than 5,000 people were detained: 3,000 in Moscow, 1,000 in St Petersburg and {} elsewhere."
    assert status(only(more.format("1,500"))) == "consistent"  # 5,500 is "more than 5,000"
    assert status(only(more.format("500"))) == "inconsistent"  # 4,500 is not


# ---------------------------------------------------------------- where the place or language stands


def test_turkish_places_before_their_numbers():
    t = only(
        "Eylemlere toplam 60 bin kişi katıldı; İstanbul'da 35 bin, Ankara'da 15 bin kişi bir araya geldi.",
        "tr",
    )
    assert (t["counted"], t["value"]) == ("person", 60000)
    assert parts(t) == [(35000, "İstanbul"), (15000, "Ankara")]
    assert status(t) == "consistent"
    t = only("Eylemlere 60 bin kişi katıldı; bunların 35 bini İstanbul'da, 15 bini Ankara'da toplandı.", "tr")
    assert parts(t) == [(35000, "İstanbul"), (15000, "Ankara")]
    t = only(
        "Hafta sonu 17 ülkede 54 miting düzenlendi; bunların 12'si Almanya'da, 9'u Fransa'da yapıldı.", "tr"
    )
    assert parts(t) == [(12, "Almanya"), (9, "Fransa")] and status(t) == "consistent"


def test_places_before_numbers_in_german_and_russian():
    t = only("Rund 40.000 Menschen demonstrierten, davon in Berlin 25.000 und in München 10.000.", "de")
    assert parts(t) == [(25000, "Berlin"), (10000, "München")]
    t = only("Всего прошло 40 акций, из них в Москве — 22, в Петербурге — 11.", "ru")
    assert parts(t) == [(22, "Москве"), (11, "Петербурге")] and status(t) == "consistent"


LANGUAGE_PARTS = [
    ("ru", "Тему освещали 120 публикаций на 12 языках, в том числе 70 на русском и 35 на английском.", 120, ["ru", "en"], "consistent"),
    ("tr", "Konu 90 haberde işlendi; bunların 60'ı Türkçe, 40'ı İngilizce yayımlandı.", 90, ["tr", "en"], "inconsistent"),
    ("fr", "Le sujet a fait l'objet de 150 articles dans 15 langues, dont 90 en français et 75 en anglais.", 150, ["fr", "en"], "inconsistent"),
    ("en", "The campaign was covered in 240 articles in 18 languages, 95 of them in English and 160 in Russian", 240, ["en", "ru"], "inconsistent"),
    ("de", "Die Berichterstattung umfasste 210 Artikel in 16 Sprachen, darunter 120 auf Deutsch und 110 auf Englisch.", 210, ["de", "en"], "inconsistent"),
    ("uk", "Тему висвітлили 80 публікацій, з них 50 українською та 20 англійською.", 80, ["uk", "en"], "consistent"),
]  # fmt: skip


@pytest.mark.parametrize(("lang", "text", "total", "codes", "expected"), LANGUAGE_PARTS)
def test_articles_broken_down_by_language(lang, text, total, codes, expected):
    t = only(text, lang)
    assert (t["counted"], t["value"]) == ("article", total)
    assert [p.get("language") for p in t["parts"]] == codes
    assert status(t) == expected


def test_statements_in_as_many_languages_as_the_scope_counts_must_add_up():
    text = "The ministry issued 45 statements in 3 languages, 20 of them in English, 15 in Russian and {} in French."
    assert status(only(text.format(10))) == "consistent"
    t = only(text.format(8))
    assert (t["counted"], status(t)) == ("statement", "inconsistent") and "(-2)" in t["check"]["detail"]


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Of the 60 rallies, 25 were held in Europe, 20 in North America and 15 in the Middle East.",
            ["EU", "NA", None],
        ),
        ("ru", "Всего прошло 40 акций, из них 25 — в Европе и 10 — в Северной Америке.", ["EU", "NA"]),
        (
            "tr",
            "Yurt dışında toplam 54 miting düzenlendi; bunların 20'si Avrupa'da, 15'i Kuzey Amerika'da yapıldı.",
            ["EU", "NA"],
        ),
        (
            "fr",
            "Au total, 80 rassemblements ont eu lieu, dont 30 en Europe et 25 en Amérique du Nord.",
            ["EU", "NA"],
        ),
        (
            "de",
            "Insgesamt fanden 50 Kundgebungen statt, davon 30 in Europa und 12 in Nordamerika.",
            ["EU", "NA"],
        ),
    ],
)
def test_region_parts_get_continents_not_countries(lang, text, expected):
    america = text.index("Amer") if "Amer" in text else None
    places = []
    if america is not None:  # the places layer reads "America" in "North America" as the US
        places = [
            {
                "text": text[america : america + 7],
                "start": america,
                "end": america + 7,
                "name": "United States",
                "country": "US",
            }
        ]
    [t] = run(text, lang, places=places)
    assert [p.get("continent") for p in t["parts"]] == expected
    assert not any(p.get("country") == "US" for p in t["parts"])


@pytest.mark.parametrize(
    "text",
    [
        "The 18 detainees, including 4 minors, were released on Sunday.",
        "Three people, including two children, were killed in the strike on Halvik.",
        "Aliens arrested during this operation are from the following five countries: Ecuador (1), Honduras (2), Mexico (17).",
    ],
)
def test_breakdowns_of_victims_or_origins_are_not_tallies(text):
    assert [t for t in run(text) if t["parts"]] == []


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        (
            "en",
            "Organisers counted 71 events, all in Germany and France: 40 in Germany and 38 in France.",
            "inconsistent",
        ),
        (
            "ru",
            "Всего прошло 30 акций, все — в Германии и Австрии: 18 — в Германии и 10 — в Австрии.",
            "inconsistent",
        ),
        (
            "tr",
            "Toplam 30 miting düzenlendi, tamamı Almanya ve Avusturya'da: 18'i Almanya'da, 10'u Avusturya'da.",
            "inconsistent",
        ),
        (
            "de",
            "Insgesamt 30 Kundgebungen, alle in Deutschland und Österreich: 20 in Deutschland und 10 in Österreich.",
            "consistent",
        ),
        # "all" that does not name the parts' places leaves the list open
        (
            "de",
            "Insgesamt 30 Kundgebungen, alle in Europa: 18 in Deutschland und 10 in Österreich.",
            "consistent",
        ),
        (
            "en",
            "Of the 30 rallies, 18 were held in Germany and 10 in Austria, all in German-speaking cities.",
            "consistent",
        ),
    ],
)
def test_all_in_the_named_places_closes_the_list(lang, text, expected):
    assert status(only(text, lang)) == expected
