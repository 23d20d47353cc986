"""The document every annotator reads: text, language, publication date, segments, earlier layers.

Annotators never touch the database: they read an ``AnalysisDoc`` and return items whose
``start``/``end`` are character offsets into ``doc.text`` (and ``text == doc.text[start:end]``).
"""

from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from infoscope.analyze.segment import Segment, paragraphs, sentences


@dataclass
class AnalysisDoc:
    text: str
    id: str = ""
    source: str = ""  # the path or URL the document was read from
    language: str | None = None  # ISO 639-1 of the whole document
    published: dt.datetime | None = None  # anchors relative dates ("on Saturday")
    layers: dict[str, Any] = field(default_factory=dict)  # annotator name -> its output
    _sentences: list[Segment] | None = field(default=None, repr=False)
    _paragraphs: list[Segment] | None = field(default=None, repr=False)
    _starts: list[int] | None = field(default=None, repr=False)
    _para_langs: tuple[list[Any], list[int]] | None = field(default=None, repr=False)

    @property
    def paragraphs(self) -> list[Segment]:
        if self._paragraphs is None:
            self._paragraphs = paragraphs(self.text)
        return self._paragraphs

    @property
    def sentences(self) -> list[Segment]:
        if self._sentences is None:
            self._sentences = [s for p in self.paragraphs for s in sentences(self.text, p)]
        return self._sentences

    def sentence_at(self, offset: int) -> Segment | None:
        """The sentence containing character ``offset``."""
        if self._starts is None:
            self._starts = [s.start for s in self.sentences]
        i = bisect.bisect_right(self._starts, offset) - 1
        if i >= 0 and self.sentences[i].start <= offset < self.sentences[i].end:
            return self.sentences[i]
        return None

    def span(self, start: int, end: int) -> dict[str, Any]:
        """An evidence dict for a stretch of text, with the quote."""
        return {"start": start, "end": end, "text": self.text[start:end]}

    def language_at(self, offset: int) -> str | None:
        """The language of the paragraph holding ``offset`` (documents can mix languages).

        Found by bisection: a scan of every paragraph per call made long documents quadratic.
        """
        paras = self.layers.get("paragraph_languages") or []
        if self._para_langs is None or self._para_langs[0] is not paras:
            self._para_langs = (paras, [p["start"] for p in paras])
        i = bisect.bisect_right(self._para_langs[1], offset) - 1
        if i >= 0 and paras[i]["start"] <= offset < paras[i]["end"]:
            return paras[i]["language"] or self.language
        return self.language
