"""Date expressions, normalised to ISO 8601 (or EDTF ``XXXX-MM-DD`` when the year is unknown).

Why our own detector: dateparser's ``search_dates`` is slow and tags every stray number, so
candidate spans come from precompiled per-language regexes (en, ru, uk, tr, az, fr, de by hand;
other languages get month and weekday names from dateparser's locale tables, loaded lazily).
Normalisation is plain calendar arithmetic on those tables.

Decisions a user of the layer should know:

* The span covers the date expression without its leading preposition: "on 14 July" -> "14 July",
  "am Samstag" -> "Samstag", "в субботу" -> "субботу". Modifiers that change the day are kept
  ("last Sunday", "samedi dernier", "geçen cumartesi"), and so are words glued to the date
  ("14 Temmuz'da", "2022 году", "Cumartesi günü", "Sonntagnachmittag"). A weekday next to a full
  date ("Saturday, July 20, 2024", "20 Temmuz 2024 Cumartesi günü") is one item.
* Day and month without a year take the year of another date in the same sentence, else the
  year that puts them closest to ``doc.published`` (a date after publication costs four times
  as much as one before it, so "December 30" in a January article is last December), else EDTF
  ``XXXX-07-14``.
* Relative expressions ("yesterday", "on Saturday", "вчера", "Cumartesi günü") are resolved
  against ``doc.published``: a weekday means the most recent such day on or before publication,
  unless a modifier ("next", "prochain") or a future-tense verb in the sentence points forward.
  Without ``doc.published`` they are still emitted, with ``date: null`` and ``relative: true``,
  so that later layers know the text does name a time.
* Ranges ("12-14 Temmuz", "July 12-14", "du 12 au 14 juillet") are one item: ``date`` is the
  first day and ``date_end`` the last.

Extra keys: ``precision`` (day/month/year), ``relative`` (bool), ``year_source`` (text, sentence,
published or null), ``language``; ``date_end`` for ranges.
"""

from __future__ import annotations

import bisect
import calendar
import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from infoscope.analyze.document import AnalysisDoc

LAYER = "dates"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)

# --------------------------------------------------------------------------------------------
# Lexicons (surface form -> number). Keys are folded with _fold().
# --------------------------------------------------------------------------------------------


def _fold(s: str) -> str:
    """Case-fold for lexicon look-ups, Turkish dotted/dotless i and apostrophe variants included."""
    return (
        s.lower()
        .replace("\u0307", "")
        .replace("ı", "i")
        .replace("ё", "е")
        .replace("’", "'")
        .replace("ʼ", "'")
        .replace("`", "'")
    )


_SURFACE: dict[str, set[str]] = {}  # folded form -> spellings seen in the tables (for the regexes)


def _register(word: str) -> str:
    key = _fold(word)
    _SURFACE.setdefault(key, set()).add(word)
    return key


def _forms(table: dict[int, str]) -> dict[str, int]:
    """'Samstag Sonnabend' -> both forms; '_' joins a multi-word form ('bazar_ertəsi')."""
    out: dict[str, int] = {}
    for num, words in table.items():
        for w in words.split():
            out[_register(w.replace("_", " "))] = num
    return out


def _keyed(table: dict[str, int]) -> dict[str, int]:
    return {_register(k): v for k, v in table.items()}


_MONTHS: dict[str, dict[str, int]] = {
    "en": _forms(
        {
            1: "January Jan",
            2: "February Feb",
            3: "March Mar",
            4: "April Apr",
            5: "May",
            6: "June Jun",
            7: "July Jul",
            8: "August Aug",
            9: "September Sept Sep",
            10: "October Oct",
            11: "November Nov",
            12: "December Dec",
        }
    ),
    "ru": _forms(
        {
            1: "январь января январе",
            2: "февраль февраля феврале",
            3: "март марта марте",
            4: "апрель апреля апреле",
            5: "май мая мае",
            6: "июнь июня июне",
            7: "июль июля июле",
            8: "август августа августе",
            9: "сентябрь сентября сентябре",
            10: "октябрь октября октябре",
            11: "ноябрь ноября ноябре",
            12: "декабрь декабря декабре",
        }
    ),
    "uk": _forms(
        {
            1: "січень січня січні",
            2: "лютий лютого лютому",
            3: "березень березня березні",
            4: "квітень квітня квітні",
            5: "травень травня травні",
            6: "червень червня червні",
            7: "липень липня липні",
            8: "серпень серпня серпні",
            9: "вересень вересня вересні",
            10: "жовтень жовтня жовтні",
            11: "листопад листопада листопаді",
            12: "грудень грудня грудні",
        }
    ),
    "tr": _forms(
        {
            1: "Ocak",
            2: "Şubat",
            3: "Mart",
            4: "Nisan",
            5: "Mayıs",
            6: "Haziran",
            7: "Temmuz",
            8: "Ağustos",
            9: "Eylül",
            10: "Ekim",
            11: "Kasım",
            12: "Aralık",
        }
    ),
    "az": _forms(
        {
            1: "yanvar",
            2: "fevral",
            3: "mart",
            4: "aprel",
            5: "may",
            6: "iyun",
            7: "iyul",
            8: "avqust",
            9: "sentyabr",
            10: "oktyabr",
            11: "noyabr",
            12: "dekabr",
        }
    ),
    "fr": _forms(
        {
            1: "janvier janv.",
            2: "février fevrier févr.",
            3: "mars",
            4: "avril avr.",
            5: "mai",
            6: "juin",
            7: "juillet juil.",
            8: "août aout",
            9: "septembre sept.",
            10: "octobre oct.",
            11: "novembre nov.",
            12: "décembre decembre déc.",
        }
    ),
    "de": _forms(
        {
            1: "Januar Jänner Jan.",
            2: "Februar Feber Feb.",
            3: "März Maerz",
            4: "April Apr.",
            5: "Mai",
            6: "Juni",
            7: "Juli",
            8: "August Aug.",
            9: "September Sept. Sep.",
            10: "Oktober Okt.",
            11: "November Nov.",
            12: "Dezember Dez.",
        }
    ),
}

_WEEKDAYS: dict[str, dict[str, int]] = {
    "en": _forms(
        {0: "Monday", 1: "Tuesday", 2: "Wednesday", 3: "Thursday", 4: "Friday", 5: "Saturday", 6: "Sunday"}
    ),
    "ru": _forms(
        {
            0: "понедельник понедельника понедельнику",
            1: "вторник вторника вторнику",
            2: "среда среду среды среде",
            3: "четверг четверга четвергу",
            4: "пятница пятницу пятницы пятнице",
            5: "суббота субботу субботы субботе субботний субботнюю субботнего субботней субботнем субботняя",
            6: "воскресенье воскресенья воскресенью воскресный воскресную воскресного воскресной воскресная",
        }
    ),
    "uk": _forms(
        {
            0: "понеділок понеділка понеділку",
            1: "вівторок вівторка вівторку",
            2: "середа середу середи",
            3: "четвер четверга четверу",
            4: "п'ятниця п'ятницю п'ятниці",
            5: "субота суботу суботи суботній суботню суботнього суботньої",
            6: "неділя неділю неділі недільний недільну недільного недільної",
        }
    ),
    "tr": _forms(
        {0: "Pazartesi", 1: "Salı", 2: "Çarşamba", 3: "Perşembe", 4: "Cuma", 5: "Cumartesi", 6: "Pazar"}
    ),
    "az": _forms({5: "şənbə", 6: "bazar"})
    | {"bazar ertəsi": 0, "çərşənbə axşamı": 1, "çərşənbə": 2}
    | {"cümə axşamı": 3, "cümə": 4},
    "fr": _forms(
        {0: "lundi", 1: "mardi", 2: "mercredi", 3: "jeudi", 4: "vendredi", 5: "samedi", 6: "dimanche"}
    ),
    "de": _forms(
        {
            0: "Montag",
            1: "Dienstag",
            2: "Mittwoch",
            3: "Donnerstag",
            4: "Freitag",
            5: "Samstag Sonnabend",
            6: "Sonntag",
        }
    ),
}
# Weekday forms that are also ordinary words ("окружающую среду", "pazar yeri", the districts
# Çarşamba and Perşembe, "bazar" market): accepted only after a preposition/modifier or before a
# day-part word ("Pazar günü").
_WEAK_WEEKDAYS = {
    _fold(w) for w in "среда среду среды среде середа середу середи pazar bazar çarşamba perşembe".split()
}

# A weekday followed by these is part of a name or a habit, not a date.
_WD_NAME_AFTER = re.compile(
    r"\s+(?:school|Times|Telegraph|Express|Mirror|Herald|Observer|Mail|Night\s+Live|Zeitung)\b"
)

# Relative day words: phrase -> day offset from publication.
_RELATIVE: dict[str, dict[str, int]] = {
    "en": {
        "today": 0,
        "tonight": 0,
        "this morning": 0,
        "this afternoon": 0,
        "this evening": 0,
        "yesterday": -1,
        "last night": -1,
        "the day before yesterday": -2,
        "tomorrow": 1,
        "the day after tomorrow": 2,
    },
    "ru": {"сегодня": 0, "вчера": -1, "позавчера": -2, "завтра": 1, "послезавтра": 2},
    "uk": {"сьогодні": 0, "вчора": -1, "учора": -1, "позавчора": -2, "завтра": 1, "післязавтра": 2},
    "tr": {
        "bugün": 0,
        "bugünkü": 0,
        "bu sabah": 0,
        "bu akşam": 0,
        "dün": -1,
        "dünkü": -1,
        "dün gece": -1,
        "dün akşam": -1,
        "evvelsi gün": -2,
        "yarın": 1,
        "yarınki": 1,
    },
    "az": {"bu gün": 0, "bugün": 0, "dünən": -1, "srağagün": -2},
    "fr": {
        "aujourd'hui": 0,
        "ce matin": 0,
        "ce soir": 0,
        "hier": -1,
        "hier soir": -1,
        "avant-hier": -2,
        "demain": 1,
        "après-demain": 2,
    },
    "de": {"heute": 0, "gestern": -1, "vorgestern": -2, "morgen": 1, "übermorgen": 2},
}

# Modifiers around a weekday: -1 = strictly before publication, +1 = strictly after.
_WD_PRE: dict[str, dict[str, int]] = {
    "en": {"last": -1, "past": -1, "next": 1, "coming": 1, "this coming": 1, "this": 0},
    "ru": {
        **dict.fromkeys(
            "прошлый прошлую прошлое прошлой прошлого минувший минувшую минувшее минувшей".split(), -1
        ),
        **dict.fromkeys("следующий следующую следующее ближайший ближайшую ближайшее будущую".split(), 1),
        **dict.fromkeys("этот эту это эту".split(), 0),
    },
    "uk": {
        **dict.fromkeys("минулий минулу минулої минулого минулої".split(), -1),
        **dict.fromkeys("наступний наступну наступного наступної".split(), 1),
        **dict.fromkeys("цей цю цього цієї".split(), 0),
    },
    "tr": {"geçen": -1, "geçtiğimiz": -1, "önümüzdeki": 1, "gelecek": 1, "bu": 0},
    "az": {"keçən": -1, "gələn": 1, "bu": 0},
    "fr": {"ce": 0, "cette": 0},
    "de": {
        **dict.fromkeys("letzten vergangenen vorigen".split(), -1),
        **dict.fromkeys("nächsten kommenden".split(), 1),
        "diesen": 0,
    },
}
_WD_POST: dict[str, dict[str, int]] = {
    "fr": {"dernier": -1, "prochain": 1},
    "en": {"last": -1, "next": 1},  # "Sunday last", "Sunday next"
}
# Words right after a weekday that belong to it (Turkish "günü", Azerbaijani "günü").
_WD_TAIL = {
    "tr": r"\s+(?:günü|sabahı|akşamı|gecesi|öğleden\s+sonra|öğle\s+saatlerinde)",
    "az": r"\s+(?:günü|səhəri|axşamı|gecəsi)",
    "de": r"(?:morgen|vormittag|mittag|nachmittag|abend|nacht)s?|s",
}
# Prepositions that make a weak weekday form a weekday ("в среду").
_WD_CUES = {
    "ru": r"в|во|на|с|со|до|по|к|ко|в\s+ночь\s+на|в\s+ночь\s+с",
    "uk": r"у|в|на|з|із|до|по|в\s+ніч\s+на|у\s+ніч\s+на",
}

# Cues before a bare month ("in July", "в июле", "im Juli").
_MONTH_CUES = {
    "en": r"in|since|until|till|by|during|early|late|mid-|last|next|this|through|from|of",
    "ru": r"в|во|с|со|до|к|начале|конце|середине|течение|прошлом|этом|минувшем",
    "uk": r"у|в|з|із|до|на\s+початку|наприкінці|в\s+кінці|у\s+кінці|середині|минулому|цьому",
    "fr": r"en|depuis|jusqu'en|début|fin|mi-|courant|mois\s+de|mois\s+d'",
    "de": r"im|seit|bis|ab|Anfang|Ende|Mitte|vergangenen|letzten|diesen|kommenden|nächsten",
}
# Turkish/Azerbaijani mark a bare month with a suffix or "ayında" instead of a preposition.
_TURKIC_MONTH_TAIL = (
    r"(?:\s+ay(?:ından|ının|ında|ı)|['’](?:da|de|ta|te|dan|den|tan|ten)\b|"
    r"\s+(?:başında|sonunda|ortasında|ortalarında|başlarında|sonlarında|ayının\s+\w+))"
)

# Cues that make a four-digit number a year ("in 2022", "seit 2014"), and suffixes after it.
_YEAR_CUES = {
    "en": r"in|since|until|till|through|during|early|late|mid-|(?:spring|summer|autumn|fall|winter)(?:\s+of)?|the\s+year|by|before|after|from",
    "ru": r"в|во|с|со|до|к|после|начале|конце|середине|весной|летом|осенью|зимой",
    "uk": r"у|в|з|із|до|після|навесні|влітку|восени|взимку",
    "fr": r"en|depuis|dès|jusqu'en|avant|après|début|fin|mi-|l'année|l'an|année|printemps|été|automne|hiver",
    "de": r"im\s+Jahr|im\s+Jahre|seit|bis|ab|Anfang|Ende|Mitte|vor|nach|Frühjahr|Sommer|Herbst|Winter",
    "tr": r"",
    "az": r"",
}
_YEAR_TAIL = {
    "ru": r"(?:\s*(?:годом|году|года|год|г\.))",
    "uk": r"(?:\s*(?:року|році|рік|роком|р\.))",
    "tr": r"(?:['’](?:de|da|te|ta|den|dan|ten|tan|deki|daki|teki|taki|ye|ya|e|a|in|ın|un|ün|nin|nın|dir|tir)\b|\s+yıl(?:ı|ında|ından|ının)\b)",
    "az": r"(?:-(?:ci|cı|cu|cü)\s+il(?:də|dən|in|i)?\b)",
}
# Cues that also introduce plain numbers ("rose by 2000"): a year only when a clause ends after it.
_WEAK_YEAR_CUES = r"by|before|after|from"
_CLAUSE_END = re.compile(r"\s*(?:[,.;:)!?]|$|\s(?:and|to|until|onwards)\s+(?:1[89]|20)\d\d)")
# Count nouns that turn "in 2000 homes" into a number, not a year.
_COUNT_AFTER = re.compile(
    r"\s*(?:%|\$|€|(?:percent|per\s+cent|people|persons|men|women|children|troops|soldiers|civilians|homes|"
    r"houses|families|votes|cases|km|metres|meters|miles|dollars|euros|years|participants|protesters|"
    r"demonstrators|police|officers|человек|людей|тыс|чел|осіб|kişi|personnes|Menschen|Personen|hommes|"
    r"Soldaten|soldats|asker|Jahren|Jahre|ans|лет|років|manifestants|policiers|Polizisten|Euro|"
    r"Teilnehmer\w*|участник\w*|учасник\w*|kilomet\w*|yıl\s+önce|yıl\s+sonra)\b)",
    re.IGNORECASE,
)
# Future-tense cues that turn a bare weekday forward ("will march on Saturday").
_FUTURE = {
    "en": r"\b(?:will|won't|'ll|shall|is\s+due\s+to|are\s+due\s+to|plans?\s+to|planning\s+to|is\s+scheduled|are\s+scheduled|is\s+expected\s+to|are\s+expected\s+to|upcoming|preparing\s+for|would\s+be\s+held|would\s+take\s+place)\b",
    "ru": r"(?:\bбуд(?:ет|ут|у)\b|состоится|состоятся|пройд[её]т|пройдут|планиру|намечен|запланирован)",
    "uk": r"(?:\bбуд(?:е|уть|у)\b|відбудеться|відбудуться|пройде|пройдуть|планує|плануют|запланован)",
    "tr": r"\w(?:acak|ecek)(?:tır|tir|lar|ler|ları|leri)?\b",
    "az": r"\w(?:acaq|əcək)(?:dır|dir)?\b",
    "fr": r"\b(?:aura\s+lieu|se\s+tiendra|auront\s+lieu|va|vont|sera|seront|devrait|devraient|prévoi\w+|prévue?s?|compte)\b",
    "de": r"\b(?:wird|werden|soll|sollen|geplant|findet\s+\w+\s+statt|stattfinden)\b",
}
# "said on Saturday they will ..." is a past statement about the future: the weekday stays past.
_SAID_BEFORE = re.compile(
    r"\b(?:said|told|announced|stated|confirmed|reported|wrote|added|заявил\w*|сообщил\w*|сказал\w*|"
    r"отметил\w*|заяви\w*|повідоми\w*|сказа\w*|déclaré|annoncé|indiqué|affirmé|sagte|erklärte|teilte|"
    r"berichtete|kündigte)\b[^.!?]{0,12}$",
    re.IGNORECASE,
)
# A number right after these words names a street or square, not a day ("Straße des 17. Juni").
_STREET_BEFORE = re.compile(
    r"(?:straße|strasse|platz|allee|brücke|street|avenue|square|rue|place|boulevard|pont|"
    r"улица|улице|улицу|улицы|ул\.|проспект\w*|площад\w*|вулиц\w*|майдан\w*|бульвар\w*)"
    r"\s+(?:des\s+|du\s+|de\s+la\s+|of\s+the\s+|of\s+)?$",
    re.IGNORECASE,
)
_NAME_AFTER = re.compile(
    r"\s+(?:Cadde|Caddesi|Sokağı|Sokak|Bulvarı|Meydanı|Köprüsü|Stadyumu|Stadı|Üniversitesi|Mahallesi|"
    r"Parkı|Şehitler|Marşı|Lisesi|Hastanesi|küçəsi|prospekti|Street|Avenue|Square|Stadium|Bridge)\b"
)

# --------------------------------------------------------------------------------------------
# Pattern construction. One case-sensitive keyword regex per language finds month, weekday and
# relative words fast (a literal alternation without IGNORECASE lets `re` skip ahead by first
# character); small anchored regexes then read the few characters around each hit.
# --------------------------------------------------------------------------------------------

_TR_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_TR_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_APOS = "['’ʼ]"


def _variants(word: str) -> set[str]:
    """Lower, Capitalised and UPPER spellings (Turkish dotted/dotless i both ways)."""
    out: set[str] = set()
    for w in {word, word.lower().replace("\u0307", ""), word.translate(_TR_LOWER).lower()}:
        for v in (w, w[:1].upper() + w[1:], w.upper()):
            out.add(v)
        tr = w.translate(_TR_UPPER)
        out.update({tr[:1].upper() + w[1:], tr.upper()})
    return out


def _key_alt(keys: set[str], *, capitalised: set[str] | None = None) -> str:
    """A prefix-tree regex of every spelling (``re`` tries one branch per character, not per word).

    Keys in ``capitalised`` (English and German months and weekdays) keep only capitalised spellings.
    """
    words: set[str] = set()
    for k in keys:
        vs = {v for s in _SURFACE.get(k, {k}) for v in _variants(s)}
        if capitalised and k in capitalised:
            vs = {v for v in vs if v[:1].isupper()}
        words |= vs
    return _trie_regex(words) if words else r"(?!x)x"


def _trie_regex(words: set[str]) -> str:
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in re.sub(r"\s+", " ", w).replace("’", "'").replace("ʼ", "'"):
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_node(trie)


def _trie_node(node: dict[str, Any]) -> str:
    end = "" in node
    branches = []
    for ch in sorted(k for k in node if k):
        atom = r"\s+" if ch == " " else _APOS if ch == "'" else re.escape(ch)
        branches.append(atom + _trie_node(node[ch]))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if end:
        return ("(?:" + body + ")?") if len(branches) == 1 else body + "?"
    return body


def _word_alt(words: list[str]) -> str:
    """Alternation for small context words (compiled with IGNORECASE)."""
    parts = [re.escape(w).replace(r"\ ", r"\s+") for w in sorted(set(words), key=len, reverse=True)]
    return "|".join(parts) if parts else r"(?!x)x"


_ABBREVIATIONS = {
    _fold(w)
    for w in "jan feb mar apr jun jul aug sep sept oct nov dec janv févr avr juil déc okt dez".split()
}
_Y = r"(?P<y>(?:1[89]|20)\d\d)(?!\d)"
_NOT_WORD = r"(?![^\W_])"  # not followed by a letter or digit
_DAY_SUFFIX = r"(?:st|nd|rd|th|er|\.)?"


@dataclass(frozen=True)
class _Family:
    """Compiled patterns for one language (or two written alike: ru+uk, tr+az)."""

    langs: tuple[str, ...]
    months: dict[str, int]
    weekdays: dict[str, int]
    relative: dict[str, int]
    wd_pre: dict[str, int]
    wd_post: dict[str, int]
    key_re: re.Pattern[str]
    day_before: re.Pattern[str]
    day_after: re.Pattern[str] | None
    year_after: re.Pattern[str]
    tok_tail: re.Pattern[str] | None
    az_suffix: re.Pattern[str] | None
    month_cue: re.Pattern[str] | None
    turkic_tail: re.Pattern[str] | None
    wd_left: re.Pattern[str]
    wd_tail: re.Pattern[str]
    wd_post_re: re.Pattern[str] | None
    year_cue: re.Pattern[str] | None
    year_tail: re.Pattern[str] | None
    future: re.Pattern[str] | None


def _merge(langs: tuple[str, ...], tables: dict[str, dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for lang in langs:
        out.update(tables.get(lang, {}))
    return out


def _joined(langs: tuple[str, ...], table: dict[str, str]) -> str:
    return "|".join(table[lang] for lang in langs if table.get(lang))


def _ci(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern, re.IGNORECASE)


def _build(
    langs: tuple[str, ...],
    months: dict[str, int],
    weekdays: dict[str, int],
    relative: dict[str, int],
    *,
    md_order: bool,
) -> _Family:
    turkic = any(lang in ("tr", "az") for lang in langs)
    capital = all(lang in ("en", "de") for lang in langs)
    tok_tail = rf"(?:{_APOS}[^\W\d_]+)" if turkic else ""
    ytail = _joined(langs, _YEAR_TAIL)
    year_after = (
        rf"(?:,\s*|\s+(?:de\s+|del\s+|of\s+)?){_Y}(?:{ytail})?"
        if ytail
        else rf"(?:,\s*|\s+(?:de\s+|del\s+|of\s+)?){_Y}"
    )
    year_after += rf"{tok_tail}?" if tok_tail else ""
    conn = r"(?:\s*[-–—]\s*|\s+(?:to|au|bis(?:\s+zum)?|по)\s+)"
    day_before = (
        rf"(?<![\w.,:/\-–])(?:(?P<d0>[0-3]?\d){_DAY_SUFFIX}{conn})?(?P<d>[0-3]?\d){_DAY_SUFFIX}\s*"
        r"(?:of\s+|de\s+)?\Z"
    )
    day_after = (
        r"\.?\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?(?:\s*(?:[-–—]|to)\s*(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?)?"
        r"(?!\d|[.,:]\d)" + _NOT_WORD
    )
    mcues = _joined(langs, _MONTH_CUES)
    ycues = _joined(langs, _YEAR_CUES)
    pre = _merge(langs, _WD_PRE)
    post = _merge(langs, _WD_POST)
    wcue = _joined(langs, _WD_CUES)
    wcue_grp = rf"(?:(?P<wcue>{wcue})\s+)?" if wcue else ""
    wd_tail = "|".join(_WD_TAIL[lang] for lang in langs if lang in _WD_TAIL)
    fut = _joined(langs, _FUTURE)
    return _Family(
        langs=langs,
        months=months,
        weekdays=weekdays,
        relative=relative,
        wd_pre={_fold(k): v for k, v in pre.items()},
        wd_post={_fold(k): v for k, v in post.items()},
        key_re=re.compile(
            _key_alt(
                set(months) | set(weekdays) | set(relative),
                capitalised=(set(months) | set(weekdays)) if capital else None,
            )
        ),
        day_before=_ci(day_before),
        day_after=_ci(day_after) if md_order else None,
        year_after=_ci(year_after + _NOT_WORD),
        tok_tail=_ci(tok_tail) if tok_tail else None,
        az_suffix=_ci(r"(?:da|də|dan|dən|ın|in|un|ün|a|ə)") if "az" in langs else None,
        month_cue=_ci(rf"(?<![\w-])(?:{mcues})(?:\s+|(?<=-))\Z") if mcues else None,
        turkic_tail=_ci(_TURKIC_MONTH_TAIL) if turkic else None,
        wd_left=_ci(rf"(?<![\w-]){wcue_grp}(?:(?P<pre>{_word_alt(list(pre))})\s+)?\Z"),
        wd_tail=_ci(rf"(?:{wd_tail})?" + (rf"{tok_tail}?" if tok_tail else "")),
        wd_post_re=_ci(rf"\s+(?P<post>{_word_alt(list(post))}){_NOT_WORD}") if post else None,
        year_cue=_ci(rf"(?<![\w-])(?P<cue>{ycues})(?:\s+|(?<=-))\Z") if ycues else None,
        year_tail=_ci(rf"(?:{ytail}){tok_tail}?{_NOT_WORD}") if ytail else None,
        future=_ci(fut) if fut else None,
    )


_FAMILY_OF = {"en": ("en",), "ru": ("ru", "uk"), "uk": ("uk", "ru"), "be": ("ru", "uk")}
_FAMILY_OF |= {"tr": ("tr", "az"), "az": ("az", "tr"), "fr": ("fr",), "de": ("de",)}


@lru_cache(maxsize=64)
def _family(lang: str | None) -> _Family:
    """Patterns for a paragraph language; other languages borrow dateparser's month names."""
    langs = _FAMILY_OF.get(lang or "")
    if langs:
        relative = {_register(k): v for lg in langs for k, v in _RELATIVE.get(lg, {}).items()}
        return _build(
            langs, _merge(langs, _MONTHS), _merge(langs, _WEEKDAYS), relative, md_order="en" in langs
        )
    months, weekdays, relative = _dateparser_lexicon(lang) if lang else ({}, {}, {})
    if not months:  # unknown language: month names of every hand-written language, no relative words
        months = {k: v for lg in ("en", "ru", "uk", "tr", "fr", "de") for k, v in _MONTHS[lg].items()}
        return _build(("xx",), months, {}, {}, md_order=True)
    return _build((lang or "xx",), months, weekdays, relative, md_order=True)


_MONTH_KEYS = "january february march april may june july august september october november december".split()
_WEEKDAY_KEYS = "monday tuesday wednesday thursday friday saturday sunday".split()


def _dateparser_lexicon(lang: str) -> tuple[dict[str, int], dict[str, int], dict[str, int]]:
    """Full month/weekday names and today/yesterday/tomorrow from dateparser's locale data."""
    try:
        from dateparser.languages.loader import default_loader

        info = default_loader.get_locale(lang).info
    except Exception:  # noqa: BLE001 - unknown locale: no lexicon
        return {}, {}, {}
    months = {_register(w): i + 1 for i, k in enumerate(_MONTH_KEYS) for w in info.get(k, []) if len(w) >= 4}
    weekdays = {_register(w): i for i, k in enumerate(_WEEKDAY_KEYS) for w in info.get(k, []) if len(w) >= 4}
    relative: dict[str, int] = {}
    for key, off in (("0 day ago", 0), ("1 day ago", -1), ("in 1 day", 1)):
        for w in info.get("relative-type", {}).get(key, []):
            if len(w) >= 3 and not re.search(r"[\d{}()\\\[\]|]", w):
                relative[_register(w)] = off
    return months, weekdays, relative


_ISO = re.compile(r"(?:1[89]|20)\d\d-[01]\d-[0-3]\d")
_NUMERIC = re.compile(r"\d\d?([./])\d\d?\1(?:1[89]|20)\d\d")
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")
_DIGIT = re.compile(r"\d")

# --------------------------------------------------------------------------------------------
# Scanning
# --------------------------------------------------------------------------------------------


@dataclass
class _Cand:
    start: int
    end: int
    kind: str  # abs, range, month, year, weekday, rel
    year: int | None = None
    month: int | None = None
    day: int | None = None
    day0: int | None = None  # first day of a range
    offset: int | None = None  # relative days
    weekday: int | None = None
    direction: int = 0  # -1 before publication, +1 after, 0 default
    lang: str | None = None
    ambiguous: bool = False


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Date items for ``doc``; never raises on odd input (a bad paragraph yields nothing)."""
    text = doc.text or ""
    if not text:
        return []
    spans = doc.layers.get("paragraph_languages") or [
        {"start": p.start, "end": p.end, "language": doc.language} for p in doc.paragraphs
    ]
    cands: list[_Cand] = []
    # Runs of paragraphs in one language are scanned in one pass; hits keep their paragraph's bounds.
    runs: list[tuple[str | None, list[tuple[int, int]]]] = []
    for p in spans:
        try:
            lang = _norm_lang(p.get("language") or doc.language)
            bounds = (max(0, int(p["start"])), min(len(text), int(p["end"])))
        except Exception:  # noqa: BLE001 - a malformed paragraph entry is skipped
            continue
        if runs and runs[-1][0] == lang:
            runs[-1][1].append(bounds)
        else:
            runs.append((lang, [bounds]))
    for lang, paras in runs:
        try:
            cands.extend(_scan(text, paras, lang))
        except Exception:  # noqa: BLE001 - one odd paragraph run must not lose the document
            continue
    cands = _resolve_overlaps(cands)
    cands = _merge_weekday_with_date(text, cands)
    try:
        sents = doc.sentences
    except Exception:  # noqa: BLE001
        sents = []
    return _normalise(doc, text, cands, sents)


def _norm_lang(lang: str | None) -> str | None:
    return lang.split("-")[0].lower() if lang else None


def _glued(text: str, pos: int, hi: int) -> bool:
    """A letter or digit at ``pos`` (so the hit is part of a longer word)."""
    return pos < hi and (text[pos].isalnum() or text[pos] == "_")


def _scan(text: str, paras: list[tuple[int, int]], lang: str | None) -> list[_Cand]:
    fam = _family(lang)
    out: list[_Cand] = []
    first, last = paras[0][0], paras[-1][1]
    starts = [p[0] for p in paras]

    def para(pos: int) -> tuple[int, int] | None:
        i = bisect.bisect_right(starts, pos) - 1
        return paras[i] if i >= 0 and paras[i][0] <= pos < paras[i][1] else None

    if _DIGIT.search(text, first, last):
        out.extend(_numeric_dates(text, first, last, fam, lang))
        for m in _YEAR_RE.finditer(text, first, last):
            b = para(m.start())
            if b is not None and m.end() <= b[1]:
                c = _year_cand(text, m.start(), m.end(), b[0], b[1], fam, lang)
                if c is not None:
                    out.append(c)
    for m in fam.key_re.finditer(text, first, last):
        s, e = m.start(), m.end()
        b = para(s)
        if b is None or e > b[1]:
            continue
        lo, hi = b
        if s > lo and (text[s - 1].isalnum() or text[s - 1] == "_"):
            continue
        key = re.sub(r"\s+", " ", _fold(m.group()))
        c: _Cand | None = None
        if key in fam.months:
            c = _month_cand(text, s, e, lo, hi, fam, fam.months[key], key, lang)
        if c is None and key in fam.weekdays:
            c = _weekday_cand(text, s, e, lo, hi, fam, fam.weekdays[key], key, lang)
        if c is None and key in fam.relative:
            c = _relative_cand(text, s, e, lo, hi, fam, fam.relative[key], key, lang)
        if c is not None:
            out.append(c)
    return out


def _numeric_dates(text: str, lo: int, hi: int, fam: _Family, lang: str | None) -> list[_Cand]:
    out: list[_Cand] = []

    def free(s: int, e: int) -> bool:
        before = text[s - 1] if s > lo else " "
        after = text[e : e + 2] if e < hi else ""
        if before.isalnum() or before in "/.-,_":
            return False
        return not (after[:1].isalnum() or after[:1] in "/_" or re.match(r"[.,\-]\d", after))

    for m in _ISO.finditer(text, lo, hi):
        y, mo, d = (int(x) for x in m.group().split("-"))
        if free(m.start(), m.end()) and _valid(y, mo, d):
            out.append(_Cand(m.start(), m.end(), "abs", y, mo, d, lang=lang))
    for m in _NUMERIC.finditer(text, lo, hi):
        if not free(m.start(), m.end()):
            continue
        a, b, y = (int(x) for x in re.split(r"[./]", m.group()))
        d, mo, amb = a, b, False
        if m.group(1) == "/" and "en" in fam.langs and a <= 12:
            d, mo, amb = b, a, b <= 12 and a != b  # English slashes: month first (US) when possible
        if not _valid(y, mo, d):
            d, mo = mo, d
        if _valid(y, mo, d):
            out.append(_Cand(m.start(), m.end(), "abs", y, mo, d, lang=lang, ambiguous=amb))
    return out


def _year_cand(text: str, s: int, e: int, lo: int, hi: int, fam: _Family, lang: str | None) -> _Cand | None:
    before = text[s - 1] if s > lo else " "
    if before.isalnum() or before in "._/,'’" or _glued(text, e, hi) or re.match(r"[.,]\d", text[e : e + 2]):
        return None
    if fam.year_tail is not None:
        t = fam.year_tail.match(text, e, hi)
        if t:
            return _Cand(s, t.end(), "year", int(text[s:e]), lang=lang)
    if (
        fam.year_cue is None
        or before == "-"
        and not text[max(lo, s - 4) : s].lower().endswith(("mid-", "mi-"))
    ):
        return None
    cue = fam.year_cue.search(text, max(lo, s - 25), s)
    if not cue or _COUNT_AFTER.match(text, e, hi):
        return None
    if re.fullmatch(_WEAK_YEAR_CUES, cue["cue"], re.IGNORECASE) and not _CLAUSE_END.match(text, e, hi):
        return None  # "rose by 2000", "from 2000 to 5000 people" stay numbers
    end = e
    if fam.tok_tail is not None:
        t = fam.tok_tail.match(text, e, hi)
        end = t.end() if t else e
    return _Cand(s, end, "year", int(text[s:e]), lang=lang)


def _month_cand(
    text: str, s: int, e: int, lo: int, hi: int, fam: _Family, month: int, key: str, lang: str | None
) -> _Cand | None:
    if not _month_case_ok(text[s:e], fam):
        return None
    pos = e
    suffixed = False
    if fam.az_suffix is not None and _glued(text, pos, hi):
        m = fam.az_suffix.match(text, pos, hi)
        if m and not _glued(text, m.end(), hi):
            pos, suffixed = m.end(), True
    if key in _ABBREVIATIONS and re.match(r"\.\s*\d", text[pos : pos + 4]):
        pos += 1
    if _glued(text, pos, hi):
        return None
    day = d0 = year = None
    start, end = s, pos
    db = fam.day_before.search(text, max(lo, s - 30), s)
    if db and not suffixed or db and db.end() == s:
        day, start = int(db["d"]), db.start()
        d0 = int(db["d0"]) if db["d0"] else None
    if day is None and fam.day_after is not None:
        da = fam.day_after.match(text, pos, hi)
        if da:
            day, end = int(da["d"]), da.end()
            if da["d2"]:
                d0, day = day, int(da["d2"])
    ya = fam.year_after.match(text, end, hi) if not suffixed or day is None else None
    if ya:
        year, end = int(ya["y"]), ya.end()
    elif day is not None and fam.tok_tail is not None:
        t = fam.tok_tail.match(text, end, hi)
        end = t.end() if t else end
    if day is not None:
        if not 1 <= day <= 31 or (d0 is not None and not 1 <= d0 < day):
            return None
        if _STREET_BEFORE.search(text, max(lo, start - 40), start) or _NAME_AFTER.match(text, end, hi):
            return None
        if year is None and start == s and _COUNT_AFTER.match(text, end, hi):
            return None  # "In July 14 people died"
        if d0 is not None:
            return _Cand(start, end, "range", year, month, day, day0=d0, lang=lang)
        return _Cand(start, end, "abs", year, month, day, lang=lang)
    if year is not None:
        if _COUNT_AFTER.match(text, end, hi):
            return None
        return _Cand(s, end, "month", year, month, lang=lang)
    if re.match(r"\.?\s*\d", text[pos : pos + 3]):
        return None
    if suffixed:  # "iyulda": in July
        return _Cand(s, pos, "month", None, month, lang=lang)
    if fam.month_cue is not None and fam.month_cue.search(text, max(lo, s - 30), s):
        return _Cand(s, pos, "month", None, month, lang=lang)
    if fam.turkic_tail is not None:
        t = fam.turkic_tail.match(text, pos, hi)
        if t:
            return _Cand(s, t.end(), "month", None, month, lang=lang)
    return None


def _weekday_cand(
    text: str, s: int, e: int, lo: int, hi: int, fam: _Family, weekday: int, key: str, lang: str | None
) -> _Cand | None:
    if not _weekday_case_ok(text[s:e], fam):
        return None
    tail = fam.wd_tail.match(text, e, hi)
    end = tail.end() if tail else e
    if _glued(text, end, hi):
        return None
    left = fam.wd_left.search(text, max(lo, s - 30), s)
    start, direction = s, 0
    wcue = left is not None and bool(left.groupdict().get("wcue"))
    if left is not None and left["pre"]:
        start = left.start("pre")
        direction = fam.wd_pre.get(re.sub(r"\s+", " ", _fold(left["pre"])), 0)
    if fam.wd_post_re is not None:
        p = fam.wd_post_re.match(text, end, hi)
        if p:
            end = p.end()
            direction = fam.wd_post.get(_fold(p["post"]), direction)
    if _WD_NAME_AFTER.match(text, end, hi):
        return None  # "Sunday school", "The Sunday Times"
    if key in _WEAK_WEEKDAYS and not (wcue or start < s or re.search(r"\s\w", text[e:end])):
        return None  # "окружающую среду", "pazar yeri": a weekday only with a cue or "günü"
    return _Cand(start, end, "weekday", weekday=weekday, direction=direction, lang=lang)


def _relative_cand(
    text: str, s: int, e: int, lo: int, hi: int, fam: _Family, offset: int, key: str, lang: str | None
) -> _Cand | None:
    word = text[s:e]
    if _glued(text, e, hi):
        return None
    if "de" in fam.langs and key == "morgen" and not word.islower():
        return None  # "Morgen" is the morning; only lower-case "morgen" is tomorrow
    if "de" in fam.langs and key == "heute" and text[e : e + 1] == "-":
        return None
    if word[:1].isupper() and not _at_clause_start(text, lo, s):
        return None  # "Valdoria Today", "USA Today": a capitalised mid-sentence word is a name
    return _Cand(s, e, "rel", offset=offset, lang=lang)


_LOWER_WORDS = {"may", "march", "mar", "august", "aug", "jan", "dec", "sept", "mai", "mars"}


def _at_clause_start(text: str, lo: int, pos: int) -> bool:
    before = text[max(lo, pos - 5) : pos].rstrip()
    return not before or before[-1] in ".!?:;\"'«»„“”‘’—–-(\n"


def _month_case_ok(word: str, fam: _Family) -> bool:
    """Lower-case "may", "march", "august" are other words in English and German text."""
    if _fold(word) not in _LOWER_WORDS or not any(lg in ("en", "de", "xx") for lg in fam.langs):
        return True
    return word[:1].isupper()


def _weekday_case_ok(word: str, fam: _Family) -> bool:
    if any(lg in ("en", "de") for lg in fam.langs):
        return word[:1].isupper()
    return True


def _valid(y: int | None, m: int | None, d: int | None) -> bool:
    if m is None or not 1 <= m <= 12:
        return False
    if d is None:
        return True
    limit = calendar.monthrange(y, m)[1] if y else (29 if m == 2 else calendar.monthrange(2001, m)[1])
    return 1 <= d <= limit


# A dated neighbour this close in the same sentence lends its year ("20 and 21 July 2024").
_ANCHOR_CHARS = 80

_RANK = {"range": 5, "abs": 4, "month": 3, "year": 2, "weekday": 2, "rel": 1}


def _resolve_overlaps(cands: list[_Cand]) -> list[_Cand]:
    """Longest span wins; among equals, the more specific kind."""
    cands.sort(key=lambda c: (-(c.end - c.start), -_RANK.get(c.kind, 0), c.start))
    taken: list[_Cand] = []
    for c in cands:
        if all(c.end <= t.start or c.start >= t.end for t in taken):
            taken.append(c)
    taken.sort(key=lambda c: c.start)
    return taken


_GAP_WD_DATE = re.compile(r"[\s,(]*(?:(?:the|dem|den|le)\s+)?$", re.IGNORECASE)
_GAP_DATE_WD = re.compile(r"[\s,(]*$")


def _merge_weekday_with_date(text: str, cands: list[_Cand]) -> list[_Cand]:
    """ "Saturday, July 20, 2024" and "20 Temmuz 2024 Cumartesi günü" are one date."""
    out: list[_Cand] = []
    i = 0
    while i < len(cands):
        c = cands[i]
        nxt = cands[i + 1] if i + 1 < len(cands) else None
        if (
            nxt is not None
            and c.kind == "weekday"
            and nxt.kind == "abs"
            and nxt.start - c.end <= 8
            and _GAP_WD_DATE.match(text[c.end : nxt.start])
        ):
            nxt.start = c.start
            out.append(nxt)
            i += 2
            continue
        if (
            nxt is not None
            and c.kind == "abs"
            and nxt.kind == "weekday"
            and nxt.start - c.end <= 3
            and _GAP_DATE_WD.match(text[c.end : nxt.start])
            and not text[c.end : nxt.start].strip(" ")  # "20 Temmuz 2024 Cumartesi", not across a comma
        ):
            c.end = nxt.end
            out.append(c)
            i += 2
            continue
        out.append(c)
        i += 1
    return out


def _closest_year(month: int, day: int, pub: dt.date) -> int:
    """The year that puts month/day nearest publication, a future date costing four times more."""
    best, best_cost = pub.year, None
    for y in (pub.year - 1, pub.year, pub.year + 1):
        d = min(day, calendar.monthrange(y, month)[1])
        delta = (dt.date(y, month, d) - pub).days
        cost = -delta if delta <= 0 else 4 * delta
        if best_cost is None or cost < best_cost:
            best, best_cost = y, cost
    return best


def _normalise(doc: AnalysisDoc, text: str, cands: list[_Cand], sents: list[Any]) -> list[dict[str, Any]]:
    pub: dt.date | None = None
    if isinstance(doc.published, dt.datetime):
        pub = doc.published.date()
    elif isinstance(doc.published, dt.date):
        pub = doc.published
    sent_starts = [s.start for s in sents]

    def sentence_of(pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(sent_starts, pos) - 1
        if i >= 0 and sents[i].start <= pos < sents[i].end:
            return sents[i].start, sents[i].end
        return pos, pos

    # explicit years per sentence, for "between 12 March and 14 April 2022"
    years_in: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for c in cands:
        if c.year is not None and c.kind in ("abs", "range", "month"):
            years_in.setdefault(sentence_of(c.start), []).append((c.start, c.year))

    out: list[dict[str, Any]] = []
    for c in cands:
        item: dict[str, Any] = {"text": text[c.start : c.end], "start": c.start, "end": c.end}
        date: str | None = None
        precision = "day"
        relative = False
        year_source: str | None = "text" if c.year is not None else None
        extra: dict[str, Any] = {}
        if c.kind in ("abs", "range", "month"):
            year = c.year
            if year is None:
                near = [
                    t for t in years_in.get(sentence_of(c.start), []) if abs(t[0] - c.start) <= _ANCHOR_CHARS
                ]
                if near:
                    year = min(near, key=lambda t: abs(t[0] - c.start))[1]
                    year_source = "sentence"
                elif pub is not None:
                    year = _closest_year(c.month or 1, c.day or 15, pub)
                    year_source = "published"
            if c.kind == "month":
                precision = "month"
                date = f"{year:04d}-{c.month:02d}" if year else f"XXXX-{c.month:02d}"
            else:
                if not _valid(year, c.month, c.day):
                    continue
                ystr = f"{year:04d}" if year else "XXXX"
                date = f"{ystr}-{c.month:02d}-{c.day:02d}"
                if c.kind == "range":
                    extra["date_end"] = date
                    date = f"{ystr}-{c.month:02d}-{c.day0:02d}"
            if c.ambiguous:
                extra["ambiguous"] = True
        elif c.kind == "year":
            precision = "year"
            date = f"{c.year:04d}"
        elif c.kind == "rel":
            relative = True
            if pub is not None and c.offset is not None:
                date = (pub + dt.timedelta(days=c.offset)).isoformat()
        elif c.kind == "weekday":
            relative = True
            if pub is not None and c.weekday is not None:
                direction = c.direction
                if direction == 0:
                    fam = _family(_norm_lang(c.lang))
                    s, e = sentence_of(c.start)
                    said = _SAID_BEFORE.search(text, max(s, c.start - 30), c.start)
                    if fam.future is not None and e > s and not said and fam.future.search(text, s, e):
                        direction = 1
                date = _weekday_date(pub, c.weekday, direction).isoformat()
        if relative and date is not None:
            year_source = "published"
        item.update(
            date=date,
            precision=precision,
            relative=relative,
            year_source=year_source,
            language=c.lang,
            **extra,
        )
        out.append(item)
    return out


def _weekday_date(pub: dt.date, weekday: int, direction: int) -> dt.date:
    """Most recent such day on or before publication; strictly before/after with a modifier."""
    back = (pub.weekday() - weekday) % 7
    if direction < 0:
        return pub - dt.timedelta(days=back or 7)
    if direction > 0:
        ahead = (weekday - pub.weekday()) % 7
        return pub + dt.timedelta(days=ahead or 7)
    return pub - dt.timedelta(days=back)
