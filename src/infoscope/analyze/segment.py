"""Paragraphs and sentences as character offsets, for any language, without a model.

Paragraphs are runs of non-empty lines; a sentence ends at . ! ? … (or their CJK forms) followed by
space and a capital, digit or quote, unless the word before the stop is a known abbreviation or
a single letter (initials). Good enough for news prose; the annotators only need sentence-sized
windows, never a parse.
"""

from __future__ import annotations

import re
from typing import NamedTuple


class Segment(NamedTuple):
    start: int
    end: int


_END = re.compile(
    r"(?<![.!?…。！？])[.!?…。！？]+[\"'»”’)\]]*(?=\s+[\"'«“‘(\[]?[\dA-ZÀ-ÖØ-ÞА-ЯЁĞİŞÇÜÖÂÎÛ]|\s*$)"
)
_ORDINAL_MONTH = re.compile(
    r"\s+(?:Januar|Jänner|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember)\b"
)
ABBREVIATIONS = {
    # en
    "mr",
    "mrs",
    "ms",
    "dr",
    "prof",
    "st",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "rev",
    "jr",
    "sr",
    "vs",
    "etc",
    "no",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "u.s",
    "u.k",
    "e.g",
    "i.e",
    "approx",
    "est",
    "gov",
    "sen",
    "rep",
    "ft",
    # de
    "z.b",
    "bzw",
    "ca",
    "nr",
    "str",
    "u.a",
    "usw",
    "vgl",
    "sog",
    "inkl",
    "evtl",
    "hr",
    "fr",
    # fr
    "m",
    "mme",
    "mlle",
    "av",
    "bd",
    "env",
    # ru / uk
    "т.е",
    "т.д",
    "т.п",
    "г",
    "гг",
    "ул",
    "им",
    "др",
    "пр",
    "тыс",
    "млн",
    "млрд",
    "руб",
    "чел",
    "см",
    "ст",
    # tr
    "vb",
    "yy",
    "sn",
    "doç",
    "bkz",
}


def paragraphs(text: str) -> list[Segment]:
    """Every non-empty line is a paragraph (news text puts one paragraph on a line).

    Scanned line by line rather than with a regex: ``[^\\n]*\\S[^\\n]*`` backtracks quadratically
    over a long line of spaces (40,000 spaces took 8 s).
    """
    out = []
    pos, n = 0, len(text)
    while pos <= n:
        nl = text.find("\n", pos)
        if nl < 0:
            nl = n
        line = text[pos:nl]
        left = line.lstrip()
        if left:
            out.append(Segment(pos + len(line) - len(left), pos + len(line.rstrip())))
        pos = nl + 1
    return out


def sentences(text: str, within: Segment | None = None) -> list[Segment]:
    """Sentences inside ``within`` (default: the whole text), trimmed of surrounding space."""
    lo, hi = within if within else (0, len(text))
    chunk = text[lo:hi]
    out: list[Segment] = []
    start = 0
    for m in _END.finditer(chunk):
        end = m.end()
        if chunk[m.start()] == "." and m.end() - m.start() == 1:
            # the last 40 characters are enough to tell an abbreviation and keep this linear
            word = re.search(r"([\w.]+)$", chunk[max(start, m.start() - 40) : m.start()])
            w = word.group(1).lower() if word else ""
            if w in ABBREVIATIONS or (len(w) == 1 and w.isalpha()):
                continue  # "Dr. Smith", "J. Smith" do not end a sentence
            if re.fullmatch(r"\d{1,2}", w) and _ORDINAL_MONTH.match(chunk, m.end()):
                continue  # "am 12. Juli" (a German ordinal date) does not end a sentence; "July 13. Then" does
        _add(out, chunk, start, end, lo)
        start = end
    _add(out, chunk, start, len(chunk), lo)
    return out


def _add(out: list[Segment], chunk: str, s: int, e: int, offset: int) -> None:
    while s < e and chunk[s].isspace():
        s += 1
    while e > s and chunk[e - 1].isspace():
        e -= 1
    if e > s:
        out.append(Segment(s + offset, e + offset))
