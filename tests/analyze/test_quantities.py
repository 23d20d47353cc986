"""Counts as a reader sees them: value, bounds, hedging and what is counted, in six languages."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from infoscope.analyze import quantities
from infoscope.analyze.document import AnalysisDoc


def run(text: str, lang: str = "en") -> list[dict]:
    doc = AnalysisDoc(text=text, language=lang)
    doc.layers["paragraph_languages"] = [
        {"start": p.start, "end": p.end, "language": lang, "confidence": None} for p in doc.paragraphs
    ]
    items = quantities.annotate(doc)
    for q in items:
        assert q["text"] == text[q["start"] : q["end"]]
    return items


def one(text: str, lang: str, span: str) -> dict:
    hits = [q for q in run(text, lang) if q["text"] == span]
    assert hits, f"{span!r} not found in {[q['text'] for q in run(text, lang)]}"
    return hits[0]


# sentence, language, expected span, value, low, high, qualifier, unit
CASES = [
    ("Organisers said more than 25,000 people marched through the city centre.", "en", "more than 25,000", 25000, 25000, None, "more_than", "people"),
    ("Police estimated the crowd at about 1.5 million people.", "en", "about 1.5 million", 1500000, None, None, "about", "people"),
    ("Some 300 Valdorians gathered outside the embassy on Sunday.", "en", "Some 300", 300, None, None, "about", "people"),
    ("Nearly 5,000 protesters blocked the bridge.", "en", "Nearly 5,000", 5000, None, 5000, "about", "protester"),
    ("At least 12 civilians were killed in the strike.", "en", "At least 12", 12, 12, None, "at_least", "civilian"),
    ("Up to 40 cars joined the convoy.", "en", "Up to 40", 40, None, 40, "at_most", "car"),
    ("Fewer than 100 police officers were deployed.", "en", "Fewer than 100", 100, None, 100, "less_than", "police"),
    ("Three hundred and fifty people signed the letter.", "en", "Three hundred and fifty", 350, 350, 350, "exact", "people"),
    ("Twenty-five vehicles were damaged.", "en", "Twenty-five", 25, 25, 25, "exact", "car"),
    ("A thousand protesters marched to the parliament.", "en", "A thousand", 1000, 1000, 1000, "exact", "protester"),
    ("Between 3,000 and 5,000 people took part, the police said.", "en", "Between 3,000 and 5,000", None, 3000, 5000, "about", "people"),
    ("Estimates ranged widely: 3,000-5,000 demonstrators.", "en", "3,000-5,000", None, 3000, 5000, "about", "protester"),
    ("Organisers expected 3,000 to 5,000 participants.", "en", "3,000 to 5,000", None, 3000, 5000, "about", "participant"),
    ("The group has 12\u202f000 members in Europe.", "en", "12\u202f000", 12000, 12000, 12000, "exact", None),
    ("В акции приняли участие более 25 тысяч человек.", "ru", "более 25 тысяч", 25000, 25000, None, "more_than", "people"),
    ("По оценкам полиции, собралось около 1,5 млн человек.", "ru", "около 1,5 млн", 1500000, None, None, "about", "people"),
    ("На митинг пришли 3 тыс. участников.", "ru", "3 тыс.", 3000, 3000, 3000, "exact", "participant"),
    ("Пятеро раненых доставлены в больницу.", "ru", "Пятеро", 5, 5, 5, "exact", "injured"),
    ("В шествии участвовали от 3 до 5 тысяч человек.", "ru", "от 3 до 5 тысяч", None, 3000, 5000, "about", "people"),
    ("У посольства собрались двести пятьдесят человек.", "ru", "двести пятьдесят", 250, 250, 250, "exact", "people"),
    ("Полиция задержала не менее 300 автомобилей.", "ru", "не менее 300", 300, 300, None, "at_least", "car"),
    ("В акції взяли участь понад 5 тисяч людей.", "uk", "понад 5 тисяч", 5000, 5000, None, "more_than", "people"),
    ("Колона з близько 300 машин проїхала містом.", "uk", "близько 300", 300, None, None, "about", "car"),
    ("П'ятеро поранених перебувають у лікарні.", "uk", "П'ятеро", 5, 5, 5, "exact", "injured"),
    ("Щонайменше 12 акцій відбулися в 9 країнах.", "uk", "Щонайменше 12", 12, 12, None, "at_least", "event"),
    ("Mitinge 5 binden fazla kişi katıldı.", "tr", "5 binden fazla", 5000, 5000, None, "more_than", "people"),
    ("Valilik yaklaşık 12 bin kişinin toplandığını açıkladı.", "tr", "yaklaşık 12 bin", 12000, None, None, "about", "people"),
    ("Konvoya en az 300 araç katıldı.", "tr", "en az 300", 300, 300, None, "at_least", "car"),
    ("Meydanda iki yüz kişi toplandı.", "tr", "iki yüz", 200, 200, 200, "exact", "people"),
    ("Yürüyüşe 3-5 bin kişi katıldı.", "tr", "3-5 bin", None, 3000, 5000, "about", "people"),
    ("Plus de 25 000 personnes ont défilé à Paris.", "fr", "Plus de 25 000", 25000, 25000, None, "more_than", "people"),
    ("Environ 3 000 manifestants se sont rassemblés place de la République.", "fr", "Environ 3 000", 3000, None, None, "about", "protester"),
    ("Deux mille personnes ont assisté à la veillée.", "fr", "Deux mille", 2000, 2000, 2000, "exact", "people"),
    ("Entre 3 000 et 5 000 personnes ont participé au cortège.", "fr", "Entre 3 000 et 5 000", None, 3000, 5000, "about", "people"),
    ("Quatre-vingt-dix voitures ont pris part au défilé.", "fr", "Quatre-vingt-dix", 90, 90, 90, "exact", "car"),
    ("Plus d'un million de personnes ont signé la pétition.", "fr", "Plus d'un million", 1000000, 1000000, None, "more_than", "people"),
    ("Mehr als 25.000 Menschen demonstrierten am Samstag in Berlin.", "de", "Mehr als 25.000", 25000, 25000, None, "more_than", "people"),
    ("Die Organisatoren sprachen von rund 2,5 Millionen Unterschriften.", "de", "rund 2,5 Millionen", 2500000, None, None, "about", "signature"),
    ("Zwischen 3.000 und 5.000 Menschen nahmen teil.", "de", "Zwischen 3.000 und 5.000", None, 3000, 5000, "about", "people"),
    ("Zweiundzwanzig Menschen wurden festgenommen.", "de", "Zweiundzwanzig", 22, 22, 22, "exact", "people"),
    ("Mindestens 300 Fahrzeuge beteiligten sich am Autokorso.", "de", "Mindestens 300", 300, 300, None, "at_least", "car"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "lang", "span", "value", "low", "high", "qualifier", "unit"), CASES)
def test_counts(text, lang, span, value, low, high, qualifier, unit):
    if qualifier == "about" and low is None and high is None:
        low = high = value  # "about N" is reported as the point N
    q = one(text, lang, span)
    assert (q["value"], q["low"], q["high"], q["qualifier"], q["unit"]) == (value, low, high, qualifier, unit)


VAGUE = [
    ("Dozens of families have left the village.", "en", "Dozens", 24),
    ("Hundreds of people sheltered in basements.", "en", "Hundreds", 200),
    ("Thousands of Kestrians marched in Berlin.", "en", "Thousands", 2000),
    ("Tens of thousands of demonstrators filled the square.", "en", "Tens of thousands", 20000),
    ("Several thousand members of the community attended.", "en", "Several thousand", 3000),
    ("Десятки тысяч людей вышли на улицы.", "ru", "Десятки тысяч", 20000),
    ("Сотни людей провели ночь в подвалах.", "ru", "Сотни", 200),
    ("Тисячі людей вийшли на площу.", "uk", "Тисячі", 2000),
    ("Binlerce kişi meydanı doldurdu.", "tr", "Binlerce", 2000),
    ("Mitinge on binlerce kişi katıldı.", "tr", "on binlerce", 20000),
    ("Des dizaines de milliers de manifestants ont défilé.", "fr", "Des dizaines de milliers", 20000),
    ("Des centaines de voitures ont klaxonné.", "fr", "Des centaines", 200),
    ("Tausende Menschen versammelten sich vor dem Brandenburger Tor.", "de", "Tausende", 2000),
    ("Zehntausende Menschen gingen auf die Straße.", "de", "Zehntausende", 20000),
]


@pytest.mark.parametrize(("text", "lang", "span", "low"), VAGUE)
def test_vague_amounts_have_a_lower_bound_and_no_upper(text, lang, span, low):
    q = one(text, lang, span)
    assert (q["qualifier"], q["value"], q["low"], q["high"]) == ("vague", low, low, None)


def test_approximate_nouns_are_about_the_round_number():
    assert (
        one("Une centaine de personnes se sont réunies devant la mairie.", "fr", "Une centaine")["value"]
        == 100
    )
    q = one("A dozen cars were set on fire overnight.", "en", "A dozen")
    assert (q["value"], q["qualifier"], q["unit"]) == (12, "about", "car")
    assert one("Собралось около сотни человек.", "ru", "около сотни")["value"] == 100


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The war began in 2022 and the talks resumed in 2024.", "en"),
        ("The rally took place on 14 July and on July 21.", "en"),
        ("Saturday and Sunday, 20 and 21 July 2024, were quiet.", "en"),
        ("The convoy left at 11:00 and arrived at 3 p.m.", "en"),
        ("A 54-year-old teacher was among the dead.", "en"),
        ("It was the 2nd attack this month and the 21st since May.", "en"),
        ("Call +7 495 123-45-67 for details.", "en"),
        ("See https://example.org/news/12345 and #Torvel2024.", "en"),
        ("The F-16 and the MH17 report were discussed under Article 5.", "en"),
        ("Митинг прошёл 14 июля, задержанного 34-летнего мужчину отпустили в 11:00.", "ru"),
        ("Miting 14 Temmuz'da saat 16.30'da başladı; 68 yaşındaki bir kadın konuştu.", "tr"),
        ("Le rassemblement a commencé le 13 juillet à 15 h 30.", "fr"),
        ("Die Kundgebung begann am 17. Juni um 10.30 Uhr.", "de"),
        ("Акція відбулася 14 липня.", "uk"),
    ],
)
def test_years_dates_times_ages_ordinals_and_identifiers_are_not_counts(text, lang):
    assert run(text, lang) == []


def test_percentages_are_quantities_with_unit_percent():
    q = one("Turnout fell by 40% in the capital.", "en", "40")
    assert q["unit"] == "percent"
    assert one("Katılım yüzde 40 düştü.", "tr", "40")["unit"] == "percent"


def test_one_counts_only_before_a_unit_noun():
    assert one("One person was killed in the attack.", "en", "One")["unit"] == "people"
    assert run("One of the organisers said the march was peaceful.") == []
    assert run("Один из организаторов акции отказался от комментариев.", "ru") == []
    assert run("Une manifestation a eu lieu devant l'ambassade.", "fr") == []


def test_whole_numbers_are_ints():
    q = one("About 2.5 million people watched the broadcast.", "en", "About 2.5 million")
    assert q["value"] == 2500000 and isinstance(q["value"], int)
    q = one("Inflation reached 3.5 percent.", "en", "3.5")
    assert q["value"] == 3.5 and q["unit"] == "percent"


def test_decimal_comma_and_thousands_dot():
    assert one("Es kamen 25.000 Menschen.", "de", "25.000")["value"] == 25000
    assert one("Es kamen 2,5 Millionen Menschen.", "de", "2,5 Millionen")["value"] == 2500000
    assert one("Unemployment rose by 1.342 million.", "en", "1.342 million")["value"] == 1342000


def test_odd_input_never_raises():
    assert run("") == []
    assert run("   \n\n  ") == []
    huge = "9" * 5000 + " people and " + "1," * 400 + "000"
    run(huge)
    run("\u202f\u00a0٣٤٥ ١٢ 𝟙𝟚𝟛 ½ ⅓ 10^999 1e309 -0 --5 +-3 ,,,,. 3,,000 5..000")


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(list("0123456789 ,.-–%'’abcdefmnoprstuvxyzкмнолтсяабвгдеёжзий\n\u202f")),
        max_size=120,
    )
)
def test_spans_always_match_the_text(text):
    for lang in ("en", "ru", "tr", "de"):
        run(text, lang)


def test_sorted_by_start_and_paragraph_languages_respected():
    text = "Mehr als 3.000 Menschen kamen.\n\nMore than 5,000 people came."
    doc = AnalysisDoc(text=text)
    doc.layers["paragraph_languages"] = [
        {"start": 0, "end": 30, "language": "de", "confidence": 0.9},
        {"start": 32, "end": len(text), "language": "en", "confidence": 0.9},
    ]
    items = quantities.annotate(doc)
    assert [q["text"] for q in items] == ["Mehr als 3.000", "More than 5,000"]
    assert [q["language"] for q in items] == ["de", "en"]
