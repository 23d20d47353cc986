"""English propaganda techniques (the 14 PTC labels): spans found in a text and their most likely technique.

Models are trained by ``training/train_ptc.py`` on the Propaganda Techniques Corpus and loaded once per
process. ``find`` is the entry point; the lead merges its items into the ``techniques`` layer.
"""

from __future__ import annotations

from typing import Any

from infoscope.analyze.document import AnalysisDoc
from infoscope.propaganda import ptc

LAYER = "techniques_en"
REQUIRES: tuple[str, ...] = ()


def find(doc_text: str) -> list[dict[str, Any]]:
    """Propaganda spans of an English text, each with its most likely technique.

    ``score`` is the span model's highest word probability inside the span (how likely its strongest word
    is part of a propaganda span); ``technique_score`` the score of the technique given that it is one.
    """
    models = ptc.load_models()
    found = ptc.find_spans(doc_text, models)
    if not found:
        return []
    items = ptc.make_items({"_": doc_text}, [("_", s, e) for s, e, _ in found])
    labels, proba = ptc.predict_tc(models["tc"], items)
    out = []
    for (s, e, p), lab, row in zip(found, labels, proba, strict=True):
        out.append(
            {
                "technique": lab,
                "start": s,
                "end": e,
                "text": doc_text[s:e],
                "score": round(p, 4),
                "technique_score": round(float(row.max()), 4),
            }
        )
    return out


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Pipeline hook: techniques of English documents only (other languages get an empty list)."""
    if doc.language not in (None, "en"):
        return []
    return find(doc.text)
