"""Tone: positive, negative and neutral sentences per language; no silent 0 without a lexicon."""

from __future__ import annotations

import pytest

from infoscope.analyze import tone
from infoscope.analyze.document import AnalysisDoc

CASES = {
    "en": (
        "What a wonderful, happy day!",
        "The attack killed twelve civilians, a horrible crime.",
        "The meeting is on Tuesday.",
    ),
    "ru": (
        "Это прекрасный и счастливый день.",
        "Обстрел убил мирных жителей, это ужасное преступление.",
        "Заседание состоится во вторник.",
    ),
    "uk": (
        "Це чудовий і щасливий день.",
        "Обстріл знищив лікарню, загинули люди.",
        "Більше інформації буде завтра.",
    ),
    "de": (
        "Das ist ein wunderbarer, glücklicher Tag.",
        "Der Angriff tötete Zivilisten, ein schreckliches Verbrechen.",
        "Die Sitzung findet am Dienstag statt.",
    ),
    "fr": (
        "C'est une journée merveilleuse et heureuse.",
        "L'attaque a tué des civils, un crime horrible.",
        "La réunion aura lieu mardi, avec beaucoup de monde.",
    ),
    "tr": (
        "Bugün harika ve mutlu bir gün.",
        "Saldırı sivilleri öldürdü, korkunç bir suç.",
        "Toplantı salı günü yapılacak.",
    ),
}


@pytest.mark.parametrize("lang", sorted(CASES))
def test_polarity_per_language(lang: str) -> None:
    pos, neg, neu = (tone.sentence_tone(t, lang) for t in CASES[lang])
    assert pos[0] > 0.3 and neg[0] < -0.3 and abs(neu[0]) < 0.1
    assert pos[1] == ("vader" if lang == "en" else f"lexicon-{lang}")


@pytest.mark.parametrize(
    ("lang", "text"),
    [
        ("de", "Das ist nicht gut."),
        ("fr", "Ce n'est pas bon."),
        ("ru", "Это не хорошо."),
        ("tr", "Bu iyi değil."),
    ],
)
def test_negation_flips(lang: str, text: str) -> None:
    assert tone.sentence_tone(text, lang)[0] < 0


def test_unknown_language_is_null_not_zero() -> None:
    assert tone.sentence_tone("Il giorno è bello.", "it") == (None, "none")


def _doc(text: str, lang: str) -> AnalysisDoc:
    doc = AnalysisDoc(text=text, language=lang)
    doc.layers["paragraph_languages"] = [{"start": 0, "end": len(text), "language": lang, "confidence": None}]
    return doc


def test_document_is_length_weighted_mean() -> None:
    text = "Great! The attack killed twelve civilians in a horrible and brutal crime at dawn."
    out = tone.annotate(_doc(text, "en"))
    s = out["sentences"]
    assert [text[x["start"] : x["end"]] for x in s] == [x["text"] for x in s]
    want = sum(x["score"] * (x["end"] - x["start"]) for x in s) / sum(x["end"] - x["start"] for x in s)
    assert out["document"] == pytest.approx(want, abs=1e-3)
    assert out["document"] < 0  # the long negative sentence outweighs the one-word cheer


def test_document_without_lexicon_has_no_score() -> None:
    out = tone.annotate(_doc("Il giorno è bello. Siamo felici.", "it"))
    assert out["document"] is None and out["method"] == "none"
    assert all(x["score"] is None for x in out["sentences"])
