"""Campaign signals from hand-labelled posts."""

from __future__ import annotations

from typing import Any

from foretold.post import Post
from foretold.signals import HOSTILE as HOSTILE_POSTS
from foretold.signals import (
    HOSTILE_IRONIC,
    HOSTILE_REPEATS,
    LABELLED,
    REPEATS,
    CampaignSignals,
    WindowSignals,
)
from foretold.signals import MOCKING as MOCKING_POSTS

from .helpers import CALM, HOSTILE, JPM, MOCKING, post


def _read(
    posts_labels: list[tuple[Post, dict[str, Any] | None]], minutes: int = 15
) -> tuple[CampaignSignals, WindowSignals]:
    sig = CampaignSignals(JPM)
    last = 0
    for p, labels in posts_labels:
        sig.observe(p, labels)
        last = sig.step_of(p)
    sig.windows.advance(last + 1)
    return sig, sig.read(minutes)


def test_hostile_share_counts_labelled_addressed_posts_only() -> None:
    # 21:00  hostile, hostile, calm, unlabelled
    s = _read([(post(1, 0), HOSTILE), (post(2, 5), HOSTILE), (post(3, 9), CALM),
               (post(4, 12), None)])[1]  # fmt: skip
    assert (s.posts, s.labelled, s.hostile, s.hostile_share) == (4, 3, 2, 0.6667)


def test_shares_are_none_without_labels() -> None:
    s = _read([(post(1, 0), None), (post(2, 1), None)])[1]
    assert s.posts == 2
    assert s.hostile_share is None and s.hostility is None and s.hostile_question_share is None


def test_a_keyword_only_post_counts_in_volume_not_in_hostility() -> None:
    sig = CampaignSignals(JPM)
    off_topic = post(1, 0, tags=("amazonfires",))
    sig.observe(off_topic, HOSTILE)
    sig.windows.advance(sig.step_of(off_topic) + 1)
    s = sig.read(1)
    assert (s.posts, s.addressed, s.labelled, s.keyword_only_share) == (1, 0, 0, 1.0)


def test_the_brands_own_posts_are_not_counted() -> None:
    s = _read([(post(1, 0, handle="jpmorgan"), CALM), (post(2, 1), CALM)])[1]
    assert s.posts == 1


def test_newcomers_are_authors_first_seen() -> None:
    same = post(2, 30)
    same.author.id = "a1"
    s = _read([(post(1, 0), CALM), (same, CALM)])[1]
    assert s.newcomer_share == 0.5


def test_a_big_hostile_account_entering_is_an_amplifier() -> None:
    # usual reach ~300 followers, then 192k
    crowd = [(post(i, i), CALM) for i in range(20)]
    sig, s = _read([*crowd, (post(99, 30, followers=192_000, handle="occupy"), HOSTILE)])
    assert (s.amplifiers, s.hostile_amplifiers) == (1, 1)
    assert [n.handle for n in sig.notes(15) if n.kind == "amplifier"] == ["occupy"]


def test_news_links_and_other_links_are_told_apart() -> None:
    doc = "http://www.scribd.com/doc/1/rap-sheet"
    news = "https://www.huffingtonpost.com/2013/11/13/jpm"
    sig, s = _read([(post(1, 0, urls=(doc,)), HOSTILE),
                    (post(2, 1, urls=(news,), followers=410_000), CALM)])  # fmt: skip
    assert (s.foreign_links, s.news) == (1, 1)
    assert sorted(n.kind for n in sig.notes(15) if n.url) == ["link", "news"]


def test_meta_commentary_is_counted() -> None:
    s = _read([(post(1, 0, text="So @jpmorgan really created a hashtag #AskJPM"), CALM)])[1]
    assert s.meta_share == 1.0


def _by(n: int, seconds: float, author: str) -> Post:
    p = post(n, seconds)
    p.author.id = author
    return p


def test_an_authors_posts_count_once_per_15_minutes_as_a_voice() -> None:
    # a1 posts four angry posts in ten minutes, a2 one: two hostile voices, not five;
    # a1 again 16 minutes after the first counts again
    thread = [(_by(i, 150 * i, "a1"), HOSTILE) for i in range(4)]
    other = [(_by(9, 30, "a2"), HOSTILE), (_by(10, 45, "a2"), CALM)]
    sig, s = _read(sorted([*thread, *other], key=lambda x: x[0].created_at), 15)
    sums = sig.windows.sums(15)
    assert (s.hostile, s.labelled) == (5, 6)  # the shares shown still count posts
    assert sums[HOSTILE_POSTS] - sums[HOSTILE_REPEATS] == 2
    assert sums[LABELLED] - sums[REPEATS] == 2
    later = _by(20, 16 * 60, "a1")
    sig.observe(later, HOSTILE)
    sig.windows.advance(sig.step_of(later) + 1)
    assert sig.windows.sums(1)[REPEATS] == 0


def test_posts_by_an_unknown_author_are_each_a_voice() -> None:
    anonymous = [(_by(i, 20 * i, ""), HOSTILE) for i in range(3)]
    sig, _ = _read(anonymous)
    assert sig.windows.sums(15)[REPEATS] == 0


def test_relabelling_a_repeat_takes_back_what_it_added() -> None:
    first, second = _by(1, 0, "a1"), _by(2, 20, "a1")
    sig = CampaignSignals(JPM)
    sig.observe(first, CALM)
    sig.observe(second, CALM)
    sig.relabel(second, CALM, HOSTILE)
    sig.windows.advance(sig.step_of(second) + 1)
    sums = sig.windows.sums(1)
    assert (sums[HOSTILE_POSTS], sums[HOSTILE_REPEATS], sums[REPEATS]) == (1, 1, 1)
    sig.relabel(second, HOSTILE, CALM)  # read late: counted in the open minute
    sig.windows.advance(sig.step_of(second) + 2)
    sums = sig.windows.sums(15)
    assert (sums[HOSTILE_POSTS], sums[HOSTILE_REPEATS], sums[REPEATS]) == (0, 0, 1)


def test_hostile_posts_flagged_ironic_are_counted_apart_and_taken_back() -> None:
    """``hostile_ironic`` counts the hostile posts that are also flagged ironic (angry
    mockery, which the mockery ceiling sets aside); a joke that is not angry is mocking,
    not hostile; a relabel takes back what the old labels added."""
    plain = {**HOSTILE, "flags": ["question"]}
    posts = [(post(1, 0), HOSTILE), (post(2, 5), plain), (post(3, 9), MOCKING), (post(4, 12), CALM)]
    sig, _ = _read(posts)
    sums = sig.windows.sums(15)
    assert (sums[HOSTILE_POSTS], sums[HOSTILE_IRONIC], sums[MOCKING_POSTS]) == (2, 1, 1)
    sig.relabel(posts[0][0], HOSTILE, plain)
    sig.windows.advance(sig.step_of(posts[-1][0]) + 2)
    sums = sig.windows.sums(15)
    assert (sums[HOSTILE_POSTS], sums[HOSTILE_IRONIC], sums[MOCKING_POSTS]) == (2, 0, 1)
