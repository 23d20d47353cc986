"""Reliability trials (issue #8). ``--part resume``: kill-and-resume trials of the long commands.

    python bench/reliability.py --part resume [--kills 20] [--backends sqlite,postgresql]
                                             [--commands ingest,import-events,analyze,link] [--seed 8]
    python bench/reliability.py --part fuzz [--scale 10]          (bench/reliability_hostile.py)
    python bench/reliability.py --part concurrency [--trials 3]   (bench/reliability_hostile.py)

Each command runs as the real CLI, gets SIGKILL after seeded random delays over its whole
runtime, and is run again until it completes (the trial code is tests/resume_trials.py, the
same the test suite runs). The final store of every chain of kills is compared with one
uninterrupted run. Writes the top-level key "resume" of bench/results/reliability.json and
leaves the file's other keys (other parts of the issue) as they are.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
RESULTS = ROOT / "bench" / "results" / "reliability.json"

# Bugs the trials (and reading the code for them) found, and how they were fixed.
FIXED = [
    {
        "bug": "a kill during the first run's schema migration on SQLite left tables without the "
        "revision stamp; every later run then failed with 'table sources already exists'",
        "cause": "Python's sqlite3 commits each CREATE TABLE on its own: the migration was not one transaction",
        "fix": "store/migrate.py migrates SQLite in one real transaction (manual transaction control, "
        "BEGIN IMMEDIATE)",
    },
    {
        "bug": "a kill during 'infoscope link' could leave new near-copy clusters beside the old "
        "translation clusters and the old ledger (three separate transactions)",
        "cause": "clusters, translations and ledger were each replaced in their own transaction",
        "fix": "link/run.py computes all three, then replaces them in one transaction",
    },
    {
        "bug": "the ledger read which documents are copies from the stored clusters in database row "
        "order: a document in both a near-copy and a translation cluster took whichever came last",
        "cause": "dict() over an unordered SELECT",
        "fix": "resolve.copy_keys: the translation cluster wins, by rule, in both the stored and the "
        "in-memory path",
    },
    {
        "bug": "'infoscope analyze --all' killed and run again started over instead of continuing",
        "cause": "--all selects every document; nothing recorded which ones the killed run had done",
        "fix": "the jobs table records when the unfinished run started; the re-run leaves out documents "
        "this pipeline version analysed since then",
    },
    {
        "bug": "two processes writing the same embedding cache file could collide on one temporary name",
        "cause": "embed.embed wrote every cache file through the same '.tmp.npy' path",
        "fix": "the temporary file name carries the process id",
    },
]


def run_resume(args: argparse.Namespace) -> dict[str, object]:
    from pgserver import PG_SERVER, pg_unavailable
    from resume_trials import Backend, reference, scenarios, trials

    backends = args.backends.split(",")
    if "postgresql" in backends and (why := pg_unavailable()):
        raise SystemExit(why)
    commands = args.commands.split(",")
    out: dict[str, dict[str, object]] = {}
    t0 = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        scn = scenarios(work / "inputs")
        for command in commands:
            for name in backends:
                backend = Backend(name, work / f"{command}-{name}", PG_SERVER)
                backend.workdir.mkdir(parents=True, exist_ok=True)
                try:
                    ref = reference(scn[command], backend)
                    tally = trials(scn[command], backend, ref, kills=args.kills, seed=args.seed)
                finally:
                    backend.cleanup()
                row = {
                    "reference_seconds": round(ref.seconds, 2),
                    "reference_units": ref.units,
                    **tally.as_dict(),
                }
                out.setdefault(command, {})[name] = row
                print(command, name, json.dumps(row), flush=True)
    return {
        "what": "SIGKILL at seeded random moments over each command's runtime, run again until it "
        "completes; the final store compared table by table (without volatile timestamps and the jobs "
        "table) with one uninterrupted run; after every kill the store must hold only part of the "
        "finished result and the job counter must equal the committed work",
        "units": {
            "ingest": "documents stored",
            "import-events": "events imported",
            "analyze": "documents analysed",
            "link": "ledger rebuilt (one transaction)",
        },
        "inputs": {
            "ingest": "600 generated JSON Lines articles (with repeated URLs and texts) + 47 demo articles",
            "import-events": "5,000 generated ACLED-style rows (with identical repeats), batches of 1,000",
            "analyze": "20 demo articles",
            "link": "47 demo articles analysed + demo events",
        },
        "results": out,
        "trials_per_command_per_backend": {c: {b: out[c][b]["kills"] for b in out[c]} for c in out},
        "mismatches": sum(int(r["mismatches"]) for c in out.values() for r in c.values()),  # type: ignore[call-overload]
        "violations": sum(int(r["violations"]) for c in out.values() for r in c.values()),  # type: ignore[call-overload]
        "failures_found_and_fixed": FIXED,
        "seconds": round(time.perf_counter() - t0, 1),
        "command": "python bench/reliability.py " + " ".join(sys.argv[1:]),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, {platform.python_version()}",
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def save(key: str, value: object) -> None:
    """Read-modify-write of one top-level key: the file holds other parts' results too."""
    data = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {}
    data[key] = value
    tmp = RESULTS.with_name(f".{RESULTS.name}.{os.getpid()}")
    tmp.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(RESULTS)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--part", choices=["resume", "fuzz", "concurrency"], required=True)
    p.add_argument("--kills", type=int, default=20, help="kills per command and back end (at least)")
    p.add_argument("--backends", default="sqlite,postgresql")
    p.add_argument("--commands", default="ingest,import-events,analyze,link")
    p.add_argument("--seed", type=int, default=8)
    p.add_argument("--scale", type=float, default=10, help="fuzz: multiply every test's example count")
    p.add_argument("--trials", type=int, default=3, help="concurrency: runs of tests/test_concurrency.py")
    args = p.parse_args()
    if args.part == "resume":
        save("resume", run_resume(args))
    elif args.part in ("fuzz", "concurrency"):  # parts 2 and 3, in bench/reliability_hostile.py
        import reliability_hostile

        save(args.part, getattr(reliability_hostile, f"part_{args.part}")(args))


if __name__ == "__main__":
    main()
