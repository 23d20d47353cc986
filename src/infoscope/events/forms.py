"""The form a protest took (car march, vigil, rally, march...), from words in its description.

ACLED's sub-event types say how a protest went (peaceful, with intervention); the form says
what it was. Observers of diaspora campaigns count car marches apart from rallies, so we keep it.
Patterns match at word starts, except German compounds (Klimastreik, Friedensmahnwache), which
match anywhere in a word.
"""

from __future__ import annotations

import re

# form -> regular expression over lower-cased text; the first form that matches wins
FORMS: tuple[tuple[str, str], ...] = (
    (
        "car march",
        r"(?:auto-?korso|\bcar (?:march|rally|parade|convoy)|\bmotorcade|\bconvoy|\bkonvoi"
        r"|cortège (?:de|automobile)|défilé de voitures|\bавтопробег|\bавтоколонн|\baraç konvoy"
        r"|\bkonvoy)",
    ),
    ("bike ride", r"(?:fahrrad(?:demo|korso)|\bcritical mass|\bbike ride|\bвелопробег)"),
    ("vigil", r"(?:mahnwache|lichterkette|\bvigil|\bveillée|\bбдени|\bnöbet|\bgedenk|\bcommemorat|\banma\b)"),
    (
        "march",
        r"(?:\baufzug|\bumzug|demonstrationszug|\bmarch(?:ed|es)?\b|\bmarche\b|\bшестви|\byürüyüş"
        r"|\bparade\b)",
    ),
    ("blockade", r"(?:blockade|\bblocage|\bблокад)"),
    ("strike", r"(?:streik|\b(?:general|hunger|labour|labor) strike|\bwalkout|\bgrève|\bзабастов|\bgrev\b)"),
    (
        "rally",
        r"(?:kundgebung|\brally|\brassemblement|\bmanifestation|\bмитинг|\bmiting|demonstration|\bdemo\b"
        r"|\bprotest|\bпикет|\bpicket|\bgathering|\bprotesto)",
    ),
)
_PATTERNS = tuple((form, re.compile(pattern)) for form, pattern in FORMS)


def protest_form(text: str | None) -> str | None:
    """The first form whose pattern occurs in ``text``; None when none does."""
    if not text:
        return None
    low = text.lower()
    for form, pattern in _PATTERNS:
        if pattern.search(low):
            return form
    return None
