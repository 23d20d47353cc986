"""Counts in running text: "more than 25,000", "3 000 à 5 000", "des dizaines", "5 binden fazla".

Every item says what was claimed (``value``), the bounds the wording implies (``low``/``high``),
how it was hedged (``qualifier``) and what was counted (``unit``, an English lemma, when a known
noun follows). The ``text`` span covers the qualifier and the number words, never the unit.

Cascade: one precompiled anchor regex per language finds digits and number words; only the few
anchors it finds are parsed token by token. Everything is rules and word lists (en, ru, uk, tr,
fr, de, az), no model, so a 5 KB article costs well under a millisecond.

Decisions (documented because they change what users see):

* Separators: a group of exactly three digits after ``,`` ``.`` or a (narrow/no-break/thin) space
  is a thousands group ("25.000" = 25000, "1,500" = 1500); otherwise ``,``/``.`` is a decimal
  mark ("1,5 млн" = 1.5 million). When both appear, the last one is the decimal mark.
* Qualifiers: exact -> low = high = value; about -> bounds unknown (null) except "nearly/almost/
  почти/près de/knapp/майже/neredeyse", which are ``about`` with ``high`` = value (the figure was
  not reached); at_least / more_than -> ``low`` = value; at_most / less_than -> ``high`` = value.
* Vague amounts have ``value`` null and a ``low`` bound: "dozens" 24, "hundreds" 200,
  "thousands" 2000, "tens of thousands" 20000; "a few X" = 2X, "several X" = 3X. "a dozen",
  "une centaine", "десяток" are ``about`` the round number.
* Ranges ("3,000-5,000", "от 3 до 5 тысяч") have ``value`` null, ``low``/``high`` set,
  qualifier ``about`` and ``range: true``.
* "one"/"один" counts only when a countable unit noun follows ("one person was killed"); "a",
  "un/une", "ein/eine", "bir" count only before hundred/thousand/million ("un million").
* Not quantities: years (a bare 1800-2100 without a unit), dates, clock times, ages
  ("54-year-old"), ordinals, phone numbers, numbers glued to letters (F-16, MH17, COVID-19),
  inside URLs/hashtags/e-mails, or after "No.", "Article", "№". A percentage is a quantity with
  unit "percent".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any

from infoscope.analyze.document import AnalysisDoc

LAYER = "quantities"
REQUIRES: tuple[str, ...] = ("paragraph_languages",)

LANGS = ("en", "ru", "uk", "tr", "fr", "de", "az")
_APOS = "['’ʼ]"

# ---------------------------------------------------------------- number words
# kinds: n additive number, h hundred (multiplies), s scale (thousand, million), v vague plural
# ("hundreds": low = 2 x base), f few/several (a vague multiplier), d approximate noun ("dozen",
# "une centaine"), a article-one (only before h/s/d), p plural scale that is a scale after a
# number and vague alone ("тысячи", "Millionen").
_WORDS_SRC: dict[str, str] = {
    "en": """
one:n1 two:n2 three:n3 four:n4 five:n5 six:n6 seven:n7 eight:n8 nine:n9 ten:n10 eleven:n11
twelve:n12 thirteen:n13 fourteen:n14 fifteen:n15 sixteen:n16 seventeen:n17 eighteen:n18
nineteen:n19 twenty:n20 thirty:n30 forty:n40 fifty:n50 sixty:n60 seventy:n70 eighty:n80 ninety:n90
hundred:h100 thousand:s1000 million:s1000000 billion:s1000000000 dozen:d12
dozens:v12 scores:v20 tens:v10 hundreds:v100 thousands:v1000 millions:v1000000
several:f3 few:f2 couple:f2 a:a1 an:a1
""",
    "ru": """
один:n1 одна:n1 одно:n1 одного:n1 одной:n1 одному:n1 одним:n1 одну:n1
два:n2 две:n2 двух:n2 двум:n2 двумя:n2 двое:n2 двоих:n2 полтора:n1.5 полторы:n1.5 полутора:n1.5
три:n3 трёх:n3 трех:n3 трём:n3 трем:n3 тремя:n3 трое:n3 троих:n3
четыре:n4 четырёх:n4 четырех:n4 четырьмя:n4 четверо:n4 четверых:n4
пять:n5 пяти:n5 пятью:n5 пятеро:n5 пятерых:n5 шесть:n6 шести:n6 шестеро:n6 шестерых:n6
семь:n7 семи:n7 семеро:n7 семерых:n7 восемь:n8 восьми:n8 восьмеро:n8 девять:n9 девяти:n9
девятеро:n9 десять:n10 десяти:n10 десятеро:n10 десятерых:n10
одиннадцать:n11 одиннадцати:n11 двенадцать:n12 двенадцати:n12 тринадцать:n13 тринадцати:n13
четырнадцать:n14 четырнадцати:n14 пятнадцать:n15 пятнадцати:n15 шестнадцать:n16 шестнадцати:n16
семнадцать:n17 семнадцати:n17 восемнадцать:n18 восемнадцати:n18 девятнадцать:n19 девятнадцати:n19
двадцать:n20 двадцати:n20 тридцать:n30 тридцати:n30 сорок:n40 сорока:n40
пятьдесят:n50 пятидесяти:n50 шестьдесят:n60 шестидесяти:n60 семьдесят:n70 семидесяти:n70
восемьдесят:n80 восьмидесяти:n80 девяносто:n90 девяноста:n90
сто:n100 ста:n100 двести:n200 двухсот:n200 триста:n300 трёхсот:n300 трехсот:n300
четыреста:n400 четырёхсот:n400 четырехсот:n400 пятьсот:n500 пятисот:n500 шестьсот:n600
шестисот:n600 семьсот:n700 семисот:n700 восемьсот:n800 восьмисот:n800 девятьсот:n900 девятисот:n900
тысяча:s1000 тысячу:s1000 тысяч:s1000 тысячей:s1000 тысячам:s1000 тысячах:s1000 тыс:s1000 тысячи:p1000
миллион:s1000000 миллиона:s1000000 миллионов:s1000000 млн:s1000000 миллионы:p1000000
миллиард:s1000000000 миллиарда:s1000000000 миллиардов:s1000000000 млрд:s1000000000
десятки:v10 десятков:v10 десятками:v10 сотни:v100 сотен:v100 сотнями:v100 тысячами:v1000
десяток:d10 десятка:d10 сотня:d100 сотню:d100 несколько:f3 нескольких:f3
""",
    "uk": """
один:n1 одна:n1 одне:n1 одного:n1 одній:n1 одному:n1 одну:n1
два:n2 дві:n2 двох:n2 двом:n2 двома:n2 двоє:n2 півтора:n1.5 півтори:n1.5
три:n3 трьох:n3 трьом:n3 трьома:n3 троє:n3 чотири:n4 чотирьох:n4 четверо:n4
п'ять:n5 п'яти:n5 п'ятьох:n5 п'ятеро:n5 шість:n6 шести:n6 шістьох:n6 шестеро:n6
сім:n7 семи:n7 сімох:n7 семеро:n7 вісім:n8 восьми:n8 вісьмох:n8 восьмеро:n8
дев'ять:n9 дев'яти:n9 дев'ятьох:n9 дев'ятеро:n9 десять:n10 десяти:n10 десятьох:n10 десятеро:n10
одинадцять:n11 одинадцяти:n11 дванадцять:n12 дванадцяти:n12 тринадцять:n13 тринадцяти:n13
чотирнадцять:n14 чотирнадцяти:n14 п'ятнадцять:n15 п'ятнадцяти:n15 шістнадцять:n16 шістнадцяти:n16
сімнадцять:n17 сімнадцяти:n17 вісімнадцять:n18 вісімнадцяти:n18 дев'ятнадцять:n19 дев'ятнадцяти:n19
двадцять:n20 двадцяти:n20 тридцять:n30 тридцяти:n30 сорок:n40 сорока:n40
п'ятдесят:n50 п'ятдесяти:n50 шістдесят:n60 шістдесяти:n60 сімдесят:n70 сімдесяти:n70
вісімдесят:n80 вісімдесяти:n80 дев'яносто:n90
сто:n100 ста:n100 двісті:n200 двохсот:n200 триста:n300 трьохсот:n300 чотириста:n400
чотирьохсот:n400 п'ятсот:n500 п'ятисот:n500 шістсот:n600 шестисот:n600 сімсот:n700 семисот:n700
вісімсот:n800 восьмисот:n800 дев'ятсот:n900 дев'ятисот:n900
тисяча:s1000 тисячу:s1000 тисяч:s1000 тисячею:s1000 тисячах:s1000 тис:s1000 тисячі:p1000
мільйон:s1000000 мільйона:s1000000 мільйонів:s1000000 млн:s1000000 мільйони:p1000000
мільярд:s1000000000 мільярда:s1000000000 мільярдів:s1000000000 млрд:s1000000000
десятки:v10 десятків:v10 сотні:v100 сотень:v100 тисячами:v1000 десяток:d10 сотня:d100 сотню:d100
кілька:f3 декілька:f3 кількох:f3 кількасот:v150 кількадесят:v15
""",
    "tr": """
bir:a1 iki:n2 üç:n3 dört:n4 beş:n5 altı:n6 yedi:n7 sekiz:n8 dokuz:n9 on:n10 yirmi:n20 otuz:n30
kırk:n40 elli:n50 altmış:n60 yetmiş:n70 seksen:n80 doksan:n90 yüz:h100 bin:s1000
milyon:s1000000 milyar:s1000000000 onlarca:v10 düzinelerce:v12 yüzlerce:v100 binlerce:v1000
milyonlarca:v1000000 birkaç:f3 düzine:d12
""",
    "az": """
bir:a1 iki:n2 üç:n3 dörd:n4 beş:n5 altı:n6 yeddi:n7 səkkiz:n8 doqquz:n9 on:n10 iyirmi:n20
otuz:n30 qırx:n40 əlli:n50 altmış:n60 yetmiş:n70 səksən:n80 doxsan:n90 yüz:h100 min:s1000
milyon:s1000000 milyard:s1000000000 onlarla:v10 yüzlərlə:v100 minlərlə:v1000 milyonlarla:v1000000
""",
    "fr": """
un:a1 une:a1 deux:n2 trois:n3 quatre:n4 cinq:n5 six:n6 sept:n7 huit:n8 neuf:n9 dix:n10 onze:n11
douze:n12 treize:n13 quatorze:n14 quinze:n15 seize:n16 vingt:n20 vingts:n20 trente:n30
quarante:n40 cinquante:n50 soixante:n60 cent:h100 cents:h100 mille:s1000 million:s1000000
millions:p1000000 milliard:s1000000000 milliards:s1000000000
dizaine:d10 douzaine:d12 quinzaine:d15 vingtaine:d20 trentaine:d30 quarantaine:d40
cinquantaine:d50 soixantaine:d60 centaine:d100 millier:d1000
dizaines:v10 douzaines:v12 vingtaines:v20 centaines:v100 milliers:v1000
plusieurs:f3 quelques:f2
""",
    "de": """
ein:a1 eine:a1 einen:a1 einem:a1 einer:a1 eins:n1 zwei:n2 drei:n3 vier:n4 fünf:n5 sechs:n6
sieben:n7 acht:n8 neun:n9 zehn:n10 elf:n11 zwölf:n12 hundert:h100 tausend:s1000
million:s1000000 millionen:p1000000 mio:s1000000 milliarde:s1000000000 milliarden:s1000000000
mrd:s1000000000 dutzend:d12 dutzende:v12 dutzenden:v12 hunderte:v100 hunderten:v100
tausende:v1000 tausenden:v1000 zehntausende:v10000 zehntausenden:v10000
hunderttausende:v100000 hunderttausenden:v100000 mehrere:f3 einige:f3 paar:f2
""",
}
# single number words that are also everyday words: they count only when a unit noun follows
_AMBIGUOUS = {
    "tr": {"on", "yüz", "altı"},
    "az": {"on", "yüz", "altı", "min"},
    "fr": {"neuf"},
    "de": {"acht", "elf"},
    "en": set(),
}
_CONNECT = {
    "en": {"and", "-", "of"},
    "fr": {"et", "-", "de", "d'"},
    "de": {"-"},
    "ru": {"-"},
    "uk": {"-"},
    "tr": set(),
    "az": set(),
}


_APOS_MAP = str.maketrans({"’": "'", "ʼ": "'"})


def _fold(word: str, lang: str) -> str:
    """Lookup key: lower case (Turkish dotted/dotless i kept apart), one apostrophe."""
    if lang in ("tr", "az"):
        word = word.replace("İ", "i").replace("I", "ı")
    return word.lower().translate(_APOS_MAP)


@cache
def _words(lang: str) -> dict[str, tuple[str, Decimal]]:
    out = {}
    for item in _WORDS_SRC.get(lang, "").split():
        w, spec = item.split(":")
        out[w] = (spec[0], Decimal(spec[1:]))
    return out


_DE_PARTS = (
    "dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn zwanzig dreißig dreissig vierzig"
    " fünfzig sechzig siebzig achtzig neunzig hundert tausend zwölf zehn elf eins ein zwei drei vier"
    " fünf sechs sieben acht neun und"
).split()
_DE_VALUES = {
    **{
        w: i for i, w in enumerate("ein zwei drei vier fünf sechs sieben acht neun zehn elf zwölf".split(), 1)
    },
    **{
        w: i
        for i, w in enumerate("dreizehn vierzehn fünfzehn sechzehn siebzehn achtzehn neunzehn".split(), 13)
    },
    **{
        w: 10 * i
        for i, w in enumerate("zwanzig dreißig vierzig fünfzig sechzig siebzig achtzig neunzig".split(), 2)
    },
    "dreissig": 30,
    "eins": 1,
}
_DE_COMPOUND = re.compile("(?:" + "|".join(_DE_PARTS) + ")+")
_DE_PART = re.compile("|".join(_DE_PARTS))


def _de_compound(word: str) -> Decimal | None:
    """'zweitausendfünfhundert' -> 2500; None when the word is not a number compound."""
    if len(word) < 6 or not _DE_COMPOUND.fullmatch(word) or word.startswith("und") or word.endswith("und"):
        return None
    total = cur = 0
    for m in _DE_PART.finditer(word):
        p = m.group()
        if p == "hundert":
            cur = (cur or 1) * 100
        elif p == "tausend":
            total += (cur or 1) * 1000
            cur = 0
        elif p != "und":
            cur += _DE_VALUES[p]
    return Decimal(total + cur)


# ---------------------------------------------------------------- qualifiers
_QUAL_SRC = {
    "about": {
        "en": "about|around|approximately|approx.|roughly|some|an estimated|estimated|circa|ca.|~|or so",
        "ru": "около|примерно|приблизительно|порядка|где-то|ориентировочно",
        "uk": "близько|приблизно|орієнтовно|бл.",
        "tr": "yaklaşık|tahminen|aşağı yukarı|takriben",
        "az": "təxminən|təqribən",
        "fr": "environ|quelque|autour de|approximativement|à peu près|quelque",
        "de": "etwa|rund|ca.|circa|ungefähr|schätzungsweise|gut|an die",
    },
    "near": {
        "en": "nearly|almost|close to|just short of",
        "ru": "почти|около|чуть менее|без малого",
        "uk": "майже|без малого",
        "tr": "neredeyse|yaklaşık olarak",
        "az": "demək olar ki",
        "fr": "près de|presque|pratiquement|quasiment",
        "de": "knapp|fast|beinahe|annähernd|nahezu",
    },
    "at_least": {
        "en": "at least|no fewer than|no less than|not less than|a minimum of|at the very least",
        "ru": "не менее|не меньше|как минимум|по меньшей мере|минимум|по крайней мере|не менее чем",
        "uk": "щонайменше|не менше|не менш ніж|не менше ніж|принаймні|як мінімум|мінімум",
        "tr": "en az|en azından|asgari",
        "az": "ən azı|ən az",
        "fr": "au moins|pas moins de|au minimum|minimum",
        "de": "mindestens|wenigstens|zumindest|nicht weniger als|mindestens",
    },
    "more_than": {
        "en": "more than|over|upwards of|in excess of|above|just over|well over|more then|in excess of",
        "ru": "более|более чем|больше|больше чем|свыше|чуть более|чуть больше|свыше чем",
        "uk": "понад|більше|більше ніж|більш ніж|більш як|понад як",
        "tr": "",
        "az": "",
        "fr": "plus de|plus d'|plus que|au-delà de|bien plus de",
        "de": "mehr als|über|weit über|gut über|deutlich mehr als",
    },
    "at_most": {
        "en": "up to|at most|no more than|not more than|a maximum of|as many as",
        "ru": "до|не более|не больше|максимум|не более чем|вплоть до",
        "uk": "до|не більше|не більш ніж|максимум|аж до",
        "tr": "en fazla|azami",
        "az": "ən çox|maksimum",
        "fr": "jusqu'à|au maximum|au plus|pas plus de|maximum",
        "de": "bis zu|höchstens|maximal|nicht mehr als",
    },
    "less_than": {
        "en": "less than|fewer than|under|below|just under|not even",
        "ru": "менее|меньше|менее чем|меньше чем|не более чем",
        "uk": "менше|менш ніж|менше ніж|менш як",
        "tr": "",
        "az": "",
        "fr": "moins de|moins d'|moins que",
        "de": "weniger als|unter|nicht einmal",
    },
}
_RANGE_START = {
    "en": "between|from",
    "ru": "от|между",
    "uk": "від|між",
    "tr": "",
    "az": "",
    "fr": "entre|de|d'",
    "de": "zwischen|von",
}
_RANGE_MID = {
    "en": r"[-–—]|to|and|or",
    "ru": r"[-–—]|до|и|или",
    "uk": r"[-–—]|до|і|та|або",
    "tr": r"[-–—]|ila|ile|veya|ya da",
    "az": r"[-–—]|ilə|və ya",
    "fr": r"[-–—]|à|et|ou",
    "de": r"[-–—]|bis|und|oder",
}
# after the number: "5,000 or more", "300-odd", "5 binden fazla", "с лишним"
_AFTER_SRC = {
    "en": [("at_least", r"\+|\s+or more|\s+and more|\s+plus"), ("about", r"-odd|\s+odd|\s+or so")],
    "ru": [("more_than", r"\s+с лишним|\s+с небольшим")],
    "uk": [("more_than", r"\s+з гаком|\s+з лишком")],
    "tr": [
        ("more_than", r"(?:['’]?(?:[dt][ae]n))\s+(?:fazla|çok|ziyade)"),
        ("less_than", r"(?:['’]?(?:[dt][ae]n))\s+az(?!\w)"),
        ("at_most", r"(?:['’]?y?[ea])\s+kadar"),
        ("about", r"\s+(?:civarında|civarı|kadar|dolayında|küsur)"),
        ("more_than", r"['’]?(?:y?[ıiuü])?\s+aşkın"),
    ],
    "az": [
        ("more_than", r"(?:['’]?(?:[dt][əa]n))\s+(?:çox|artıq)"),
        ("less_than", r"(?:['’]?(?:[dt][əa]n))\s+az(?!\w)"),
        ("about", r"\s+(?:qədər|civarında)"),
    ],
    "fr": [("at_least", r"\s+ou plus|\s+et plus")],
    "de": [("at_least", r"\s+oder mehr|\s+und mehr")],
}


@cache
def _qual_table(lang: str) -> tuple[dict[str, str], int]:
    """Qualifier phrase (folded) -> qualifier, and the longest phrase in words."""
    table: dict[str, str] = {"~": "about"}
    for qual in ("about", "near", "at_least", "more_than", "at_most", "less_than"):
        for phrase in _QUAL_SRC[qual].get(lang, "").split("|"):
            if phrase:
                table.setdefault(_fold(phrase, lang), qual)
    return table, max(len(k.split()) for k in table)


# ---------------------------------------------------------------- units
# lemma|category|en|ru|uk|tr|fr|de|az ; "*" = stem (a few inflection letters may follow)
_UNITS_SRC = """
people|person|people,persons,person,individuals,residents,inhabitants,supporters|человек*,людей,люди,чел.,жител*,сторонник*|людей,люди,осіб,особи,чоловік,жител*,прихильник*|kişi*,insan*,vatandaş*|personnes,personne,gens,habitants,partisans|menschen,personen,person,einwohner,anhänger|nəfər*,insan*,vətəndaş*
protester|person|protesters,protestors,demonstrators,marchers,activists|протестующ*,демонстрант*,митингующ*,активист*|протестувальник*,демонстрант*,активіст*|protestocu*,gösterici*,eylemci*|manifestants,manifestantes,protestataires,militants,marcheurs|demonstranten,demonstrierende,demonstrierenden,protestierende,protestierenden,aktivisten|etirazçı*,aksiyaçı*
participant|person|participants,attendees,participant|участник*|учасник*|katılımcı*|participants,participantes|teilnehmer,teilnehmende,teilnehmenden,teilnehmerinnen|iştirakçı*
killed|person|killed,dead,deaths,fatalities|погибш*,убит*,погибли,жертв*|загибл*,вбит*,загинул*,жертв*|ölü*,hayatını kaybetti|morts,tués,victimes|tote,toten,todesopfer,getötete,getöteten|ölü*,həlak
injured|person|injured,wounded,hurt|ранен*,пострадавш*|поранен*,постраждал*|yaralı*|blessés|verletzte,verletzten,verwundete,verletzt|yaralı*
detained|person|detained,arrested,arrests,detentions|задержан*,арестован*|затриман*,заарештован*|gözaltı*|interpellations,interpellés,arrestations|festnahmen,festgenommene,festgenommen|saxlanıl*
soldier|person|soldiers,troops,servicemen,fighters|военн*,солдат*,военнослужащ*,боевик*|військов*,солдат*,бойовик*|asker*|soldats,militaires,combattants|soldaten,kämpfer|əsgər*,hərbçi*
civilian|person|civilians,civilian|мирных жителей,мирных граждан,мирный житель,гражданских|мирних жителів,мирних мешканців,цивільн*|sivil*|civils,civiles|zivilisten,zivilpersonen|mülki*,dinc sakin*
police|person|police officers,policemen,officers,police,police officer|полицейск*|поліцейськ*|polis*|policiers,gendarmes|polizisten,polizeibeamte,beamte,einsatzkräfte,einsatzkräften|polis*
child|person|children,child,kids|детей,дети,ребен*,ребён*|дітей,діти,дитин*|çocuk*|enfants,enfant|kinder,kindern,kind|uşaq*
family|person|families|семей|родин|aile*|familles|familien|ailə*
car|car|cars,car,vehicles,automobiles|машин*,автомобил*,автомашин*|машин*,автомобіл*|araç*,araba*,otomobil*|voitures,véhicules|autos,fahrzeuge,fahrzeugen,wagen,pkw|avtomobil*,maşın*
car march|event|car marches,convoys,motorcades,car rallies|автопробег*,автоколонн*|автопробіг*,автопробіг,автоколон*|konvoy*,araç konvoy*|cortèges automobiles,cortèges de voitures,convois|autokorsos,autokorso,korsos|avtoyürüş*
rally|event|rallies,rally|митинг*|мітинг*|miting*|rassemblements,rassemblement|kundgebungen,kundgebung|mitinq*
protest|event|protests,protest,protest actions|протест*|протест*|protesto*|protestations|proteste,protesten,protestaktionen|etiraz*
demonstration|event|demonstrations,demos|демонстраци*|демонстраці*|gösteri*|manifestations,manifestation|demonstrationen,demos|nümayiş*
march|event|marches,march|шестви*|ход,марш*|yürüyüş*|marches,cortèges,défilés|märsche,demonstrationszüge|yürüş*
vigil|event|vigils,vigil|пикет*|пікет*|nöbet*|veillées|mahnwachen,mahnwache|piket*
event|event|events,actions,gatherings,meetings,event|акци*,мероприяти*,собрани*|акці*,заход*|eylem*,etkinli*,toplantı*|événements,évènements,actions,réunions|veranstaltungen,aktionen,events,versammlungen|aksiya*,tədbir*
country|country|countries,nations,states|стран*,государств*|країн*,держав*|ülke*|pays|ländern,länder,staaten|ölkə*
city|city|cities,towns,villages,places|город*|міст,містах,місті|şehir*,kent*,il,ilde|villes|städten,städte,orten|şəhər*
article|article|articles,publications,reports,stories,news items|статей,публикаци*,материал*|статей,статті,публікаці*,матеріал*|makale*,haber*,yazı*|articles,publications,reportages|artikel,artikeln,beiträge,beiträgen,berichte,berichten|məqalə*
language|language|languages|язык*|мов,мовах,мовами|dil,dilde,dilden,dile,dilinde|langues|sprachen|dil,dildə
statement|statement|statements,communiqués|заявлени*|заяв,заяви,заявами|açıklama*|déclarations,communiqués|erklärungen,stellungnahmen|bəyanat*
percent|percent|percent,per cent|процент*,%|відсот*|yüzde|pour cent,%|prozent|faiz
day|time|days,day|дней,дня,день,сут*|днів,дні,день,доби|gün*|jours,jour|tage,tagen,tag|gün*
hour|time|hours,hour|часов,часа|годин*|saat*|heures,heure|stunden,stunde|saat*
week|time|weeks,week|недел*|тижн*|hafta*|semaines|wochen,woche|həftə*
month|time|months,month|месяц*|місяц*|ay|mois|monate,monaten,monat|ay
year|time|years,year|лет,года,год|років,роки,рік|yıl*|ans,années,an|jahre,jahren,jahr|il
time|time|times|раз|разів,рази,раз|kez,kere|fois|mal|dəfə
shell|munition|shells,missiles,rockets,drones,bombs,projectiles|снаряд*,ракет*,беспилотник*,дрон*,бомб*|снаряд*,ракет*,безпілотник*,дрон*|mermi*,füze*,roket*,iha*|obus,missiles,roquettes,drones,bombes|granaten,raketen,drohnen,bomben|mərmi*,raket*,dron*
house|building|houses,homes,buildings|домов,здани*|будинк*|ev,evler*,bina*|maisons,bâtiments,logements|häuser,gebäude,häusern|ev*,bina*
flag|object|flags|флаг*|прапор*|bayrak*|drapeaux|fahnen,flaggen|bayraq*
signature|object|signatures|подпис*|підпис*|imza*|signatures|unterschriften|imza*
post|article|posts,tweets,messages,videos|постов,сообщени*,видео|дописів,повідомлен*,відео|paylaşım*,tweet*,video*|messages,tweets,vidéos|posts,tweets,videos,nachrichten|paylaşım*
organisation|organisation|organisations,organizations,groups,associations|организаци*|організаці*|örgüt*,dernek*,kuruluş*|organisations,associations|organisationen,vereine,verbände|təşkilat*
"""
_LANG_COLS = ("en", "ru", "uk", "tr", "fr", "de", "az")
_STEM_EXTRA = {"ru": 3, "uk": 3, "tr": 6, "az": 6, "en": 2, "fr": 2, "de": 2}


@cache
def _units(lang: str) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """(exact forms, stems) -> (lemma, category) for one language."""
    exact: dict[str, tuple[str, str]] = {}
    stems: dict[str, tuple[str, str]] = {}
    col = _LANG_COLS.index(lang) if lang in _LANG_COLS else 0
    for line in _UNITS_SRC.strip().splitlines():
        cells = line.split("|")
        lemma, cat = cells[0], cells[1]
        for form in cells[2 + col].split(","):
            form = _fold(form.strip(), lang)
            if not form:
                continue
            if form.endswith("*"):
                stems.setdefault(form[:-1], (lemma, cat))
            else:
                exact.setdefault(form, (lemma, cat))
    return exact, stems


def unit_of(word: str, lang: str) -> tuple[str, str] | None:
    """(lemma, category) of a unit noun in ``lang`` ("участников" -> participant), else None."""
    exact, stems = _units(lang)
    w = _fold(word, lang)
    hit = exact.get(w)
    if hit:
        return hit
    w = re.split(_APOS, w)[0]  # Turkish "ülke'de"
    hit = exact.get(w)
    if hit:
        return hit
    extra = _STEM_EXTRA.get(lang, 2)
    for k in range(len(w), 2, -1):
        hit = stems.get(w[:k])
        if hit:
            return hit if len(w) - k <= extra else None
    return None


# ---------------------------------------------------------------- exclusions
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    r"jan\.?|feb\.?|mar\.?|apr\.?|jun\.?|jul\.?|aug\.?|sept?\.?|oct\.?|nov\.?|dec\.?|"
    "январ[ья]|феврал[ья]|марта?|апрел[ья]|ма[йя]|июн[ья]|июл[ья]|августа?|сентябр[ья]|октябр[ья]|"
    "ноябр[ья]|декабр[ья]|"
    "січ(?:ня|ень)|лют(?:ого|ий)|берез(?:ня|ень)|квіт(?:ня|ень)|трав(?:ня|ень)|черв(?:ня|ень)|"
    "лип(?:ня|ень)|серп(?:ня|ень)|верес(?:ня|ень)|жовт(?:ня|ень)|листопада?|груд(?:ня|ень)|"
    "ocak|şubat|mart|nisan|mayıs|haziran|temmuz|ağustos|eylül|ekim|kasım|aralık|"
    "yanvar|fevral|aprel|iyun|iyul|avqust|sentyabr|oktyabr|noyabr|dekabr|"
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre|"
    "januar|jänner|februar|märz|juni|juli|oktober|dezember"
)
_MONTH_AFTER = re.compile(
    rf"(?:\s*(?:[-–/]|and|&|et|und|ve|и|і|й|та|or|to|until|till|по|до|bis|au|à|ila)\s*\d{{1,2}}\.?)?(?:st|nd|rd|th|er|e)?\.?\s*(?:de\s+)?(?:{_MONTHS})(?!\w)",
    re.IGNORECASE,
)
_NUM_DATE = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{2,4}(?!\d)")
_TIME_AFTER = re.compile(
    r"\s*(?:uhr|h(?!\w)|h\d|heures?\s+\d|час\w*\s+(?:утра|вечера|дня|ночи)|годин\w*\s+(?:ранку|вечора)|a\.?m\.?(?!\w)|p\.?m\.?(?!\w)|o['’]clock|gmt|utc|cet|cest|msk|mez|мск)",
    re.IGNORECASE,
)
_AGE_AFTER = re.compile(
    r"(?:[- ]|\s)?(?:years?-old|years? old|летн\w*|річн\w*|jährig\w*|yaşında\w*|yaşlı\w*|yaş(?!\w)|sayılı|numaralı)"
    r"|-(?:й|я|е|го|ого|ое|ый|ий|ая|ой|му|м|х|ти|ми|ья|ье|ої|ий|ій|ша|ше|ого)(?!\w)",
    re.IGNORECASE,
)
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th|er|ère|e|ème|eme|ᵉ|\.(?=\s*(?:[a-zäöü]|\d)))(?!\w)", re.UNICODE)
_DIGITS = re.compile(
    r"\d{1,3}(?P<sep>[,.\u00a0\u202f\u2009\u2007 '’])\d{3}(?:(?P=sep)\d{3})*(?:[.,]\d+)?(?![\d])"
    r"|\d+(?:[.,]\d+)?"
)
_PHONE = re.compile(r"\+?\(?\d{1,4}\)?(?:[ .-]\d{2,4}){2,}")
_WORD = re.compile(r"[^\W\d_]+(?:['’ʼ][^\W\d_]+)*\.?")
_SPACE = re.compile(r"\s*")


def _trie_regex(words: list[str]) -> str:
    """An alternation factored by prefix: the regex engine then tests one branch per letter."""
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:
        alts = []
        optional = False
        for ch in sorted(node):
            if ch == "":
                optional = True
                continue
            piece = _APOS if ch == "'" else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if optional:
            body = "(?:" + body + ")?"
        return body

    return build(trie)


@cache
def _anchor(lang: str) -> re.Pattern[str]:
    """Digits or a number word; a leading first-character class lets the engine skip ahead fast."""
    words = [w for w, (k, _v) in _words(lang).items() if k != "a"]
    if lang == "de":
        words += _DE_PARTS[:-1]
    first = "".join(sorted({re.escape(c) for w in words for c in (w[0], w[0].upper())}))
    alts = _trie_regex(words)
    extra = "|" + _DE_COMPOUND.pattern if lang == "de" else ""
    return re.compile(
        rf"(?=[\d{first}])(?:(?<![\w.,:])\d|(?<![\w-])(?:{alts}{extra})(?![\w'’ʼ]))", re.IGNORECASE
    )


@cache
def _range_mid(lang: str) -> re.Pattern[str]:
    return re.compile(rf"\s*(?:{_RANGE_MID.get(lang, _RANGE_MID['en'])})\s*", re.IGNORECASE)


@cache
def _after(lang: str) -> list[tuple[str, re.Pattern[str]]]:
    return [(q, re.compile(p, re.IGNORECASE)) for q, p in _AFTER_SRC.get(lang, [])]


# ---------------------------------------------------------------- parsing
class _Core:
    """One parsed number: where it is and what it is worth."""

    __slots__ = (
        "start",
        "end",
        "value",
        "vague",
        "approx",
        "single_word",
        "one",
        "first_kind",
        "scaled",
        "one_word_scale",
    )

    def __init__(
        self, start: int, end: int, value: Decimal, vague: bool = False, approx: bool = False
    ) -> None:
        self.start, self.end, self.value, self.vague, self.approx = start, end, value, vague, approx
        self.single_word: str | None = None
        self.one = False
        self.first_kind = "n"  # kind of the first number word ("h" for "hundred" in "a hundred")
        self.scaled = False  # a scale word (thousand, млн, bin) sets the magnitude
        self.one_word_scale = False


def _decimal(digits: str, sep: str | None) -> Decimal | None:
    """'25,000' -> 25000, '1,5' -> 1.5, '3 000,50' -> 3000.50."""
    s = digits
    if sep:
        s = s.replace(sep, "")
    s = s.replace(",", ".")
    if s.count(".") > 1 or len(s) > 30:
        return None
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _parse_digits(text: str, pos: int, lang: str) -> tuple[_Core | None, int]:
    """A digit number (with a following scale word) at ``pos``; (None, skip_to) for non-counts."""
    if _NUM_DATE.match(text, pos):
        return None, _NUM_DATE.match(text, pos).end()  # type: ignore[union-attr]
    ph = _PHONE.match(text, pos)
    if ph and (text[pos - 1 : pos] in "+(" or re.search(r"\d-\d{2}-\d{2}", ph.group())):
        return None, ph.end()
    m = _DIGITS.match(text, pos)
    if not m:
        return None, pos + 1
    end = m.end()
    raw = m.group()
    sep = m.group("sep")  # the thousands separator; any other , or . is the decimal mark
    value = _decimal(raw, sep)
    if value is None:
        return None, end
    core = _Core(pos, end, value)
    # a scale word: "1.5 million", "3 тыс.", "12 bin", "2,5 Millionen"
    scale = _scale_after(text, end, lang)
    if scale:
        if sep in (",", ".") and raw.count(sep) == 1 and scale[1] > end:
            value = _decimal(raw.replace(sep, "."), None) or value  # "1.342 million", "2,500 Mio." is 2.5
            core.value = value
        core.value *= scale[0]
        core.end = scale[1]
        core.scaled = True
        if lang in ("tr", "az") and scale[0] == 1000:
            rest = re.match(r" (\d{1,3})(?![\d.,])", text[core.end : core.end + 5])
            if rest:  # "3 bin 200" = 3200
                core.value += int(rest.group(1))
                core.end += rest.end()
    return core, core.end


@cache
def _scales() -> dict[str, Decimal]:
    out: dict[str, Decimal] = {}
    for lang in LANGS:
        for w, (kind, val) in _words(lang).items():
            if kind in "sp" and not (lang == "az" and w == "min"):
                out[w] = val
    out.update({"k": Decimal(1000), "bn": Decimal(10**9), "mn": Decimal(10**6), "m": Decimal(10**6)})
    return out


def _scale_after(text: str, pos: int, lang: str) -> tuple[Decimal, int] | None:
    sp = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    w = _WORD.match(text, sp)
    if not w:
        return None
    word = w.group()
    key = _fold(word.rstrip("."), lang)
    val = _scales().get(key)
    if val is None and lang in ("tr", "az"):
        base = re.match(r"(bin|milyon|milyar|min|milyard)", key)
        if base and base.group() != "min":
            val = _scales().get(base.group())
            if val is not None:
                return val, sp + len(base.group())
        if lang == "az" and key.startswith("min") and key[3:] in ("", "dən", "ə", "i", "lik"):
            return Decimal(1000), sp + 3
        return None
    if val is None or (key in ("k", "m", "mn", "bn") and sp != pos):
        return None
    end = w.end()
    if word.endswith(".") and key not in ("тыс", "тис", "млн", "млрд", "mio", "mrd"):
        end -= 1
    return val, end


def _parse_words(text: str, pos: int, lang: str, qualified: bool) -> _Core | None:
    """A run of number words at ``pos`` ("three hundred and fifty", "des dizaines de milliers")."""
    table = _words(lang)
    connect = _CONNECT.get(lang, set())
    toks: list[tuple[str, Decimal, int, int, str]] = []  # kind, value, start, end, word
    p = pos
    pending_connector = False
    while True:
        sp = _SPACE.match(text, p).end()  # type: ignore[union-attr]
        if toks and text[p:sp].count("\n"):
            break
        if toks and text[sp : sp + 1] == "-":
            if "-" in connect and not pending_connector:
                p = sp + 1
                pending_connector = True
                continue
            break
        w = _WORD.match(text, sp)
        if not w:
            break
        word = w.group().rstrip(".")
        key = _fold(word, lang)
        hit = table.get(key)
        if hit is None and lang == "de":
            comp = _de_compound(key)
            if comp is not None:
                hit = ("n", comp)
        if hit is None and lang in ("tr", "az") and toks:
            # a case suffix on the last number word: "binden", "yüzü", "ikisi"
            for base in sorted(table, key=len, reverse=True):
                if len(base) >= 3 and key.startswith(base) and table[base][0] != "a":
                    hit = table[base]
                    word = word[: len(base)]
                    break
            if hit is not None and _can_follow(toks[-1], hit[0], hit[1], lang, False, key):
                toks.append((hit[0], hit[1], sp, sp + len(word), key[: len(word)]))
            break
        if hit is None:
            if toks and key in connect and not pending_connector:
                pending_connector = True
                p = sp + len(w.group().rstrip("."))
                if key == "d'" or w.group().endswith(("'", "’")):
                    p = sp + len(w.group())
                continue
            if toks and lang == "fr" and key in ("d",) and text[sp + 1 : sp + 2] in "'’":
                pending_connector = True
                p = sp + 2
                continue
            break
        kind = hit[0]
        tok_start = sp
        if kind == "a" and toks and pending_connector and lang == "fr":
            kind, hit = "n", ("n", Decimal(1))  # "vingt et un"
        if lang == "fr" and kind == "n" and hit[1] == 20 and toks and toks[-1][:2] == ("n", 4):
            tok_start = toks.pop()[2]  # "quatre-vingt(s)" is one number
            hit = ("n", Decimal(80))
        if toks and not _can_follow(toks[-1], kind, hit[1], lang, pending_connector, key):
            break
        end = sp + len(word)
        if word.lower() in ("тыс", "тис", "млн", "млрд", "mio", "mrd") and text[end : end + 1] == ".":
            end += 1
        toks.append((kind, hit[1], tok_start, end, key))
        pending_connector = False
        p = end
        if kind == "a":
            nxt = _WORD.match(text, _SPACE.match(text, p).end())  # type: ignore[union-attr]
            nk = table.get(_fold(nxt.group().rstrip("."), lang)) if nxt else None
            if lang in ("fr", "en") and nk is None and nxt and _fold(nxt.group(), lang) == "couple":
                nk = table.get("couple")
            if not nk or nk[0] not in "hsdpf" or (nk[0] == "f" and lang != "en"):
                return None
    if not toks or (len(toks) == 1 and toks[0][0] == "f"):
        return None
    return _combine(toks, lang, qualified)


def _can_follow(prev: tuple, kind: str, val: Decimal, lang: str, connected: bool, key: str) -> bool:
    pk, pv = prev[0], prev[1]
    if connected and prev[4] in ("and",) and kind != "n":
        return False
    if kind == "n":
        if pk in "hs":
            return val < (100 if pk == "h" else 1000)
        if pk == "n":
            if lang == "fr" and pv in (60, 80) and 10 <= val < 20:
                return True
            if pv >= 100 and pv % 100 == 0:
                return val < 100
            if pv >= 20 and pv % 10 == 0 or (lang in ("tr", "az", "fr") and pv == 10):
                return val < 10
            return False
        return False
    if kind == "h":
        return pk in "naf" and pv < 10 or (pk == "n" and pv < 100 and lang != "tr")
    if kind in "sp":
        return pk in "nhafvd"
    if kind == "v":
        return pk == "f" or (pk in "vn" and (pk != "n" or lang in ("tr", "az"))) or (pk == "v" and connected)
    if kind == "d":
        return pk in "anf"
    return False


def _combine(toks: list, lang: str, qualified: bool) -> _Core | None:
    total = Decimal(0)
    cur = Decimal(0)
    vague = approx = False
    one = False
    prev_kind = ""
    for kind, val, _s, _e, _key in toks:
        if kind == "p":
            if prev_kind and prev_kind in "nhfad":
                kind = "s"
            elif qualified and lang in ("ru", "uk"):
                kind = "s"  # "более тысячи": genitive singular, i.e. one thousand
            else:
                kind = "v"
        if kind == "v" and prev_kind == "" and qualified and lang in ("ru", "uk") and val in (100, 1000, 10):
            kind = "s"  # "около сотни" = about a hundred
        if kind == "n":
            cur += val
            one = val == 1 and len(toks) == 1
        elif kind == "a":
            cur += 1
        elif kind == "f":
            cur = val
            vague = True
        elif kind == "h":
            cur = (cur or 1) * val
        elif kind == "s":
            total += (cur or 1) * val
            cur = Decimal(0)
        elif kind == "d":
            if prev_kind in ("", "a"):
                approx = True
            cur = (cur or 1) * val
        elif kind == "v":
            if prev_kind == "f":
                cur = cur * val
            elif prev_kind == "v":
                total = (total + cur) * val
                cur = Decimal(0)
            elif prev_kind == "n":
                total = (total + cur) * 2 * val
                cur = Decimal(0)
            else:
                cur = 2 * val
            vague = True
        prev_kind = kind
    core = _Core(toks[0][2], toks[-1][3], total + cur, vague, approx)
    core.one = one
    core.first_kind = toks[0][0]
    core.scaled = any(t[0] in "sp" for t in toks)
    core.one_word_scale = len(toks) == 1
    if len(toks) == 1:
        core.single_word = toks[0][4]
    return core


def _num(v: Decimal | None) -> int | float | None:
    if v is None:
        return None
    if v == v.to_integral_value():
        return int(v)
    return float(v)


def _unit_after(
    text: str, pos: int, lang: str, limit: int, adjacent: bool = False
) -> tuple[str, str, int, int] | None:
    """The unit noun right after a number (one adjective may intervene): lemma, category, span."""
    p = pos
    words: list[tuple[str, int, int]] = []
    while len(words) < 4:
        sp = _SPACE.match(text, p, limit).end()  # type: ignore[union-attr]
        if sp >= limit or "\n" in text[p:sp]:
            break
        if text[sp] == "%":
            return ("percent", "percent", sp, sp + 1)
        w = _WORD.match(text, sp, limit)
        if not w:
            break
        word = w.group().rstrip(".")
        words.append((word, sp, sp + len(word)))
        p = sp + len(word)
    if not words:
        return None
    skip = {"of", "de", "d'", "d", "von", "из", "з", "із"}
    i = 0
    if words[0][0].lower() in skip or words[0][0].lower().startswith(("d'", "d’")):
        if words[0][0].lower().startswith(("d'", "d’")) and len(words[0][0]) > 2:
            words[0] = (words[0][0][2:], words[0][1] + 2, words[0][2])
        else:
            i = 1
        if i < len(words) and words[i][0].lower() in ("the", "les", "des", "den", "der", "die"):
            i += 1
    for j in (i, i + 1):
        if j >= len(words) or (adjacent and j > 0):
            break
        if j + 1 < len(words):
            two = unit_of(words[j][0] + " " + words[j + 1][0], lang)
            if two:
                return (*two, words[j][1], words[j + 1][2])
        one = unit_of(words[j][0], lang)
        if one:
            return (*one, words[j][1], words[j][2])
        w0 = words[j][0]
        if j == i and (
            _fold(w0, lang) in _words(lang)
            or w0.lower() in _STOP
            or len(w0) < 3
            or (lang == "en" and w0.lower().endswith("ly"))
        ):
            break
    # English demonyms as people: "300 Valdorians", "thousands of Kurds"
    if lang == "en" and i < len(words) and not adjacent:
        w0 = words[i][0]
        if w0[:1].isupper() and re.fullmatch(r"[A-Z][a-z]+(?:ians|ans|ese|is|ks|ds|ts|ns|ers)", w0):
            return ("people", "person", words[i][1], words[i][2])
    return None


_STOP = set(
    "the a an in on at to for and or but with by from as was were is are had has have that this "
    "them they us which whom those these who их них которых eux elles ihnen denen onlar "
    "in der die das und im am zum zur mit von bei le la les et en au aux du des dans sur par avec "
    "в на и с по за к у о об от для до из що та і й з ve ile bu bir için da de ki".split()
)


_MONTH_WORD = re.compile(rf"(?:{_MONTHS})", re.IGNORECASE)
_ID_WORDS = set(
    "no no. nr nr. № # § art. article articles resolution résolution section chapter flight route page p. pp. "
    "room paragraph paragraphe absatz artikel статья статьи статье статьей статьям статті стаття статтею "
    "пункт пункта madde maddesi sayı vol. issue tel. tel phone телефон".split()
)
_CLOCK_WORDS = {"at", "um", "gegen", "à", "vers", "в", "о", "об", "saat", "kl.", "ab", "bis", "until", "from"}
_FR_TIME_WORDS = {"à", "vers", "après", "avant", "dès", "jusqu'à", "de", "depuis"}
_DE_ORDINAL_WORDS = {
    "der",
    "die",
    "das",
    "den",
    "dem",
    "des",
    "am",
    "zum",
    "zur",
    "beim",
    "im",
    "vom",
    "seit",
    "bis",
}
_STRIP = "\"'«»„“”()[]{},;:–—"


def _exclude_digit(text: str, core: _Core, lang: str, lo: int, e: int) -> bool:
    """Years, dates, times, ages, ordinals, identifiers: not counts (``e``: end of the digits)."""
    s = core.start
    prev = text[s - 1] if s > lo else ""
    if prev and (prev.isalpha() or prev in "#№§/\\_$@^"):
        return True
    if prev in "-–" and s - 2 >= lo and text[s - 2].isalpha():
        return True
    toks = _words_before(text, s, lo, 2)
    last = toks[-1][1] if toks else ""
    if toks and toks[-1][0] + len(last) == s:  # glued: "https://x.org/12", "#tag12", "~12"
        if any(k in last for k in ("://", "www.", "@", "#", "/")):
            return True
        last = ""
    last_word = _fold(last.strip(_STRIP), lang)
    nxt = text[e : e + 1]
    if nxt == "/" or (nxt == ":" and text[e + 1 : e + 2].isdigit()):
        return True
    if nxt == "-" and text[e + 1 : e + 2].isalpha() and not re.match(r"-(?:strong|odd)\b", text[e : e + 8]):
        return True  # "3-D", "a six-page letter"
    if _TIME_AFTER.match(text, e) and core.value < 100:
        return True
    if last_word == "h" and len(toks) == 2 and toks[0][1][-1:].isdigit():
        return True  # "15 h 30"
    if lang == "fr" and last_word in _FR_TIME_WORDS and re.match(r"\s*h(?:eures?)?(?!\w)", text[e : e + 8]):
        return True  # "à 14 heures"
    if _MONTH_AFTER.match(text, e) or (
        last and last[-1] not in ",;:" and _MONTH_WORD.fullmatch(last_word.rstrip("."))
    ):
        return True
    if _AGE_AFTER.match(text, e):
        return True
    if lang != "en" and re.match(r"\d{1,2}\.[0-5]\d(?!\d)", text[s:e]) and int(text[s:e].split(".")[0]) <= 24:
        return (
            True  # "16.30'da", "08.50 sularında": clock times (these languages write decimals with a comma)
        )
    if nxt.isalpha():
        return True  # "1st", "3e", "10h", "5km"
    if lang in ("tr", "az") and re.match(r"\.\s*[a-zçğıöşüə]", text[e : e + 3]):
        return True  # Turkish ordinals: "22. maddesi"
    if lang == "de" and last_word in _DE_ORDINAL_WORDS and _ORDINAL_AFTER.match(text, e):
        return True  # "der 3. Platz"
    if last_word in _ID_WORDS:
        return True
    if last_word in _CLOCK_WORDS:
        # "at 10:30", "um 14.30", "в 11": a clock time when minutes or a time word follow
        return bool(re.fullmatch(r"\d{1,2}[.:h]\d{2}", text[s:e])) or bool(_TIME_AFTER.match(text, e))
    return False


def _is_year(core: _Core, raw: str) -> bool:
    return raw.isdigit() and len(raw) == 4 and 1800 <= int(raw) <= 2100


def _norm_lang(lang: str | None) -> str:
    return lang if lang in LANGS else "en"  # type: ignore[return-value]


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Every count in the document, in text order."""
    out: list[dict[str, Any]] = []
    text = doc.text
    if not text:
        return out
    layer = doc.layers.get("paragraph_languages") or [
        {"start": p.start, "end": p.end, "language": doc.language} for p in doc.paragraphs
    ]
    for para in layer:
        try:
            lang = _norm_lang(para.get("language") or doc.language)
            out.extend(_paragraph(text, para["start"], para["end"], lang))
        except (
            ValueError,
            ArithmeticError,
            RecursionError,
            IndexError,
        ):  # never let odd input stop the pipeline
            continue
    out.sort(key=lambda q: q["start"])
    return out


def find(text: str, language: str = "en") -> list[dict[str, Any]]:
    """Quantities in one stretch of text in one language (for callers without a document)."""
    return _paragraph(text, 0, len(text), language if language in LANGS else "en")


def _paragraph(text: str, lo: int, hi: int, lang: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    anchor = _anchor(lang)
    pos = lo
    while True:
        m = anchor.search(text, pos, hi)
        if not m:
            break
        start = m.start()
        item, pos = _parse_at(text, start, lo, hi, lang)
        pos = max(pos, start + 1)
        if item:
            out.append(item)
    return out


def _parse_core(
    text: str, start: int, lo: int, hi: int, lang: str, qualified: bool
) -> tuple[_Core | None, int]:
    if text[start].isdigit():
        core, nxt = _parse_digits(text[:hi], start, lang)
        if core is None:
            return None, nxt
        raw = text[start : _DIGITS.match(text, start).end()]  # type: ignore[union-attr]
        if _exclude_digit(text[:hi], core, lang, lo, start + len(raw)):
            return None, max(nxt, start + len(raw))
        core.single_word = None
        if _is_year(core, raw) and core.end == start + len(raw):
            unit = _unit_after(text, core.end, lang, hi)
            if not unit or unit[1] == "time":
                return None, core.end
        return core, core.end
    core = _parse_words(text[:hi], start, lang, qualified)
    if core is None:
        w = _WORD.match(text, start, hi)
        return None, (w.end() if w else start + 1)
    return core, core.end


_ARTICLES = {"a", "an", "un", "une", "ein", "eine", "einen", "einem", "einer", "bir"}
_VAGUE_ARTICLES = {"des", "les", "ces", "die", "some"}
_OR = {"or", "или", "або", "ou", "oder", "veya", "ya da", "və ya"}
_TAIL = re.compile(r"\S+")


def _words_before(text: str, start: int, lo: int, n: int) -> list[tuple[int, str]]:
    """The last ``n`` whitespace-separated tokens before ``start`` (with their offsets)."""
    seg_start = max(lo, start - 12 * n)
    return [(m.start(), m.group()) for m in _TAIL.finditer(text, seg_start, start)][-n:]


def _phrase_before(
    text: str, start: int, lo: int, lang: str, table: dict[str, str], maxlen: int
) -> tuple[str | None, int]:
    """A phrase from ``table`` ending right before ``start``: (its value, its start)."""
    if start > lo and not (text[start - 1].isspace() or text[start - 1] in "'’~"):
        return None, start
    toks = _words_before(text, start, lo, maxlen)
    for k in range(len(toks), 0, -1):
        first_at, first = toks[-k]
        lead = len(first) - len(first.lstrip("\"'«(„“[–—-"))
        key = _fold(" ".join([first[lead:]] + [t for _, t in toks[len(toks) - k + 1 :]]), lang)
        hit = table.get(key)
        if hit:
            return hit, first_at + lead
    return None, start


@cache
def _range_table(lang: str) -> dict[str, str]:
    return {_fold(w, lang): "range" for w in _RANGE_START.get(lang, "").split("|") if w}


def _parse_at(text: str, start: int, lo: int, hi: int, lang: str) -> tuple[dict[str, Any] | None, int]:
    qtable, qmax = _qual_table(lang)
    core_start = start
    # "a hundred", "un million", "d'un millier", "eine Million", "bir milyon"
    prev = _words_before(text, start, lo, 1)
    art = None
    if prev and prev[0][0] + len(prev[0][1]) == start - 1:
        at, word = prev[0]
        low_word = _fold(word, lang)
        if low_word.startswith("d'") and low_word[2:] in _ARTICLES:
            art = (at + 2, low_word[2:])
        elif low_word in _ARTICLES or low_word in _VAGUE_ARTICLES:
            art = (at, low_word)
    look_from = art[0] if art else start
    qualifier, q_at = _phrase_before(text, look_from, lo, lang, qtable, qmax)
    core, nxt = _parse_core(text, start, lo, hi, lang, qualifier is not None)
    if core is None:
        return None, nxt
    first_kind = core.first_kind
    if art and art[1] in _ARTICLES and first_kind in "hsdpf" and not (first_kind == "f" and lang != "en"):
        core_start = art[0]  # "a thousand" is exactly one thousand; "a dozen" is about twelve
    elif art and art[1] in _VAGUE_ARTICLES and (core.vague or core.approx) and art[1] != "some":
        core_start = art[0]  # "des centaines"
    elif art:
        qualifier, q_at = _phrase_before(text, start, lo, lang, qtable, qmax)  # the word did not attach
    span_start = q_at if qualifier else core_start
    if core.one and core_start != start:
        core.one = False
    low = high = None
    is_range = False
    end = core.end
    # ranges: "3,000-5,000", "от 3 до 5 тысяч", "zwischen 3.000 und 5.000"
    rstart, r_at = (
        (None, start) if qualifier else _phrase_before(text, core_start, lo, lang, _range_table(lang), 1)
    )
    mid = _range_mid(lang).match(text, end, hi)
    if mid and not core.vague:
        word = " ".join(mid.group().split()).lower()
        need_start = word in ("and", "и", "і", "та", "et", "und")  # "between 3 and 5", not "3 and 5"
        if not need_start or rstart:
            second, _n2 = _parse_core(text, mid.end(), lo, hi, lang, False)
            if second is not None and not second.vague and second.value > core.value and second.value > 0:
                first_val = core.value
                if second.scaled and not core.scaled:
                    for scale in (Decimal(10**9), Decimal(10**6), Decimal(1000)):
                        if second.value >= scale and first_val * scale <= second.value:
                            first_val *= scale
                            break
                low, high, is_range = first_val, second.value, True
                end = second.end
                if rstart:
                    span_start = r_at
                if word in ("ile", "ilə") and not re.match(r"\s+arasında", text[end:hi]):
                    is_range, low, high, end, span_start = False, None, None, core.end, span_start
    # after-number qualifiers ("5 binden fazla", "300-odd", "5,000 or more")
    post_end = 0
    for qname, pat in _after(lang):
        am = pat.match(text, end, hi)
        if am:
            if qualifier is None:
                qualifier = qname
                end = am.end()
                post_end = end
            break
    unit = _unit_after(text, end, lang, hi, adjacent=core.one)
    if lang in ("tr", "az") and unit is None:
        sm = re.match(r"['’]?\w{0,4}", text[end:hi])
        if sm and sm.group():
            unit = _unit_after(text, end + len(sm.group()), lang, hi)
    if lang in ("tr", "az") and re.search(
        r"(?:^|\W)(?:yüzde|faiz)\s*$|%\s*$", text[max(lo, start - 8) : start]
    ):
        unit = ("percent", "percent", start, start)  # Turkish "yüzde 40", "%40"
    # single words that are also everyday words need a unit
    if core.single_word and not is_range and not unit:
        if core.one or core.single_word in _AMBIGUOUS.get(lang, set()):
            return None, end
    if core.one and not unit:
        return None, end
    if core.single_word and core.single_word in ("a", "an"):
        return None, end
    if core.one_word_scale and core.first_kind in "hsp" and core_start == start and lang in ("en", "de"):
        return None, end  # a bare "Million" is a name ("Million Man March"); "a million" counts
    value: Decimal | None = core.value
    if core.vague:
        # "dozens": the smallest amount the word allows is the usable figure (value = low = 24)
        low, high, value = core.value, None, core.value
        qualifier = qualifier if qualifier in ("more_than", "at_least") else "vague"
    elif is_range:
        value = None
        qualifier = qualifier if qualifier in ("about", "near") else "about"
        if qualifier == "near":
            qualifier = "about"
    else:
        q = qualifier or ("about" if core.approx else "exact")
        qualifier = q
        if q == "exact":
            low = high = value
        elif q in ("at_least", "more_than"):
            low = value
        elif q in ("at_most", "less_than"):
            high = value
        elif q == "near":
            qualifier, high = "about", value
        elif q == "about":
            low = high = value  # an approximate point: "about 500" is reported as 500
    span_end = max(core.end if not is_range else end, post_end)
    item: dict[str, Any] = {
        "text": text[span_start:span_end],
        "start": span_start,
        "end": span_end,
        "value": _num(value),
        "low": _num(low),
        "high": _num(high),
        "qualifier": qualifier,
        "unit": unit[0] if unit else None,
        "category": unit[1] if unit else None,
        "unit_text": text[unit[2] : unit[3]] if unit and unit[3] > unit[2] else None,
        "language": lang,
    }
    if is_range:
        item["range"] = True
    return item, max(end, span_end)
