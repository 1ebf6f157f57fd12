"""The coordination settings: one frozen record for every threshold of this package.

Defaults were chosen on the swarm scenarios' seeds 1-3 and the real streams
(PHEME Germanwings, the JetBlue month); see ``docs/coordination.md``.

>>> CoordinationConfig().sync_seconds
30
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class CoordinationConfig:
    """Near-copies, synchronised accounts, account scores and what counts as coordinated."""

    # near-copies: MinHash over word bigrams of the normalised text, LSH in bands
    min_tokens: int = 6  # shorter texts ("thank you @brand") are never near-copies
    num_perm: int = 64
    bands: int = 16  # 16 bands of 4 rows: a pair at Jaccard 0.6 meets in a band 89% of the time,
    # at 0.5 in 64%; a text is looked up against every earlier member of a cluster, not one
    similarity: float = 0.5  # estimated Jaccard to the cluster's first text to join it (0.6 missed
    # 9-17 points of the swarms' share on seeds 1-3: two edits of one message fall below it)
    seed: int = 1
    # synchronised accounts: the same link, hashtag set or repost within seconds, again and again
    sync_seconds: int = 30
    sync_partners: int = 25  # an action is paired with at most this many recent ones
    sync_min_shared: int = 3  # shared actions before a pair counts as synchronised ...
    sync_min_fraction: float = 0.2  # ... and this share of the less active account's actions
    min_group: int = 5  # accounts in a synchronised group (3 named 4 organic accounts, seed 3)
    # memory: actions and pairs older than this are forgotten ...
    horizon_minutes: int = 360
    # ... and posts and near-copy clusters older than this (a summary reads at most this far
    # back; this state's snapshot in a 46,000-post storm: 7.3 MiB keeping them 6 hours)
    text_minutes: int = 60
    sweep_minutes: int = 10
    # ... and at most this many posts are kept for the summaries, the oldest dropped first
    # (a size bound beside the time bound: an hour at 1,000 posts/s is 2.6 million posts,
    # about 300 MB; a million keeps the 15-minute summary whole up to 1,100 posts/s)
    max_posts: int = 1_000_000
    # a near-copy cluster is coordinated when this many accounts post it within burst_minutes ...
    cluster_min_accounts: int = 5
    burst_minutes: int = 60
    # ... and its accounts look inauthentic, or many of them are synchronised
    suspect_score: float = 0.6  # an account at or above this score is suspect
    suspect_share: float = 0.5  # share of the cluster's accounts that are suspect or synchronised
    # account features
    young_days: float = 30.0
    few_followers: int = 30
    high_rate: float = 72.0  # posts a day over the account's life
    handle_digits: int = 5  # trailing digits of generated handles ("maria48213907")
    # the level policy: crisis needs this many hostile posts in 15 min beyond the near-copies
    public_min_hostile: int = 8  # (the Detect stage's min_hostile: volume counts from 8)
    # what a summary lists
    top_clusters: int = 5
    top_accounts: int = 10
    example_chars: int = 140
