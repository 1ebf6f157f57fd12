"""What both level policies share: posts in stream order, minutes closed once, metrics.

A campaign detector takes its posts in stream order. When a post opens a new minute,
every minute before it is closed and evaluated once; a run of empty minutes (a quiet
night) is evaluated once and learned in one go::

    posts   . .. .    .  .            (nothing)              . .
    minutes |m1|m2|m3|m4|m5|........ quiet gap .........|m90|m91
                    ^ a post in m4 closes m3            ^ a post in m91 closes m90:
                      (evaluate(m3))                      evaluate(m5), quiet(m6, 84),
                                                          evaluate(m90)

The last open minute is evaluated by :meth:`MinuteDetector.finish` when an archive
ends (never in ``watch``: a live stream has no end). Subclasses give ``_evaluate``
(one closed minute) and ``_quiet`` (a run of empty ones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from foretold.alerts import Alert, LevelPolicy
from foretold.campaigns import Campaign
from foretold.coordination import Coordination
from foretold.detect import explain
from foretold.detect.config import DetectConfig
from foretold.media.evidence import picture_evidence
from foretold.post import Post
from foretold.signals import NEWS, POSTS, CampaignSignals, Note

#: How often each window's metrics are written (in steps), by window length.
CADENCE = {1: 1, 5: 5, 15: 5, 60: 15}


@dataclass
class Output:
    """What closing steps produced, for the stage to put on the batch."""

    alerts: list[Alert] = field(default_factory=list)
    metrics: list[tuple[int, int, bytes]] = field(default_factory=list)  # (seconds, end us, json)
    phases: list[tuple[int, str]] = field(default_factory=list)  # (start us, phase)


@dataclass(frozen=True)
class Seen:
    """Who and what the last quarter and hour brought in, for an alert's words and evidence."""

    notes15: list[Note]
    notes60: list[Note]
    amplifiers: list[Note]  # big accounts that joined in the hour
    press: bool  # a news account, or a big account linking news, in the hour
    news: list[str]  # the press links (empty without press)


class MinuteDetector:
    """Stream order, minute closing, coordination and metrics for a level policy."""

    # set by the subclass's __init__
    campaign: Campaign
    config: DetectConfig
    signals: CampaignSignals
    policy: LevelPolicy
    risk: float
    _step_us: int

    # coordination (issue 18, docs/coordination.md); None in detectors pickled before it
    _coordination: Coordination | None = None

    def __getstate__(self) -> dict[str, Any]:
        # the coordination state stays out of this pickle: the Detect stage's snapshot
        # holds it beside the detectors in its compact form (Coordination.snapshot;
        # docs/coordination.md), and restores it into the detector
        return {k: v for k, v in self.__dict__.items() if k != "_coordination"}

    @property
    def coordination(self) -> Coordination:
        """Near-copies, synchronised accounts and account scores of this campaign."""
        if self._coordination is None:
            tags = frozenset(h.lstrip("#").lower() for h in self.campaign.hashtags)
            self._coordination = Coordination(campaign_tags=tags)
        return self._coordination

    def observe(
        self,
        post: Post,
        labels: dict[str, Any] | None,
        out: Output,
        now: Callable[[], datetime],
    ) -> None:
        """Add one post; closes and evaluates the minutes it leaves behind."""
        sig = self.signals
        step = sig.step_of(post)
        open_index = sig.windows.open_index
        if open_index is not None and step > open_index:
            self._close_until(step, out, now)
        sig.observe(post, labels)
        self.coordination.update(post, labels)

    def relabel(self, post: Post, before: dict[str, Any] | None, after: dict[str, Any]) -> None:
        """A post observed earlier is labelled again (its picture read late, in a watch):
        its labelled counts move to the open minute (:meth:`CampaignSignals.relabel`)."""
        self.signals.relabel(post, before, after)

    def finish(self, out: Output, now: Callable[[], datetime]) -> None:
        """The stream ended: evaluate its last open minute now."""
        open_index = self.signals.windows.open_index
        if open_index is not None:
            self._close_until(open_index + 1, out, now)

    def _close_until(self, step: int, out: Output, now: Callable[[], datetime]) -> None:
        w = self.signals.windows
        e = (w.open_index if w.open_index is not None else w.end) + 1
        while e <= step:
            w.advance(e)
            self._evaluate(e, out, now)
            if w.empty and step - e > 1:
                self._quiet(e, step - e)
                e = step
                w.advance(e)
                continue
            e += 1

    def _evaluate(self, end: int, out: Output, now: Callable[[], datetime]) -> None:
        raise NotImplementedError

    def _quiet(self, start: int, gap: int) -> None:
        raise NotImplementedError

    def _metrics(self, end: int, out: Output) -> None:
        sig, c = self.signals, self.config
        end_us = end * self._step_us
        for n in sig.windows.lengths:
            if end % CADENCE.get(n, n) == 0 and sig.sum(n, POSTS) > 0:
                extra = {"risk": self.risk, "level": self.policy.level} if n == 15 else None
                out.metrics.append((n * c.step_seconds, end_us, sig.read(n).to_json(extra)))

    def _seen(self) -> Seen:
        sig = self.signals
        notes15, notes60 = sig.notes(15), sig.notes(60)
        press = sig.sum(60, NEWS) > 0
        return Seen(
            notes15,
            notes60,
            [n for n in notes60 if n.kind == "amplifier"],
            press,
            [n.url for n in notes60 if n.kind == "news"] if press else [],
        )

    def _finish_alert(
        self,
        level: str,
        raised: datetime,
        signals: list[str],
        text: str,
        seen: Seen,
        metrics: dict[str, float | int | None],
        extra: dict[str, Any] | None = None,
    ) -> Alert:
        """The alert, its summary naming the meme most hostile posts show when they are
        pictures (:func:`foretold.media.evidence.picture_evidence`, which also gives
        ``evidence.images``), and ending with the swarm's sentence when coordinated
        accounts were active in the last 15 minutes (neither on an all_clear)."""
        c = self.config
        notes = seen.notes15 or seen.notes60
        posts = explain.notable_posts(notes, c.evidence_posts)
        images, memes = picture_evidence(notes, posts)  # what pictures say (docs/media.md)
        if memes is not None and level != "all_clear":
            text = f"{text.rstrip('.')}; {memes}."
        if images:
            extra = {**(extra or {}), "images": images}
        swarm = self.coordination.summary(15) if level != "all_clear" else None
        if swarm is not None and swarm.coordinated_accounts:
            text = f"{text.rstrip('.')}. {swarm.sentence()}."
        else:
            swarm = None
        return Alert(
            campaign=self.campaign.name,
            level=level,  # type: ignore[arg-type]
            at=explain.when(self.signals.last_us),
            raised_at=raised,
            signals=tuple(signals),
            summary=text,
            posts=tuple(posts),
            authors=tuple(explain.people(seen.amplifiers + seen.notes15, c.evidence_posts)),
            links=tuple(explain.top_links(seen.notes60, c.evidence_links)),
            metrics=metrics,
            coordination=swarm.to_dict() if swarm is not None else None,
            extra=extra or {},
        )
