"""Dates annotator: what a reader of the ``dates`` layer sees, per language, on news sentences."""

from __future__ import annotations

import datetime as dt
import glob
import time
from pathlib import Path

import pytest

from infoscope.analyze import dates
from infoscope.analyze.document import AnalysisDoc

SAT = dt.datetime(2024, 7, 20, 19, 15, tzinfo=dt.UTC)  # a Saturday evening
PTC = Path(__file__).resolve().parents[3] / "shared" / "data" / "ptc" / "train-articles"


def run(text: str, lang: str, published: dt.datetime | None = SAT) -> list[dict]:
    doc = AnalysisDoc(text=text, language=lang, published=published)
    doc.layers["paragraph_languages"] = [
        {"start": p.start, "end": p.end, "language": lang} for p in doc.paragraphs
    ]
    items = dates.annotate(doc)
    for it in items:
        assert it["text"] == text[it["start"] : it["end"]]
    assert [it["start"] for it in items] == sorted(it["start"] for it in items)
    return items


def found(text: str, lang: str, published: dt.datetime | None = SAT) -> dict[str, str | None]:
    return {it["text"]: it["date"] for it in run(text, lang, published)}


# ---------------------------------------------------------------- English


def test_english_absolute_formats():
    got = found(
        "The drone strike on Halvik on July 14, 2024 killed three. Kestria's ministry said on "
        "14 July 2024 that the log, dated 2024-07-14, was leaked; a copy stamped 13.07.2024 followed.",
        "en",
    )
    assert got == {
        "July 14, 2024": "2024-07-14",
        "14 July 2024": "2024-07-14",
        "2024-07-14": "2024-07-14",
        "13.07.2024": "2024-07-13",
    }


def test_english_dateline_and_day_month_take_year_from_publication():
    got = found("BERLIN, July 20 (Wire) – Police recalled the shelling of Torvel on 13 July.", "en")
    assert got == {"July 20": "2024-07-20", "13 July": "2024-07-13"}


def test_december_in_a_january_article_is_last_year():
    jan = dt.datetime(2025, 1, 8, tzinfo=dt.UTC)
    assert found("The ceasefire collapsed on December 30 after a night of shelling.", "en", jan) == {
        "December 30": "2024-12-30"
    }


def test_without_publication_date_year_is_edtf_and_relative_dates_are_null():
    items = run("Protesters returned on Saturday, a week after the July 13 shelling.", "en", None)
    by_text = {it["text"]: it for it in items}
    assert by_text["July 13"]["date"] == "XXXX-07-13"
    assert by_text["Saturday"]["date"] is None
    assert by_text["Saturday"]["relative"] is True


def test_english_relative_days():
    got = found(
        "Thousands marched in Paris on Saturday. Last Sunday a smaller rally was held, and yesterday "
        "the embassy issued a statement.",
        "en",
    )
    assert got == {"Saturday": "2024-07-20", "Last Sunday": "2024-07-14", "yesterday": "2024-07-19"}


def test_future_tense_moves_weekday_forward_but_said_on_stays_past():
    assert found("A car march will be held in Hamburg on Sunday.", "en") == {"Sunday": "2024-07-21"}
    assert found("Police said on Friday they will review the footage.", "en") == {"Friday": "2024-07-19"}
    assert found("Organisers plan another rally next Saturday.", "en") == {"next Saturday": "2024-07-27"}


def test_weekday_next_to_full_date_is_one_item():
    items = run("The rally on Saturday, July 20, 2024 drew about 4,000 people.", "en")
    assert [(it["text"], it["date"], it["relative"]) for it in items] == [
        ("Saturday, July 20, 2024", "2024-07-20", False)
    ]


def test_month_year_and_year_alone():
    items = run("Talks stalled in March 2023. The war began in 2022, and in 2022 people fled.", "en")
    assert [(it["text"], it["date"], it["precision"]) for it in items] == [
        ("March 2023", "2023-03", "month"),
        ("2022", "2022", "year"),
    ]


def test_ranges_carry_an_end_date():
    items = run("Heavy fighting on July 12-14 displaced hundreds.", "en")
    assert [(it["text"], it["date"], it.get("date_end")) for it in items] == [
        ("July 12-14", "2024-07-12", "2024-07-14")
    ]


@pytest.mark.parametrize(
    "sentence",
    [
        "Rebels seized 2022 rifles and 1.5 million rounds.",
        "A 23-year-old man was held for 3 days.",
        "The crowd dispersed at 14.15 after the home side won 2-1.",
        "Turnout rose by 2000 to 5000 in the second round.",
        "Children were at Sunday school when the sirens sounded.",
        "He told Valdoria Today that the talks may resume; the march was peaceful.",
    ],
)
def test_english_numbers_and_words_that_are_not_dates(sentence):
    assert run(sentence, "en") == []


# ---------------------------------------------------------------- Russian


def test_russian_weekday_and_date_merge_and_inferred_year():
    got = found("В субботу, 20 июля 2024 года, в Берлине прошёл митинг памяти жертв удара 14 июля.", "ru")
    assert got == {"субботу, 20 июля 2024 года": "2024-07-20", "14 июля": "2024-07-14"}


def test_russian_relative_words_and_years():
    got = found(
        "Вчера полиция задержала 14 человек, а в прошлую пятницу акция прошла мирно. "
        "Конфликт обострился в 2022 году, а в июле 2024 года начались обстрелы.",
        "ru",
    )
    assert got == {
        "Вчера": "2024-07-19",
        "прошлую пятницу": "2024-07-19",
        "2022 году": "2022",
        "июле 2024 года": "2024-07",
    }


def test_russian_wednesday_needs_a_preposition_and_streets_are_not_dates():
    assert found("Митинг прошёл в среду у посольства.", "ru") == {"среду": "2024-07-17"}
    assert run("Активисты призвали беречь окружающую среду.", "ru") == []
    assert run("На улице 17 Июня собрались около 20 тысяч человек.", "ru") == []


# ---------------------------------------------------------------- Ukrainian


def test_ukrainian_dates():
    got = found(
        "У суботу, 20 липня 2024 року, у Києві пройшла акція. Вчора, 14 липня, обстріли тривали, "
        "а у 2022 році почалася війна.",
        "uk",
    )
    assert got == {
        "суботу, 20 липня 2024 року": "2024-07-20",
        "Вчора": "2024-07-19",
        "14 липня": "2024-07-14",
        "2022 році": "2022",
    }


def test_ukrainian_future_weekday_with_apostrophe():
    assert found("У п’ятницю відбудеться акція біля посольства.", "uk") == {"п’ятницю": "2024-07-26"}


# ---------------------------------------------------------------- Turkish and Azerbaijani


def test_turkish_case_suffixes_and_weekday_merge():
    got = found(
        "Valdorya'nın 14 Temmuz'da düzenlediği saldırının kurbanları 20 Temmuz 2024 Cumartesi günü "
        "Maltepe'de anıldı. Çatışmalar 12-14 Temmuz tarihlerinde yaşandı.",
        "tr",
    )
    assert got == {
        "14 Temmuz'da": "2024-07-14",
        "20 Temmuz 2024 Cumartesi günü": "2024-07-20",
        "12-14 Temmuz": "2024-07-12",
    }


def test_turkish_relative_and_year_suffixes():
    got = found("Dün Ankara'da toplanan grup, Pazar günü yeniden yürüyecek. Bina 2021'den beri kapalı.", "tr")
    assert got == {"Dün": "2024-07-19", "Pazar günü": "2024-07-21", "2021'den": "2021"}


def test_turkish_non_dates():
    assert run("Pazar yerinde saat 17.00'de yaklaşık 1.200 polis görev yaptı.", "tr") == []
    assert run("Yürüyüş 15 Temmuz Şehitler Köprüsü'nde sona erdi.", "tr") == []


def test_azerbaijani_dates():
    got = found("12 iyulda Bakıda aksiya keçirildi, şənbə günü isə dünən başlayan yürüş davam etdi.", "az")
    assert got == {"12 iyulda": "2024-07-12", "şənbə günü": "2024-07-20", "dünən": "2024-07-19"}


# ---------------------------------------------------------------- French


def test_french_dates():
    got = found(
        "La veille, samedi 20 juillet 2024, plusieurs milliers de personnes ont défilé. Le 1er mai et "
        "hier encore, la communauté s'est rassemblée, comme dimanche dernier. Du 12 au 14 juillet, "
        "les combats ont fait rage ; le conflit dure depuis 2016.",
        "fr",
    )
    assert got == {
        "samedi 20 juillet 2024": "2024-07-20",
        "1er mai": "2024-05-01",
        "hier": "2024-07-19",
        "dimanche dernier": "2024-07-14",
        "12 au 14 juillet": "2024-07-12",
        "2016": "2016",
    }


# ---------------------------------------------------------------- German


def test_german_dates():
    got = found(
        "Die Polizei hat am Sonntagnachmittag, dem 21. Juli 2024, einen Autokorso beendet. Er erinnerte "
        "an den Angriff vom 14. Juli. Gestern war es in Berlin zu Zusammenstößen gekommen.",
        "de",
        dt.datetime(2024, 7, 21, 17, 25, tzinfo=dt.UTC),
    )
    assert got == {
        "Sonntagnachmittag, dem 21. Juli 2024": "2024-07-21",
        "14. Juli": "2024-07-14",
        "Gestern": "2024-07-20",
    }


def test_german_non_dates():
    got = found(
        "Tausende zogen über die Straße des 17. Juni; heute Morgen gegen 14.15 Uhr, vor 2000 Jahren.", "de"
    )
    assert got == {"heute": "2024-07-20"}


def test_german_weekday_and_year_cues():
    got = found("Am Samstag demonstrierten Kestrier, die seit 2014 in Wien leben.", "de")
    assert got == {"Samstag": "2024-07-20", "2014": "2014"}


# ---------------------------------------------------------------- robustness and speed


@pytest.mark.parametrize(
    "text",
    [
        "",
        " ",
        "\n\n",
        "🙂 ٣١ 12/99/9999 99999999999999999999 July 99, 2024",
        "31 February 2024, 0.0.2024",
        "\x00",
    ],
)
def test_odd_input_never_raises(text):
    doc = AnalysisDoc(text=text, language=None, published=None)
    items = dates.annotate(doc)  # no paragraph layer either
    assert all(it["text"] == text[it["start"] : it["end"]] for it in items)
    assert all(it["date"] != "2024-02-31" for it in items)


def test_mixed_language_paragraphs_use_their_own_words():
    text = "Hier, des milliers de personnes ont défilé.\nHier haben Tausende demonstriert."
    doc = AnalysisDoc(text=text, language="fr", published=SAT)
    first, second = doc.paragraphs
    doc.layers["paragraph_languages"] = [
        {"start": first.start, "end": first.end, "language": "fr"},
        {"start": second.start, "end": second.end, "language": "de"},
    ]
    assert [(it["start"], it["date"]) for it in dates.annotate(doc)] == [(0, "2024-07-19")]


@pytest.mark.slow
@pytest.mark.skipif(not PTC.is_dir(), reason="shared PTC corpus not present")
def test_speed_on_news_articles():
    texts = [Path(f).read_text(encoding="utf-8") for f in sorted(glob.glob(str(PTC / "*.txt")))[:150]]
    docs = []
    for t in texts:
        d = AnalysisDoc(text=t, language="en", published=SAT)
        d.layers["paragraph_languages"] = [
            {"start": p.start, "end": p.end, "language": "en"} for p in d.paragraphs
        ]
        _ = d.sentences
        docs.append(d)
    dates.annotate(docs[0])
    t0 = time.perf_counter()
    n = sum(len(dates.annotate(d)) for d in docs)
    per_doc = (time.perf_counter() - t0) / len(docs)
    assert n > len(docs)  # news articles are full of dates
    assert per_doc < 0.010  # budget is ~5 ms per article; generous for loaded CI machines
