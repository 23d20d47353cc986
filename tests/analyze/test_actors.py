"""Actors: persons, organisations, governments and groups in six languages, same rules for every side."""

from __future__ import annotations

import pytest

from infoscope.analyze import actors, languages, places
from infoscope.analyze.document import AnalysisDoc


def found(text: str, language: str | None = None) -> list[dict]:
    doc = AnalysisDoc(text=text, language=language)
    doc.layers["paragraph_languages"] = languages.annotate(doc)
    doc.layers["places"] = places.annotate(doc)
    items = actors.annotate(doc)
    for it in items:
        assert it["text"] == text[it["start"] : it["end"]]
        assert it["kind"] in {"person", "organization", "group", "government"}
    spans = [(i["start"], i["end"]) for i in items]
    assert spans == sorted(spans)
    assert all(a[1] <= b[0] for a, b in zip(spans, spans[1:], strict=False)), "actors must not overlap"
    return items


def kinds(text: str, language: str | None = None) -> dict[str, str]:
    return {i["text"]: i["kind"] for i in found(text, language)}


def test_english_groups_known_and_unknown_peoples() -> None:
    got = kinds(
        "Armenians and Azerbaijanis held separate vigils, while the Kestrian community "
        "said that Valdorians had been bused in from other cities.",
        "en",
    )
    assert got["Armenians"] == "group"
    assert got["Azerbaijanis"] == "group"
    assert got["the Kestrian community"] == "group"
    assert got["Valdorians"] == "group"
    countries = {i["text"]: i.get("country") for i in found("Armenians marched in Paris.", "en")}
    assert countries["Armenians"] == "AM"


def test_english_governments() -> None:
    got = kinds(
        "The French government condemned the attack. Russia said it would not intervene, "
        "and Kestria's foreign ministry accused Valdoria of lying, while the Kremlin declined to comment.",
        "en",
    )
    assert got["The French government"] == "government"
    assert got["Russia"] == "government"
    assert got["Kestria's foreign ministry"] == "government"
    assert got["the Kremlin"] == "government"
    french = [i for i in found("The French government condemned the attack.", "en")][0]
    assert french["country"] == "FR"


def test_english_persons_and_organisations() -> None:
    text = (
        "Sorin Malek, spokesman of the Kestrian Cultural Association of Germany, said the march was peaceful. "
        "Police detained 14 people. Malek later told reporters that President Teodor Vasko had lied."
    )
    got = found(text, "en")
    k = {i["text"]: i for i in got}
    assert k["Sorin Malek"]["kind"] == "person"
    assert k["Kestrian Cultural Association of Germany"]["kind"] == "organization"
    assert k["Police"]["kind"] == "organization" and k["Police"]["role"] == "police"
    assert k["Malek"]["kind"] == "person" and k["Malek"]["name"] == "Sorin Malek"
    assert k["Teodor Vasko"]["kind"] == "person"


def test_english_no_actor_in_plain_prose() -> None:
    assert found("The weather was mild and the streets were quiet for most of the afternoon.", "en") == []


def test_russian_groups_organisations_government() -> None:
    text = (
        "В субботу в Берлине группа валдорских радикалов напала на митинг кестрийской общины. "
        "Армяне и азербайджанцы провели отдельные акции. "
        "Председатель Кестрийского культурного общества Германии заявил, что полиция задержала 14 человек. "
        "Министерство иностранных дел России призвало стороны к сдержанности."
    )
    got = kinds(text, "ru")
    assert got["кестрийской общины"] == "group"
    assert got["Армяне"] == "group"
    assert got["азербайджанцы"] == "group"
    assert got["Кестрийского культурного общества Германии"] == "organization"
    assert got["полиция"] == "organization"
    assert got["Министерство иностранных дел России"] == "government"


def test_russian_person_by_natasha_or_title() -> None:
    got = kinds("Как заявил министр Сергей Лавров, переговоры продолжатся в Женеве.", "ru")
    assert got.get("Сергей Лавров") == "person"


def test_ukrainian() -> None:
    got = kinds(
        "Вірмени та азербайджанці провели акції, а поліція затримала трьох людей. Уряд Франції мовчить.", "uk"
    )
    assert got["Вірмени"] == "group"
    assert got["азербайджанці"] == "group"
    assert got["поліція"] == "organization"
    assert got["Уряд Франції"] == "government"


def test_turkish() -> None:
    text = (
        "Kestriyalılar cumartesi günü İstanbul'da toplandı. Kestriya Dayanışma Platformu adına konuşan "
        "Lenart Oskov açıklama yaptı. Ermeniler de ayrı bir gösteri düzenledi; polis olaylara müdahale etmedi. "
        "Valdorya Dışişleri Bakanlığı açıklamayı kınadı."
    )
    got = kinds(text, "tr")
    assert got["Kestriyalılar"] == "group"
    assert got["Kestriya Dayanışma Platformu"] == "organization"
    assert got["Ermeniler"] == "group"
    assert got["polis"] == "organization"
    assert got["Valdorya Dışişleri Bakanlığı"] == "government"


def test_french() -> None:
    text = (
        "Selon la police, plus de 3 000 personnes ont défilé à l'appel de l'Union des Valdoriens de France. "
        "La communauté kestrienne a dénoncé une provocation, et le gouvernement français appelle au calme. "
        "Les Arméniens de Lyon ont rejoint le cortège."
    )
    got = kinds(text, "fr")
    assert got["la police"] == "organization"
    assert got["Union des Valdoriens de France"] == "organization"
    assert got["La communauté kestrienne"] == "group"
    assert got["le gouvernement français"] == "government"
    assert got["Arméniens"] == "group"


def test_german() -> None:
    text = (
        "Mehr als 3.000 Kestrier demonstrierten in Wien. Die Polizei sprach von 3.200 Teilnehmenden. "
        "„Wir verlangen Ausgewogenheit“, sagte Sorin Malek, Sprecher der Kestrischen Gemeinde Wien. "
        "Die Bundesregierung äußerte sich nicht; die Armenier der Stadt blieben der Kundgebung fern."
    )
    got = kinds(text, "de")
    assert got["Kestrier"] == "group"
    assert got["Die Polizei"] == "organization"
    assert got["Sorin Malek"] == "person"
    assert got["Kestrischen Gemeinde Wien"] == "organization"
    assert got["Bundesregierung"] == "government"
    assert got["Armenier"] == "group"
    assert "Teilnehmenden" not in got and "Wien" not in got


@pytest.mark.parametrize("text", ["", "   ", "🙂" * 300, "9" * 10000, "ПОЛИЦИЯ " * 3, "\u0000\u200b'’"])
def test_odd_input_never_raises(text: str) -> None:
    assert isinstance(found(text), list)
