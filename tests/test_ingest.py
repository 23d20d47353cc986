"""Ingestion through the CLI entry point: real files, real stores, every reader."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select

from conftest import run_cli, shared
from infoscope.ingest.run import IngestOptions, ingest
from infoscope.model import Document, Source
from infoscope.store import open_store

FEED = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Harbour Wire</title><link>https://harbour-wire.example/</link>
<item><title>Rally in Hamburg</title><link>https://harbour-wire.example/a/1</link>
<pubDate>Sat, 20 Jul 2024 16:00:00 +0200</pubDate><description>About 2,000 people gathered.</description></item>
<item><title>Car march in Berlin</title><link>https://harbour-wire.example/a/2</link>
<pubDate>Sun, 21 Jul 2024 10:00:00 GMT</pubDate><description>&lt;p&gt;Dozens of cars drove through
 the city.&lt;/p&gt;</description></item>
</channel></rss>"""

HTML = b"""<!doctype html><html><head><title>Site | Clashes</title>
<meta property="og:title" content="Clashes outside the embassy">
<meta name="author" content="Ana Petrova"><meta property="article:published_time" content="2024-07-22T09:00:00Z">
<link rel="canonical" href="https://daily.example/clashes"></head>
<body><nav><a href="/">Home</a> <a href="/world">World</a></nav>
<article><h1>Clashes outside the embassy</h1>
<p>Two people were injured on Monday when supporters of both sides clashed outside the embassy in Vienna.</p>
<p>Police said they detained 14 people and that the crowd numbered about 300 at its peak.</p>
<p>Organisers of the first rally had registered 150 participants with the city authorities.</p></article>
<footer>Copyright Daily Example. Subscribe to our newsletter.</footer></body></html>"""


def count_docs(db: str) -> int:
    s = open_store(db)
    with s.sessions() as ses:
        n = ses.scalar(select(func.count()).select_from(Document))
    s.close()
    return n


def test_ptc_train_articles_ingest_once(db_url):
    articles = shared("ptc", "train-articles")
    first = run_cli("ingest", str(articles), "--json", db=db_url)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout)["ingested"] == 371
    second = run_cli("ingest", str(articles), "--json", db=db_url)
    summary = json.loads(second.stdout)
    assert second.returncode == 0
    assert (summary["ingested"], summary["duplicates"]) == (0, 371)
    assert count_docs(db_url) == 371


def test_every_format_in_one_batch_with_bad_inputs(tmp_path: Path, store):
    d = tmp_path / "in"
    (d / "sub").mkdir(parents=True)
    (d / "a.md").write_text(
        "---\ntitle: Vigil in Lyon\nsource: Rhone Post\nurl: https://rhone.example/v\n"
        "published: 2024-07-19T20:00:00+02:00\nlanguage: fr\n---\n"
        "Une veillée a réuni environ 500 personnes à Lyon vendredi soir.\n",
        encoding="utf-8",
    )
    (d / "sub" / "b.txt").write_bytes(
        "Митинг в Москве собрал несколько тысяч человек в субботу.".encode("cp1251")
    )
    (d / "c.html").write_bytes(HTML)
    (d / "d.xml").write_bytes(FEED)
    (d / "e.jsonl").write_text(
        json.dumps(
            {
                "headline": "Kundgebung in Köln",
                "article_body": "Rund 800 Menschen kamen am Samstag.",
                "outlet": "Rhein Blatt",
                "date": "2024-07-20",
            }
        )
        + "\n{broken json\n"
        + json.dumps({"headline": "Empty", "article_body": "  "})
        + "\n",
        encoding="utf-8",
    )
    (d / "f.csv").write_text(
        "title,body,link\nMarch in Paris,Des milliers de personnes ont défilé.,https://p.example/1\n",
        encoding="utf-8",
    )
    (d / "g.bin").write_bytes(bytes(range(256)) * 8)
    (d / "h.txt").write_bytes(b"   \n")
    (d / ".hidden.txt").write_text("not ingested")
    opts = IngestOptions(mapping={"title": "headline", "text": "article_body"})
    summary = ingest(store, [str(d), str(tmp_path / "missing.txt")], opts)
    assert summary.ingested == 7  # a.md, b.txt, c.html, 2 feed items, 1 jsonl line, 1 csv row
    assert summary.failed == 2  # broken JSON line, missing file
    assert summary.skipped == 3  # empty jsonl text, binary file, empty file
    reasons = {r for (_s, r) in summary.reasons}
    assert "no such file or directory" in reasons and "empty" in reasons
    assert any(r.startswith("binary content") for r in reasons)
    with store.sessions() as s:
        docs = {d.origin: d for d in s.scalars(select(Document))}
        sources = {x.id: x for x in s.scalars(select(Source))}
    md = docs[str(d / "a.md")]
    assert md.title == "Vigil in Lyon" and md.language == "fr" and md.url == "https://rhone.example/v"
    assert md.text.startswith("Une veillée") and md.published_at.isoformat() == "2024-07-19T18:00:00"
    assert sources[md.source_id].name == "Rhone Post"
    ru = docs[str(d / "sub" / "b.txt")]
    assert ru.text.startswith("Митинг в Москве") and ru.language == "ru"
    assert ru.raw == "Митинг в Москве собрал несколько тысяч человек в субботу.".encode("cp1251")
    page = docs[str(d / "c.html")]
    assert (
        "Two people were injured" in page.text and "newsletter" not in page.text and "Home" not in page.text
    )
    assert page.author == "Ana Petrova" and page.published_at.isoformat() == "2024-07-22T09:00:00"
    items = [doc for o, doc in docs.items() if o.startswith(str(d / "d.xml"))]
    assert {i.url for i in items} == {"https://harbour-wire.example/a/1", "https://harbour-wire.example/a/2"}
    assert all(sources[i.source_id].name == "Harbour Wire" for i in items)
    assert any("Dozens of cars" in i.text and "<p>" not in i.text for i in items)
    assert all(i.raw and i.raw.lstrip().startswith(b"<item") for i in items)
    hamburg = next(i for i in items if "Hamburg" in i.text)
    assert hamburg.published_at.isoformat() == "2024-07-20T14:00:00"
    jl = next(doc for o, doc in docs.items() if o.endswith("e.jsonl#L1"))
    assert jl.title == "Kundgebung in Köln" and sources[jl.source_id].name == "Rhein Blatt"
    assert jl.meta == {}
    row = next(doc for o, doc in docs.items() if o.endswith("f.csv#row2"))
    assert row.url == "https://p.example/1" and row.title == "March in Paris"


def test_reingesting_and_exact_copies(tmp_path: Path, store):
    a = tmp_path / "a.txt"
    a.write_text("Same words.\n")
    b = tmp_path / "b.txt"
    b.write_text("Same   words.")  # same text once whitespace is normalised
    s1 = ingest(store, [str(a), str(b)])
    assert (s1.ingested, s1.duplicates) == (1, 1)
    # the same text from another outlet is another publication, kept for coordination analysis
    s2 = ingest(store, [str(a)], IngestOptions(source="Other Outlet"))
    assert s2.ingested == 1


def test_exit_codes_and_one_line_errors(tmp_path: Path, sqlite_url):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine document"}\nnot json\n')
    r = run_cli("ingest", str(bad), db=sqlite_url)
    assert r.returncode == 1
    assert "ingested 1" in r.stdout and "failed 1" in r.stdout
    assert "Traceback" not in r.stderr
    usage = run_cli("ingest", db=sqlite_url)
    assert usage.returncode == 2
    mapped = run_cli("ingest", str(bad), "--map", "nonsense", db=sqlite_url)
    assert mapped.returncode == 2 and mapped.stderr.strip().count("\n") == 0
    assert "FIELD=COLUMN" in mapped.stderr
    nodb = run_cli("ingest", str(bad), db="sqlite:////no/such/dir/x.db")
    assert nodb.returncode == 1 and "Traceback" not in nodb.stderr
    assert nodb.stderr.strip().startswith("error:") and "\n" not in nodb.stderr.strip()
    debug = run_cli("--debug", "ingest", str(bad), db="sqlite:////no/such/dir/x.db")
    assert "Traceback" in debug.stderr


def test_stdin(sqlite_url):
    r = run_cli(
        "ingest",
        "-",
        "--source",
        "Reader Mail",
        db=sqlite_url,
        stdin=b"A statement by the community council of Brussels.",
    )
    assert r.returncode == 0 and "ingested 1" in r.stdout


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802
        if self.path == "/redirect":
            self.send_response(302)
            self.send_header("Location", "/page")
            self.end_headers()
            return
        if self.path == "/feed":
            body, ctype = FEED, "application/rss+xml"
        elif self.path == "/big":
            body, ctype = b"x" * 3_000_000, "text/plain"
        else:
            body, ctype = HTML, "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the fetcher stopped at its size limit and hung up, as it should

    def log_message(self, *args) -> None:  # noqa: ANN002
        pass


@pytest.fixture
def local_server():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield f"http://127.0.0.1:{srv.server_address[1]}"
    srv.shutdown()


def test_urls_refuse_private_addresses_unless_allowed(local_server, store):
    refused = ingest(store, [f"{local_server}/page"])
    assert refused.failed == 1
    assert any("non-public address 127.0.0.1" in r for (_s, r) in refused.reasons)
    opts = IngestOptions(allow_private=True)
    got = ingest(store, [f"{local_server}/page", f"{local_server}/feed", f"{local_server}/redirect"], opts)
    assert got.ingested == 3  # the page, two feed items; the redirect lands on the same page text
    again = ingest(store, [f"{local_server}/page"], opts)
    assert (again.ingested, again.duplicates) == (0, 1)
    big = ingest(store, [f"{local_server}/big"], IngestOptions(allow_private=True, max_file_bytes=1_000_000))
    assert big.failed == 1 and any("too large" in r for (_s, r) in big.reasons)
    with store.sessions() as s:
        urls = set(s.scalars(select(Document.url)))
    assert f"{local_server}/page" in urls
