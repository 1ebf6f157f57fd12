"""Account features and a per-account inauthenticity score that says what drives it.

The features are the ones bot and sock-puppet studies keep finding useful and that
a post's author record carries: a young account, few followers, a high posting
rate over the account's life, a default profile (no bio, the handle for a name),
a generated handle (a name and a long run of digits), following far more than
followed. Each present feature adds its weight; the score is the sum, capped at 1.
No labelled bot data ships with foretold, so the weights are set by hand and the
score is judged where truth exists: the swarm scenarios (``docs/coordination.md``).
A feature whose field the platform did not give is left out, never guessed.

>>> from datetime import datetime, timezone
>>> from foretold.post import Author
>>> now = datetime(2026, 3, 1, tzinfo=timezone.utc)
>>> bot = Author(id="9", handle="maria48213907", name="maria48213907", followers=3,
...              following=900, posts=2400, created_at=datetime(2026, 2, 20, tzinfo=timezone.utc))
>>> s = score(bot, now, CoordinationConfig())
>>> s.score, s.drivers
(1.0, ('young', 'high_rate', 'generated_handle', 'few_followers', 'default_profile', 'follows_many'))
>>> score(Author(id="1", handle="jo", name="Jo Smith", followers=800, description="Nurse."),
...       now, CoordinationConfig()).score
0.0
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from foretold.coordination.config import CoordinationConfig
from foretold.post import Author

#: Each feature's weight in the score, strongest first (the order drivers are listed in).
WEIGHTS: dict[str, float] = {
    "young": 0.3,
    "high_rate": 0.25,
    "generated_handle": 0.2,
    "few_followers": 0.2,
    "default_profile": 0.15,
    "follows_many": 0.1,
}


@dataclass(frozen=True, slots=True)
class AccountScore:
    """One account's inauthenticity score in [0, 1] and the features behind it."""

    score: float
    drivers: tuple[str, ...]
    age_days: float | None


def score(author: Author, at: datetime, config: CoordinationConfig) -> AccountScore:
    """The score of ``author`` as seen in a post made at ``at``."""
    c = config
    present: list[str] = []
    age = None
    if author.created_at is not None:
        age = max((at - author.created_at).total_seconds() / 86400.0, 0.0)
        if age < c.young_days:
            present.append("young")
        if author.posts is not None and author.posts / max(age, 1.0) > c.high_rate:
            present.append("high_rate")
    if _generated(author.handle, c.handle_digits):
        present.append("generated_handle")
    if author.followers is not None and author.followers < c.few_followers:
        present.append("few_followers")
    if not author.description and (not author.name or author.name == author.handle):
        present.append("default_profile")
    if (
        author.following is not None
        and author.followers is not None
        and author.following > 100
        and author.following > 10 * author.followers
    ):
        present.append("follows_many")
    drivers = tuple(sorted(present, key=lambda f: -WEIGHTS[f]))
    total = min(sum((WEIGHTS[f] for f in drivers), 0.0), 1.0)
    return AccountScore(round(total, 3), drivers, None if age is None else round(age, 1))


def _generated(handle: str, digits: int) -> bool:
    return re.search(rf"[a-z_]\d{{{digits},}}$", handle.lower()) is not None
