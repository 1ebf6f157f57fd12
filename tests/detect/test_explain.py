"""The alert sentence names what happened: a hijack only when the hostile share rose."""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from foretold.detect.explain import summary
from foretold.signals import WindowSignals


def window(hostile_share: float, hostile: int) -> WindowSignals:
    values: dict[str, Any] = {f.name: None for f in fields(WindowSignals)}
    values.update(
        window_seconds=900, end_us=0, posts=100, addressed=100, rate_per_min=6.0, labelled=100,
        hostile=hostile, hostile_share=hostile_share, questions=0, foreign_links=0, news=0,
        amplifiers=0, hostile_amplifiers=0,
    )  # fmt: skip
    return WindowSignals(**values)


def test_a_warning_with_a_risen_hostile_share_says_hijack() -> None:
    w = window(0.75, 30)
    text = summary("warning", "#askjpm", w, w, 0.29, 9.0, [], [], None)
    assert text.startswith("A hijack is forming: hostile posts are 75% of #askjpm")


def test_a_warning_on_volume_alone_does_not_say_hijack() -> None:
    # grief after a crash: hostile share at its usual level, many more posts of all kinds
    w = window(0.42, 78)
    text = summary("warning", "#germanwings", w, w, 0.45, 63.0, [], [], None)
    assert text.startswith("Hostile volume is surging: hostile posts are 42% of #germanwings")
    assert "hijack" not in text and "63x the usual" in text


def test_a_watch_on_the_usual_mix_names_the_volume_not_the_share() -> None:
    # an airline's busy evening: more complaints, at their usual share
    w = window(0.20, 9)
    text = summary("watch", "@jetblue", w, w, 0.23, 2.8, [], [], None, voices=9)
    assert text == (
        "Worth a look: more hostile posts than usual on @jetblue, 9 with their reposts in the "
        "last 15 min, 2.8x the usual for the hour (the usual mix: 20% hostile, baseline 23%), "
        "building up."
    )
    risen = summary("watch", "@jetblue", window(0.56, 20), w, 0.23, 2.8, [], [], None, voices=20)
    assert risen.startswith("Worth a look: hostile posts are 56% of @jetblue in the last 15 min")


def test_an_all_clear_above_the_usual_mix_does_not_say_back_to_normal() -> None:
    """Three calm hours end an episode; when hostile posts are still above the brand's
    usual share, the sentence says the surge is over, not that all is normal."""
    w = window(0.45, 45)
    assert summary("all_clear", "#askjpm", w, w, 0.31, None, [], [], None) == (
        "All clear: the surge on #askjpm is over; hostile posts are 45% of the last hour "
        "(baseline 31%), no longer rising."
    )
    calm = window(0.3, 30)
    assert summary("all_clear", "#askjpm", calm, calm, 0.31, None, [], [], None) == (
        "All clear: #askjpm is back to normal (hostile posts 30% of the last hour, baseline 31%)."
    )


def test_a_warning_on_a_brand_handle_is_a_pile_on_not_a_hijack() -> None:
    """A brand's mentions (@jetblue) have no campaign hashtag to hijack."""
    w = window(0.67, 12)
    text = summary("warning", "@jetblue", w, w, 0.21, 4.0, [], [], None)
    assert text.startswith("A pile-on is forming: hostile posts are 67% of @jetblue")
