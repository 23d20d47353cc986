"""Size and time limits for analysing one document, so hostile text costs one error, not the batch.

The annotators are regular expressions and small models over the text; some inputs (a single
"sentence" of a million characters, say) make them slow. A document over the size limit is
refused before any annotator runs, and one that runs past the time limit is stopped. Both
raise :class:`AnalysisRefused`, which the callers record as that document's error.

Limits come from the environment (``INFOSCOPE_ANALYZE_MAX_CHARS``, ``INFOSCOPE_ANALYZE_TIME_LIMIT``;
0 turns the time limit off), which ``infoscope analyze --max-chars/--time-limit`` set, so worker
processes started by the command inherit them.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

MAX_CHARS = 5_000_000  # the same default as ingest's --max-chars
TIME_LIMIT = 600.0  # seconds per document; 1,000,000 characters of news text took 36 s on 2 busy cores
ENV_MAX_CHARS = "INFOSCOPE_ANALYZE_MAX_CHARS"
ENV_TIME_LIMIT = "INFOSCOPE_ANALYZE_TIME_LIMIT"


class AnalysisRefused(ValueError):
    """This document was not analysed: too large or too slow. The message says which, in one line."""


class AnalysisTimeout(AnalysisRefused):
    """The annotators ran past the per-document time limit."""


@dataclass(frozen=True)
class Limits:
    max_chars: int = MAX_CHARS
    time_limit: float | None = TIME_LIMIT  # None: no limit

    @classmethod
    def from_env(cls) -> Limits:
        def number(name: str, default: float) -> float:
            raw = os.environ.get(name, "").strip()
            try:
                return float(raw) if raw else default
            except ValueError:
                return default

        seconds = number(ENV_TIME_LIMIT, TIME_LIMIT)
        return cls(
            max_chars=int(number(ENV_MAX_CHARS, MAX_CHARS)), time_limit=seconds if seconds > 0 else None
        )

    def check_size(self, text: str) -> None:
        if len(text) > self.max_chars:
            raise AnalysisRefused(
                f"text has {len(text)} characters, over the limit of {self.max_chars} for analysis (--max-chars)"
            )


def _timeout(seconds: float, what: str) -> AnalysisTimeout:
    if what == "analysis":
        return AnalysisTimeout(
            f"analysis took longer than {seconds:g} s, the per-document limit (--time-limit)"
        )
    return AnalysisTimeout(f"{what} took longer than {seconds:g} s")


@contextmanager
def deadline(seconds: float | None, what: str = "analysis") -> Iterator[Callable[[], None]]:
    """Stop the block after ``seconds``; yields a check to call between steps.

    In the main thread a SIGALRM timer interrupts the block even inside a regular expression
    (the ``re`` engine checks for signals); it re-fires every half second in case an annotator
    swallows the first. Elsewhere (worker threads) only the check between steps can stop it.
    A block that ran past the limit raises at its end even if the code inside swallowed every
    alarm (trafilatura catches broad exceptions and would return a truncated result).
    """
    if not seconds:
        yield lambda: None
        return
    end = time.monotonic() + seconds

    def check() -> None:
        if time.monotonic() > end:
            raise _timeout(seconds, what)

    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield check
        check()
        return

    def on_alarm(_signum: int, _frame: object) -> None:
        if time.monotonic() > end:  # not a leftover signal from before the block
            raise _timeout(seconds, what)

    previous = signal.signal(signal.SIGALRM, on_alarm)
    old_delay, old_interval = signal.setitimer(signal.ITIMER_REAL, seconds, 0.5)
    started = time.monotonic()
    try:
        yield check
        check()
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:  # runs even if the alarm fired just as the block ended
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
            if old_delay:  # someone else's timer was running: give it back what is left of it
                left = max(old_delay - (time.monotonic() - started), 0.001)
                signal.setitimer(signal.ITIMER_REAL, left, old_interval)
