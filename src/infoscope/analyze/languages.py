"""Language per document and per paragraph (py3langid, 97 languages incl. az, hy, ka, tr, ru, uk)."""

from __future__ import annotations

from typing import Any

from infoscope.analyze.document import AnalysisDoc
from infoscope.language import detect

LAYER = "paragraph_languages"
REQUIRES: tuple[str, ...] = ()
MIN_CHARS = 40  # shorter paragraphs (datelines, bylines) take the document's language
MIN_CONFIDENCE = 0.9  # a paragraph keeps the document's language unless the detector is sure


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    if not doc.language:
        doc.language = detect(doc.text)[0]
    out = []
    for p in doc.paragraphs:
        lang, prob = (None, 0.0)
        if p.end - p.start >= MIN_CHARS:
            lang, prob = detect(doc.text[p.start : p.end])
            if lang != doc.language and prob < MIN_CONFIDENCE:
                lang, prob = None, 0.0  # e.g. a short English paragraph guessed as Pidgin or Latin
        out.append(
            {
                "start": p.start,
                "end": p.end,
                "language": lang or doc.language,
                "confidence": round(prob, 3) if lang else None,
            }
        )
    return out
