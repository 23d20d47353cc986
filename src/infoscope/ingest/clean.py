"""Making incoming strings storable: no NUL characters, no lone surrogates.

PostgreSQL refuses NUL in text columns, and a lone surrogate (``"\\ud800"`` in a JSON string)
cannot be encoded as UTF-8 by either back end, so one such character used to cost the whole
document. Each is replaced by U+FFFD, the usual mark of a character that could not be read.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, TypeVar

from infoscope.ingest.records import IncomingDocument, SourceInfo

_BAD = re.compile("[\x00\ud800-\udfff]")
T = TypeVar("T")


def clean_str(s: str) -> str:
    """``s`` with NUL and lone surrogates replaced; the same object when it has none (the usual case)."""
    if "\x00" not in s:
        try:
            s.encode("utf-8")
            return s
        except UnicodeEncodeError:
            pass
    return _BAD.sub("\ufffd", s)


def clean_value(v: T) -> T:
    """Strings inside JSON-like values (dict keys included) cleaned."""
    if isinstance(v, str):
        return clean_str(v)  # type: ignore[return-value]
    if isinstance(v, dict):
        return {clean_value(k): clean_value(x) for k, x in v.items()}  # type: ignore[return-value]
    if isinstance(v, list | tuple):
        return type(v)(clean_value(x) for x in v)  # type: ignore[return-value]
    return v


def clean_document(doc: IncomingDocument) -> IncomingDocument:
    """The document with every string field storable (unchanged fields are not copied)."""
    changes: dict[str, Any] = {}
    for f in ("origin", "text", "title", "author", "language", "url", "source_name"):
        v = getattr(doc, f)
        if isinstance(v, str) and clean_str(v) is not v:
            changes[f] = clean_str(v)
    if doc.meta:
        changes["meta"] = clean_value(doc.meta)
    if doc.source is not None:
        fixed = {
            f.name: clean_str(getattr(doc.source, f.name))
            for f in dataclasses.fields(SourceInfo)
            if isinstance(getattr(doc.source, f.name), str)
        }
        changes["source"] = dataclasses.replace(doc.source, **fixed)
    return dataclasses.replace(doc, **changes) if changes else doc
