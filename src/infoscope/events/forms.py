"""The form a protest took (car march, vigil, rally, march...), from words in its description.

ACLED's sub-event types say how a protest went (peaceful, with intervention); the form says
what it was. Observers of diaspora campaigns count car marches apart from rallies, so we keep it.
"""

from __future__ import annotations

import re

# form -> lower-case keyword stems in several languages; the first match wins
FORMS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("car_march", ("autokorso", "auto-korso", "car march", "car rally", "motorcade", "convoy", "cortège de voitures",
                   "défilé de voitures", "автопробег", "автоколонн", "konvoi", "araç konvoyu", "konvoy")),
    ("bike_ride", ("fahrraddemo", "fahrradkorso", "critical mass", "bike ride", "велопробег")),
    ("vigil", ("mahnwache", "vigil", "veillée", "бдение", "nöbet", "lichterkette", "gedenk", "commemorat",
               "anma")),
    ("march", ("aufzug", "umzug", "demonstrationszug", "march", "marche", "шестви", "yürüyüş", "parade")),
    ("blockade", ("blockade", "sitzblockade", "blocage", "блокад", "abriegel")),
    ("strike", ("streik", "strike", "grève", "забастов", "grev")),
    ("rally", ("kundgebung", "rally", "rassemblement", "manifestation", "митинг", "miting", "demonstration", "demo",
               "protest", "пикет", "picket", "gathering")),
)
_PATTERNS = tuple((form, re.compile("|".join(re.escape(k) for k in keys))) for form, keys in FORMS)


def protest_form(text: str | None) -> str | None:
    """The first form whose keyword occurs in ``text``; None when none does."""
    if not text:
        return None
    low = text.lower()
    for form, pattern in _PATTERNS:
        if pattern.search(low):
            return form
    return None
