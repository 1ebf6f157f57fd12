"""Coordinated and inauthentic activity: is a surge many people, or a few with many accounts?

Per campaign, :class:`Coordination` keeps near-copy clusters (:mod:`.nearcopy`,
MinHash LSH), the synchronised-account network (:mod:`.sync`: the same link,
hashtag set or repost within seconds, again and again) and each author's
inauthenticity score with its drivers (:mod:`.accounts`); ``summary(minutes)``
says what share of the (hostile) posts coordinated accounts made, and names them.
See ``docs/coordination.md``.
"""

from __future__ import annotations

from foretold.coordination.accounts import WEIGHTS, AccountScore, score
from foretold.coordination.config import CoordinationConfig
from foretold.coordination.nearcopy import NearCopies, tokens
from foretold.coordination.policy import ceiling
from foretold.coordination.state import AccountView, ClusterView, Coordination, Summary
from foretold.coordination.sync import SyncNetwork

__all__ = [
    "WEIGHTS",
    "AccountScore",
    "AccountView",
    "ClusterView",
    "Coordination",
    "CoordinationConfig",
    "NearCopies",
    "Summary",
    "SyncNetwork",
    "ceiling",
    "score",
    "tokens",
]
