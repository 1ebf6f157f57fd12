"""The dashboard's coordination panel: the swarm behind the selected campaign, now.

The Detect stage's coordination state lives in the running pipeline; the dashboard
reads the store. So the panel replays the campaign's last hour of stored posts (its
stream time: up to its latest post) through a fresh :class:`Coordination` and reads
it as an alert would (``summary``): the near-copy clusters, the coordinated accounts
with their scores and drivers, the synchronised groups, and the share of (hostile)
posts that are coordinated near-copies. Synchronised pairs need their accounts to
meet three times, so within one hour the panel may name fewer groups than the live
detector, which remembers six hours (``docs/coordination.md``). A file store's panel is
recomputed at most every ``REFRESH_S`` seconds.

>>> from foretold.store import Store
>>> panel(Store(":memory:"), "askjpm")["posts"]
0
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from foretold.coordination.config import CoordinationConfig
from foretold.coordination.state import Coordination
from foretold.store import Store

#: how many of the campaign's latest posts the panel reads at most
MAX_POSTS = 20_000
#: a campaign's panel is recomputed at most this often: a live store changes every
#: second or so, and 20,000 posts took 1.5 s to read and replay (docs/coordination.md)
REFRESH_S = 10.0
_CACHE: dict[tuple[str, str, int], tuple[float, tuple[Any, ...], dict[str, Any]]] = {}


def panel(
    store: Store, campaign: str, minutes: int = 60, now: Callable[[], float] = time.monotonic
) -> dict[str, Any]:
    """The panel's data for ``campaign``: the alert evidence's ``coordination`` section
    (:meth:`~foretold.coordination.state.Summary.to_dict`) over the last ``minutes``,
    with its sentence and the stream time it reads up to (``as_of``). A file store's
    panel is kept ``REFRESH_S`` seconds (``now``: a monotonic clock) and while the
    campaign's last hour is unchanged."""
    ck = (store.path, campaign, minutes)
    hit = _CACHE.get(ck) if store.path != ":memory:" else None
    t = now()
    if hit is not None and t - hit[0] < REFRESH_S:
        return hit[2]
    rows = store.recent_posts(campaign, minutes, MAX_POSTS)
    if not rows:
        return {"campaign": campaign, "minutes": minutes, "posts": 0, "as_of": None,
                "sentence": "", "clusters": [], "accounts": [], "groups": []}  # fmt: skip
    key = (len(rows), rows[0][0].key, rows[-1][0].key)
    if hit is not None and hit[1] == key:
        _CACHE[ck] = (t, key, hit[2])
        return hit[2]
    config = store.campaign_config(campaign) or {}
    tags = frozenset(str(h).lstrip("#").lower() for h in config.get("hashtags", ()))
    co = Coordination(CoordinationConfig(), tags)
    co.prepare([p for p, _ in rows])
    for post, labels in rows:
        co.update(post, labels)
    s = co.summary(minutes)
    out = {"campaign": campaign, **s.to_dict(), "sentence": s.sentence(),
           "as_of": rows[-1][0].created_at.strftime("%Y-%m-%dT%H:%M:%SZ")}  # fmt: skip
    if len(_CACHE) > 64:
        _CACHE.clear()
    if store.path != ":memory:":
        _CACHE[ck] = (t, key, out)
    return out
