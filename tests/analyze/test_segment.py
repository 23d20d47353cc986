"""Paragraph and sentence segmentation as offsets, in several languages."""

from __future__ import annotations

import pytest

from infoscope.analyze.segment import paragraphs, sentences


def split(text: str) -> list[str]:
    return [text[s.start : s.end] for p in paragraphs(text) for s in sentences(text, p)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mr. Smith said 5,000 people came. Police said 1.5 thousand!",
            ["Mr. Smith said 5,000 people came.", "Police said 1.5 thousand!"],
        ),
        (
            "Am 12. Juli 2024 fand eine Kundgebung statt. Die Polizei zählte 300 Menschen.",
            ["Am 12. Juli 2024 fand eine Kundgebung statt.", "Die Polizei zählte 300 Menschen."],
        ),
        (
            "Fighting began on Saturday, July 13. Kestria said it returned fire.",
            ["Fighting began on Saturday, July 13.", "Kestria said it returned fire."],
        ),
        ("В 2024 г. было так. «Цитата,» — сказал он.", ["В 2024 г. было так.", "«Цитата,» — сказал он."]),
        (
            "İstanbul'da miting yapıldı. Polis 12 kişiyi gözaltına aldı.",
            ["İstanbul'da miting yapıldı.", "Polis 12 kişiyi gözaltına aldı."],
        ),
        (
            "Title\n\nFirst paragraph.\nSecond paragraph. Two sentences.",
            ["Title", "First paragraph.", "Second paragraph.", "Two sentences."],
        ),
    ],
)
def test_sentences(text, expected):
    assert split(text) == expected


def test_offsets_are_into_the_text():
    text = "  Leading space. Trailing space.  \n\n  Next.  "
    for p in paragraphs(text):
        for s in sentences(text, p):
            assert text[s.start : s.end] == text[s.start : s.end].strip() != ""
