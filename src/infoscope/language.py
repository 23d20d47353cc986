"""Language identification (py3langid, offline), and normalising declared language codes."""

from __future__ import annotations

from functools import lru_cache

import pycountry


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str | None, float]:
    """The most likely ISO 639-1 code of ``text`` and its probability; None for no letters."""
    sample = text[:1200]  # enough for a reliable guess; cost grows with length
    if not any(ch.isalpha() for ch in sample):
        return None, 0.0
    lang, prob = _identifier().classify(sample)
    return lang, float(prob)


def normalise_code(value: str | None) -> str | None:
    """'en-US', 'EN', 'eng', 'English' -> 'en'; None when unrecognisable."""
    if not value:
        return None
    v = value.strip().replace("_", "-").split("-")[0].lower()
    if len(v) == 2 and v.isalpha():
        return v
    rec = None
    try:
        rec = pycountry.languages.lookup(v)
    except LookupError:
        return None
    return getattr(rec, "alpha_2", None) or getattr(rec, "alpha_3", None)
