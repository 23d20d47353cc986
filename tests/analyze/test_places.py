"""Places: countries, cities and regions in six languages, inflected forms, and the common traps."""

from __future__ import annotations

import pytest

from infoscope.analyze import languages, places
from infoscope.analyze.document import AnalysisDoc
from infoscope.geo.names import base_forms, region_of, regions_of


def found(text: str, language: str | None = None) -> list[dict]:
    doc = AnalysisDoc(text=text, language=language)
    doc.layers["paragraph_languages"] = languages.annotate(doc)
    items = places.annotate(doc)
    for it in items:
        assert it["text"] == text[it["start"] : it["end"]]
    assert [i["start"] for i in items] == sorted(i["start"] for i in items)
    return items


def names(text: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(p["name"], p["country"]) for p in found(text, language)]


def test_english_cities_and_countries_with_codes_and_coordinates() -> None:
    items = found(
        "Thousands marched in Toronto on Sunday, while smaller rallies were held in Ottawa and across Canada."
    )
    by_text = {i["text"]: i for i in items}
    assert by_text["Toronto"]["country"] == "CA" and by_text["Toronto"]["continent"] == "NA"
    assert by_text["Toronto"]["lat"] == pytest.approx(43.7, abs=0.2)
    assert by_text["Ottawa"]["name"] == "Ottawa"
    assert by_text["Canada"]["kind"] == "country" and by_text["Canada"]["country"] == "CA"


def test_multiword_names_win_over_their_parts() -> None:
    got = names("Protesters gathered outside the consulate in New York and later in Frankfurt am Main.")
    assert ("New York City", "US") in got
    assert ("Frankfurt am Main", "DE") in got
    assert len(got) == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В субботу в Москве прошла акция, а в Берлине задержали 14 человек.", {"Moscow", "Berlin"}),
        ("Делегация прибыла из Германии во Францию, чтобы обсудить ситуацию.", {"Germany", "France"}),
        ("Участники митинга в Санкт-Петербурге требовали справедливости.", {"Saint Petersburg"}),
    ],
)
def test_russian_case_endings(text: str, expected: set[str]) -> None:
    assert {n for n, _ in names(text, "ru")} == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("У Києві та Львові в неділю відбулися мітинги на підтримку полонених.", {"Kyiv", "Lviv"}),
        (
            "Посол заявив, що в Україні та Німеччині стежать за подіями в Одесі.",
            {"Ukraine", "Germany", "Odesa"},
        ),
    ],
)
def test_ukrainian_case_endings(text: str, expected: set[str]) -> None:
    assert {n for n, _ in names(text, "uk")} == expected


def test_turkish_apostrophe_suffixes_are_left_out_of_the_span() -> None:
    items = found(
        "Cumartesi günü İstanbul'da ve Berlin'de toplanan göstericiler, Almanya'nın tutumunu eleştirdi.", "tr"
    )
    assert [(i["text"], i["name"]) for i in items] == [
        ("İstanbul", "Istanbul"),
        ("Berlin", "Berlin"),
        ("Almanya", "Germany"),
    ]


def test_french_and_german_forms() -> None:
    assert ("Istanbul", "TR") in names(
        "La manifestation d'Istanbul a réuni des milliers de personnes à Lyon.", "fr"
    )
    assert ("Lyon", "FR") in names(
        "La manifestation d'Istanbul a réuni des milliers de personnes à Lyon.", "fr"
    )
    de = names("Die Haltung Deutschlands wurde in Wien und München scharf kritisiert.", "de")
    assert [n for n, _ in de] == ["Germany", "Vienna", "Munich"]


def test_exonyms_resolve_to_the_english_name() -> None:
    assert names("Viyana'daki mitinge yaklaşık 3 bin kişi katıldı.", "tr") == [("Vienna", "AT")]
    assert names("Le cortège est parti de Bruxelles vers Londres.", "fr") == [
        ("Brussels", "BE"),
        ("London", "GB"),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Police said the march was peaceful and no arrests were made.",
        "Nice weather brought more people to the square than organisers expected.",
        "Reading the statement aloud, the spokesman paused twice.",
        "The protesters split into two groups; Split decisions were made by the organisers later.",
        "Officials said George W. Bush had approved the plan.",
        "The claims were repeated by Obama officials during the briefing.",
        '"Justice for Torvel," said Vera, a teacher whose house burned down.',
        "Crowds walked along the rue de la Roquette and the boulevard du Temple.",
    ],
)
def test_common_word_and_name_traps_are_not_places(text: str) -> None:
    assert found(text, "en") == []


def test_person_name_next_to_a_city_name_is_not_a_place() -> None:
    text = "Defense lawyer John Bolton told reporters that Bolton would appeal."
    assert found(text, "en") == []


def test_demonyms_are_not_places() -> None:
    assert names("Armenians and Azerbaijanis rallied separately; French police kept them apart.") == []
    assert names("армяне и азербайджанцы провели отдельные акции", "ru") == []


def test_ambiguous_name_follows_the_country_in_the_document() -> None:
    # London, Ontario when the text is about Canada; London, England otherwise
    assert names("Rallies in Canada: about 300 people met in London, Ontario.", "en")[1][1] == "CA"
    assert names("About 3,000 people marched through London on Saturday.", "en") == [("London", "GB")]


def test_notable_regions() -> None:
    got = names("Fighting resumed in Nagorno-Karabakh, while Crimea remained calm.", "en")
    assert got == [("Nagorno-Karabakh", "AZ"), ("Crimea", "UA")]
    assert [n for n, _ in names("В Крыму и на Донбассе усилили охрану.", "ru")] == ["Crimea", "Donbas"]


def test_odd_input_never_raises() -> None:
    assert found("") == []
    assert found("🙂 " * 50 + "\u0000\u200b" + "9" * 5000) == []
    assert isinstance(found("İ" * 3 + " ’'d " + "Ё" * 10), list)


def test_base_forms_offer_the_nominative() -> None:
    assert "москва" in {f for _, _, f in base_forms("Москве", "ru")}
    assert "київ" in {f for _, _, f in base_forms("Києві", "uk")}
    assert (0, 8, "İstanbul") in list(base_forms("İstanbul'da", "tr"))


def test_region_schemes(tmp_path) -> None:
    assert region_of("TR") == "AS" and region_of("FR") == "EU"  # GeoNames continents
    assert region_of("AM", scheme="infoscope") == "South Caucasus"
    assert "Europe" in regions_of("AZ", scheme="infoscope")
    custom = tmp_path / "mine.toml"
    custom.write_text('[regions]\n"Nordics" = ["continent:EU", "-DE", "-FR"]\n"Levant" = ["SY", "LB"]\n')
    assert region_of("SE", scheme=str(custom)) == "Nordics"
    assert region_of("DE", scheme=str(custom)) is None
    assert region_of("LB", scheme=str(custom)) == "Levant"
    assert region_of(None) is None
