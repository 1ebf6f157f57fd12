"""Detection speed (issue 17): ingest -> alert latency at 1,000 posts/s, and the replay
throughput of the surprise policy against the risk policy, in the same process.

    .venv/bin/python bench/detect_latency_bench.py                 # #AskJPM seed 1
    .venv/bin/python bench/detect_latency_bench.py --rate 2000 --scenario mynypd

**Latency.** The simulated stream's posts arrive at ``--rate`` posts a wall second.
The stages a live ``watch`` runs (Track, Classify with the fast classifier, Detect;
its models loaded first, as ``watch`` loads them before it reads: ``--cold`` leaves
them to load on the first posts, as before) take, as a live source hands them over,
every post that has arrived since the last batch (at most ``--batch`` of them), and
the measured wall time of each batch moves the clock on: a post's latency is the time
from its arrival to the end of the batch that processed it (queueing, batching and
processing; the store write is not in it, ``docs/soak.md`` measures that). The
p50/p99/max over all posts, and over the posts whose batch raised an alert, are
printed; the run keeps up if the backlog stays bounded.

**Throughput.** The same posts replayed as fast as they go through Track, Classify and
Detect with each policy (best of ``--repeat`` runs, the classifier's labels computed
once, after its models loaded, and reused so the ratio is of the detectors), and Detect
alone: the ratio surprise / risk in posts a second (1.0: the same speed).

**Against another checkout.** ``--against /work/main/src`` runs the throughput part in
child processes, this checkout's code and that one's in turn (twice each, every child
simulating the same seeded stream), and prints this code's posts a second over that code's: the
ratio to compare a change against ``main`` (issue 17: within 10%).

Timings are wall clock on whatever else the machine does; the ratio is what to compare.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import orjson

from foretold.campaigns import Campaign, Track
from foretold.clock import ManualClock
from foretold.detect import DetectConfig, build_stage
from foretold.ingest import IngestStats, Quarantine, read_batches
from foretold.post import Post, parse_time
from foretold.records import Batch
from foretold.understand import load_classifier
from foretold.understand.stage import Classify

ROOT = Path(__file__).resolve().parent.parent
WALL = datetime(2026, 1, 1, tzinfo=UTC)


def load(name: str, seed: int, tmp: Path) -> tuple[list[Post], Campaign]:
    """The simulated stream's posts in order, and its campaign."""
    out = tmp / f"{name}.jsonl"
    subprocess.run(
        [str(Path(sys.executable).parent / "foretold"), "simulate", name, "--seed", str(seed),
         "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    c = orjson.loads((tmp / f"{name}.truth.json").read_bytes())["campaign"]
    campaign = Campaign(
        name=c["name"], hashtags=tuple(c["hashtags"]), handles=tuple(c["handles"]),
        keywords=tuple(c["keywords"]), owner=c["owner"] or "",
        launched_at=parse_time(c["launched_at"]) if c["launched_at"] else None,
    )  # fmt: skip
    posts = [r for b in read_batches([str(out)], IngestStats(), Quarantine()) for r in b]
    return [p for p in posts if isinstance(p, Post)], campaign


def pct(values: list[float], q: float) -> float:
    """The ``q`` quantile (nearest rank)."""
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(q * (len(s) - 1))))]


def latency(
    posts: list[Post], campaign: Campaign, rate: float, batch_max: int, warm: bool = True
) -> dict[str, float]:
    """Posts arriving at ``rate`` a second through Track, Classify and Detect."""
    classify = Classify(load_classifier("fast"))
    if warm:
        classify.warm()  # what `watch` does before it reads (runs.warm_stages)
    stages = [Track([campaign]), classify, build_stage([campaign], ManualClock(WALL))]
    arrival = [i / rate for i in range(len(posts))]
    now, i, lat, alert_lat, backlog = 0.0, 0, [], [], 0
    while i < len(posts):
        now = max(now, arrival[i])
        j = i
        while j < len(posts) and arrival[j] <= now and j - i < batch_max:
            j += 1
        backlog = max(backlog, sum(1 for a in arrival[j : j + batch_max] if a <= now))
        batch = Batch(posts=posts[i:j])
        t0 = time.perf_counter()
        for stage in stages:
            stage.process(batch)
        now += time.perf_counter() - t0
        waits = [now - arrival[k] for k in range(i, j)]
        lat += waits
        if batch.alerts:
            alert_lat += waits
        i = j
    out = {"posts": len(posts), "p50": pct(lat, 0.5), "p99": pct(lat, 0.99), "max": max(lat),
           "backlog_max": float(backlog), "alerts_batches_posts": float(len(alert_lat))}  # fmt: skip
    if alert_lat:
        out |= {"alert_p99": pct(alert_lat, 0.99), "alert_max": max(alert_lat)}
    return out


def throughput(posts: list[Post], campaign: Campaign, repeat: int) -> dict[str, float]:
    """Posts a second per policy: Track + Classify + Detect, and Detect alone."""
    track, classify = Track([campaign]), Classify(load_classifier("fast"))
    # the models the stream needs load first, untimed (the throughput is not the loading)
    classify.process(Batch(posts=posts[:1000]))
    batches = []
    t0 = time.perf_counter()
    for k in range(0, len(posts), 1000):
        b = Batch(posts=posts[k : k + 1000])
        track.process(b)
        classify.process(b)
        batches.append(b)
    front = time.perf_counter() - t0  # Track + Classify, the same for both policies
    out: dict[str, float] = {"track_classify_s": front}
    for policy in ("risk", "surprise"):
        best = float("inf")
        for _ in range(repeat):
            stage = build_stage([campaign], ManualClock(WALL), DetectConfig(policy=policy))
            t0 = time.perf_counter()
            for b in batches:
                stage.process(Batch(posts=b.posts, memberships=b.memberships, labels=b.labels,
                                    label_of=b.label_of))  # fmt: skip
            stage.finish(Batch(posts=[]))
            best = min(best, time.perf_counter() - t0)
        out[f"{policy}_detect_s"] = best
        out[f"{policy}_posts_per_s"] = len(posts) / (front + best)
    out["ratio_pipeline"] = out["surprise_posts_per_s"] / out["risk_posts_per_s"]
    out["ratio_detect"] = out["risk_detect_s"] / out["surprise_detect_s"]
    return out


def against(src: str, scenario: str, seed: int, repeat: int, rounds: int = 2) -> None:
    """This checkout's throughput over the one of the checkout whose sources are ``src``,
    each measured in its own child process, in turn."""
    import os

    ours = str(ROOT / "src")
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(rounds):
            for name, path in (("ours", ours), ("theirs", src)):
                env = {**os.environ, "PYTHONPATH": path}
                cmd = [sys.executable, str(Path(__file__).resolve()), "--scenario", scenario,
                       "--seed", str(seed), "--repeat", str(repeat),
                       "--throughput-json", str(Path(tmp) / "p")]  # fmt: skip
                done = subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=tmp)
                thr = orjson.loads(done.stdout)
                old = best.get(name)
                if old is None or thr["surprise_posts_per_s"] > old["surprise_posts_per_s"]:
                    best[name] = thr
    print(f"\nAgainst {src}, best of {rounds} child runs each (posts a second, Track + Classify + "
          "Detect):\n")  # fmt: skip
    print("| policy | this checkout | that one | ratio | Detect alone, ratio |")
    print("|---|---|---|---|---|")
    for policy in ("risk", "surprise"):
        a, b = best["ours"][f"{policy}_posts_per_s"], best["theirs"][f"{policy}_posts_per_s"]
        d = best["theirs"][f"{policy}_detect_s"] / best["ours"][f"{policy}_detect_s"]
        print(f"| {policy} | {a:,.0f} | {b:,.0f} | {a / b:.2f}x | {d:.2f}x |")


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scenario", default="askjpm")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--rate", type=float, default=1000.0, help="posts a wall second")
    ap.add_argument("--batch", type=int, default=1000, help="most posts a batch")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cold", action="store_true", help="models load on the first posts")
    ap.add_argument("--against", metavar="SRC", help="compare throughput with this src dir")
    ap.add_argument("--throughput-json", metavar="DIR", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.throughput_json:  # a child of --against: the throughput alone, as JSON
        out = Path(args.throughput_json)
        out.mkdir(exist_ok=True)
        posts, campaign = load(args.scenario, args.seed, out)
        sys.stdout.buffer.write(orjson.dumps(throughput(posts, campaign, args.repeat)))
        return
    with tempfile.TemporaryDirectory() as tmp:
        posts, campaign = load(args.scenario, args.seed, Path(tmp))
    lat = latency(posts, campaign, args.rate, args.batch, warm=not args.cold)
    thr = throughput(posts, campaign, args.repeat)
    print(f"## Detection speed: {args.scenario} seed {args.seed}, {len(posts):,} posts\n")
    print(f"Latency at {args.rate:,.0f} posts/s (Track + Classify fast + Detect, batches as "
          f"they arrive, models {'cold' if args.cold else 'loaded first'}):\n")  # fmt: skip
    print("| posts | p50 | p99 | max | p99 in alert batches | largest backlog (posts) |")
    print("|---|---|---|---|---|---|")
    ap99 = f"{lat['alert_p99']:.3f} s" if "alert_p99" in lat else "-"
    print(f"| {lat['posts']:,.0f} | {lat['p50']:.3f} s | {lat['p99']:.3f} s | {lat['max']:.3f} s "
          f"| {ap99} | {lat['backlog_max']:.0f} |\n")  # fmt: skip
    print(
        f"Replay throughput, best of {args.repeat} (labels computed once, "
        f"{thr['track_classify_s']:.2f} s):\n"
    )
    print("| policy | Detect s | posts/s (Track + Classify + Detect) |")
    print("|---|---|---|")
    for policy in ("risk", "surprise"):
        print(f"| {policy} | {thr[f'{policy}_detect_s']:.2f} | "
              f"{thr[f'{policy}_posts_per_s']:,.0f} |")  # fmt: skip
    print(f"\nsurprise / risk: {thr['ratio_pipeline']:.2f}x the posts a second through the "
          f"pipeline, Detect alone {thr['ratio_detect']:.2f}x")  # fmt: skip
    if args.against:
        against(args.against, args.scenario, args.seed, args.repeat)


if __name__ == "__main__":
    main(sys.argv[1:])
