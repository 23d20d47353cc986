"""Tone per sentence and per document in [-1, 1], so a reader sees how charged a text's wording is.

English uses VADER's lexicon and rules (compound score). Russian, Ukrainian, German, French and
Turkish use small hand-built polarity lexicons (``resources/tone_<lang>.txt``: stems with weights,
prefix matching for inflection, negators flipping the next polar word) summed and squashed the way
VADER squashes its sum, so the scales are comparable. Any other language gets ``"score": None``
and ``"method": "none"``: no tone is claimed where there is no lexicon (never a silent 0.0).
The document score is the length-weighted mean of its scored sentences (None when none is scored).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from infoscope.analyze.document import AnalysisDoc

LAYER = "tone"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)
RESOURCES = Path(__file__).resolve().parent / "resources"
LEXICON_LANGUAGES = ("ru", "uk", "de", "fr", "tr")
ALPHA = 15.0  # VADER's normalisation constant: score = s / sqrt(s^2 + alpha)
NEGATION_WINDOW = 3
NEGATORS_BEFORE = {
    "ru": {"не", "нет", "ни", "без", "никогда"},
    "uk": {"не", "ні", "без", "ніколи"},
    "de": {"nicht", "kein", "keine", "keinen", "keinem", "keiner", "nie", "niemals", "ohne"},
    "fr": {"ne", "n", "pas", "jamais", "sans", "aucun", "aucune"},
    "tr": {"hiç", "asla"},
}
NEGATORS_AFTER = {"tr": {"değil", "yok", "değildir", "değildi"}}  # Turkish negates after the word
_WORD = re.compile(r"\w+", re.UNICODE)


@lru_cache(maxsize=1)
def _vader() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=8)
def _lexicon(lang: str) -> tuple[dict[str, float], dict[str, float]]:
    """(exact words, prefix stems) -> weight for one language."""
    exact: dict[str, float] = {}
    stems: dict[str, float] = {}
    for line in (RESOURCES / f"tone_{lang}.txt").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        word, weight = line.rsplit("\t", 1)
        word = word.strip().lower()
        if word.endswith("=") or len(word) < 4:
            exact[word.rstrip("=")] = float(weight)
        else:
            stems[word] = float(weight)
    return exact, stems


def _lower(text: str, lang: str) -> str:
    if lang == "tr":
        text = text.replace("İ", "i").replace("I", "ı")
    return text.lower()


def _word_weight(word: str, exact: dict[str, float], stems: dict[str, float]) -> float:
    if word in exact:
        return exact[word]
    for n in range(min(len(word), 16), 3, -1):  # the longest matching stem wins ("başarısız" over "başarı")
        w = stems.get(word[:n])
        if w is not None:
            return w
    return 0.0


def lexicon_score(text: str, lang: str) -> float:
    """Polarity of a sentence from the language's lexicon, in [-1, 1]."""
    exact, stems = _lexicon(lang)
    words = _WORD.findall(_lower(text, lang))
    before = NEGATORS_BEFORE.get(lang, set())
    after = NEGATORS_AFTER.get(lang, set())
    total = 0.0
    last_negator = -100
    for i, word in enumerate(words):
        if word in before:
            last_negator = i
            continue
        w = _word_weight(word, exact, stems)
        if not w:
            continue
        if i - last_negator <= NEGATION_WINDOW:
            w = -0.74 * w  # VADER's dampened flip: "not good" is less negative than "bad"
        if any(x in after for x in words[i + 1 : i + 3]):
            w = -0.74 * w
        total += w
    return total / math.sqrt(total * total + ALPHA) if total else 0.0


def sentence_tone(text: str, lang: str | None) -> tuple[float | None, str]:
    """(score, method) for one sentence; (None, "none") for a language without a lexicon."""
    if lang in (None, "en"):
        return float(_vader().polarity_scores(text)["compound"]), "vader"
    if lang in LEXICON_LANGUAGES:
        return lexicon_score(text, lang), f"lexicon-{lang}"
    return None, "none"


def annotate(doc: AnalysisDoc) -> dict[str, Any]:
    """Sentence scores and their length-weighted document mean."""
    sents = []
    num = den = 0.0
    for s in doc.sentences:
        text = doc.text[s.start : s.end]
        lang = doc.language_at(s.start)
        score, method = sentence_tone(text, lang)
        if score is not None:
            score = round(score, 4)
            num += score * len(text)
            den += len(text)
        sents.append(
            {"start": s.start, "end": s.end, "text": text, "score": score, "method": method, "language": lang}
        )
    methods = sorted({x["method"] for x in sents if x["method"] != "none"})
    return {
        "document": round(num / den, 4) if den else None,
        "method": "+".join(methods) if methods else "none",
        "language": doc.language,
        "sentences": sents,
    }
