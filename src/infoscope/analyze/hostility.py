"""Hostile generalisations: sentences that pin a trait, intent or guilt on a whole people or religion.

"The Kestrians once again showed their deceitful nature", "армяне всегда лгут", "they are all
provocateurs" (after a sentence naming a people). Criticising a government, an army, an
organisation or a named person is not this, and the rules never look at *which* group is named:
every demonym in the lexicon (and unknown demonyms shaped like one, e.g. "Valdorians",
"кестрийцы") is treated alike, so swapping Armenians for Azerbaijanis never changes a label.

Rules, in order (lexicon in ``resources/hostility_lexicon.json``, languages en, ru, uk, fr, de, tr,
all applied to every sentence because news paragraphs mix languages and quotes):

1. find mentions of a group as a whole: plural demonyms, religions, ethnic slurs; a singular only
   after "every/each" ("every Russian", "каждый армянин"); dropped when the next word makes it an
   institution ("Armenian officials", "русские военные") or a quantity/partitive precedes it
   ("many Azerbaijanis", "три грузина");
2. a negative trait, dehumanising word or collective guilt must occur in the sentence;
3. and either a generalising cue (all, always, by nature, as a people, все, всегда, по природе,
   tous, immer, hepsi, her zaman, continue to...) or a strong label with the group as the
   sentence's subject ("Chechens are savages", "Ermeniler hainlik yapmaya devam ediyor").
   A sentence whose subject is "they" with cue and trait inherits the group of the sentence before.
"Not all X ..." is counter-speech and never matches.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from importlib import resources
from typing import Any

TECHNIQUE = "Hostile_Generalization"
_TOKEN = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*|\d+", re.UNICODE)
_EN_SINGULAR_AFTER = {"every", "each", "any", "typical"}
_EN_THE_ADJ_NEXT = {
    "are", "were", "have", "always", "never", "all", "will", "can", "cannot", "just", "only", "people",
    "nation", "race", "as", "by", "and", "must", "should", "do", "don't", "again", "once", "simply",
}  # fmt: skip
_EN_GENERIC_STOP = re.compile(
    r"(cians|arians|dians|pedestrians|equestrians|logians|ruffians|civilians|guardians|martians)$"
)
_RU_GENERIC = re.compile(r"[а-яё]{3,}(?:ийц|анц|янц|инц|енц)(?:ы|ев|ам|ами|ах)")
_RU_GENERIC_STOP = {
    "убийцы", "убийцев", "убийцам", "убийцами", "убийцах", "повстанцы", "повстанцев", "повстанцам", "иностранцы",
    "иностранцев", "иностранцам", "засранцы", "оборванцы", "голодранцы", "новобранцы", "новобранцев", "самозванцы",
    "испанцы", "испанцев",
}  # fmt: skip
_FR_GENERIC = re.compile(r"[A-ZÀ-Ý][a-zà-ÿ]{3,}(?:iens|iennes|ais|ois|ains)")
_NEGATED_ALL = re.compile(
    r"(?<!\w)(?:not all|not every|не все|не каждый|не всі|pas tous|pas toutes|nicht alle|hepsi değil)(?!\w)"
)
_CYRILLIC = re.compile(r"[а-яёіїєґ]")
_SUBJECT_WINDOW = 3  # a group among the first tokens of the sentence counts as its subject


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, Any]:
    raw = resources.files("infoscope.analyze").joinpath("resources/hostility_lexicon.json").read_text("utf-8")
    lex = json.loads(raw)
    g = lex["groups"]
    exact: dict[str, str] = {}  # lower-cased token -> group (fr, de, en plural)
    lower_ok = {"orcs", "rashists", "ruskies", "russkies", "khokhols"}  # forms also written in lower case
    en_singular: dict[str, str] = {}
    en_the_adj: dict[str, str] = {}
    for canon, forms in g["en"].items():
        for f in forms.get("plural", []):
            exact[f] = canon
        for f in forms.get("singular", []):
            en_singular[f] = canon
        for f in forms.get("the_adj", []):
            en_the_adj[f] = canon
    for lang in ("fr", "de"):
        for canon, forms in g[lang].items():
            for f in forms:
                exact.setdefault(f, canon)
                if lang == "fr":  # "les juifs", "les musulmans": French writes many of these in lower case
                    lower_ok.add(f)
    cyr = [(canon, pats) for lang in ("ru", "uk") for canon, pats in g[lang].items()]
    # one alternation, one capture group per group name: the matching group's index names it
    cyrillic = re.compile("|".join("((?:" + "|".join(pats) + "))" for _, pats in cyr))
    cyrillic_canon = [canon for canon, _ in cyr]
    tr = re.compile(
        "("
        + "|".join(sorted((re.escape(s) for forms in g["tr"].values() for s in forms), key=len, reverse=True))
        + ")"
        "(?:" + lex["tr_suffix"] + ")?"
    )
    tr_canon = {s: canon for canon, forms in g["tr"].items() for s in forms}

    def alternation(words: list[str], end: bool) -> re.Pattern[str]:
        body = "|".join(sorted((re.escape(w) for w in set(words)), key=len, reverse=True))
        return re.compile(r"(?<!\w)(?:" + body + ")" + (r"(?!\w)" if end else ""))

    traits = [w for v in lex["traits"].values() for w in v]
    strong = [w for k, v in lex["traits"].items() if k.endswith("_strong") for w in v]
    cues = [w for v in lex["cues"].values() for w in v]
    return {
        "exact": exact,
        "lower_ok": lower_ok,
        "en_singular": en_singular,
        "en_the_adj": en_the_adj,
        "cyrillic": cyrillic,
        "cyrillic_canon": cyrillic_canon,
        "tr": tr,
        "tr_canon": tr_canon,
        "institutions": set(lex["institutions"]),
        "partitives": set(lex["partitives"]),
        "pronouns": set(lex["pronouns"]),
        "traits": alternation(traits, end=False),
        "strong": alternation(strong, end=False),
        "cues": alternation(cues, end=True),
    }


def _group_at(tokens: list[str], i: int, lex: dict[str, Any]) -> str | None:
    """The group a token names as a whole people or religion, or None."""
    tok = tokens[i]
    low = tok.lower()
    prev = tokens[i - 1].lower() if i > 0 else ""
    nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else ""
    canon: str | None = None
    if low in lex["exact"]:
        # English and German demonyms are capitalised; "poles", "turks" in lower case are other words
        if tok[0].isupper() or low in lex["lower_ok"]:
            canon = lex["exact"][low]
    elif low in lex["en_singular"] and tok[0].isupper() and prev in _EN_SINGULAR_AFTER:
        canon = lex["en_singular"][low]
    elif (
        low in lex["en_the_adj"]
        and tok[0].isupper()
        and prev == "the"
        and (nxt in _EN_THE_ADJ_NEXT or not nxt)
    ):
        canon = lex["en_the_adj"][low]
    elif tok[0].isupper() and low.endswith("ians") and len(low) > 6 and not _EN_GENERIC_STOP.search(low):
        canon = tok  # an unknown demonym ("Kestrians")
    elif _FR_GENERIC.fullmatch(tok) and prev in {"les", "des", "ces"}:
        canon = tok
    if canon is None and _CYRILLIC.search(low):
        m = lex["cyrillic"].fullmatch(low)
        if m:
            canon = lex["cyrillic_canon"][m.lastindex - 1]
    if canon is None and _RU_GENERIC.fullmatch(low) and low not in _RU_GENERIC_STOP:
        canon = low
    if canon is None:
        m = lex["tr"].fullmatch(low)
        if m:
            canon = lex["tr_canon"][m.group(1)]
    if canon is None:
        return None
    if nxt in lex["institutions"]:
        return None
    before = {t.lower() for t in tokens[max(0, i - 2) : i]}
    if before & lex["partitives"] or any(t.isdigit() for t in before):
        return None
    return canon


def _groups(sentence: str, lex: dict[str, Any]) -> list[tuple[int, str]]:
    tokens = _TOKEN.findall(sentence)
    return [(i, g) for i in range(len(tokens)) if (g := _group_at(tokens, i, lex))]


def find_hostile(text: str, sentences: list[tuple[int, int]], lang: str | None = None) -> list[dict]:
    """Hostile-generalisation items for the given sentence spans of ``text``.

    ``lang`` is accepted for the pipeline's uniform signature; the lexicons of all six languages
    apply to every sentence (quotes and mixed-language paragraphs are common in this material).
    """
    lex = _lexicon()
    out: list[dict] = []
    prev_group: str | None = None
    for start, end in sentences:
        sent = text[start:end]
        low = sent.lower()
        mentions = _groups(sent, lex)
        group: str | None = mentions[0][1] if mentions else None
        score = 0.0
        if not _NEGATED_ALL.search(low) and lex["traits"].search(low):
            cue = bool(lex["cues"].search(low))
            if mentions and cue:
                score = 0.9
            elif mentions and mentions[0][0] < _SUBJECT_WINDOW and lex["strong"].search(low):
                score = 0.75
            elif not mentions and prev_group and cue:
                tokens = {t.lower() for t in _TOKEN.findall(sent)[:_SUBJECT_WINDOW]}
                if tokens & lex["pronouns"]:
                    group, score = prev_group, 0.7
        if score:
            out.append(
                {
                    "technique": TECHNIQUE,
                    "start": start,
                    "end": end,
                    "text": sent,
                    "score": score,
                    "group": group,
                }
            )
        prev_group = mentions[-1][1] if mentions else None
    return out
