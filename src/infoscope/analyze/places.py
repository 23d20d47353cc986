"""Places: countries, cities and notable regions named in the text, resolved to the gazetteer.

One pass over capitalised tokens per sentence: each token (and the n-grams it opens, up to the
longest multi-word name starting with that word) is looked up in a dict of folded names, retrying
with the base forms an inflected word may come from (``infoscope.geo.names.base_forms``). No
per-name regexes, no model: a 5 KB article costs about a millisecond.

False positives are what hurts here, so a single-word city must pass some checks:
  * capitalised words that are ordinary words in the paragraph's language ("Police", "Mobile",
    "Split", "Essen") count only right after a locative preposition ("in Split") and when the
    city is big;
  * a city next to another capitalised word that is not a place ("George Washington", "Paris
    Hilton", "President Lincoln") is part of a name, not a place;
  * at the start of a sentence a small town needs support (its country named in the document,
    or a dateline shape such as "HALLE, July 3 —");
  * all-caps tokens of up to four letters are acronyms unless listed ("US", "UK", "США").
Ambiguous names go to the country the document already mentions, else to the most populous place.
Demonyms ("French", "Armenians", "армяне") are never places: they are actors of kind "group".
Countries carry no coordinates (there is no offline centroid table): lat/lon are null.
"""

from __future__ import annotations

import re
from typing import Any, NamedTuple

from infoscope.analyze.document import AnalysisDoc
from infoscope.geo.names import Candidate, PlaceIndex, base_forms, best_candidate, fold_key, place_index

LAYER = "places"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)

_UPPER = "".join(ch for ch in map(chr, range(0x2000)) if ch.isupper())
_UPPER_CHAR = re.compile(f"[{re.escape(_UPPER)}]")  # a bare class: the fastest scan sre offers
# the word starting at a capital (hyphen/apostrophe parts: "Saint-Denis", "İstanbul'da"), or "U.S."
_CAP_WORD = re.compile(r"(?:[A-Z]\.){2,}|\w+(?:[-'’]\w+)*")
_NEXT = re.compile(r"(\W*?)((?:[A-Z]\.){2,}|\w+(?:[-'’]\w+)*)")
_WORD = re.compile(r"\w")
BIG_CITY = 100_000
NAME_SAFE_POP = 1_000_000  # above this a neighbouring capitalised word rarely makes it a person

# Capitalised ordinary words that are also GeoNames city names, per paragraph language ("*": all).
STOPWORDS: dict[str, set[str]] = {
    "*": set(
        "of bar buy police most union mission best date deal sale marks hamas hezbollah google central metro "
        "federal bay asia africa europe gold island".split()
    ),
    "en": set(
        "nice mobile reading male split batman orange man independence liberty concord progress providence "
        "hope troy aurora eagle victory university college general colonel mayor president senator "
        "march may june august christian charity faith grace mercy justice media opposition republic "
        "sunday monday tuesday wednesday thursday friday saturday bath bury wells hit gap bat ha sur said "
        "medina kingston hamilton nelson wilson jackson lincoln florence marion clinton buffalo "
        "ocean temple parma camden canton dover salem lowell lawrence warren carmel ring trinidad arena "
        "centre center palm van time sandy paradise midland norman santa loss laval riverside spring "
        "springs middletown sparks dearborn plano irvine garland pueblo eugene elgin waco".split()
    ),
    "de": set(
        "ende hof lage mark brand weil bad bergen wald burg stadt ahlen marl gera kamen senden lehrte werl "
        "verden goch tier laufen rain anger ems oder neustadt ring wedding stein mitte bruck".split()
    ),
    "fr": set("sens tours salon orange vienne pau grasse agen die montreuil marche front nord".split()),
    "tr": {"batı", "doğu", "kuzey", "güney", "ordu", "bar", "of", "genç", "barış", "çelik", "ahmet"},
    "ru": {"мир", "бор", "орел", "город", "советский", "заречный", "октябрьский", "первомайский", "запад"},
    "uk": {"мир", "бор", "місто", "заріччя", "схід", "захід"},
    "az": {"şərq", "qərb"},
}
# Words after which a word is a place, not a person ("in Split", "à Tours", "в Москве"); per language,
# since "у" is "in" in Ukrainian but "at someone's" in Russian.
LOCATIVE: dict[str, frozenset[str]] = {
    "en": frozenset("in near outside inside across".split()),
    "de": frozenset("in im nach bei nahe".split()),
    "fr": frozenset("à en dans près".split()),
    "ru": frozenset("в во под".split()),
    "uk": frozenset("в у під".split()),
    "tr": frozenset(),
    "az": frozenset(),
}
# Capitalised neighbours that do not make a city part of a person's or company's name.
NEIGHBOUR_OK = set(
    "in at of on the from to near by for and or but as a an la le les de des du à au en et "
    "im am an auf aus bei nach von vom zum zur der die das den dem des und oder in aus mit "
    "в во на из у с и а но по к от до о об при за под над к з із та і й біля "
    "ve ile ya da de veya ne "
    "mayor police airport city council region province district governor court university station "
    "municipality capital central greater metropolitan old new east west north south downtown "
    "hauptstadt stadt landeshauptstadt polizei flughafen bürgermeister bezirk innenstadt "
    "ville maire préfecture police aéroport région "
    "valiliği belediyesi emniyet havalimanı il ilçe "
    "мэр мэрия полиция аэропорт город столица горсовет область района міста мер поліція столиця "
    "north-east north-west south-east south-west".split()
)
STREET = set(
    "street st road avenue ave boulevard blvd square lane drive highway bridge park gate "
    "straße strasse platz allee weg gasse ufer brücke tor "
    "rue boulevard avenue place quai pont allée impasse chemin "
    "caddesi sokak sokağı bulvarı meydanı köprüsü "
    "улица улице улицу проспект проспекте площадь площади бульвар бульваре набережная переулок "
    "вулиця вулиці площа майдан".split()
)
_STREET_LINKS = {"de", "la", "du", "des", "l", "d"}
SPEECH = set(
    "said says told added asked stated declared sagte sagt erklärte betonte a déclaré dit "
    "заявил сказал отметил заявила сказала заявив сказав dedi söyledi".split()
)
_OPENERS = set("\"«“„‘'—–-(")
AMBIGUOUS_COUNTRIES = {"jordan", "chad", "georgia", "niger", "israel", "turkey", "guinea", "china", "india"}


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Every place mention, resolved; items sorted by start."""
    try:
        return _annotate(doc)
    except Exception:  # an annotator must never break the pipeline on odd input
        return []


_SKIP = object()  # not a place here, but says nothing about names either


class _Hit(NamedTuple):
    start: int
    end: int
    cands: list[Candidate]
    weak: bool  # a place only if the document names its country (or it follows "in", "в", ...)
    key: str  # folded base form, for the one-token surname check
    locative: bool


class _Sent:
    """Lazy access to the words around a position inside one sentence (we only tokenise near
    capitalised words, which is what keeps this annotator cheap)."""

    __slots__ = ("text", "s0", "s1")

    def __init__(self, text: str, s0: int, s1: int) -> None:
        self.text, self.s0, self.s1 = text, s0, s1

    def prev(self, pos: int) -> tuple[int, int, str, str] | None:
        """(start, end, word, gap) of the word before ``pos`` (a backward scan: regexes only go forward)."""
        text, lo = self.text, self.s0
        j = pos
        while j > lo and not text[j - 1].isalnum():
            j -= 1
        e = j
        while j > lo and (text[j - 1].isalnum() or text[j - 1] in "-'’_"):
            j -= 1
        while j < e and not text[j].isalnum():
            j += 1
        if j >= e:
            return None
        return j, e, text[j:e], text[e:pos]

    def next(self, pos: int) -> tuple[int, int, str, str] | None:
        """(start, end, word, gap) of the word after ``pos``."""
        m = _NEXT.match(self.text, pos, self.s1)
        if m is None:
            return None
        return m.start(2), m.end(2), m.group(2), m.group(1)

    def initial(self, pos: int) -> bool:
        """No word before ``pos`` in the sentence, or only an opening quote or dash right before."""
        if _WORD.search(self.text, self.s0, pos) is None:
            return True
        gap = self.text[max(self.s0, pos - 3) : pos].strip()
        return gap[-1:] in _OPENERS if gap else False


def _annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    text = doc.text
    if not text:
        return []
    idx = place_index()
    paras = doc.layers.get("paragraph_languages") or []
    hits: list[_Hit] = []
    name_parts: set[str] = set()  # words seen inside a person's or a firm's name ("John Bolton")
    pi = 0
    for sent in doc.sentences:
        while pi < len(paras) and paras[pi]["end"] <= sent.start:
            pi += 1
        lang = (paras[pi]["language"] if pi < len(paras) else None) or doc.language or "en"
        _scan_sentence(_Sent(text, sent.start, sent.end), lang, idx, hits, name_parts)
    if not hits:
        return []
    # "Bolton said" after "John Bolton": a surname, not the town; unless "in Bolton"
    hits = [h for h in hits if h.locative or h.key not in name_parts or h.cands[0].place.kind == "country"]
    context = {h.cands[0].place.country for h in hits if h.cands[0].place.kind == "country"}
    context |= {h.cands[0].place.country for h in hits if len(h.cands) == 1 and not h.weak}
    out = []
    for h in hits:
        p = best_candidate(h.cands, context).place
        if h.weak and p.country not in context:
            continue
        out.append(
            {
                "text": text[h.start : h.end],
                "start": h.start,
                "end": h.end,
                "name": p.name,
                "country": p.country or None,
                "continent": p.continent,
                "lat": p.lat,
                "lon": p.lon,
                "kind": p.kind,
            }
        )
    return out


def _scan_sentence(sent: _Sent, lang: str, idx: PlaceIndex, hits: list[_Hit], name_parts: set[str]) -> None:
    text = sent.text
    stop = _stopwords(lang)
    exact_folded = _exact_folded(idx)
    locatives = LOCATIVE.get(lang, LOCATIVE["en"])
    pos = sent.s0
    while True:
        u = _UPPER_CHAR.search(text, pos, sent.s1)
        if u is None:
            return
        ts = u.start()
        if ts > 0 and (text[ts - 1].isalnum() or text[ts - 1] == "_"):
            pos = ts + 1  # a capital inside a word ("McAllen", "iPhone")
            continue
        m = _CAP_WORD.match(text, ts, sent.s1)
        te, tok = m.end(), m.group()
        pos = te
        key = fold_key(tok)
        # multi-word names ("New York", "Frankfurt am Main", "Bosnia and Herzegovina")
        maxw = idx.max_words.get(key, 1)
        if maxw > 1:
            words, ends, at = [key], [te], te
            for _ in range(maxw - 1):
                nx = sent.next(at)
                if nx is None or not _joins(nx[3], text[ends[-1] - 3 : ends[-1]]):
                    break
                words.append(fold_key(nx[2]))
                ends.append(nx[1])
                at = nx[1]
            found = False
            for w in range(len(words), 1, -1):
                cands = [c for c in idx.lookup(" ".join(words[:w])) if c.speaks(lang)]
                if cands:
                    found = True
                    end = ends[w - 1]
                    prev = sent.prev(ts)
                    locative = prev is not None and prev[2].casefold() in locatives
                    if not _on_street(sent, ts, end, prev):
                        small = (
                            cands[0].place.kind == "city"
                            and best_candidate(cands).place.population < BIG_CITY
                        )
                        hits.append(_Hit(ts, end, cands, small and not locative, "", locative))
                    pos = end
                    break
            if found:
                continue
        if tok.isupper() and len(tok.replace(".", "")) <= 4:
            if tok not in idx.exact_caps:
                continue
        elif key in exact_folded:
            continue  # "Us" at a sentence start is not the United States
        for a, b, form in base_forms(tok, lang):
            fkey = fold_key(form) if form is not tok else key
            cands = idx.lookup(fkey)
            if not cands:
                continue
            cands = [c for c in cands if c.speaks(lang)]
            if not cands:
                continue
            prev = sent.prev(ts)
            locative = prev is not None and prev[2].casefold() in locatives
            verdict = _check_single(sent, ts, te, prev, fkey, cands, form is not tok, stop, lang, idx)
            if verdict is None:
                if cands[0].place.kind == "city":
                    name_parts.add(fkey)
            elif verdict is not _SKIP:
                hits.append(_Hit(ts + a, ts + b, cands, verdict, fkey, locative))
            break


def _joins(gap: str, before: str) -> bool:
    """Two words may belong to one name: only a space between ("St. Louis" too)."""
    return gap == " " or (gap == ". " and len(before.strip(".")) <= 3) or (gap.isspace() and "\n" not in gap)


def _check_single(
    sent: _Sent,
    ts: int,
    te: int,
    prev: tuple[int, int, str, str] | None,
    key: str,
    cands: list[Candidate],
    inflected: bool,
    stop: frozenset[str],
    lang: str,
    idx: PlaceIndex,
) -> Any:
    """False: a place; True: a place if the document names its country; None: part of a person's
    name here (so not a place elsewhere in the document either); _SKIP: not a place here."""
    top = cands[0].place
    prev_low = prev[2].casefold() if prev else ""
    after_locative = prev_low in LOCATIVE.get(lang, LOCATIVE["en"])
    if _on_street(sent, ts, te, prev):
        return _SKIP
    if top.kind == "country":
        if key in AMBIGUOUS_COUNTRIES and _name_neighbour(sent, ts, te, prev, idx, lang):
            return _SKIP
        return False
    pop = best_candidate(cands).place.population
    if key in stop:
        return False if after_locative and pop >= BIG_CITY else _SKIP
    if top.kind == "region":
        return False
    if inflected and pop < 50_000:
        return _SKIP
    if prev_low in SPEECH and pop < NAME_SAFE_POP:
        return None  # "said Vera, a teacher"
    if lang == "en" and prev_low == "the":
        return _SKIP  # "the Kennedy assassination", "the Obama administration"
    if pop < NAME_SAFE_POP and _name_neighbour(sent, ts, te, prev, idx, lang):
        return None
    if sent.initial(ts):
        if not any(c.primary for c in cands) and pop < 5 * BIG_CITY and not inflected:
            return _SKIP  # alternate names of towns are too noisy to trust at a sentence start
        nx = sent.next(te)
        dateline = nx is None or nx[3].strip()[:1] in (",", "—", "-", "–", ":", ".", "(")
        if not dateline and pop < BIG_CITY:
            return True
    return pop < BIG_CITY and not after_locative


def _on_street(sent: _Sent, ts: int, te: int, prev: tuple | None = None) -> bool:
    """ "Lake Shore Boulevard", "rue de la Roquette": a street named after a town, not the town."""
    nx = sent.next(te)
    if nx is not None and nx[3] == " " and nx[2].casefold() in STREET:
        return True
    p = prev if prev is not None else sent.prev(ts)
    for _ in range(3):
        if p is None:
            return False
        w = p[2].casefold()
        if w in STREET:
            return True
        if w not in _STREET_LINKS:
            return False
        p = sent.prev(p[0])
    return False


def _name_neighbour(
    sent: _Sent, ts: int, te: int, prev: tuple[int, int, str, str] | None, idx: PlaceIndex, lang: str
) -> bool:
    """A capitalised non-place word right before or after (only a space between): part of a name."""
    if prev is not None:
        w, gap = prev[2], prev[3]
        if len(w) == 1 and w.isupper() and gap in (" ", ". "):
            return True  # an initial: "John F. Kennedy"
        if gap in (" ", ". ") and _namelike(w, idx) and not (lang != "de" and sent.initial(prev[0])):
            return True  # "Meanwhile Berlin ..." is fine: a sentence-initial word says nothing
    nx = sent.next(te)
    if nx is None or nx[3] != " ":
        return False
    w = nx[2]
    return _namelike(w, idx) or (len(w) == 1 and w.isupper()) or w.casefold() in SPEECH


def _namelike(w: str, idx: PlaceIndex) -> bool:
    if not w[0].isupper() or w.isupper():
        return False
    k = fold_key(w)
    return k not in NEIGHBOUR_OK and not idx.lookup(k)


def _stopwords(lang: str) -> frozenset[str]:
    got = _STOP_CACHE.get(lang)
    if got is None:
        got = _STOP_CACHE[lang] = frozenset(STOPWORDS["*"] | STOPWORDS.get(lang, set()))
    return got


_STOP_CACHE: dict[str, frozenset[str]] = {}
_EXACT: dict[int, set[str]] = {}


def _exact_folded(idx: PlaceIndex) -> set[str]:
    got = _EXACT.get(id(idx))
    if got is None:
        got = _EXACT[id(idx)] = {fold_key(x) for x in idx.exact_caps}
    return got
