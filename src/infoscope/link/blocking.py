"""Blocking for event resolution: mentions split into partitions that can be resolved apart.

Two mentions can only end in one ledger event when their type family is the same, their places
can agree (the same country, or a city name shared across countries) and their dates lie within
the tolerance of each other (a month-only date spans its month; an unknown year spans all time).
Partitions are the connected groups under that relation: by type family, then by place, then by
period. Every event's members are compatible with its first (anchor) mention, so no event ever
spans two partitions, and resolving each partition on its own, in the global order, gives exactly
the events one global pass gives. That is what lets ``link --engine dask`` resolve partitions on
workers.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from infoscope.link.resolve import LedgerCluster, Mention, _order, resolve

TASK_MENTIONS = 20_000  # partitions are grouped into tasks of about this many mentions
_ALWAYS = (-(10**9), 10**9)  # an unknown year or an impossible month: compatible across all time


class _Union:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: Any, b: Any) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _month_end(year: int, month: int) -> dt.date:
    return (dt.date(year + month // 12, month % 12 + 1, 1)) - dt.timedelta(days=1)


def _interval(m: Mention, tolerance_days: int) -> tuple[int, int]:
    """Days (ordinals) a compatible mention's own interval must overlap."""
    d = m.date
    assert d is not None
    if d.year is None or not 1 <= d.month <= 12 or not 1 <= d.year <= 9998:
        return _ALWAYS
    first, last = dt.date(d.year, d.month, 1), _month_end(d.year, d.month)
    if d.day is None:
        return first.toordinal(), last.toordinal()
    try:
        day = dt.date(d.year, d.month, d.day).toordinal()
    except ValueError:  # 2024-02-30 still matches "February 2024"
        return first.toordinal() - tolerance_days, last.toordinal() + tolerance_days
    return day - tolerance_days, day + tolerance_days


def partitions(mentions: Iterable[Mention], tolerance_days: int = 1) -> Iterator[list[Mention]]:
    """Groups of mentions that can be resolved apart (each in the global resolution order)."""
    places = _Union()
    blocks: dict[tuple[Any, ...], list[Mention]] = defaultdict(list)
    pending: list[tuple[Mention, Any]] = []
    for m in mentions:
        if m.family is None or m.date is None:
            yield [m]  # never compatible with anything: an event of its own
            continue
        loc = ("l", m.family, m.location.casefold()) if m.location else None
        if m.country:
            node: Any = ("c", m.family, m.country)
            if loc:
                places.union(node, loc)
        elif loc:
            node = loc
        else:
            yield [m]  # no country and no place: compatible with nothing
            continue
        places.find(node)
        pending.append((m, node))
    for m, node in pending:
        blocks[(m.family, places.find(node))].append(m)
    for block in blocks.values():
        spans = sorted(((_interval(m, tolerance_days), m) for m in block), key=lambda x: (x[0], x[1].id))
        group: list[Mention] = []
        end = None
        for (lo, hi), m in spans:
            if group and end is not None and lo > end:
                yield group
                group = []
                end = None
            group.append(m)
            end = hi if end is None else max(end, hi)
        if group:
            yield group


def resolve_parts(parts: Sequence[list[Mention]], tolerance_days: int = 1) -> list[LedgerCluster]:
    """Resolve several partitions (one task's worth) on their own."""
    return [c for part in parts for c in resolve(part, tolerance_days)]


Mapper = Callable[
    [Callable[..., list[LedgerCluster]], list[list[list[Mention]]], int], Iterable[list[LedgerCluster]]
]


def local_map(
    fn: Callable[..., list[LedgerCluster]], tasks: list[list[list[Mention]]], tolerance_days: int
) -> Iterator[list[LedgerCluster]]:
    return (fn(t, tolerance_days) for t in tasks)


def resolve_blocked(
    mentions: Iterable[Mention], tolerance_days: int = 1, mapper: Mapper | None = None
) -> list[LedgerCluster]:
    """``resolve`` over partitions, mapped by ``mapper`` (in process by default, or a Dask client's).

    The result equals ``resolve(mentions)``, events in the same order.
    """
    tasks: list[list[list[Mention]]] = [[]]
    size = 0
    for part in partitions(mentions, tolerance_days):
        if size >= TASK_MENTIONS:
            tasks.append([])
            size = 0
        tasks[-1].append(part)
        size += len(part)
    out = [c for res in (mapper or local_map)(resolve_parts, tasks, tolerance_days) for c in res]
    out.sort(key=lambda c: _order(c.anchor))
    return out


def dask_mapper(client: Any) -> Mapper:
    """A mapper that resolves the tasks on the workers of a ``distributed.Client``."""

    def run(
        fn: Callable[..., list[LedgerCluster]], tasks: list[list[list[Mention]]], tolerance_days: int
    ) -> list[list[LedgerCluster]]:
        futures = client.map(fn, tasks, tolerance_days=tolerance_days, pure=False)
        return client.gather(futures)

    return run
