"""Workers as child processes, the simulated stream, and reading back what they did."""

from __future__ import annotations

import importlib
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[2]
WALL = "2026-01-01T00:00:00Z"
PARTITIONS = 2


def simulate(name: str, seed: int, out: Path) -> Path:
    """Simulate a scenario; writes ``out`` and a ``foretold.toml`` with its campaign."""
    foretold = str(Path(sys.executable).parent / "foretold")
    subprocess.run(
        [foretold, "simulate", name, "--seed", str(seed), "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    c = orjson.loads(out.with_name(f"{out.stem}.truth.json").read_bytes())["campaign"]
    lines = ["[[campaign]]", f"name = {orjson.dumps(c['name']).decode()}"]
    for key in ("hashtags", "handles", "keywords"):
        lines.append(f"{key} = {orjson.dumps(c[key]).decode()}")
    for key in ("owner", "launched_at"):
        if c.get(key):
            lines.append(f"{key} = {orjson.dumps(c[key]).decode()}")
    config = out.with_name("foretold.toml")
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def worker(args: list[str], log: Path) -> subprocess.Popen[bytes]:
    """``python -m foretold.cli.worker ARGS`` in the background, output to ``log``."""
    with open(log, "ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "foretold.cli.worker", *args],
            stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
        )  # fmt: skip


def publish(broker: str, stream: Path, config: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "foretold.cli.worker", "publish", str(stream), "--broker", broker,
         "--config", str(config), "--partitions", str(PARTITIONS)],
        check=True, capture_output=True, cwd=ROOT, timeout=60,
    )  # fmt: skip


def classify(broker: str, tmp: Path, n: int = 0) -> subprocess.Popen[bytes]:
    return worker(
        ["classify", "--broker", broker, "--partitions", str(PARTITIONS),
         "--state-dir", str(tmp / f"classify-state-{n}")],
        tmp / f"classify-{n}.log",
    )  # fmt: skip


def detect(
    broker: str, tmp: Path, config: Path, store: Path, n: int = 0
) -> subprocess.Popen[bytes]:
    return worker(
        ["detect", "--broker", broker, "--partitions", str(PARTITIONS), "--config", str(config),
         "--store", str(store), "--state-dir", str(tmp / f"detect-state-{n}"), "--fixed-now", WALL,
         "--worker-id", "d0"],
        tmp / f"detect-{n}.log",
    )  # fmt: skip


def count(store: Path, table: str) -> int:
    """Rows in a store table (0 while the store does not exist yet)."""
    if not store.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{store}?mode=ro", uri=True, timeout=5) as db:
            n: int = db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            return n
    except sqlite3.OperationalError:  # schema not made yet
        return 0


def wait_until(check: Callable[[], bool], timeout: float, procs: list[subprocess.Popen[bytes]],
               what: str) -> None:  # fmt: skip
    """Poll ``check`` every 0.2 s; fail when a worker dies or ``timeout`` passes."""
    deadline = time.monotonic() + timeout
    while not check():
        for p in procs:
            if p.poll() is not None:
                raise AssertionError(
                    f"a worker exited with {p.returncode} while waiting for {what}"
                )
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.2)


def stop(procs: list[subprocess.Popen[bytes]]) -> None:
    """SIGTERM (Quix Streams stops cleanly), then SIGKILL after 10 s."""
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait(timeout=10)


def stored_alerts(store: Path) -> list[dict[str, Any]]:
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        return [orjson.loads(r[0]) for r in db.execute("SELECT alert FROM alerts")]


def topic_alerts(broker: str, expected: int, timeout: float = 15.0) -> list[dict[str, Any]]:
    """Every committed message on the alert topic (read_committed), read by assignment."""
    from foretold.workers.topics import ALERTS

    ck: Any = importlib.import_module("confluent_kafka")
    c = ck.Consumer({"bootstrap.servers": broker, "group.id": "foretold-test-reader",
                  "enable.auto.commit": False, "isolation.level": "read_committed"})  # fmt: skip
    try:
        c.assign([ck.TopicPartition(ALERTS, p, 0) for p in range(PARTITIONS)])
        got: list[dict[str, Any]] = []
        deadline = time.monotonic() + timeout
        quiet_until = None
        while time.monotonic() < deadline:
            m = c.poll(0.2)
            if m is None or m.error():
                if len(got) >= expected:
                    quiet_until = quiet_until or time.monotonic() + 2.0
                    if time.monotonic() > quiet_until:
                        break  # 2 s without more: any duplicate would have shown
                continue
            got.append(orjson.loads(m.value()))
        return got
    finally:
        c.close()


def golden(name: str, seed: int) -> list[dict[str, Any]]:
    path = ROOT / "tests" / "golden" / f"{name}-{seed}.alerts.jsonl"
    return [orjson.loads(line) for line in path.read_bytes().splitlines()]


def canonical(alerts: list[dict[str, Any]]) -> list[bytes]:
    return sorted(orjson.dumps(a, option=orjson.OPT_SORT_KEYS) for a in alerts)
