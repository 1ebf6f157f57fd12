"""Coordination: precision and recall on the swarm drills, false coordination on real streams.

For every drill of :data:`foretold.simulate.swarm.SWARMS` and seed, the stream goes
through campaign tracking and the fast classifier into one
:class:`~foretold.coordination.Coordination` per campaign, read every 5 minutes of
stream time as an alert would read it (``summary(60)``). Every account ever named
as coordinated is scored against the truth file's list (precision, recall); at the
swarm's last order the near-copy share of the last hour is compared with the
swarm's true share of the campaign's own-words posts in that hour. On the real
streams (PHEME Germanwings, the JetBlue month: every post, all about the crash or
addressed to @JetBlue), where no swarm is known, it prints
the accounts named, and the share of the stream's posts the largest cluster ever
flagged as coordinated holds (target: at most 2%).

``--speed`` prints the cost: Track + Classify + Detect with the coordination state
inside Detect against the same with a no-op in its place, in this process (ratio;
target: at most 10% slower; and the same through the pipeline into a store, as
``foretold replay`` runs), the coordination state alone in µs of CPU a post (fed as
Detect feeds it), and the detector snapshot's size both ways (the coordination state is
in it, compact), and ``--library`` our MinHash LSH against datasketch's on the same texts.

Usage: ``python bench/coordination_bench.py --seeds 1 2 3 4 5 [--speed [--rounds 5]] [--library]``.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

from foretold.campaigns import Campaign, Track
from foretold.coordination import Coordination, CoordinationConfig, tokens
from foretold.coordination.nearcopy import COMPILED
from foretold.formats.csv_rows import column_map
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post
from foretold.records import Batch
from foretold.simulate.swarm import SWARMS, swarm_stream, write_swarm
from foretold.understand import load_classifier
from foretold.understand.stage import Classify

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"
JETBLUE_MAP = [
    "id=id", "text=text", "created_at=created", "author_id=screenName",
    "author_handle=screenName", "likes=favoriteCount", "reposts=retweetCount",
]  # fmt: skip
STEP_US = 5 * 60_000_000


def run(
    batches: Iterable[list[Post]],
    campaign: Campaign,
    config: CoordinationConfig,
    classify: bool = True,
    at_us: int | None = None,
    every_post: bool = False,
) -> dict[str, Any]:
    """Feed the campaign's posts (``every_post``: all posts, for a stream that is all about
    one event); every 5 minutes read ``summary(60)`` as an alert would."""
    track, stage = Track([campaign]), Classify(load_classifier("fast")) if classify else None
    co = Coordination(config, frozenset(h.lstrip("#").lower() for h in campaign.hashtags))
    flagged: set[str] = set()
    flagged_clusters: set[int] = set()
    cluster_posts: Counter[int] = Counter()
    cluster_accounts: dict[int, set[str]] = {}
    own: list[tuple[int, str]] = []  # (t us, post id) of own-words campaign posts
    posts = 0
    at_summary = None
    next_read = None
    for records in batches:
        batch = Batch.of(list(records))
        track.process(batch)
        if stage is not None:
            stage.process(batch)
        members = {(p, i) for _, p, i in batch.memberships}
        for post in batch.posts:
            if every_post:
                pass
            elif post.key not in members:
                continue
            posts += 1
            cid = co.update(post, batch.label_of.get(post.key))
            if cid is not None:
                cluster_posts[cid] += 1
                cluster_accounts.setdefault(cid, set()).add(post.author.id)
            if post.repost_of is None:
                own.append((co.last_us, post.id))
            if next_read is None:
                next_read = co.last_us + STEP_US
            if co.last_us >= next_read:
                s = co.summary(60)
                flagged |= {co.handle(a) for a in s.coordinated_accounts}
                flagged_clusters |= {c.id for c in s.clusters}
                next_read = co.last_us + STEP_US
            if at_us is not None and at_summary is None and co.last_us >= at_us:
                at_summary = co.summary(60)
    s = co.summary(60)
    flagged |= {co.handle(a) for a in s.coordinated_accounts}
    flagged_clusters |= {c.id for c in s.clusters}
    biggest = max((cluster_posts[c] for c in flagged_clusters), default=0)
    return {
        "posts": posts,
        "flagged": flagged,
        "biggest_cluster": biggest,
        "biggest_share": biggest / posts if posts else 0.0,
        "crowded": sum(len(a) >= config.cluster_min_accounts for a in cluster_accounts.values()),
        "widest": max((len(a) for a in cluster_accounts.values()), default=0),
        "at": at_summary,
        "own": own,
    }


def drills(seeds: Sequence[int], data: Path, config: CoordinationConfig) -> None:
    print("| drill | seed | posts | swarm accounts | flagged | precision | recall "
          "| share (truth) | hostile share | largest flagged cluster |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    totals: dict[str, list[float]] = {}
    for name in SWARMS:
        for seed in seeds:
            posts, truth = swarm_stream(name, seed, data)
            c = truth["campaign"]
            campaign = Campaign(name=c["name"], hashtags=tuple(c["hashtags"]),
                                handles=tuple(c["handles"]), owner=c["owner"])  # fmt: skip
            co = truth["coordination"]
            true = set(co["coordinated_accounts"])
            end_us = None
            if co["end"]:
                end = posts[0].created_at.fromisoformat(co["end"].replace("Z", "+00:00"))
                end_us = int((end - posts[0].created_at).total_seconds() * 1e6)
                end_us += _us(posts[0])
            r = run(_chunks(posts, 1000), campaign, config, at_us=end_us)
            flagged = r["flagged"]
            hit = len(flagged & true)
            precision = hit / len(flagged) if flagged else (1.0 if not true else 0.0)
            recall = hit / len(true) if true else None
            share = truth_share = None
            hostile = "-"
            if r["at"] is not None and end_us is not None:
                s = r["at"]
                swarm_ids = set(co["coordinated_posts"])
                window = [i for t, i in r["own"] if end_us - 3_600_000_000 < t <= end_us]
                truth_share = sum(i in swarm_ids for i in window) / max(len(window), 1)
                share = s.share or 0.0
                hostile = f"{s.hostile_share:.0%}" if s.hostile_share is not None else "-"
            row = totals.setdefault(name, [])
            row.append(precision)
            print(
                f"| {name} | {seed} | {r['posts']:,} | {len(true)} | {len(flagged)} "
                f"| {precision:.3f} | {'-' if recall is None else f'{recall:.3f}'} "
                f"| {'-' if share is None else f'{share:.0%} ({truth_share:.0%})'} | {hostile} "
                f"| {r['biggest_share']:.2%} |"
            )


def real(data: Path, config: CoordinationConfig) -> None:
    streams = [
        ("PHEME Germanwings", data / "pheme" / "germanwings-crash.csv", column_map("pheme"),
         "pheme", Campaign.from_track(["#Germanwings", "Germanwings"])),
        ("JetBlue month", data / "brands" / "jetblue-2016" / "jetblue_tweets.csv",
         column_map("foretold", JETBLUE_MAP), "x", Campaign.from_track(["@JetBlue", "JetBlue"])),
    ]  # fmt: skip
    print("\n| real stream | posts | near-copy clusters of 5+ accounts (widest) "
          "| accounts named | largest flagged cluster |")  # fmt: skip
    print("|---|---|---|---|---|")
    for label, path, mapping, platform, campaign in streams:
        if not path.exists():
            print(f"| {label} | (missing {path}) | | | |")
            continue
        stats = IngestStats()
        batches = read_batches([str(path)], stats, Quarantine(), "csv", csv_map=mapping,
                               csv_platform=platform)  # fmt: skip
        posts = sorted((p for b in batches for p in b if isinstance(p, Post)),
                       key=lambda p: p.created_at)  # fmt: skip
        r = run(_chunks(posts, 1000), campaign, config, every_post=True)
        print(f"| {label} | {r['posts']:,} | {r['crowded']} ({r['widest']} accounts) "
              f"| {len(r['flagged'])} "
              f"| {r['biggest_cluster']} posts, {r['biggest_share']:.2%} |")  # fmt: skip


def _chunks(posts: list[Post], n: int) -> Iterable[list[Post]]:
    for i in range(0, len(posts), n):
        yield posts[i : i + n]


def _us(post: Post) -> int:
    return int(post.created_at.timestamp() * 1_000_000)


def library(data: Path, config: CoordinationConfig) -> None:
    """Our MinHash LSH against datasketch's, on the drill's texts, one at a time."""
    try:
        from datasketch import MinHash, MinHashLSH
    except ImportError:
        print("\n--library needs datasketch: pip install 'foretold[benchmark]'")
        return

    from foretold.coordination import NearCopies

    posts, _ = swarm_stream("astroturf_attack", 1, data)
    texts = [p.text for p in posts if p.repost_of is None] * 3

    def run_ours(compiled: bool) -> float:
        start = time.perf_counter()
        nc = NearCopies(config, compiled=compiled)
        for i, text in enumerate(texts):
            nc.add(text, i)
        return time.perf_counter() - start

    ours, numpy_path = run_ours(True), run_ours(False)
    start = time.perf_counter()
    lsh = MinHashLSH(threshold=config.similarity, num_perm=config.num_perm)
    for i, text in enumerate(texts):
        words = tokens(text)
        if len(words) < config.min_tokens:
            continue
        m = MinHash(num_perm=config.num_perm, seed=config.seed)
        m.update_batch([f"{a} {b}".encode() for a, b in pairwise(words)])
        lsh.query(m)
        lsh.insert(str(i), m)
    theirs = time.perf_counter() - start
    n = len(texts)
    print(f"\nnear-copies, {n:,} texts one at a time: ours {n / ours:,.0f} texts/s "
          f"({'compiled digest and buckets' if COMPILED else 'numpy: _digest.c not built'}), "
          f"ours on the numpy path {n / numpy_path:,.0f} texts/s, "
          f"datasketch 2.0 {n / theirs:,.0f} texts/s (ours {theirs / ours:.1f}x)")  # fmt: skip


def speed(data: Path, config: CoordinationConfig, rounds: int) -> None:
    """Track + Classify + Detect on a swarm drill and on the organic control, with the
    coordination state inside Detect and with a no-op in its place (same process, best
    of ``rounds``; the stages in CPU seconds of this process, which a busy machine does
    not inflate; the replay in wall seconds, its store written by a child process); and
    the size of the detector snapshot with it."""
    for name in ("astroturf_attack", "organic_storm"):
        _speed(name, data, rounds)


def _speed(name: str, data: Path, rounds: int) -> None:
    import foretold.detect.minutes as detect_campaign
    from foretold.clock import ManualClock
    from foretold.detect import Detect

    posts, truth = swarm_stream(name, 1, data)
    c = truth["campaign"]
    campaign = Campaign(name=c["name"], hashtags=tuple(c["hashtags"]),
                        handles=tuple(c["handles"]), owner=c["owner"])  # fmt: skip
    clock = ManualClock(posts[0].created_at + timedelta(days=1))
    real_state = detect_campaign.Coordination

    def once(with_co: bool) -> tuple[float, int]:
        detect_campaign.Coordination = real_state if with_co else _Off  # type: ignore[misc]
        try:
            detect = Detect([campaign], clock)
            stages = [Track([campaign]), Classify(load_classifier("fast")), detect]
            start = time.process_time()
            for chunk in _chunks(posts, 1000):
                batch = Batch.of(list(chunk))
                for st in stages:
                    st.process(batch)
            return time.process_time() - start, len(detect.snapshot())
        finally:
            detect_campaign.Coordination = real_state  # type: ignore[misc]

    def replay(with_co: bool, db: Path, stream: Path) -> tuple[float, float]:
        """``foretold replay``'s path: the drill's file read and parsed in batches, the
        same stages in the pipeline, into a file store. Wall seconds, and CPU seconds of
        this process (all its threads) and of any child it waited for: on a busy machine
        the wall seconds move with the other processes, the CPU seconds much less."""
        import resource

        def cpu() -> float:
            kids = resource.getrusage(resource.RUSAGE_CHILDREN)
            return time.process_time() + kids.ru_utime + kids.ru_stime

        from foretold.pipeline import Pipeline
        from foretold.store import Store

        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        detect_campaign.Coordination = real_state if with_co else _Off  # type: ignore[misc]
        try:
            stages = [Track([campaign]), Classify(load_classifier("fast")),
                      Detect([campaign], clock)]  # fmt: skip
            start, start_cpu = time.perf_counter(), cpu()
            with Store(db) as store:
                batches = read_batches([str(stream)], IngestStats(), Quarantine())
                Pipeline(store, stages, clock=clock).run(batches)
            return time.perf_counter() - start, cpu() - start_cpu
        finally:
            detect_campaign.Coordination = real_state  # type: ignore[misc]

    runs = [(once(False), once(True)) for _ in range(rounds)]
    base = min(off[0] for off, _ in runs)
    with_co = min(on[0] for _, on in runs)
    size_off, size_on = runs[0][0][1], runs[0][1][1]
    n = len(posts)
    print(f"\n{name} seed 1, {n:,} posts. Track+Classify+Detect, coordination off "
          f"{n / base:,.0f} posts per CPU second, on {n / with_co:,.0f} "
          f"({with_co / base - 1:+.1%} CPU time); detector snapshot "
          f"{size_off / 1024:,.0f} KiB off, {size_on / 1024:,.0f} KiB on")  # fmt: skip
    import gc
    import tempfile

    state = _state_alone(posts, campaign, rounds)
    print(f"the coordination state alone (prepare per batch, update per post, as Detect "
          f"calls it; the collector off): {state / n * 1e6:.1f} µs of CPU a post")  # fmt: skip
    posts.clear()  # the replay streams the file, as ``foretold replay`` does
    gc.collect()
    with tempfile.TemporaryDirectory() as tmp:
        db, stream = Path(tmp) / "speed.db", Path(tmp) / "drill.jsonl"
        with stream.open("wb") as out:
            write_swarm(name, 1, data, out)
        pairs = []  # (off, on) a round, in turn off first and on first (no order favoured)
        for r in range(2 * rounds - 1):
            if r % 2:
                on_first = replay(True, db, stream)
                pairs.append((replay(False, db, stream), on_first))
            else:
                off_first = replay(False, db, stream)
                pairs.append((off_first, replay(True, db, stream)))
    off, on = min(p[0][0] for p in pairs), min(p[1][0] for p in pairs)
    off_cpu, on_cpu = min(p[0][1] for p in pairs), min(p[1][1] for p in pairs)
    paired = sorted(p[0][1] / p[1][1] - 1 for p in pairs)  # each round's off and on, side by side
    print(f"replay of the file into a store (read, Track, Classify, Detect), coordination off {n / off:,.0f} "
          f"posts/s, on {n / on:,.0f} posts/s (throughput {off / on - 1:+.1%}); "
          f"per CPU second off {n / off_cpu:,.0f}, on {n / on_cpu:,.0f} "
          f"(throughput {off_cpu / on_cpu - 1:+.1%}; round by round, median "
          f"{paired[len(paired) // 2]:+.1%}, from {paired[0]:+.1%} to {paired[-1]:+.1%})")  # fmt: skip


def _state_alone(posts: list[Post], campaign: Campaign, rounds: int) -> float:
    """CPU seconds (best of ``rounds``) of one campaign's :class:`Coordination` over the
    drill's campaign posts, fed as the Detect stage feeds it, without the collector
    (whose runs depend on what else the process holds)."""
    import gc

    track, classify = Track([campaign]), Classify(load_classifier("fast"))
    feed: list[list[tuple[Post, Any]]] = []
    for chunk in _chunks(posts, 1000):
        batch = Batch.of(list(chunk))
        track.process(batch)
        classify.process(batch)
        members = batch.campaigns_of()
        feed.append([(p, batch.label_of.get(p.key)) for p in batch.posts if p.key in members])
    tags = frozenset(h.lstrip("#").lower() for h in campaign.hashtags)
    best = float("inf")
    for _ in range(rounds):
        gc.collect()
        gc.disable()
        try:
            co = Coordination(CoordinationConfig(), tags)
            start = time.process_time()
            for part in feed:
                co.prepare([p for p, _ in part])
                for post, labels in part:
                    co.update(post, labels)
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


class _Off:
    """A coordination state that does nothing: the baseline of :func:`speed`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.config = CoordinationConfig()

    def update(self, post: Post, labels: Any) -> None:
        return None

    def prepare(self, posts: Any) -> None:
        return None

    def snapshot(self) -> bytes:
        return b""

    def restore(self, state: bytes) -> None:
        return None

    def summary(self, minutes: int) -> Any:
        from foretold.coordination import Summary

        return Summary(minutes, 0, 0, 0, 0, (), (), (), frozenset(), 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3, 4, 5])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-real", action="store_true")
    parser.add_argument("--no-drills", action="store_true")
    parser.add_argument("--speed", action="store_true")
    parser.add_argument("--rounds", type=int, default=5, help="--speed: best of (default 5)")
    parser.add_argument("--library", action="store_true")
    args = parser.parse_args()
    config = CoordinationConfig()
    if not args.no_drills:
        drills(args.seeds, args.data, config)
    if not args.no_real:
        real(args.data, config)
    if args.library:
        library(args.data, config)
    if args.speed:
        speed(args.data, config, args.rounds)


if __name__ == "__main__":
    main()
