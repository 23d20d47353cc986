"""The ordered annotator pipeline and the public JSON shape of one analysed document.

Each annotator is a module with ``LAYER`` (the key it fills in ``doc.layers``), ``REQUIRES``
(layers it reads) and ``annotate(doc)``. The order below satisfies every ``REQUIRES``; the
pipeline checks that at import time, so a new annotator placed too early fails loudly.
"""

from __future__ import annotations

import importlib
from functools import lru_cache
from types import ModuleType
from typing import Any

from infoscope.analyze.document import AnalysisDoc
from infoscope.analyze.limits import Limits, deadline

# what happened (issue: document analysis), then how it is told (propaganda, claims, tone)
CORE = ("languages", "places", "dates", "quantities", "actors", "events", "tallies")
RHETORIC = ("claims", "tone", "techniques")
ORDER = CORE + RHETORIC
CONTRACT_LAYERS = ("places", "dates", "quantities", "actors", "events", "tallies", "techniques", "claims")


@lru_cache(maxsize=4)
def annotators(names: tuple[str, ...] = ORDER) -> tuple[ModuleType, ...]:
    mods = tuple(importlib.import_module(f"infoscope.analyze.{name}") for name in names)
    seen: set[str] = set()
    for m in mods:
        missing = set(m.REQUIRES) - seen
        if missing:
            raise RuntimeError(f"annotator {m.__name__} runs before the layers it needs: {sorted(missing)}")
        seen.add(m.LAYER)
    return mods


def run(doc: AnalysisDoc, names: tuple[str, ...] = ORDER, limits: Limits | None = None) -> AnalysisDoc:
    """Run the annotators in order; each one's output lands in ``doc.layers[LAYER]``.

    Text over ``limits.max_chars`` is refused and a run over ``limits.time_limit`` seconds is
    stopped, each with a one-line AnalysisRefused the caller records for this document alone.
    """
    limits = limits or Limits.from_env()
    limits.check_size(doc.text)
    if limits.time_limit:
        warm(names)  # models load on first use: that must not count against a document's time
    with deadline(limits.time_limit) as check:
        for mod in annotators(names):
            doc.layers[mod.LAYER] = mod.annotate(doc)
            check()
    return doc


@lru_cache(maxsize=4)
def warm(names: tuple[str, ...] = ORDER) -> None:
    """Run the annotators once on a short text, so their models and tables are loaded."""
    doc = AnalysisDoc(text="On 3 May 2024, 300 people protested in Paris.\nPolice said two were hurt.")
    for mod in annotators(names):
        doc.layers[mod.LAYER] = mod.annotate(doc)


def to_json(doc: AnalysisDoc) -> dict[str, Any]:
    """The public JSON object for one document (keys are a contract: add, never rename)."""
    out: dict[str, Any] = {"id": doc.id, "source": doc.source, "language": doc.language}
    for layer in CONTRACT_LAYERS:
        out[layer] = doc.layers.get(layer, [])
    out["tone"] = doc.layers.get("tone")
    out["paragraphs"] = doc.layers.get("paragraph_languages", [])
    return out


def analyze_text(
    text: str,
    *,
    language: str | None = None,
    published=None,
    id: str = "",  # noqa: A002
    source: str = "",
) -> dict[str, Any]:
    """Analyse one text and return its JSON object (the function tests and the web app call)."""
    return to_json(run(AnalysisDoc(text=text, id=id, source=source, language=language, published=published)))
