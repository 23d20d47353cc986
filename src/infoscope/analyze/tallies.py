"""Aggregate count claims ("71 events in 26 countries") with their parts, checked for arithmetic.

A tally is a count over many items: a counted plural kind (events, articles, statements, ...) with a
scope ("in 26 countries", "in 20 languages"), or with parts ("of these, 12 in Germany and 9 in
France"), or an aggregate marker ("in all", "out of", "Of the 71 events") or verb ("held",
"published", "made"). One number in running prose ("5,000 people attended the rally in Paris") is
not a tally.

The check is the point: campaigns inflate totals and their breakdowns drift apart between
statements. A breakdown is *complete* when it says so: a numbered remainder ("and 13 elsewhere",
"the remaining 15", "in anderen Städten"), "all in"/"all of them"/"tamamı", a trailing "only", parts
stated before an "in all" total, or as many named places/languages as the scope counts ("in 2
countries: 18 in Germany and 10 in Austria"). Anything else ("dont 25 000 à Paris", "из них",
"davon", "including", or a bare list) is *open*: a reporter naming the big cities does not claim
they were the only ones. ``check.status`` is

* ``consistent``: a complete breakdown adds up to the total (an "about" total tolerates 5%, a
  "more than N" total any sum >= N); an open one (or one with an unnumbered remainder: "while the
  remainder took place in ...") fits within the total, and ``detail`` says how much is not broken
  down; percentages add up to <= 100;
* ``inconsistent``: a complete breakdown adds up to something else, an open one exceeds the total,
  or a subset ("9 out of 71") is larger than its total; ``detail`` says by how much;
* ``unchecked``: no parts, or no number to check against.

Parts are places (with a country code from the places layer), regions ("North America", "в Европе",
"Avrupa'da": a ``continent`` code) or languages ("70 на русском", "60'ı Türkçe": a ``language``
code); the place may follow its number ("12 in Germany") or precede it ("İstanbul'da 35 bin", "in
Berlin 20.000", "в Москве — 1700"). Word rules in en, ru, uk, tr, fr, de. Cost: only paragraphs
holding a countable quantity are examined (about 0.3 ms per 5 KB article).
"""

from __future__ import annotations

import bisect
import re
from typing import Any

from infoscope.analyze.document import AnalysisDoc

LAYER = "tallies"
REQUIRES: tuple[str, ...] = ("quantities", "places")

_SCOPE_KEYS = {"country": "countries", "city": "cities", "language": "languages"}
_COUNTABLE = {"event", "article", "statement", "post", "person", "car", "organisation", "country", "city"}
_AGGREGATE_ONLY = {"event", "article", "statement", "post"}  # kinds a verb alone makes a tally of

_I = re.IGNORECASE
# "of these", "из них", "bunlardan", "dont", "davon", "з них": a breakdown of the total follows
_PARTITIVE = re.compile(
    r"(?:^|[\s,;:(–—-])(?:of these|of them|of which|of whom|among them|among these|among whom|"
    r"of those|including|"
    r"из них|из которых|среди них|в том числе|в частности|з них|із них|з яких|серед них|у тому числі|"
    r"зокрема|bunlardan|bunların|bunlar arasında|onlardan|aralarında|"
    r"dont|parmi eux|parmi elles|parmi lesquels|parmi lesquelles|sur ce nombre|notamment|"
    r"davon|darunter|von diesen|von ihnen|unter anderem)(?=[\s,:;]|$)",
    _I,
)
# where _PARTITIVE can match, overlapping matches included: found once per sentence, so that
# asking it after every number of a long sentence stays linear (it was quadratic)
_PARTITIVE_AT = re.compile(f"(?=(?:{_PARTITIVE.pattern}))", _I)
# "71 events: 33 in Europe, ...": a colon after the total opens its breakdown
_COLON_LIST = re.compile(r"[^:;.!?\d]{0,40}:\s+(?=[^;.!?\d]{0,40}\d)")
# "in all", "a total of", "всего": the number is a total
_IN_ALL_AFTER = re.compile(
    r"^\W{0,3}(?:[^\W\d]+\s+){0,3}?(?:in all|in total|altogether|all told|overall|in sum|"
    r"всего|в общей сложности|в целом|загалом|усього|всього|toplamda|toplam olarak|"
    r"au total|en tout|insgesamt|zusammen|gesamt)(?=\W|$)",
    _I,
)
_IN_ALL_BEFORE = re.compile(
    r"(?:a total of|in total|total of|altogether|overall|всего|в общей сложности|итого|"
    r"загалом|усього|всього|toplam|toplamda|toplam olarak|au total|en tout|un total de|"
    r"insgesamt|gesamt|alles in allem)\W{0,3}(?:[^\W\d]+\s+){0,2}$",
    _I,
)
# "Of the 71 events", "9 out of 71", "9 из 71 акции", "9 sur 71", "9 von 71"
_IN_ALL_HEAD = re.compile(
    r"^\W{0,3}(?:in all|in total|altogether|all told|overall|всего|в общей сложности|в целом|итого|"
    r"загалом|усього|всього|toplamda|toplam olarak|au total|en tout|insgesamt)(?=\W)",
    _I,
)
_OF_THE_BEFORE = re.compile(
    r"(?:^|\W)(?:of the|out of(?: the)?|of all(?: the)?|из|из всех|з|із|з усіх|sur les|sur|parmi les|"
    r"von den|von)\s+$",
    _I,
)
_REMAINDER_NUM = re.compile(
    r"(?:remaining|the other|other|остальные|оставшиеся|остальных|другие|решта|інші|решту|"
    r"kalan|geri kalan|diğer|restants|restantes|autres|restlichen|übrigen|weiteren|anderen)\s+$",
    _I,
)
_RESIDENTS = re.compile(
    r"(?:^|\W)(?:home to|live|living|lives|reside|population|проживае?т\w*|живут|живе|проживає|мешкає|"
    r"yaşıyor|yaşamaktadır|yaşayan|vivent|vit|habitent|leben|lebt|wohnen)(?=\W|$)",
    _I,
)
_REMAINDER_WHERE = re.compile(
    r"(?:^|\s)(?:in|at|across|в|во|у|en|au|aux|à|dans|in der|im)\s+([^.;!?]{2,120}?)(?=[.;!?]|$)"
)
_OTHER_AFTER = re.compile(
    r"\s*(?:other|more|further|других|остальных|інших|autres|anderen|weiteren|diğer|başka)(?!\w)", _I
)
_OPEN_REMAINDER = re.compile(
    r"(?:^|\W)(?:the remainder|the rest|the others|others|остальные|остальное|прочие|решта|інші|"
    r"kalanı|geri kalanı|diğerleri|le reste|les autres|der rest|die übrigen|die restlichen|"
    r"and elsewhere|et ailleurs|und anderswo)(?=\W|$)",
    _I,
)
_ELSEWHERE = re.compile(
    r"(?:^|\W)(?P<w>elsewhere|other countries|abroad|other cities|the rest of the world|"
    r"в других странах|в других городах|в остальных странах|за рубежом|в інших країнах|в інших містах|"
    r"diğer ülkelerde|başka ülkelerde|diğer şehirlerde|ailleurs|dans d['’]autres pays|"
    r"anderswo|woanders|in anderen ländern|in anderen städten)(?=\W|$)",
    _I,
)
_CAP = r"[A-ZÀ-ÖØ-ÞА-ЯЁІЇЄҐÇĞİÖŞÜƏ]"
_NAME = rf"{_CAP}[^\s,;:.()«»\"“”]*(?:\s+(?:{_CAP}[^\s,;:.()«»\"“”]*|(?:of|du|de|des|am|an|der)(?!\w)))*"
_PREP_WHERE = re.compile(
    r"(?:^|\s)(?:in|at|across|from|во|в|на|у|en|au|aux|à|dans|im|auf)\s+"
    r"(?:(?:the|der|die|den|dem|la|le|les|l['’])\s*)?(?P<w>" + _NAME + ")"
)
_TR_WHERE = re.compile(rf"(?P<w>{_CAP}[\w]*(?:\s+{_CAP}[\w]*)*)['’](?:n?[dt][ae])(?!\w)")
_AGG_VERBS = re.compile(
    r"(?:^|\W)(?:held|holding|organi[sz]ed|staged|took place|taking place|made|published|issued|"
    r"covered in|recorded|registered|counted|documented|were reported|released|"
    r"прошл[иао]|провел[иа]?|проведено|состоял[иось]+|организова\w*|зафиксирова\w*|опубликова\w*|"
    r"сделал[иа]?|выпустил[иа]?|відбул\w*|провел[иа]?|проведено|організува\w*|зафіксова\w*|"
    r"опублікува\w*|зробил[иа]?|düzenlen\w*|düzenledi\w*|yapıldı|gerçekleştir\w*|gerçekleşti\w*|"
    r"yayımla\w*|yayınla\w*|organis\w*|tenu[es]?|ont eu lieu|a eu lieu|se sont déroulé\w*|publié\w*|"
    r"recensé\w*|comptabilisé\w*|fanden statt|stattgefunden|organisiert|veranstaltet|abgehalten|"
    r"veröffentlicht|gezählt|registriert|gab es)(?=\W|$)",
    _I,
)
_PERIOD = re.compile(
    r"(?:over|during|at) the (?:past |last )?(?:weekend|week|month)|since \d{1,2} \w+|since \w+ \d{1,2}|"
    r"in (?:\d+|\w+) days|in the past \w+ (?:days|weeks)|"
    r"на выходных|в выходные|за (?:\w+ )?(?:дн\w+|недел\w+|выходные)|с \d{1,2} \w+|за вихідні|з \d{1,2} \w+|"
    r"hafta sonu|\d{1,2} \w+['’][dt][ae]n (?:bu yana|beri)|ce week-end|le week-end dernier|"
    r"depuis le \d{1,2} \w+|en \w+ jours|am wochenende|am vergangenen wochenende|seit dem \d{1,2}\. \w+|"
    r"innerhalb von \w+ tagen|binnen \w+ tagen",
    _I,
)


def _counted(q: dict[str, Any]) -> str | None:
    cat, unit = q.get("category"), q.get("unit")
    if cat in ("event", "person", "country", "city", "car", "organisation"):
        return {"person": "person"}.get(cat, cat)
    if unit in ("article", "statement", "post"):
        return unit
    return None


_PCT_OF = re.compile(
    r"\s*(?:%|percent|per cent|pour cent|prozent|процент\w*|відсот\w*)?\s*"
    r"(?:of(?: the| all(?: the)?)?|des|de la|du|der|aller|из|от|з|від)\s+([^\W\d]+(?:\s+[^\W\d]+)?)",
    _I,
)


def _percent_total(text: str, s: Any, sq: list[dict[str, Any]]) -> dict[str, Any] | None:
    """'40% of the rallies took place in Europe, 35% in Asia': a tally of rallies without a number."""
    from infoscope.analyze.quantities import unit_of

    pct = [q for q in sq if q.get("unit") == "percent"]
    if not pct:
        return None
    m = _PCT_OF.match(text, pct[0]["end"], s.end)
    if not m:
        return None
    lang = pct[0].get("language") or "en"
    words = m.group(1).split()
    hit = unit_of(" ".join(words), lang) if len(words) > 1 else None
    hit = hit or unit_of(words[0], lang) or (unit_of(words[-1], lang) if len(words) > 1 else None)
    if not hit or hit[1] not in ("event", "article", "statement", "person", "car", "country", "city"):
        return None
    at = pct[0]["end"] + m.start(1)
    return {
        "start": at, "end": at + len(m.group(1)), "text": m.group(1), "value": None, "low": None, "high": None,
        "qualifier": "vague", "unit": hit[0], "category": hit[1], "language": lang, "pct_start": pct[0]["start"],
    }  # fmt: skip


def _number(q: dict[str, Any]) -> int | float | None:
    return q["value"] if q["value"] is not None else q["low"]


def annotate(doc: AnalysisDoc) -> list[dict[str, Any]]:
    """Every tally in the document, each with its parts and arithmetic check."""
    quantities = sorted(
        (q for q in doc.layers.get("quantities", []) if "start" in q), key=lambda q: q["start"]
    )
    if len(quantities) == 0 or not doc.text:
        return []
    places = [p for p in doc.layers.get("places", []) if isinstance(p, dict) and "start" in p]
    out: list[dict[str, Any]] = []
    # cheap stage: only paragraphs with a countable or percentage quantity are examined
    wanted = [q for q in quantities if _counted(q) is not None or q.get("unit") == "percent"]
    if not wanted:
        return []
    try:
        paras = doc.paragraphs
        starts = [p.start for p in paras]
        hit = sorted({bisect.bisect_right(starts, q["start"]) - 1 for q in wanted})
        all_sents = doc.sentences
        sent_starts = [s.start for s in all_sents]
        q_starts = [q["start"] for q in quantities]
        for pi in hit:
            if pi < 0:
                continue
            para = paras[pi]
            qs = quantities[bisect.bisect_left(q_starts, para.start) : bisect.bisect_left(q_starts, para.end)]
            sents = all_sents[
                bisect.bisect_left(sent_starts, para.start) : bisect.bisect_left(sent_starts, para.end)
            ]
            if qs and sents:
                out.extend(_paragraph(doc, sents, qs, places))
    except (ValueError, TypeError, KeyError, IndexError, ArithmeticError):  # never stop the pipeline
        pass
    out.sort(key=lambda t: t["evidence"]["start"])
    seen: dict[tuple, int] = {}
    for i, t in enumerate(out):
        key = (t["counted"], t["value"])
        if t["value"] is not None and key in seen:
            t["refers_to"] = seen[key]  # "Of the 71 events" restates an earlier total
        else:
            seen.setdefault(key, i)
    return out


def _partitive_from(text: str, start: int, end: int, found: list[int]) -> bool:
    """``_PARTITIVE.search(text[start:end])`` without scanning to the sentence's end each time.

    ``found`` holds where the pattern matches within the sentence; ``^`` matches only at the start
    of the slice, so that case is tried on a window longer than any of the keywords.
    """
    if found and found[-1] >= start:
        return True
    return bool(_PARTITIVE.match(text[start : min(end, start + 60)]))


def _sentence_of(sents: list, pos: int) -> int:
    for i, s in enumerate(sents):
        if s.start <= pos < s.end:
            return i
    return max(0, len(sents) - 1)


def _paragraph(doc: AnalysisDoc, sents: list, qs: list[dict[str, Any]], places: list) -> list[dict[str, Any]]:
    text = doc.text
    by_sent: dict[int, list[dict[str, Any]]] = {}
    for q in qs:
        by_sent.setdefault(_sentence_of(sents, q["start"]), []).append(q)
    used: set[int] = set()  # quantity starts already attached to a tally
    tallies: list[dict[str, Any]] = []
    totals: list[tuple[int, dict[str, Any], str]] = []  # (sentence index, quantity, reason)
    for si in sorted(by_sent):
        sq = by_sent[si]
        s = sents[si]
        stext = text[s.start : s.end]
        has_verb = bool(_AGG_VERBS.search(stext))
        residents = bool(_RESIDENTS.search(stext))
        partitive_at = [m.start() for m in _PARTITIVE_AT.finditer(text, s.start, s.end)]
        head_in_all = bool(_IN_ALL_HEAD.match(stext))
        next_head = text[sents[si + 1].start : sents[si + 1].start + 30] if si + 1 < len(sents) else ""
        found: list[tuple[int, dict[str, Any], str]] = []
        # items first (events, articles, ...); people, countries and cities only when no item total
        # is in the sentence, since there they are its scope ("in 26 countries", "25,000 participants")
        for tier in ("items", "scope"):
            if tier == "scope" and found:
                break
            for q in sq:
                kind = _counted(q)
                if kind is None or (q["qualifier"] == "vague" and kind != "event"):
                    continue
                if (kind in ("person", "country", "city")) != (tier == "scope"):
                    continue
                n = _number(q)
                if n is None or n < 2:
                    continue
                before = text[max(s.start, q["start"] - 40) : q["start"]]
                if _REMAINDER_NUM.search(before[-25:]) or _OTHER_AFTER.match(text, q["end"]):
                    continue  # "the remaining 15 events", "in 14 other countries": a remainder, not a total
                after = text[q["end"] : min(s.end, q["end"] + 50)]
                others = [o for o in sq if o is not q]
                scope_near = any(
                    o.get("category") in _SCOPE_KEYS
                    and o.get("category") != kind
                    and abs(o["start"] - q["start"]) < 90
                    and not _REMAINDER_NUM.search(text[max(s.start, o["start"] - 20) : o["start"]])
                    for o in others
                )
                in_all = bool(_IN_ALL_AFTER.match(after) or _IN_ALL_BEFORE.search(before)) or bool(
                    head_in_all and not any(o["start"] < q["start"] and _counted(o) for o in sq)
                )
                of_the = bool(_OF_THE_BEFORE.search(before))
                partitive = (
                    _partitive_from(text, q["end"], s.end, partitive_at)
                    or bool(_PARTITIVE.match(next_head))
                    # "30 тысяч человек: в Москве — 18 тысяч"; not "five countries: Ecuador (1), ..."
                    or (kind not in ("country", "city") and bool(_COLON_LIST.match(text, q["end"], s.end)))
                )
                has_more = bool(others) or bool(next_head)
                reason = None
                if kind == "person":
                    if residents:
                        continue  # "Germany is home to 250,000 people of Kestrian origin": a population
                    if scope_near or in_all or (partitive and has_more):
                        reason = "scope" if scope_near else "in_all" if in_all else "parts"
                elif kind in ("country", "city"):
                    if any(_counted(o) == "person" and o["start"] < q["start"] for o in others):
                        continue  # "90,000 people ... in 17 cities, including ...": the people's scope
                    if in_all or (partitive and has_more):
                        reason = "in_all" if in_all else "parts"
                elif scope_near:
                    reason = "scope"
                elif in_all:
                    reason = "in_all"
                elif of_the:
                    reason = "of_the"
                elif partitive and has_more:
                    reason = "parts"
                elif has_verb and kind in _AGGREGATE_ONLY and n >= 3:
                    reason = "verb"
                if reason:
                    found.append((si, q, reason))
        if not found:
            pct = _percent_total(text, s, sq)
            if pct:
                found.append((si, pct, "percent"))
        totals.extend(sorted(found, key=lambda t: t[1]["start"]))
    total_starts = {q["start"] for _si, q, _r in totals}
    for ti, (si, q, reason) in enumerate(totals):
        if q["start"] in used or q.get("pct_start") in used:
            continue  # already a part of an earlier total
        next_total = totals[ti + 1][1]["start"] if ti + 1 < len(totals) else None
        t = _build(doc, sents, by_sent, si, q, reason, next_total, total_starts, used, places)
        located = [p for p in t["parts"] if p["where"] or p.get("percent")]
        if reason == "parts" and (
            not located or (t["counted"] in ("person", "country", "city") and len(located) < 2)
        ):
            continue  # "nine civilians, among them two children": a breakdown of victims, not a tally
        tallies.append(t)
    return tallies


def _build(
    doc: AnalysisDoc,
    sents: list,
    by_sent: dict[int, list[dict[str, Any]]],
    si: int,
    total: dict[str, Any],
    reason: str,
    next_total: int | None,
    total_starts: set[int],
    used: set[int],
    places: list,
) -> dict[str, Any]:
    text = doc.text
    kind = _counted(total)
    used.add(total["start"])
    s = sents[si]
    scope: dict[str, Any] = {
        "countries": None,
        "languages": None,
        "cities": None,
        "days": None,
        "participants": None,
    }
    sq = by_sent.get(si, [])
    limit = next_total if next_total is not None and next_total < s.end else s.end
    floor = max([u for u in total_starts if s.start <= u < total["start"]], default=s.start)
    # scope: "in 26 countries", "in 20 languages", "with more than 25,000 participants", "in nine days"
    for o in sq:
        if o is total or o["start"] in used or o["start"] >= limit:
            continue
        cat = o.get("category")
        if o["start"] < floor or (o["start"] < total["start"] and floor == s.start and cat == "person"):
            continue
        key = _SCOPE_KEYS.get(cat or "")
        if key and cat != kind and scope[key] is None:
            if _REMAINDER_NUM.search(text[max(s.start, o["start"] - 20) : o["start"]]):
                continue  # "in 14 other countries" belongs to a remainder part
            scope[key] = _number(o)
            used.add(o["start"])
        elif o.get("unit") == "day" and scope["days"] is None:
            scope["days"] = _number(o)
            used.add(o["start"])
        elif cat == "person" and kind != "person" and scope["participants"] is None:
            if _where(text, o["end"], _next_start(sq, o, s.end), places, doc) is None:
                scope["participants"] = {
                    "low": o["low"],
                    "high": o["high"],
                    "value": o["value"],
                    "qualifier": o["qualifier"],
                    "text": o["text"],
                }
                used.add(o["start"])
    # parts: same sentence after the total, then following sentences of the paragraph
    parts: list[dict[str, Any]] = []
    last_sentence = si
    open_remainder = None
    candidates: list[tuple[int, dict[str, Any]]] = []
    before_total: list[dict[str, Any]] = []
    if reason == "of_the":
        # "9 out of 71 events": the number before "out of" is a part
        for o in sq:
            if o["end"] <= total["start"] and total["start"] - o["end"] <= 14 and o["start"] not in used:
                before_total.append(o)
    if reason == "in_all":
        before_total.extend(
            o
            for o in sq
            if o["end"] <= total["start"]
            and o["start"] not in used
            and o.get("category") in (None, total.get("category"))
        )
    for o in before_total:
        candidates.append((si, o))
    for o in sq:
        if o["start"] > total["start"] and o["start"] < limit:
            candidates.append((si, o))
    for sj in range(si + 1, min(si + 3, len(sents))):
        nq = by_sent.get(sj, [])
        if any(o["start"] in total_starts for o in nq):
            break
        head = text[sents[sj].start : sents[sj].start + 60]
        if not (
            any(o.get("unit") == "percent" for o in nq)
            or _PARTITIVE.search(head)
            or _REMAINDER_NUM.search(text[sents[sj].start : nq[0]["start"]] if nq else "")
            or (nq and _OPEN_REMAINDER.search(head))
        ):
            break
        candidates.extend((sj, o) for o in nq)
    total_cat = total.get("category")
    cands: list[tuple[int, dict[str, Any], bool, bool]] = []  # (sentence, quantity, percent, remainder)
    for sj, o in candidates:
        if o["start"] in used or o is total or any(o is c[1] for c in cands):
            continue
        cat = o.get("category")
        percent = o.get("unit") == "percent"
        if cat in _SCOPE_KEYS and cat != total_cat:
            continue
        if not (cat is None or percent or cat == total_cat or (total_cat == "event" and cat == "event")):
            continue
        pre = text[max(sents[sj].start, o["start"] - 25) : o["start"]]
        cands.append((sj, o, percent, bool(_REMAINDER_NUM.search(pre))))
    # a part's place follows its number ("12 in Germany") or precedes it ("İstanbul'da 35 bin",
    # "in Berlin 20.000", "в Москве — 1700"); the first part decides which way the list reads
    afters: list[dict[str, Any] | None] = []
    befores: list[dict[str, Any] | None] = []
    for sj, o, _pc, _rm in cands:
        sent, sq_j = sents[sj], by_sent.get(sj, [])
        window_end = _next_start(sq_j, o, sent.end)
        after = _where(text, o["end"], window_end, places, doc)
        if (
            after is not None
            and window_end < sent.end
            and _ADJACENT.fullmatch(text, after["_end"], window_end)
        ):
            after["_next"] = True  # "İstanbul'da 35 bin, Ankara'da 15 bin": Ankara is the next number's
        afters.append(after)
        lo = max([x["end"] for x in sq_j if x["end"] <= o["start"]], default=sent.start)
        befores.append(_where_before(text, max(lo, sent.start, o["start"] - 90), o["start"], places))
    located = [i for i, c in enumerate(cands) if not c[2] and not c[3]]
    place_first = bool(located) and befores[located[0]] is not None and afters[located[-1]] is None
    for i, (sj, o, percent, remainder) in enumerate(cands):
        after, before = afters[i], befores[i]
        if place_first:
            where = before or (after if after is not None and not after.get("_next") else None)
        else:
            where = after if after is not None and not after.get("_next") else before or after
        if where is None and not remainder and not percent and not (reason == "of_the" and o in before_total):
            continue
        if where is None and reason == "of_the" and o in before_total:
            where = _where(text, total["end"], sents[sj].end, places, doc)
        part: dict[str, Any] = {
            "value": _number(o),
            "where": where["name"] if where else None,
            "start": o["start"],
            "end": o["end"],
            "text": o["text"],
        }
        for key in ("country", "continent", "language"):
            if where and where.get(key):
                part[key] = where[key]
        if where and where.get("region"):
            part["region"] = True
        if percent:
            part["percent"] = True
        if remainder or (where and where["name"] == "elsewhere"):
            part["remainder"] = True
            if part["where"] is None:
                part["where"] = "elsewhere"
            follow = [
                x
                for x in by_sent.get(sj, [])
                if x["start"] > o["end"] and x.get("category") in _SCOPE_KEYS and x["start"] not in used
            ]
            if follow and follow[0]["start"] - o["end"] < 40:
                part["scope"] = {_SCOPE_KEYS[follow[0]["category"]]: _number(follow[0])}
                used.add(follow[0]["start"])
        parts.append(part)
        used.add(o["start"])
        last_sentence = max(last_sentence, sj)
    # an unnumbered remainder keeps the breakdown open; a numbered remainder, "all in", parts before
    # an "in all" total, or as many named places as the scope counts close it; otherwise it is open
    ev_start = min([sents[si].start] + [p["start"] for p in parts])
    ev_end = sents[last_sentence].end
    stretch = text[total["start"] : ev_end]
    m = _OPEN_REMAINDER.search(stretch)
    if m and not re.match(r"\s*\d", stretch[m.end() : m.end() + 4]):
        rest = _REMAINDER_WHERE.search(stretch, m.end())
        open_remainder = {
            "where": rest.group(1).strip() if rest else None,  # "Russia, the Middle East and Australia"
            "text": m.group().strip(" ,;"),
        }
    complete = _complete(text, total, parts, scope, reason, ev_end)
    partial = bool(parts) and not complete and not open_remainder
    check = _check(total, parts, open_remainder, partial, scope, reason)
    out: dict[str, Any] = {
        "counted": kind,
        "value": total["value"] if total["value"] is not None else None,
        "qualifier": total["qualifier"],
        "scope": scope,
        "parts": parts,
        "check": check,
        "evidence": doc.span(ev_start, ev_end),
        "total": {
            "start": total["start"],
            "end": total["end"],
            "text": total["text"],
            "low": total["low"],
            "high": total["high"],
        },
        "unit": total.get("unit"),
        "reason": reason,
    }
    if open_remainder:
        out["remainder"] = open_remainder
    pm = _PERIOD.search(text[sents[si].start : sents[si].end])
    if pm:
        out["period"] = pm.group()
    lang = total.get("language")
    if lang:
        out["language"] = lang
    return out


# region words a part can name ("40 in Europe", "в Европе", "Avrupa'da", "im Nahen Osten"): the places
# layer reads "America" in "North America" as the US, so tallies recognises them itself
_REGION_SRC = {
    "Europe|EU": "europe europa европа европе европы європа європі європи avrupa",
    "Asia|AS": "asia азия азии азія азії asya asie asien",
    "Africa|AF": "africa африка африке африки африці afrika afrique",
    "North America|NA": "north_america северная_америка северной_америке північна_америка північній_америці "
    "kuzey_amerika amérique_du_nord nordamerika",
    "South America|SA": "south_america южная_америка южной_америке південна_америка південній_америці "
    "güney_amerika amérique_du_sud südamerika",
    "Latin America|": "latin_america латинская_америка латинской_америке латинська_америка латинській_америці "
    "latin_amerika amérique_latine lateinamerika",
    "Oceania|OC": "oceania океания океании океанія океанії okyanusya océanie ozeanien",
    "Middle East|": "middle_east ближний_восток ближнем_востоке близький_схід близькому_сході orta_doğu ortadoğu "
    "moyen-orient nahen_osten naher_osten",
}
_REGIONS: dict[str, tuple[str, str | None]] = {
    form.replace("_", " "): (key.split("|")[0], key.split("|")[1] or None)
    for key, forms in _REGION_SRC.items()
    for form in forms.split()
}

# languages a part can name ("70 на русском", "60'ı Türkçe", "90 en français", "120 auf Deutsch")
_LANG_STEMS = {
    "en": "english английск англійськ ingiliz ingilis anglais englisch",
    "ru": "russian русск російськ rusça rus russe russisch",
    "uk": "ukrainian украинск українськ ukrayna ukrainien ukrainisch",
    "tr": "turkish турецк турецьк türk turc",
    "de": "german немецк німецьк alman allemand deutsch",
    "fr": "french французск французьк fransız français französisch",
    "es": "spanish испанск іспанськ ispanyol espagnol spanisch",
    "ar": "arabic арабск арабськ arap ərəb arabe arabisch",
    "zh": "chinese китайск китайськ çince chinois chinesisch",
    "az": "azerbaijani azeri азербайджанск азербайджанськ azerice azerbaycan azerbaïdjanais azéri "
    "aserbaidschanisch azərbaycan",
    "hy": "armenian армянск вірменськ ermeni arménien armenisch erməni",
    "ka": "georgian грузинск грузинськ gürcü géorgien georgisch",
    "it": "italian итальянск італійськ italyan italien",
    "pl": "polish польск польськ lehçe polonais polnisch",
    "fa": "persian farsi персидск перськ farsça persan persisch",
    "pt": "portuguese португальск португальськ portekiz portugais portugiesisch",
    "ja": "japanese японск японськ japon japanisch",
    "kk": "kazakh казахск казахськ kazak kasachisch",
    "he": "hebrew иврит ibranice hébreu hebräisch",
    "nl": "dutch нидерландск нідерландськ felemenk néerlandais niederländisch",
    "be": "belarusian белорусск білоруськ biélorusse belarussisch",
}
_LANG_CODE = sorted(
    ((stem, code) for code, stems in _LANG_STEMS.items() for stem in stems.split()), key=lambda x: -len(x[0])
)
_RU_L = "русск|английск|украинск|турецк|немецк|французск|испанск|арабск|китайск|азербайджанск|армянск|"
_RU_L += "грузинск|итальянск|польск|персидск|португальск|японск|казахск|белорусск|нидерландск"
_UK_L = "українськ|англійськ|російськ|турецьк|німецьк|французьк|іспанськ|арабськ|китайськ|азербайджанськ|"
_UK_L += "вірменськ|грузинськ|італійськ|польськ|перськ|португальськ|японськ|казахськ|білоруськ"
_DE_L = "deutsch|englisch|russisch|ukrainisch|türkisch|französisch|spanisch|arabisch|chinesisch|armenisch|"
_DE_L += (
    "aserbaidschanisch|georgisch|italienisch|polnisch|persisch|portugiesisch|japanisch|kasachisch|hebräisch"
)
_EN_L = "English|Russian|Ukrainian|Turkish|German|French|Spanish|Arabic|Chinese|Azerbaijani|Azeri|Armenian|"
_EN_L += "Georgian|Italian|Polish|Persian|Farsi|Portuguese|Japanese|Kazakh|Hebrew|Dutch|Belarusian"
_LANG_WHERE = (
    re.compile(
        rf"(?<!\w)in\s+(?:the\s+)?(?P<l>{_EN_L})(?:\s+language)?"
        r"(?=\s*(?:$|[,;.:)–—]|\s[-–—]|(?:and|or|only|were|was|are|each)\b))"
    ),
    re.compile(rf"(?<!\w)(?:на\s+(?P<l>(?:{_RU_L})(?:ом|их|ий|ой))|по-(?P<l2>(?:{_RU_L})и))(?!\w)", _I),
    re.compile(rf"(?<!\w)(?P<l>(?:{_UK_L})(?:ою|ій|их))(?!\w)", _I),
    re.compile(
        r"(?<![\w'’])(?P<l>Türkçe|İngilizce|Rusça|Almanca|Fransızca|İspanyolca|Arapça|Çince|Azerice|"
        r"Azerbaycanca|Ermenice|Gürcüce|İtalyanca|Lehçe|Farsça|Ukraynaca|Japonca|Kazakça|Portekizce|"
        r"İbranice|Felemenkçe|türkçe|ingilizce|rusça|almanca|fransızca|arapça)(?!\w)"
    ),
    re.compile(
        r"(?<!\w)en\s+(?P<l>français|anglais|russe|ukrainien|turc|allemand|espagnol|arabe|chinois|"
        r"azerbaïdjanais|azéri|arménien|géorgien|italien|polonais|persan|portugais|japonais|kazakh|hébreu|"
        r"néerlandais|biélorusse)(?!\w)",
        _I,
    ),
    re.compile(
        rf"(?<!\w)(?:auf|in)\s+(?P<l>(?:{_DE_L.title()}|Niederländisch)(?!\w)|(?:{_DE_L})er\s+Sprache)"
    ),
    re.compile(
        r"(?<!\w)(?P<l>(?:azərbaycan|rus|ingilis|türk|alman|fransız|ərəb|erməni|gürcü|ukrayna)\s+dilində|"
        r"azərbaycanca|rusca|ingiliscə|türkcə)(?!\w)",
        _I,
    ),
)
# what may stand between a place and the number it belongs to: "Ankara'da 15 bin", "в Москве — 1700"
_ADJACENT = re.compile(r"(?:['’]\w{1,3})?[\s:–—-]*")
# words that close a breakdown: "all in Europe", "all of them", "все они", "tamamı", "tous en"
_EXHAUSTIVE = re.compile(
    r"(?:^|\W)(?:all (?:of them |of which )?(?:in|at|(?:took place|were held|were) in)(?! all)|"
    r"все(?: они)?\s+(?:[—-]\s+)?(?:в|во|прошли в)|усі(?: вони)?\s+(?:[—-]\s+)?(?:в|у)|"
    r"всі(?: вони)?\s+(?:[—-]\s+)?(?:в|у)|hepsi|tamamı|"
    r"tou(?:te)?s (?:en|à|dans|au|aux)|alle(?: davon)? (?:in|im))(?=\W|$)",
    _I,
)
_ONLY_AFTER = re.compile(r"\s+(?:only|seulement|uniquement)(?=\W|$)", _I)


def _language(m: re.Match) -> dict[str, Any]:
    surface = m.group("l") if m.group("l") else m.group("l2")
    low = surface.lower().replace("i̇", "i")
    code = next((c for stem, c in _LANG_CODE if low.startswith(stem.replace("i̇", "i"))), None)
    return {"name": surface.strip(), "language": code}


def _region(name: str) -> dict[str, Any] | None:
    key = re.sub(r"^(?:the|der|die|den|dem|la|le|l['’])\s*", "", name.strip(), flags=_I).lower()
    hit = _REGIONS.get(re.sub(r"\s+", " ", key).replace("i̇", "i"))
    if hit is None:
        return None
    return {"name": name.strip(), "region": hit[0], "continent": hit[1]}


def _all_continents(parts: list[dict[str, Any]]) -> bool:
    return any(p.get("region") or _region(p["where"] or "") for p in parts)


def _next_start(sq: list[dict[str, Any]], o: dict[str, Any], default: int) -> int:
    for x in sq:
        if x["start"] > o["start"]:
            return min(x["start"], default)
    return default


def _where(text: str, start: int, end: int, places: list, doc: AnalysisDoc) -> dict[str, Any] | None:
    """The place (or language) a part is located in, read after its number: a language ("на
    русском"), a region ("North America"), a places-layer item, a capitalised name after a
    preposition, a Turkish locative ("Almanya'da"), or "elsewhere". ``_end`` is where it ends."""
    end = min(end, start + 80)
    lead = re.match(r"\s*[–—-]\s*", text[start:end])  # "19 — в Турции"
    if lead:
        start += lead.end()
    window = text[start:end]
    cut = re.search(
        r"[;.!?]|\s[–—]\s|,\s+(?:while|whereas|but|and the|тогда как|а |alors que|während|ancak)", window
    )
    if cut:
        window = window[: cut.start()]
        end = start + cut.start()
    langs = [m for rx in _LANG_WHERE for m in [rx.search(window)] if m]
    named = _PREP_WHERE.search(window) or _TR_WHERE.search(window)
    if langs:
        m = min(langs, key=lambda m: m.start())
        if named is None or m.start() <= named.start("w"):
            return {**_language(m), "_end": start + m.end()}
    found: dict[str, Any] | None = None
    m = _ELSEWHERE.search(window)
    if m:
        found = {"name": "elsewhere", "_end": start + m.end()}
    else:
        m = named
        if m:
            name = re.sub(r"\s+(?:and|und|et|и|і|ve|та)$", "", m.group("w")).strip()
            region = _region(name)
            if region:
                return {**region, "_end": start + m.end()}
            found = {"name": name, "_end": start + m.end()}
    for p in places:
        if start <= p["start"] < end:
            surface = p.get("text") or p.get("name") or ""
            if (
                found
                and found["name"] != "elsewhere"
                and surface != found["name"]
                and surface in found["name"]
            ):
                return found  # a longer name than the places layer saw
            if found is None or found["name"] != "elsewhere":
                return {
                    "name": surface,
                    "place": p.get("name"),
                    "country": p.get("country"),
                    "_end": max(p["end"], found["_end"] if found else 0),
                }
    return found


def _where_before(text: str, start: int, end: int, places: list) -> dict[str, Any] | None:
    """The place (or language) that directly precedes a number: "İstanbul'da 35 bin", "in Berlin
    20.000", "в Москве — 1700", "Türkçe 60"."""
    window = text[start:end]
    best: re.Match | None = None
    kind = ""
    for rx in (*_LANG_WHERE, _PREP_WHERE, _TR_WHERE):
        for m in rx.finditer(window):
            if _ADJACENT.fullmatch(window, m.end()) and (best is None or m.start() > best.start()):
                best, kind = m, ("lang" if rx in _LANG_WHERE else "place")
    if best is None:
        return None
    if kind == "lang":
        return _language(best)
    name = best.group("w").strip()
    region = _region(name)
    if region:
        return region
    at = start + best.start("w")
    for p in places:
        if at <= p["start"] < start + best.end():
            return {"name": p.get("text") or name, "place": p.get("name"), "country": p.get("country")}
    return {"name": name}


def _complete(
    text: str,
    total: dict[str, Any],
    parts: list[dict[str, Any]],
    scope: dict[str, Any],
    reason: str,
    end: int,
) -> bool:
    """Whether the breakdown claims to cover the whole total (then the parts must add up to it)."""
    if not parts or any(p.get("percent") for p in parts):
        return False
    if any(p.get("remainder") for p in parts):
        return True  # "... and 13 elsewhere", "the remaining 15 events"
    if reason == "in_all" and all(p["end"] <= total["start"] for p in parts):
        return True  # "12 in Germany, 9 in France and 50 elsewhere – 71 events in all"
    first = min(p["start"] for p in parts)
    for m in _EXHAUSTIVE.finditer(text, min(total["end"], first), end):
        named = re.split(r"[:;.!?]", text[m.end() : end], maxsplit=1)[0]
        if all(p["where"] and p["where"] in named for p in parts):
            return True  # "71 events, all in Germany and France: 40 in Germany and 31 in France"
    last = max(parts, key=lambda p: p["start"])
    tail = text[last["end"] : end]
    if any(
        _ONLY_AFTER.match(tail, m.end()) for rx in (_PREP_WHERE, _TR_WHERE) for m in [rx.match(tail)] if m
    ):
        return True  # "of which 40 in Europe and 31 in Asia only"
    langs = [p for p in parts if p.get("language")]
    if langs and len(langs) == len(parts) == scope.get("languages"):
        return True  # "in 2 languages: 70 in Russian and 50 in English"
    placed = [p for p in parts if p["where"] and not p.get("language") and not p.get("region")]
    return (
        bool(placed)
        and len(placed) == len(parts)
        and len(parts) in (scope.get("countries"), scope.get("cities"))
    )


def _fmt(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"


def _check(
    total: dict[str, Any],
    parts: list[dict[str, Any]],
    open_remainder: dict[str, Any] | None,
    partial: bool,
    scope: dict[str, Any],
    reason: str,
) -> dict[str, str]:
    """Complete breakdowns must add up (within the total's hedge); open ones must fit in the total."""
    if not parts:
        return {"status": "unchecked", "detail": "no parts stated"}
    pct = [p for p in parts if p.get("percent")]
    if pct:
        ps = sum(p["value"] or 0 for p in pct)
        if ps > 100:
            return {
                "status": "inconsistent",
                "detail": f"percentages sum to {_fmt(ps)}%, more than 100% (+{_fmt(ps - 100)})",
            }
        return {"status": "consistent", "detail": f"percentages sum to {_fmt(ps)}% (<= 100%)"}
    value = total["value"]
    if value is None:
        value = total["high"]
    if value is None:
        return {"status": "unchecked", "detail": "the total is not a definite number"}
    ps = sum(p["value"] or 0 for p in parts)
    diff = ps - value
    sign = f"+{_fmt(diff)}" if diff > 0 else _fmt(diff)
    qual = total["qualifier"]
    stated = f"{qual.replace('_', ' ')} {_fmt(value)}" if qual not in ("exact", "vague") else _fmt(value)
    extra = _country_check(parts, scope)
    if reason == "of_the" and len(parts) == 1 and not open_remainder:
        if ps > value:
            return {
                "status": "inconsistent",
                "detail": f"a subset of {_fmt(ps)} is larger than its total {_fmt(value)} ({sign})",
            }
        return {"status": "consistent", "detail": f"subset {_fmt(ps)} <= total {_fmt(value)}"}
    if open_remainder or partial:
        why = "an unnumbered remainder" if open_remainder else "a partial list (nothing says it is complete)"
        fits = ps <= value or qual in ("more_than", "at_least") or (qual == "about" and diff <= 0.05 * value)
        if not fits:
            return {
                "status": "inconsistent",
                "detail": f"parts sum to {_fmt(ps)}, total is {stated} ({sign}); with {why} "
                "the parts can only be checked to be <= the total",
            }
        if diff == 0:
            head = f"parts sum to {_fmt(ps)} = total {_fmt(value)}"
        elif diff < 0:
            rest = {"more_than": "more than ", "at_least": "at least ", "about": "about "}.get(qual, "")
            head = (
                f"parts sum to {_fmt(ps)}, within the total of {stated}; {rest}{_fmt(-diff)} not broken down"
            )
        elif qual == "about":
            head = f"parts sum to {_fmt(ps)}, total is {stated} ({sign}, within the 5% an approximate total allows)"
        else:
            head = f"parts sum to {_fmt(ps)}, total is {stated}, so they fit"
        return {
            "status": "consistent",
            "detail": f"{head}; with {why} only parts <= total can be checked{extra}",
        }
    if diff == 0:
        return {"status": "consistent", "detail": f"parts sum to {_fmt(ps)} = total {_fmt(value)}{extra}"}
    if (qual in ("more_than", "at_least") and diff > 0) or (qual in ("at_most", "less_than") and diff < 0):
        return {"status": "consistent", "detail": f"parts sum to {_fmt(ps)}, total is {stated}{extra}"}
    if qual in ("about", "vague") and abs(diff) <= 0.05 * value:
        return {
            "status": "consistent",
            "detail": f"parts sum to {_fmt(ps)}, total is {stated} ({sign}){extra}",
        }
    return {
        "status": "inconsistent",
        "detail": f"parts sum to {_fmt(ps)}, total is {stated} ({sign}); the list is complete, so the "
        f"parts must add up to the total{extra}",
    }


def _country_check(parts: list[dict[str, Any]], scope: dict[str, Any]) -> str:
    """'; countries 3 named + 14 other = 17' when the remainder states its own country count."""
    n = scope.get("countries")
    if not n:
        return ""
    named = [p for p in parts if not p.get("remainder") and p["where"] and p["where"] != "elsewhere"]
    rest = sum((p.get("scope") or {}).get("countries") or 0 for p in parts if p.get("remainder"))
    if not rest or _all_continents(parts):
        return ""
    got = len(named) + rest
    mark = "=" if got == n else "!="
    return f"; countries {len(named)} named + {_fmt(rest)} other = {_fmt(got)} {mark} {_fmt(n)}"
