"""Resolving by partitions (type family, place, period) gives exactly the events of one global pass."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from infoscope.link.blocking import partitions, resolve_blocked
from infoscope.link.resolve import DateRange, Mention, resolve

FAMILY = st.sampled_from(["demonstration", "violence", None])
PLACE = st.sampled_from(
    [
        (None, None),
        ("Paris", "FR"),
        (None, "FR"),
        ("Paris", None),
        ("Lyon", "FR"),
        ("Paris", "US"),
        (None, "DE"),
    ]
)
DATE = st.one_of(
    st.none(),
    st.builds(
        lambda y, m, d: f"{y}-{m:02d}" + (f"-{d:02d}" if d else ""),
        st.sampled_from(["2024", "2025", "XXXX"]),
        st.sampled_from([1, 2, 7, 12]),  # few months and days near their ends: near misses are common
        st.sampled_from([None, 1, 2, 3, 27, 28, 29, 30, 31]),
    ),
)


@st.composite
def mentions(draw: st.DrawFn) -> list[Mention]:
    out = []
    for i in range(draw(st.integers(0, 40))):
        (loc, country), date = draw(PLACE), draw(DATE)
        imported = draw(st.integers(0, 9)) == 0
        out.append(
            Mention(
                id=f"men{i:03d}",
                family=draw(FAMILY),
                type=None,
                subtype=None,
                date=DateRange.parse(date),
                date_text=date,
                location=loc,
                country=country,
                source_key=f"s{draw(st.integers(0, 3))}",
                event_id=f"evt{i}" if imported else None,
            )
        )
    return [m for m in out if m.date is not None or m.event_id is not None]


def _members(clusters) -> list[list[str]]:  # type: ignore[no-untyped-def]
    return [[m.id for m in c.members] for c in clusters]


@settings(max_examples=300, deadline=None)
@given(mentions(), st.integers(0, 3))
def test_partitioned_resolution_equals_global_resolution(ms: list[Mention], tolerance: int) -> None:
    assert _members(resolve_blocked(ms, tolerance)) == _members(resolve(ms, tolerance))


@settings(max_examples=100, deadline=None)
@given(mentions())
def test_partitions_hold_every_mention_once(ms: list[Mention]) -> None:
    ids = [m.id for part in partitions(ms) for m in part]
    assert sorted(ids) == sorted(m.id for m in ms)


def test_far_apart_reports_are_separate_partitions() -> None:
    def m(i: int, date: str, country: str) -> Mention:
        return Mention(
            f"m{i}", "demonstration", None, None, DateRange.parse(date), date, "Paris", country, "s"
        )

    parts = list(partitions([m(1, "2024-07-01", "FR"), m(2, "2024-07-02", "FR"), m(3, "2024-09-01", "FR")]))
    assert sorted(len(p) for p in parts) == [1, 2]
