"""Issue 13 item 4 for the Kafka workers: Ctrl-C or SIGTERM is a clean stop.

A real Tansu broker (the ``broker`` fixture), the workers started as ``foretold worker
...`` in their own process groups. Readiness marker: every published post is in the
detect worker's store (so both workers are past their start and hold work done). Then
a signal to each worker's group, as a terminal's Ctrl-C or a supervisor's SIGTERM
sends it, and the checks: no traceback, the summary printed, ``foretold: stopped by``
and exit 130 / 143, the detect worker's run record finished with ``stopped_by``, and
the classify worker's offsets committed past every message (what it processed is
committed: a restart re-reads nothing).
"""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from foretold.store import Store
from foretold.workers import classify
from foretold.workers.topics import RAW
from tests.kafka import harness as h
from tests.kafka.test_workers import _ready

pytestmark = pytest.mark.skipif(_ready() is not None, reason=str(_ready()))

FORETOLD = str(Path(sys.executable).parent / "foretold")
POSTS = 120


def _stream(tmp: Path) -> tuple[Path, Path]:
    lines = [
        json.dumps({"id": str(i), "text": f"#Brew post {i}", "author_id": str(i % 17),
                    "created_at": f"2024-01-01T00:{i // 60:02d}:{i % 60:02d}Z"})
        for i in range(POSTS)
    ]  # fmt: skip
    stream = tmp / "stream.jsonl"
    stream.write_text("\n".join(lines) + "\n")
    config = tmp / "foretold.toml"
    config.write_text('[[campaign]]\nname = "brew"\nhashtags = ["#Brew"]\n')
    return stream, config


def _start(args: list[str], tmp: Path, name: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [FORETOLD, "worker", *args, "--partitions", str(h.PARTITIONS),
         "--state-dir", str(tmp / f"{name}-state")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True, cwd=tmp,
    )  # fmt: skip


def _committed(broker: str, group: str, topic: str) -> int:
    """The offsets consumer group ``group`` committed on ``topic``, summed over partitions:
    the messages it processed, as the topic's writers (the publisher, the classify
    worker) produce without transactions, so offsets run 0, 1, 2... (Tansu's own
    watermarks are not reliable enough to compare with)."""
    ck: Any = importlib.import_module("confluent_kafka")
    c = ck.Consumer({"bootstrap.servers": broker, "group.id": group,
                     "enable.auto.commit": False})  # fmt: skip
    try:
        parts = [ck.TopicPartition(topic, p) for p in range(h.PARTITIONS)]
        return sum(max(tp.offset, 0) for tp in c.committed(parts, timeout=10))
    finally:
        c.close()


@pytest.mark.parametrize(("sig", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_workers_stop_cleanly_on_a_signal_to_their_group(
    broker: str, tmp_path: Path, sig: signal.Signals, code: int
) -> None:
    stream, config = _stream(tmp_path)
    store = tmp_path / "out.db"
    h.publish(broker, stream, config)
    procs = [
        _start(["classify", "--broker", broker], tmp_path, "classify"),
        _start(["detect", "--broker", broker, "--config", str(config), "--store", str(store),
                "--fixed-now", h.WALL], tmp_path, "detect"),
    ]  # fmt: skip
    try:
        h.wait_until(lambda: h.count(store, "posts") >= POSTS, 120, procs, "every post stored")
        for p in procs:
            os.killpg(p.pid, sig)
        outs = [p.communicate(timeout=60) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                os.killpg(p.pid, signal.SIGKILL)
                p.wait()
    (c_out, c_err), (d_out, d_err) = outs
    for p, err in zip(procs, (c_err, d_err), strict=True):
        assert b"Traceback" not in err, err.decode()
        assert p.returncode == code, err.decode()
        assert f"foretold: stopped by {sig.name}".encode() in err
    assert f"worker classify: labelled {POSTS:,} posts".encode() in c_out
    assert f"worker detect: stored {POSTS:,} posts".encode() in d_out
    with Store(store, readonly=True) as s:
        [run] = s.runs()
    assert run["finished_at"] is not None
    assert run["summary"]["posts"] == POSTS and run["summary"]["stopped_by"] == sig.name
    assert _committed(broker, classify.GROUP, RAW) == POSTS  # one raw message per post
    # the detect worker commits its offsets inside its Kafka transaction (exactly-once);
    # Tansu's transactional offset commits are not reliable enough to read back (a
    # restart re-reads from an older offset, which the Detector drops by sequence
    # number), so its clean stop is checked by the run record above, not by offsets
