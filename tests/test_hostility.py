"""Hostile generalisations: a whole people or religion blamed, whichever it is; governments are fair game."""

from __future__ import annotations

import itertools

import pytest

from infoscope.analyze.hostility import find_hostile


def flagged(sentence: str, lang: str = "en") -> bool:
    return bool(find_hostile(sentence, [(0, len(sentence))], lang))


POSITIVES = [
    ("en", "The Kestrians once again showed their deceitful nature."),
    ("en", "Armenians are all liars."),
    ("en", "Every Russian is a spy."),
    ("en", "The Jews are to blame for the war."),
    ("ru", "армяне всегда лгут"),
    ("ru", "Все азербайджанцы — предатели."),
    ("ru", "Украинцы по своей природе воры."),
    ("fr", "Les Valdoriens sont tous des menteurs."),
    ("de", "Die Russen sind alle Lügner."),
    ("tr", "Ermeniler hainlik yapmaya devam ediyor."),
    ("uk", "Росіяни завжди брешуть."),
]

NEGATIVES = [
    ("en", "The Kestrian government lied."),
    ("en", "The army shelled the village."),
    ("en", "President X is a liar."),
    ("en", "Many Azerbaijanis fled the region after the fighting."),
    ("en", "Armenians celebrated Easter on Sunday."),
    ("en", "Not all Armenians are liars."),
    ("en", "Hamas fighters are to blame for the massacre, the report concluded."),
    ("ru", "Правительство Азербайджана солгало о потерях."),
    ("ru", "Армия обстреляла село."),
    ("ru", "Президент Х — лжец."),
    ("ru", "Русские военные заявили об отводе войск."),
    ("fr", "Le gouvernement valdorien a menti."),
    ("tr", "Ermenistan hükümeti açıklama yaptı."),
]


@pytest.mark.parametrize(("lang", "sentence"), POSITIVES)
def test_generalisation_about_a_people_is_flagged(lang: str, sentence: str) -> None:
    items = find_hostile(sentence, [(0, len(sentence))], lang)
    assert items, sentence
    item = items[0]
    assert item["technique"] == "Hostile_Generalization"
    assert item["text"] == sentence[item["start"] : item["end"]]
    assert item["group"] and 0 < item["score"] <= 1


@pytest.mark.parametrize(("lang", "sentence"), NEGATIVES)
def test_criticism_of_governments_armies_persons_is_not_flagged(lang: str, sentence: str) -> None:
    assert not flagged(sentence, lang), sentence


def test_named_group_is_reported() -> None:
    s = "Армяне всегда лгут."
    assert find_hostile(s, [(0, len(s))], "ru")[0]["group"] == "Armenians"


def test_they_refers_to_the_people_named_before() -> None:
    text = "Valdorians crossed the river again. They are all provocateurs."
    second = text.index("They")
    items = find_hostile(text, [(0, second - 1), (second, len(text))], "en")
    assert [(i["start"], i["group"]) for i in items] == [(second, "Valdorians")]
    # but "they" after a government is not a people
    text2 = "The Valdorian government met on Monday. They are all provocateurs."
    s2 = text2.index("They")
    assert find_hostile(text2, [(0, s2 - 1), (s2, len(text2))], "en") == []


def test_offsets_inside_a_longer_text() -> None:
    text = "Talks resumed in Geneva. Georgians are all traitors, he wrote. The army withdrew."
    spans = [(0, 24), (25, 62), (63, len(text))]
    items = find_hostile(text, spans, "en")
    assert [(i["start"], i["end"]) for i in items] == [(25, 62)]
    assert items[0]["text"] == text[25:62]


EN_GROUPS = ["Armenians", "Azerbaijanis", "Russians", "Ukrainians", "Valdorians", "Kestrians", "Jews", "Muslims",
             "Christians", "Georgians", "Turks", "Kurds", "Arabs", "Israelis", "Palestinians", "Serbs", "Albanians",
             "Chechens", "Poles", "Americans", "Germans"]  # fmt: skip
EN_TEMPLATES = [
    ("{G} are all liars.", True),
    ("{G} have always been treacherous.", True),
    ("{G} are by nature violent.", True),
    ("As a people, {G} are cruel and bloodthirsty.", True),
    ("{G} are savages.", True),
    ("{G} are to blame for the war.", True),
    ("{G} never keep their word, it is in their blood.", True),
    ("{G} celebrated the anniversary on Sunday.", False),
    ("Many {G} fled the region after the shelling.", False),
    ("Three {G} were killed in the strike.", False),
    ("{G} and their neighbours met to discuss peace.", False),
    ("The government said {G} living abroad may vote.", False),
    ("Not all {G} are liars.", False),
]
RU_GROUPS = ["армяне", "азербайджанцы", "русские", "украинцы", "грузины", "евреи", "мусульмане", "чеченцы", "поляки",
             "немцы", "американцы", "турки", "кестрийцы", "валдорийцы"]  # fmt: skip
RU_TEMPLATES = [
    ("{G} всегда лгут.", True),
    ("Все {G} — предатели.", True),
    ("{G} по своей природе воры.", True),
    ("{G} — это варвары и дикари.", True),
    ("{G} виноваты во всех наших бедах.", True),
    ("{G} никогда не держат слово.", True),
    ("{G} отметили праздник в воскресенье.", False),
    ("Многие {G} покинули город после обстрелов.", False),
    ("{G} и их соседи обсудили мирный договор.", False),
    ("Не все {G} лгут.", False),
]


@pytest.mark.parametrize(
    ("lang", "template", "expected", "groups"),
    [("en", t, e, EN_GROUPS) for t, e in EN_TEMPLATES] + [("ru", t, e, RU_GROUPS) for t, e in RU_TEMPLATES],
)
def test_swapping_the_group_never_changes_the_label(
    lang: str, template: str, expected: bool, groups: list
) -> None:
    labels = {
        g: flagged(template.format(G=g[0].upper() + g[1:] if template.startswith("{G}") else g), lang)
        for g in groups
    }
    assert set(labels.values()) == {expected}, {g: v for g, v in labels.items() if v != expected}


def test_swap_pairs_are_symmetric_in_mixed_sentences() -> None:
    pairs = [
        ("Armenians", "Azerbaijanis"),
        ("Russians", "Ukrainians"),
        ("Valdorians", "Kestrians"),
        ("Jews", "Muslims"),
    ]
    frames = [
        "The {A} say the {B} are all liars.",
        "Unlike the {A}, {B} have always been traitors.",
        "The {A} government accused {B} officials of lying.",
        "{A} and {B} signed the ceasefire.",
    ]
    for (a, b), frame in itertools.product(pairs, frames):
        assert flagged(frame.format(A=a, B=b)) == flagged(frame.format(A=b, B=a)), (frame, a, b)
