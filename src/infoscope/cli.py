"""The ``infoscope`` command: a thin layer over the library's functions.

Errors a user can cause print one coloured line (and a traceback only with ``--debug``).
Exit codes: 0 success, 1 something failed, 2 usage error.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from infoscope import __version__
from infoscope.errors import InfoscopeError, UsageError
from infoscope.jobs import JobRun, job
from infoscope.store import Store, open_store

app = typer.Typer(
    name="infoscope",
    help="An observatory for information campaigns: an evidence-backed ledger of events, counts and claims.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
db_app = typer.Typer(help="Database schema commands.", no_args_is_help=True)
app.add_typer(db_app, name="db")
events_app = typer.Typer(help="Event typing.", no_args_is_help=True)
app.add_typer(events_app, name="events")
techniques_app = typer.Typer(
    help="Propaganda and persuasion techniques, in the shared tasks' file formats.", no_args_is_help=True
)
app.add_typer(techniques_app, name="techniques")
claims_app = typer.Typer(help="Check-worthy claims.", no_args_is_help=True)
app.add_typer(claims_app, name="claims")
factchecks_app = typer.Typer(
    help="Earlier fact-checks: import and match claims to them.", no_args_is_help=True
)
app.add_typer(factchecks_app, name="factchecks")

out = Console()
err = Console(stderr=True)


class State:
    db: str | None = None
    debug: bool = False


state = State()


def version_callback(value: bool) -> None:
    if value:
        out.print(f"infoscope {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    db: Annotated[
        str | None,
        typer.Option(
            "--db", help="Database URL or SQLite path (default: $INFOSCOPE_DB, else ./infoscope.db)."
        ),
    ] = None,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks.")] = False,
    version: Annotated[bool, typer.Option("--version", callback=version_callback, is_eager=True)] = False,
) -> None:
    state.db = db
    state.debug = debug


def store() -> Store:
    return open_store(state.db)


@contextmanager
def progress(description: str, total: int | None = None) -> Iterator[Progress]:
    """A progress bar on stderr when it is a terminal; silent in pipes and CI logs."""
    bar = Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )
    with bar:
        bar.add_task(description, total=total, status="")
        yield bar


# --- db ------------------------------------------------------------------------------------


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Create the schema or migrate it to the newest revision (also done on first use)."""
    from infoscope.store.migrate import current_revision, head_revision, upgrade_to_head

    s = open_store(state.db, upgrade=False)
    try:
        ran = upgrade_to_head(s)
        out.print(
            f"[green]schema at revision {current_revision(s)}[/] "
            f"({'upgraded' if ran else 'already current'}; head {head_revision()})"
        )
    finally:
        s.close()


# --- ingest --------------------------------------------------------------------------------


def _abs_input(given: str) -> str:
    """An input as the job record keys it: local paths absolute, so a re-run from elsewhere matches."""
    if given == "-" or "://" in given:
        return given
    return str(Path(given).absolute())


def _resume_note(run: JobRun, unit: str) -> None:
    message = run.resume_message(unit)
    if message:
        err.print(message, highlight=False)


EngineOpt = Annotated[
    str, typer.Option(help="local (this process) or dask (a Dask cluster: --scheduler, else a local one).")
]
SchedulerOpt = Annotated[
    str | None, typer.Option(help="Dask scheduler address, tcp://HOST:8786 (with --engine dask).")
]
WorkersOpt = Annotated[
    int | None,
    typer.Option(help="Worker processes of the local Dask cluster (default 2; without --scheduler)."),
]


def _parse_map(items: list[str] | None) -> dict[str, str]:
    result: dict[str, str] = {}
    for item in items or []:
        key, sep, val = item.partition("=")
        if not sep or not key or not val:
            raise UsageError(f"--map takes FIELD=COLUMN, got {item!r}")
        result[key.strip()] = val.strip()
    return result


@app.command()
def ingest(
    inputs: Annotated[list[str], typer.Argument(help="Files, directories, http(s) URLs, or - for stdin.")],
    source: Annotated[str | None, typer.Option(help="Attribute every document to this source.")] = None,
    sources: Annotated[Path | None, typer.Option(help="A sources.toml registry describing outlets.")] = None,
    map_: Annotated[
        list[str] | None,
        typer.Option(
            "--map",
            help="FIELD=COLUMN for JSON Lines/CSV "
            "(fields: text, title, url, author, "
            "published_at, language, source).",
        ),
    ] = None,
    mapping: Annotated[
        Path | None, typer.Option(help="TOML file with a [columns] table FIELD = COLUMN.")
    ] = None,
    allow_private: Annotated[
        bool, typer.Option(help="Allow URLs on private, loopback or link-local addresses.")
    ] = False,
    max_chars: Annotated[
        int, typer.Option(help="Refuse documents with more characters of text.")
    ] = 5_000_000,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Ingest documents: text, Markdown, HTML, RSS/Atom, JSON Lines, CSV; files, folders, URLs, stdin."""
    import tomllib

    from infoscope.ingest.registry import SourceRegistry
    from infoscope.ingest.run import IngestOptions
    from infoscope.ingest.run import ingest as run_ingest
    from infoscope.scale.cluster import check_engine

    check_engine(engine, scheduler, workers)
    columns: dict[str, str] = {}
    if mapping:
        try:
            columns.update(tomllib.loads(mapping.read_text(encoding="utf-8")).get("columns", {}))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise InfoscopeError(f"cannot read mapping {mapping}: {exc}") from exc
    columns.update(_parse_map(map_))
    opts = IngestOptions(
        source=source,
        registry=SourceRegistry.load(sources) if sources else SourceRegistry(),
        mapping=columns or None,
        allow_private=allow_private,
        max_text_chars=max_chars,
    )
    s = store()
    args = {
        "inputs": [_abs_input(i) for i in inputs],
        "source": source,
        "sources": _abs_input(str(sources)) if sources else None,
        "columns": columns,
        "allow_private": allow_private,
        "max_chars": max_chars,
    }
    with job(s, "ingest", args) as run, progress("ingesting") as bar:
        _resume_note(run, "documents")
        counts = {"ingested": 0, "duplicate": 0, "skipped": 0, "failed": 0}

        def on_item(_origin: str, status: str) -> None:
            counts[status] = counts.get(status, 0) + 1
            bar.update(0, advance=1, status=" ".join(f"{k} {v}" for k, v in counts.items() if v))

        if engine == "dask":
            from infoscope.scale.cluster import dask_client
            from infoscope.scale.ingest import ingest_distributed

            with dask_client(scheduler, workers) as client:
                summary = ingest_distributed(s, inputs, client, opts, on_item=on_item, on_stored=run.tick)
        else:
            summary = run_ingest(s, inputs, opts, on_item=on_item, on_stored=run.tick)
        run.finish(summary.as_dict())
    s.close()
    if as_json:
        out.print_json(json.dumps(summary.as_dict()))
    else:
        colour = "green" if summary.ok else "red"
        out.print(
            f"[{colour}]ingested {summary.ingested}[/] · duplicates {summary.duplicates} · "
            f"skipped {summary.skipped} · failed {summary.failed}"
        )
        if summary.reasons:
            t = Table("status", "reason", "count", box=None)
            for (status, reason), n in summary.reasons.most_common(20):
                t.add_row(status, reason, str(n))
            out.print(t)
            for status, origin, reason in summary.examples[:10]:
                if status == "failed":
                    err.print(f"[red]failed[/] {origin}: {reason}", highlight=False)
    if not summary.ok:
        raise typer.Exit(1)


# --- analyze -------------------------------------------------------------------------------


def set_analysis_limits(max_chars: int | None, time_limit: float | None) -> None:
    """Per-document limits, passed through the environment so worker processes see them too."""
    from infoscope.analyze.limits import ENV_MAX_CHARS, ENV_TIME_LIMIT

    if max_chars is not None:
        if max_chars < 1:
            raise UsageError("--max-chars must be at least 1")
        os.environ[ENV_MAX_CHARS] = str(max_chars)
    if time_limit is not None:
        if time_limit < 0:
            raise UsageError("--time-limit must be 0 (no limit) or more seconds")
        os.environ[ENV_TIME_LIMIT] = str(time_limit)


@app.command()
def analyze(
    inputs: Annotated[
        list[str] | None,
        typer.Argument(
            help="Files, folders or URLs to ingest and analyse (with --json: analyse without a database)."
        ),
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Re-analyse every stored document.")] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Print one JSON object per document (JSON Lines) and store nothing."),
    ] = False,
    with_text: Annotated[
        bool, typer.Option("--with-text", help="With --json: include the analysed text.")
    ] = False,
    sources: Annotated[Path | None, typer.Option(help="A sources.toml registry describing outlets.")] = None,
    allow_private: Annotated[bool, typer.Option(help="Allow URLs on private addresses.")] = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
    max_chars: Annotated[
        int | None, typer.Option(help="Refuse to analyse documents with more characters (default 5,000,000).")
    ] = None,
    time_limit: Annotated[
        float | None, typer.Option(help="Seconds one document may take; 0: no limit (default 600).")
    ] = None,
) -> None:
    """Find places, dates, quantities, actors, events and tallies, each tied to its evidence span."""
    from infoscope.ingest.registry import SourceRegistry
    from infoscope.ingest.run import IngestOptions
    from infoscope.scale.cluster import check_engine

    check_engine(engine, scheduler, workers)
    set_analysis_limits(max_chars, time_limit)
    opts = IngestOptions(
        registry=SourceRegistry.load(sources) if sources else SourceRegistry(), allow_private=allow_private
    )
    if as_json:
        if not inputs:
            raise UsageError("--json analyses the FILEs given: name at least one")
        from infoscope.analyze.inputs import analyze_inputs

        failed = 0
        for obj in analyze_inputs(inputs, opts, with_text=with_text):
            if obj.get("error"):
                failed += 1
                err.print(f"[red]failed[/] {obj['source']}: {obj['error']}", highlight=False)
            sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        if failed:
            raise typer.Exit(1)
        return
    from infoscope.analyze.persist import count_pending, iter_pending
    from infoscope.ingest.run import ingest as run_ingest

    s = store()
    args = {"inputs": [_abs_input(i) for i in inputs or []], "all": all_}
    with job(s, "analyze", args) as run:
        _resume_note(run, "documents")
        if inputs and engine == "dask":
            from infoscope.scale.cluster import dask_client
            from infoscope.scale.ingest import ingest_distributed

            with dask_client(scheduler, workers) as client:
                summary = ingest_distributed(s, inputs, client, opts)
        elif inputs:
            summary = run_ingest(s, inputs, opts)
        if inputs:
            out.print(
                f"ingested {summary.ingested} · duplicates {summary.duplicates} · "
                f"skipped {summary.skipped} · failed {summary.failed}"
            )
        # an interrupted --all goes on with the documents it had not reached
        since = run.started_at if run.resumed else None
        total = count_pending(s, everything=all_, since=since)
        todo = iter_pending(s, everything=all_, since=since)
        result = _analyze_todo(s, todo, total, engine, scheduler, workers, run)
        run.finish(result.as_dict())
    s.close()
    out.print(
        f"[{'green' if not result.failed else 'red'}]analysed {result.analyzed}[/] · failed {result.failed} · "
        + " · ".join(f"{k} {v}" for k, v in result.items.items())
    )
    for doc_id, reason in result.errors[:10]:
        err.print(f"[red]failed[/] {doc_id}: {reason}", highlight=False)
    if result.failed:
        raise typer.Exit(1)


def _analyze_todo(  # type: ignore[no-untyped-def]
    s: Store,
    todo: Iterable[str],
    total: int,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    run: JobRun,
):
    from infoscope.analyze.persist import analyze_stored

    with progress("analysing", total=total) as bar:
        if engine == "dask":
            from infoscope.scale.analyze import analyze_distributed
            from infoscope.scale.cluster import dask_client

            with dask_client(scheduler, workers) as client:
                result = analyze_distributed(
                    s, todo, client, on_doc=lambda _d, _ok: bar.update(0, advance=1), on_stored=run.tick
                )
        else:
            result = analyze_stored(
                s, todo, on_doc=lambda _d, _ok: bar.update(0, advance=1), on_stored=run.tick
            )
    return result


@events_app.command("classify")
def events_classify(
    file: Annotated[
        str,
        typer.Argument(
            help="TSV lines id<TAB>text (or - for stdin); a first line starting with 'id' is a header."
        ),
    ],
) -> None:
    """Print id<TAB>event type<TAB>sub-event type for the main event of each text (ACLED names)."""
    from infoscope.analyze.events import classify

    if file == "-":
        lines = sys.stdin
    else:
        path = Path(file)
        if not path.is_file():
            raise InfoscopeError(f"no such file: {file}")
        lines = path.open(encoding="utf-8")
    bad = 0
    for n, line in enumerate(lines, start=1):
        line = line.rstrip("\n").rstrip("\r")
        if not line.strip() or (n == 1 and line.lower().startswith("id")):
            continue
        ident, sep, text = line.partition("\t")
        if not sep:
            bad += 1
            err.print(f"[red]line {n}:[/] expected id<TAB>text", highlight=False)
            continue
        etype, subtype = classify(text)
        sys.stdout.write(f"{ident}\t{etype}\t{subtype}\n")
    if bad:
        raise typer.Exit(1)


# --- events --------------------------------------------------------------------------------


@app.command("import-events")
def import_events_cmd(
    files: Annotated[list[Path], typer.Argument(help="CSV files of events (ACLED-style or mapped).")],
    mapping: Annotated[
        Path | None,
        typer.Option(
            help="TOML mapping: [columns] FIELD = COLUMN, [defaults] FIELD = VALUE, dataset = NAME."
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Import tabular event data as ledger events; identical rows become one event."""
    from infoscope.events.importer import EventMapping, ImportSummary, import_events

    m = EventMapping.load(mapping) if mapping else EventMapping()
    s = store()
    total = ImportSummary()
    per_file = {}
    args = {
        "files": [_abs_input(str(f)) for f in files],
        "mapping": _abs_input(str(mapping)) if mapping else None,
    }
    with job(s, "import-events", args) as run, progress("importing events") as bar:
        _resume_note(run, "events")
        for f in files:
            bar.update(0, description=f"importing {f.name}")
            res = import_events(s, f, m, on_row=lambda _n: bar.update(0, advance=1), on_batch=run.tick)
            per_file[str(f)] = res.as_dict()
            for k in ("rows", "imported", "duplicates", "failed"):
                setattr(total, k, getattr(total, k) + getattr(res, k))
            for r, n in res.reasons.items():
                total.reasons[r] = total.reasons.get(r, 0) + n
            total.examples.extend(res.examples)
        run.finish(total.as_dict())
    s.close()
    if as_json:
        out.print_json(json.dumps({**total.as_dict(), "files": per_file}))
    else:
        for f, r in per_file.items():
            out.print(
                f"{f}: rows {r['rows']} · imported {r['imported']} · duplicates {r['duplicates']} · "
                f"failed {r['failed']}",
                highlight=False,
            )
        colour = "green" if total.failed == 0 else "red"
        out.print(
            f"[{colour}]events imported {total.imported}[/] from {total.rows} rows · duplicate rows "
            f"{total.duplicates} · failed rows {total.failed}"
        )
        for e in total.examples[:10]:
            err.print(f"[red]failed[/] {e}", highlight=False)
    if total.failed:
        raise typer.Exit(1)


# --- link ----------------------------------------------------------------------------------


@app.command()
def link(
    threshold: Annotated[
        float, typer.Option(help="Near-copy threshold (estimated Jaccard of word 5-grams).")
    ] = 0.5,
    window_hours: Annotated[float, typer.Option(help="Coordination window in hours.")] = 48.0,
    min_sources: Annotated[
        int, typer.Option(help="Independent sources that make a cluster coordinated.")
    ] = 3,
    tolerance_days: Annotated[int, typer.Option(help="Days two reports of one event may differ by.")] = 1,
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
    engine: EngineOpt = "local",
    scheduler: SchedulerOpt = None,
    workers: WorkersOpt = None,
) -> None:
    """Build the cross-document ledger: near-copies, coordination, events resolved across documents.

    With --engine dask, event resolution runs by partitions (type family, place, period) on the
    workers; clustering and translations run here.
    """
    import datetime as dt

    from infoscope.link.blocking import dask_mapper
    from infoscope.link.clusters import ClusterSettings
    from infoscope.link.run import link_store
    from infoscope.scale.cluster import check_engine, dask_client

    check_engine(engine, scheduler, workers)
    if not 0 < threshold <= 1:
        raise UsageError("--threshold must be in (0, 1]")
    s = store()
    settings = ClusterSettings(
        threshold=threshold, window=dt.timedelta(hours=window_hours), min_sources=min_sources
    )
    args = dict(
        threshold=threshold, window_hours=window_hours, min_sources=min_sources, tolerance_days=tolerance_days
    )
    with (
        dask_client(scheduler, workers) if engine == "dask" else nullcontext() as client,
        job(s, "link", args) as run,
        progress("clustering near-copies") as bar,
    ):
        if run.resumed:  # nothing of a killed link was written: it starts over
            err.print(
                "resuming: an earlier link with these arguments did not finish; rebuilding from the start"
            )

        def commit(conn, result) -> None:  # type: ignore[no-untyped-def]
            run.tick(conn)
            run.finish({"clusters": result.clusters.clusters, "events": result.ledger.events}, conn)

        result = link_store(
            s,
            settings,
            tolerance_days,
            on_doc=lambda: bar.update(0, advance=1),
            on_step=lambda step: bar.update(0, description=step),
            before_commit=commit,
            mapper=dask_mapper(client) if client is not None else None,
        )
        summary, translations, ledger = result.clusters, result.translations, result.ledger
    s.close()
    if as_json:
        print(
            json.dumps(
                {**summary.as_dict(), "cross_language_clusters": translations, "ledger": ledger.as_dict()}
            )
        )
    else:
        out.print(
            f"[green]clusters {summary.clusters}[/] ({summary.clustered_documents} documents) · "
            f"possibly coordinated {summary.coordinated} · cross-language clusters {translations}"
        )
        out.print(
            f"[green]ledger events {ledger.events}[/] from {ledger.mentions} mentions · "
            f"corroborated {ledger.corroborated} · new from documents {ledger.document_events} · "
            f"imported events with document evidence {ledger.attached_to_imported}"
        )


@app.command()
def clusters(
    coordinated: Annotated[
        bool, typer.Option("--coordinated", help="Only possibly coordinated clusters.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Near-copy clusters with the timeline of who published when."""
    from infoscope.link.clusters import cluster_timelines

    s = store()
    data = cluster_timelines(s, coordinated_only=coordinated)
    s.close()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for c in data:
        flag = "[bold red]possibly coordinated[/]" if c["coordinated"] else "near-copies"
        out.print(
            f"{flag} · {c['size']} documents · {c['independent_sources']} independent sources · "
            f"{c['first_published']} → {c['last_published']}"
        )
        for t in c["timeline"]:
            out.print(
                f"   {t['published']}  {t['source']}  ({t['similarity']})  {t['title'] or ''}",
                highlight=False,
            )


@app.command("tallies")
def tallies_cmd(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Tallies stated in documents: their arithmetic check and what the ledger holds for the same period.

    The comparisons are those stored by the last `infoscope link`; tallies found since are checked
    now and shown with "checked_at": null."""
    from infoscope.link.tallies import stored_checks

    s = store()
    data = stored_checks(s)
    s.close()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    for t in data:
        arith = (t.get("arithmetic") or {}).get("status", "unchecked")
        colour = "red" if arith == "inconsistent" else "green" if arith == "consistent" else "yellow"
        out.print(f"[bold]{t['source']}[/]: [{colour}]{arith}[/] · {t['detail']}", highlight=False)
        if (t.get("evidence") or {}).get("text"):
            out.print(f"   “{t['evidence']['text'][:300]}”", highlight=False)


# --- techniques and claims ----------------------------------------------------------------


def _lines(file: str) -> Iterator[str]:
    if file == "-":
        yield from sys.stdin
        return
    path = Path(file)
    if not path.is_file():
        raise InfoscopeError(f"no such file: {file}")
    with path.open(encoding="utf-8", errors="replace") as fh:
        yield from fh


def _emit(lines: Iterable[str]) -> None:
    for line in lines:
        sys.stdout.write(line.rstrip("\n") + "\n")


@techniques_app.command("spans")
def techniques_spans(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
) -> None:
    """Print article_id<TAB>start<TAB>end for every propaganda span found (SemEval-2020 Task 11 SI)."""
    from infoscope.propaganda import ptc

    if not articles_dir.is_dir():
        raise InfoscopeError(f"not a folder: {articles_dir}")
    _emit(ptc.spans(articles_dir))


@techniques_app.command("classify")
def techniques_classify(
    articles_dir: Annotated[Path, typer.Argument(help="Folder of article<ID>.txt files.")],
    spans_file: Annotated[Path, typer.Argument(help="Lines article_id<TAB>?<TAB>start<TAB>end.")],
) -> None:
    """Print article_id<TAB>technique<TAB>start<TAB>end for each given span (SemEval-2020 Task 11 TC)."""
    from infoscope.propaganda import ptc

    if not articles_dir.is_dir():
        raise InfoscopeError(f"not a folder: {articles_dir}")
    if not spans_file.is_file():
        raise InfoscopeError(f"no such file: {spans_file}")
    try:
        _emit(ptc.classify(articles_dir, spans_file))
    except FileNotFoundError as exc:
        raise InfoscopeError(str(exc)) from exc


@techniques_app.command("paragraphs")
def techniques_paragraphs(
    template_file: Annotated[
        str, typer.Argument(help="Template lines id<TAB>line<TAB>text (or - for stdin).")
    ],
    lang: Annotated[
        str,
        typer.Option(
            "--lang", help="Language of the paragraphs (fr, de, it, pl, ru; others use the joint model)."
        ),
    ] = "en",
) -> None:
    """Print id<TAB>line<TAB>label,label,... (SemEval-2023 Task 3 subtask 3 persuasion techniques)."""
    from infoscope.analyze import persuasion

    _emit(persuasion.paragraphs(_lines(template_file), lang))


@claims_app.command("score")
def claims_score(
    file: Annotated[str, typer.Argument(help="Lines id<TAB>text (header allowed), or - for stdin.")],
    language: Annotated[str | None, typer.Option(help="Language of the texts (default: detected).")] = None,
) -> None:
    """Print id<TAB>score<TAB>Yes|No: how check-worthy each text is."""
    from infoscope.analyze import claims

    _emit(claims.score_tsv(_lines(file), language))


# --- fact-checks ---------------------------------------------------------------------------


def read_id_text(path: str) -> list[tuple[str, str]]:
    """Lines ``id<TAB>text`` (a header line starting with 'id' is skipped; quoted fields may span lines)."""
    import csv

    csv.field_size_limit(50_000_000)
    if path == "-":
        data = sys.stdin.read()
    else:
        p = Path(path)
        if not p.is_file():
            raise InfoscopeError(f"no such file: {path}")
        data = p.read_text(encoding="utf-8", errors="replace")
    import io

    rows = []
    for n, row in enumerate(csv.reader(io.StringIO(data, newline=""), delimiter="\t")):
        if not row or not any(c.strip() for c in row):
            continue
        first = row[0].strip().lower()
        if n == 0 and (first in ("", "id") or first.endswith("_id")):
            continue  # header line
        if len(row) < 2:
            raise InfoscopeError(f"{path}: line {n + 1}: expected id<TAB>text")
        rows.append((row[0].strip(), row[1]))
    return rows


@factchecks_app.command("import")
def factchecks_import(
    files: Annotated[list[Path], typer.Argument(help="ClaimReview JSON-LD, CSV or TSV files.")],
) -> None:
    """Import fact-checks into the ledger (again is a no-op)."""
    from infoscope.factchecks.read import read_factchecks
    from infoscope.factchecks.store import import_factchecks

    s = store()
    for f in files:
        new, old = import_factchecks(s, read_factchecks(f), str(f))
        out.print(f"{f}: [green]imported {new}[/] · already present {old}", highlight=False)
    s.close()


@factchecks_app.command("match")
def factchecks_match(
    queries: Annotated[
        str, typer.Option("--queries", help="TSV id<TAB>text of claims to match (- for stdin).")
    ],
    factchecks: Annotated[
        Path | None, typer.Option("--factchecks", help="Fact-checks file (default: those in the ledger).")
    ] = None,
    top: Annotated[int, typer.Option(help="Matches per query.")] = 5,
    dense_weight: Annotated[
        float,
        typer.Option(
            help="Weight of the embedding scores, together, against BM25 (0.9 was best on CLEF 2020 train)."
        ),
    ] = 0.9,
) -> None:
    """Print TREC run lines: query_id Q0 factcheck_id rank score infoscope."""
    from infoscope.factchecks.match import FactCheckIndex
    from infoscope.factchecks.read import read_factchecks

    if top < 1:
        raise UsageError("--top must be at least 1")
    if factchecks is not None:
        recs = list(read_factchecks(factchecks))
    else:
        from infoscope.factchecks.store import stored_factchecks

        s = store()
        recs = stored_factchecks(s)
        s.close()
    if not recs:
        raise InfoscopeError(
            "no fact-checks to match against (give --factchecks FILE or run factchecks import)"
        )
    qs = read_id_text(queries)
    with progress("indexing fact-checks"):
        index = FactCheckIndex(
            [r.external_id or str(i) for i, r in enumerate(recs)],
            [r.claim for r in recs],
            [r.title for r in recs],
        )
    for (qid, _), cands in zip(
        qs, index.search([t for _, t in qs], top=top, dense_weight=dense_weight), strict=True
    ):
        for rank, c in enumerate(cands, start=1):
            sys.stdout.write(f"{qid} Q0 {c.id} {rank} {c.score:.4f} infoscope\n")


# --- stats, export, import-ledger, report -------------------------------------------------------------


@app.command()
def stats(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts of documents, sources, languages and events (by country, city, year, type)."""
    from infoscope.store.queries import stats as ledger_stats

    s = store()
    data = ledger_stats(s)
    s.close()
    if as_json:
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    out.print(
        f"[bold]documents[/] {data['documents']} · [bold]sources[/] {data['sources']} · "
        f"[bold]events[/] {data['events']}"
    )
    for key, title in (
        ("languages", "documents by language"),
        ("events_by_country", "events by country"),
        ("events_by_city", "events by city"),
        ("events_by_year", "events by year"),
        ("events_by_form", "events by form"),
    ):
        if data[key]:
            t = Table(title, "count", box=None, title_justify="left")
            for k, v in list(data[key].items())[:25]:
                t.add_row(k, str(v))
            out.print(t)


@app.command()
def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            help="jsonl (the whole ledger, re-importable; with a filter: "
            "the filtered events), csv, geojson or acled-csv.",
        ),
    ] = "jsonl",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default stdout).")
    ] = None,
    period: Annotated[str | None, typer.Option(help="2024, 2024-07 or FROM..TO (ISO dates).")] = None,
    country: Annotated[str | None, typer.Option(help="ISO 3166-1 alpha-2 code.")] = None,
    type_: Annotated[str | None, typer.Option("--type", help="ACLED event type.")] = None,
    status: Annotated[
        str | None, typer.Option(help="reported, corroborated, verified, disputed or rejected.")
    ] = None,
    language: Annotated[str | None, typer.Option(help="Language of the reporting documents.")] = None,
    source: Annotated[str | None, typer.Option(help="Source name or id.")] = None,
) -> None:
    """Export the ledger, or its events filtered as on the dashboard."""
    from infoscope.ledger.exchange import export_ledger
    from infoscope.web.data import Filters
    from infoscope.web.exports import FORMATS, export_events

    filters = {
        "period": period,
        "country": country,
        "type": type_,
        "status": status,
        "language": language,
        "source": source,
    }
    if fmt != "jsonl" and fmt not in FORMATS:
        raise UsageError(
            f"unknown export format {fmt!r} (available: jsonl, {', '.join(f for f in FORMATS if f != 'jsonl')})"
        )
    try:
        flt = Filters(**filters)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    whole_ledger = fmt == "jsonl" and not any(filters.values())
    s = store()

    def write(fh) -> int:  # type: ignore[no-untyped-def]
        return export_ledger(s, fh) if whole_ledger else export_events(s, fh, fmt, flt)

    if output:
        tmp = output.with_name(output.name + ".part")
        with tmp.open("w", encoding="utf-8", newline="\n") as fh:
            n = write(fh)
        tmp.replace(output)  # never leave half an export under the real name
        err.print(f"[green]exported {n} {'rows' if whole_ledger else 'events'}[/] to {output}")
    else:
        write(sys.stdout)
    s.close()


@app.command("import-ledger")
def import_ledger_cmd(
    file: Annotated[str, typer.Argument(help="A ledger export (JSON Lines), or - for stdin.")],
) -> None:
    """Load a ledger export into an empty store (all or nothing)."""
    from infoscope.ledger.exchange import import_ledger

    s = store()
    with progress("importing ledger") as bar:
        if file == "-":
            counts = import_ledger(s, sys.stdin, on_row=lambda: bar.update(0, advance=1))
        else:
            path = Path(file)
            if not path.is_file():
                raise InfoscopeError(f"no such file: {file}")
            with path.open(encoding="utf-8") as fh:
                counts = import_ledger(s, fh, on_row=lambda: bar.update(0, advance=1))
    s.close()
    out.print("[green]imported[/] " + " · ".join(f"{k} {v}" for k, v in counts.items()))


@app.command()
def report(
    html: Annotated[Path, typer.Option("--html", help="Folder to write the static report into.")],
) -> None:
    """Write a static HTML report that opens from disk."""
    from infoscope.report.html import write_report

    s = store()
    index = write_report(s, html)
    s.close()
    out.print(f"[green]report written[/] to {index}")


# --- web application: serve, users, tokens ------------------------------------------------------

user_app = typer.Typer(help="People who sign in to the web application.", no_args_is_help=True)
app.add_typer(user_app, name="user")
token_app = typer.Typer(help="Bearer tokens for the REST API.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    public_read: Annotated[
        bool | None,
        typer.Option(
            "--public-read/--no-public-read",
            help="Let anonymous visitors read (default: $INFOSCOPE_PUBLIC_READ). Writing always needs a role.",
        ),
    ] = None,
    workers: Annotated[
        int, typer.Option(help="Worker processes; more than one needs a core each to pay off.")
    ] = 1,
) -> None:
    """Run the web application and REST API over the same store as the other commands."""
    import uvicorn

    from infoscope.web import create_app

    if not 0 < port < 65536:
        raise UsageError("--port must be 1..65535")
    if workers < 1:
        raise UsageError("--workers must be 1 or more")
    if workers == 1:
        web = create_app(state.db, public_read=public_read)
        err.print(f"[green]infoscope[/] serving {web.state.store.url.split('@')[-1]} on http://{host}:{port}")
        uvicorn.run(web, host=host, port=port, log_level="info", proxy_headers=False)
        return
    import secrets

    # Worker processes build the app from the environment: the same store, the same read setting,
    # and one session key, so a sign-in made through one worker is valid in every other.
    s = store()  # migrate once here, not in every worker at the same time
    os.environ["INFOSCOPE_DB"] = s.url
    s.close()
    if public_read is not None:
        os.environ["INFOSCOPE_PUBLIC_READ"] = "1" if public_read else "0"
    os.environ.setdefault("INFOSCOPE_SECRET_KEY", secrets.token_urlsafe(32))
    err.print(f"[green]infoscope[/] serving with {workers} workers on http://{host}:{port}")
    uvicorn.run(
        "infoscope.web.app:create_app",
        factory=True,
        workers=workers,
        host=host,
        port=port,
        log_level="info",
        proxy_headers=False,
    )


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="The name to sign in with.")],
    role: Annotated[str, typer.Option(help="viewer, contributor, reviewer or admin.")] = "viewer",
    password: Annotated[
        str | None, typer.Option(help="The password (asked for, hidden, when not given).")
    ] = None,
    no_password: Annotated[
        bool, typer.Option("--no-password", help="An account for API tokens only.")
    ] = False,
) -> None:
    """Add a person, or change the role (and password) of an existing one."""
    from infoscope.web.accounts import create_user

    if password is None and not no_password:
        if not sys.stdin.isatty():
            password = sys.stdin.readline().rstrip("\n") or None
        else:
            password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        if password is None:
            raise UsageError("give --password, type one, or pass --no-password")
    s = store()
    p = create_user(s, name, role, None if no_password else password)
    s.close()
    out.print(f"[green]user {p.name}[/] has the role {p.role}", highlight=False)


@token_app.command("create")
def token_create(
    name: Annotated[str, typer.Argument(help="The user the token acts as.")],
    label: Annotated[str | None, typer.Option(help="What the token is for.")] = None,
) -> None:
    """Create an API token and print it once (only its hash is stored)."""
    from infoscope.web.accounts import create_token

    s = store()
    token = create_token(s, name, label)
    s.close()
    print(token)


def main() -> None:
    try:
        app()
    except InfoscopeError as exc:
        if state.debug:
            raise
        err.print(f"[bold red]error:[/] {exc}", highlight=False)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("[yellow]interrupted[/]")
        sys.exit(130)
    except Exception as exc:
        if state.debug:
            raise
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        err.print(
            f"[bold red]error:[/] {type(exc).__name__}: {first} (run with --debug for details)",
            highlight=False,
        )
        sys.exit(1)
