"""HTML pages: main text, title, author and date through trafilatura."""

from __future__ import annotations

from collections.abc import Iterator

import trafilatura

from infoscope.analyze.limits import AnalysisTimeout, deadline
from infoscope.ingest.dates import parse_published
from infoscope.ingest.decode import decode
from infoscope.ingest.records import IncomingDocument, Problem

TIME_LIMIT = 120.0  # seconds for one page; a 5 MB page takes a few


def read_html(
    data: bytes, origin: str, url: str | None = None, charset: str | None = None
) -> Iterator[IncomingDocument | Problem]:
    markup = decode(data, charset)
    try:
        with deadline(TIME_LIMIT, "extracting the page's text"):  # hostile markup must not stall a batch
            result = trafilatura.bare_extraction(
                markup,
                url=url,
                with_metadata=True,
                include_comments=False,
                include_tables=True,
                date_extraction_params={
                    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
                    "original_date": True,
                    "extensive_search": True,
                },
            )
    except AnalysisTimeout as exc:
        yield Problem(origin, str(exc))
        return
    text = getattr(result, "text", None) if result is not None else None
    if not text or not text.strip():
        yield Problem(origin, "no main text found in the HTML page", failed=False)
        return
    canonical = getattr(result, "url", None)
    yield IncomingDocument(
        origin=origin,
        text=text,
        title=getattr(result, "title", None),
        author=getattr(result, "author", None),
        published_at=parse_published(getattr(result, "date", None)),
        language=getattr(result, "language", None),
        url=url or (canonical if canonical and canonical.startswith("http") else None),
        source_name=getattr(result, "sitename", None),
        raw=data,
        media_type="text/html",
        meta={"hostname": getattr(result, "hostname", None)} if getattr(result, "hostname", None) else {},
    )
