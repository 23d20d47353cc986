"""The ``fuzz`` and ``concurrency`` parts of bench/reliability.py (issue #8, parts 2 and 3).

``fuzz`` runs tests/test_fuzz.py with every property test's example count multiplied by
``--scale`` and records, per reader, how many generated inputs ran and how many failed, the
fixed hostile cases, and the failures the fuzzing found (fixed in the code since).
``concurrency`` runs tests/test_concurrency.py ``--trials`` times (SQLite and PostgreSQL) and
records each trial: documents stored, duplicates met, review requests and 409 conflicts.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# what each property test feeds, for the per-reader figures
READERS = {
    "test_html_reader_on_random_markup": "html",
    "test_html_reader_on_random_bytes": "html",
    "test_feed_reader_on_random_and_mangled_feeds": "feed",
    "test_jsonl_reader_gives_one_item_per_line": "jsonl",
    "test_json_reader_on_random_values": "json",
    "test_csv_reader_keeps_every_row": "csv",
    "test_csv_reader_on_random_bytes": "csv",
    "test_text_reader_in_many_encodings": "text in odd encodings",
    "test_any_bytes_under_any_name": "any bytes, reader chosen by suffix",
    "test_analyze_on_arbitrary_unicode": "analyze",
    "test_events_within_matches_a_plain_scan": "analyze: linear rewrites against the plain scans",
    "test_language_at_matches_a_plain_scan": "analyze: linear rewrites against the plain scans",
}

# found by these tests (and the probes that led to them), each fixed in the named place
FAILURES_FOUND_AND_FIXED = [
    "analyze/segment.py paragraphs: regex [^\\n]*\\S[^\\n]* backtracked quadratically on long lines of "
    "spaces (40,000 spaces: 8 s); now a linear line scan",
    "analyze/segment.py sentences: the sentence-end regex restarted inside runs of dots (20,000 dots then "
    "a letter: 30 s for the pipeline); a lookbehind starts matches only at a run's start",
    "analyze/segment.py sentences: the abbreviation check re-scanned all text since the last sentence end "
    "at every '.' ('J. ' or 'Dr. ' repeated: quadratic); it now looks at the last 40 characters",
    "analyze/tallies.py: the partitive and residents patterns were searched to the sentence end for every "
    "number ('100 people ' x 1,800 in one sentence: 6 s); now found once per sentence",
    "analyze/document.py language_at scanned every paragraph for each sentence, and analyze/events.py "
    "_within every place, date and quantity of the document for each sentence: quadratic in the length "
    "(200,000 characters of demo news on the shared 2-core machine: claims 10.7 s -> 4.8 s, events "
    "1.6 s -> 0.4 s); now bisection",
    "analyze: no size or time limit per document; now --max-chars (default 5,000,000) and --time-limit "
    "(default 600 s), each recorded as that document's error",
    "ingest/html.py: no time limit on trafilatura; now 120 s per page, and since trafilatura swallows "
    "broad exceptions (a timeout inside it gave 'no main text' or a truncated text), the limit also "
    "raises at the end of the block when it ran past",
    "ingest/tabular.py: JSON nested deeper than the recursion limit or integers over 4,300 digits raised "
    "RecursionError/ValueError, losing the rest of a JSON Lines file; now one 'not valid JSON' problem",
    "ingest/tabular.py: a JSON Lines or CSV line was read whole however long; lines over 50 MB are now "
    "skipped in blocks with a 'line longer than' problem",
    "ingest/tabular.py: a CSV error (a field over the limit) ended the whole file; now it costs its row",
    "ingest/feed.py: etree.QName raised on tag names lxml's recover mode lets through ('<:'), losing "
    "the whole feed",
    "ingest/feed.py: feedparser raised on character references to no character (&#xD800;, &#99999999;), "
    "losing the whole feed; such references become U+FFFD",
    "ingest/feed.py: lxml refused item HTML holding C0 control characters; they are removed",
    "ingest/feed.py: feedparser raised UnicodeDecodeError/ValueError on a broken encoding declaration; "
    "now a 'not a readable feed' problem",
    "ingest: a NUL character failed the insert on PostgreSQL and a lone surrogate (JSON '\\ud800') on "
    "both back ends; both become U+FFFD before storing (ingest/clean.py)",
    "ingest/run.py: after a failed insert the writer still believed the rolled-back source existed, so the "
    "next document of that source failed on its foreign key and was reported as a duplicate (lost)",
    "ingest/run.py: two runs (or two contributions) creating the same source at once: the loser's document "
    "was reported as 'stored concurrently' and lost; the writer now looks again once",
    "store/migrate.py: two first runs on an empty PostgreSQL schema both created the tables; an advisory "
    "lock makes the second wait",
]


def _pytest(args: list[str], env: dict[str, str]) -> tuple[int, str, float]:
    started = time.monotonic()
    p = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
    )
    return p.returncode, p.stdout + p.stderr, round(time.monotonic() - started, 1)


def hypothesis_counts(output: str) -> dict[str, dict[str, int]]:
    """Per test: passing, failing and invalid examples, from --hypothesis-show-statistics."""
    counts: dict[str, dict[str, int]] = {}
    current = None
    for line in output.splitlines():
        m = re.match(r"^tests/test_fuzz\.py::(\w+)", line.strip())
        if m:
            current = m.group(1)
            continue
        m = re.search(r"(\d+) passing, (\d+) failing, and (\d+) invalid", line)
        if m and current:
            c = counts.setdefault(current, {"passing": 0, "failing": 0, "invalid": 0})
            c["passing"] += int(m.group(1))
            c["failing"] += int(m.group(2))
            c["invalid"] += int(m.group(3))
    return counts


def part_fuzz(args: argparse.Namespace) -> dict[str, object]:
    rc, out, seconds = _pytest(
        ["tests/test_fuzz.py", "--hypothesis-show-statistics", "-rA"],
        {"INFOSCOPE_FUZZ_SCALE": str(args.scale)},
    )
    counts = hypothesis_counts(out)
    per_reader: dict[str, dict[str, int]] = {}
    for test, c in counts.items():
        r = per_reader.setdefault(READERS.get(test, test), {"examples": 0, "failing": 0})
        r["examples"] += c["passing"] + c["failing"]
        r["failing"] += c["failing"]
    passed = re.findall(r"^PASSED tests/test_fuzz.py::(\S+)", out, re.M)
    failed = re.findall(r"^FAILED tests/test_fuzz.py::(\S+)", out, re.M)
    fixed_cases = [t for t in passed + failed if t.split("[")[0] not in counts]
    return {
        "inputs_fuzzed_per_reader": per_reader,
        "inputs_fuzzed_total": sum(r["examples"] for r in per_reader.values()),
        "hostile_fixed_cases": {
            "run": len(fixed_cases),
            "passed": len([t for t in fixed_cases if t in passed]),
        },
        "tests_passed": len(passed),
        "tests_failed": failed,
        "exit_code": rc,
        "seconds": seconds,
        "example_scale": args.scale,
        "failures_found_and_fixed": FAILURES_FOUND_AND_FIXED,
        "command": f"python bench/reliability.py --part fuzz --scale {args.scale:g}",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def part_concurrency(args: argparse.Namespace) -> dict[str, object]:
    trials: list[dict] = []
    runs = []
    for i in range(args.trials):
        with tempfile.NamedTemporaryFile("r", suffix=".jsonl", delete=False) as fh:
            stats = fh.name
        rc, out, seconds = _pytest(
            ["tests/test_concurrency.py", "-rA"], {"INFOSCOPE_CONCURRENCY_STATS": stats}
        )
        trials += [json.loads(line) for line in Path(stats).read_text().splitlines() if line.strip()]
        os.unlink(stats)
        runs.append(
            {
                "run": i + 1,
                "exit_code": rc,
                "seconds": seconds,
                "passed": len(re.findall(r"^PASSED ", out, re.M)),
                "failed": re.findall(r"^FAILED (\S+)", out, re.M),
                "skipped": len(re.findall(r"^SKIPPED ", out, re.M)),
            }
        )
    by_backend: dict[str, dict[str, int]] = {}
    for t in trials:
        b = by_backend.setdefault(
            t["backend"],
            {
                "trials": 0,
                "documents_stored": 0,
                "duplicates_met": 0,
                "review_requests": 0,
                "conflicts_409": 0,
            },
        )
        b["trials"] += 1
        b["documents_stored"] += sum(t["ingested_by_run"])
        b["duplicates_met"] += sum(t["duplicates_by_run"])
        b["review_requests"] += t["review_requests"]
        b["conflicts_409"] += t["review_conflicts_409"]
    return {
        "trials": len(trials),
        "by_backend": by_backend,
        "runs": runs,
        "all_passed": all(r["exit_code"] == 0 for r in runs),
        "setup": "two `infoscope ingest` runs (80 shared + 120 own text files each) and `infoscope serve` "
        "taking 12 document and 12 event contributions and 2 rounds of 2 racing reviewers on 8 events; "
        "INFOSCOPE_SQLITE_BUSY_MS=50 so retries with backoff do the waiting",
        "command": f"python bench/reliability.py --part concurrency --trials {args.trials}",
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
