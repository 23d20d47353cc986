"""Analysing files or URLs directly, without a database: the engine of ``analyze FILE... --json``.

Inputs are read by the same readers as ``ingest``; every document yields one JSON object, in
input order. An input that gives no document yields an object with ``error`` instead, so the
output still has a line for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from infoscope import language as langid
from infoscope.analyze.document import AnalysisDoc
from infoscope.analyze.pipeline import run, to_json
from infoscope.ingest.records import Duplicate, Problem
from infoscope.ingest.run import IngestOptions, document_id, expand_inputs, normalised_text, read_input


def analyze_inputs(
    inputs: Iterable[str], opts: IngestOptions | None = None, *, with_text: bool = False
) -> Iterator[dict[str, Any]]:
    opts = opts or IngestOptions()
    for given in expand_inputs(inputs):
        if isinstance(given, Problem):
            yield {"id": None, "source": given.origin, "error": given.reason}
            continue
        for item in read_input(given, opts, known_url=lambda _url: False):
            if isinstance(item, Problem | Duplicate):
                yield {"id": None, "source": item.origin, "error": item.reason}
                continue
            source = given if item.origin == given else item.origin
            try:
                text = normalised_text(item.text)
                doc = AnalysisDoc(
                    text=text,
                    id=document_id(item, opts),
                    source=source,
                    language=langid.normalise_code(item.language),
                    published=item.published_at,
                )
                obj = to_json(run(doc))
                if with_text:
                    obj["text"] = text
                yield obj
            except Exception as exc:  # one document's failure is reported on its own line
                yield {"id": None, "source": source, "error": f"{type(exc).__name__}: {exc}"}
