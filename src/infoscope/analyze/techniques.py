"""The ``techniques`` layer: how a text tries to persuade, in any language, for every side alike.

Three sources feed it: English documents get the 14 PTC techniques as spans
(``techniques_en``); other languages get the 23 SemEval-2023 persuasion techniques per paragraph
(``persuasion``); every language gets ``Hostile_Generalization`` for sentences that attribute a
trait, intent or guilt to a whole people (``hostility``). Each item says which model found it.
"""

from __future__ import annotations

from typing import Any

from infoscope.analyze.document import AnalysisDoc

LAYER = "techniques"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    from infoscope.analyze import hostility, persuasion, techniques_en

    items: list[dict[str, Any]] = []
    if doc.language in (None, "en"):
        items += [{**t, "model": "ptc-en"} for t in techniques_en.find(doc.text)]
    else:
        paras = [(p.start, p.end) for p in doc.paragraphs]
        items += [
            {**t, "model": "semeval2023-persuasion"} for t in persuasion.find(doc.text, paras, doc.language)
        ]
    sents = [(s.start, s.end) for s in doc.sentences]
    items += [
        {**t, "model": "hostility-rules"} for t in hostility.find_hostile(doc.text, sents, doc.language)
    ]
    items.sort(key=lambda t: (t["start"], t["end"], t["technique"]))
    return items
