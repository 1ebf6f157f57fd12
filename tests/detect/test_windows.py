"""Sliding windows: add on close, subtract on expiry, exact zeros when empty."""

from __future__ import annotations

import pickle

from hypothesis import given
from hypothesis import strategies as st

from foretold.windows import SlidingWindows


def test_a_step_counts_only_once_it_closes() -> None:
    # minute   0    1
    # posts    2    (open)
    # 1-min    -    2 after advance(1)
    w = SlidingWindows(width=1, lengths=(1,))
    w.bucket(0).sums[0] += 2
    assert w.sums(1) == [0.0]
    w.advance(1)
    assert w.sums(1) == [2.0]


def test_steps_leave_each_window_at_its_own_length() -> None:
    # minute   0    1    2    3    4    5
    # posts    1    .    4    .    .    |end=5
    # 3-min                   [2 .. 4]  = 4
    # 5-min          [0 .. 4]           = 5
    w = SlidingWindows(width=1, lengths=(3, 5))
    w.bucket(0).sums[0] += 1
    w.bucket(2).sums[0] += 4
    w.advance(5)
    assert (w.sums(3), w.sums(5)) == ([4.0], [5.0])
    # minute   ... 5    6    7  |end=8: minute 2 has left both windows
    w.advance(8)
    assert (w.sums(3), w.sums(5)) == ([0.0], [0.0])
    assert w.empty


def test_a_late_post_lands_in_the_open_step_not_the_past() -> None:
    # minute   3 (open)  <- a post stamped minute 1 arrives late
    w = SlidingWindows(width=1, lengths=(1, 5))
    w.bucket(3).sums[0] += 1
    w.bucket(1).sums[0] += 1
    w.advance(4)
    assert w.sums(1) == [2.0]


def test_windows_survive_a_pickle_round_trip() -> None:
    w = SlidingWindows(width=2, lengths=(1, 5))
    w.bucket(0).sums[1] += 3
    w.advance(2)
    again = pickle.loads(pickle.dumps(w))
    again.bucket(2).sums[1] += 1
    again.advance(3)
    assert again.sums(5) == [0.0, 4.0]


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(1, 5)), max_size=60))
def test_window_sums_equal_a_recount(events: list[tuple[int, int]]) -> None:
    w = SlidingWindows(width=1, lengths=(1, 5, 15, 60))
    events.sort()
    for minute, n in events:
        w.bucket(minute).sums[0] += n
    end = (events[-1][0] + 1) if events else 0
    w.advance(end)
    for length in (1, 5, 15, 60):
        expected = sum(n for m, n in events if end - length <= m < end)
        assert w.sums(length) == [float(expected)]
