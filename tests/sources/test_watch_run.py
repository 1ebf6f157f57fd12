"""`foretold watch` as one run: alerts reach the sinks live, and a restart changes nothing.

The stream is the simulator's ``viral_positive`` seed 1 (7,102 posts; a watch at 00:39
and its all_clear at 12:43 under the surprise level policy, the half-way post between them),
classified by the shipped fast tier, tailed from a file with ``follow = false`` so a
watch ends at the end of the file (the same code path as a live tail, without a timer).
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.store import Store

ROOT = Path(__file__).resolve().parents[2]


def _ready() -> str | None:
    if not (ROOT.parent / "shared" / "data").is_dir():
        return "the simulator's text pools (../shared/data) are not here"
    if not (ROOT / "src" / "foretold" / "understand" / "models" / "fast.npz").exists():
        return "the fast classifier model is not built"
    return None


pytestmark = pytest.mark.skipif(_ready() is not None, reason=str(_ready()))


@pytest.fixture(scope="module")
def stream(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[bytes], dict[str, Any]]:
    out = tmp_path_factory.mktemp("sim") / "vp.jsonl"
    subprocess.run(
        [str(Path(sys.executable).parent / "foretold"), "simulate", "viral_positive",
         "--seed", "1", "--out", str(out)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    truth = json.loads(out.with_name("vp.truth.json").read_text())
    return out.read_bytes().splitlines(keepends=True), truth["campaign"]


def _config(tmp: Path, campaign: dict[str, Any], feed: Path, sink: str) -> Path:
    cfg = tmp / "foretold.toml"
    cfg.write_text(
        "[[campaign]]\n"
        f'name = "{campaign["name"]}"\n'
        f"hashtags = {json.dumps(campaign['hashtags'])}\n"
        f"handles = {json.dumps(campaign['handles'])}\n"
        f"keywords = {json.dumps(campaign['keywords'])}\n"
        f'owner = "{campaign["owner"]}"\n'
        f'launched_at = "{campaign["launched_at"]}"\n'
        'sinks = ["hook"]\n\n'
        f'[[source]]\ntype = "file"\nname = "feed"\npath = "{feed}"\nfollow = false\n\n'
        f"{sink}"
    )
    return cfg


def _watch(cfg: Path, store: Path, env: dict[str, str] | None = None) -> None:
    r = CliRunner().invoke(main, ["watch", "--config", str(cfg), "--store", str(store)], env=env)
    assert r.exit_code == 0, r.output


def _alerts(store: Path) -> list[dict[str, Any]]:
    with Store(store, readonly=True) as s:
        # raised_at is the wall clock at raising: the one field two runs cannot share
        return [{k: v for k, v in a.items() if k != "raised_at"} for a in s.alerts()]


def test_stopped_and_restarted_watch_raises_the_alerts_of_one_uninterrupted_run(
    tmp_path: Path, stream: tuple[list[bytes], dict[str, Any]]
) -> None:
    lines, campaign = stream
    sink = f'[[sink]]\nname = "hook"\ntype = "jsonl"\npath = "{tmp_path / "sent.jsonl"}"\n'
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(lines))
    cfg = _config(tmp_path, campaign, feed, sink)
    _watch(cfg, tmp_path / "once.db")
    once = _alerts(tmp_path / "once.db")
    # an open episode at the stop: a restart without the detector's state would never close it
    assert len(once) >= 2

    half = len(lines) // 2  # stop mid-stream, between two alerts
    feed.write_bytes(b"".join(lines[:half]))
    _watch(cfg, tmp_path / "twice.db")
    first = _alerts(tmp_path / "twice.db")
    assert 0 < len(first) < len(once)
    with feed.open("ab") as f:
        f.write(b"".join(lines[half:]))
    _watch(cfg, tmp_path / "twice.db")
    assert _alerts(tmp_path / "twice.db") == once
    with Store(tmp_path / "twice.db", readonly=True) as s:
        assert s.count_posts() == len(lines)


class _Receiver(BaseHTTPRequestHandler):
    got: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).got.append(json.loads(body))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def receiver() -> Iterator[tuple[str, list[dict[str, Any]]]]:
    got: ClassVar[list[dict[str, Any]]] = []
    handler = type("Receiver", (_Receiver,), {"got": got})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", got
    finally:
        server.shutdown()
        server.server_close()


def test_watch_delivers_each_alert_once_to_a_webhook(
    tmp_path: Path,
    stream: tuple[list[bytes], dict[str, Any]],
    receiver: tuple[str, list[dict[str, Any]]],
) -> None:
    url, got = receiver
    lines, campaign = stream
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(lines[: len(lines) // 2]))
    sink = '[[sink]]\nname = "hook"\ntype = "webhook"\nurl_env = "HOOK_URL"\nallow_private = true\n'
    cfg = _config(tmp_path, campaign, feed, sink)
    db = tmp_path / "w.db"
    _watch(cfg, db, env={"HOOK_URL": url})
    with feed.open("ab") as f:  # a second watch on the rest: nothing is sent twice
        f.write(b"".join(lines[len(lines) // 2 :]))
    _watch(cfg, db, env={"HOOK_URL": url})
    stored = {a["id"] for a in _alerts(db)}
    ids = Counter(a["id"] for a in got)
    assert len(stored) >= 2
    assert set(ids) == stored
    assert set(ids.values()) == {1}


def _with_outliers(lines: list[bytes]) -> list[bytes]:
    """The stream with copies (new ids) dated 9999-12-31 (the live gate quarantines
    them: from the future), 8 hours ahead of the stream (let through: before the wall
    clock) and in 1970 (late: let through), before and after the kill's half-way mark."""
    out = list(lines)
    n, future, past = len(lines), "9999-12-31T00:00:00.000Z", "1970-01-01T00:00:00.000Z"
    for at, when in ((n // 4, future), (n // 3, "+8h"), (2 * n // 3, future),
                     (3 * n // 4, "+8h"), (4 * n // 5, past)):  # fmt: skip
        post = json.loads(lines[at])
        if when == "+8h":
            t = datetime.fromisoformat(post["created_at"].replace("Z", "+00:00"))
            when = (t + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        post |= {"id": f"{post['id']}{at}", "created_at": when}
        out.insert(at, json.dumps(post).encode() + b"\n")
    return out


@pytest.mark.parametrize("outliers", [False, True])
def test_watch_killed_mid_stream_and_restarted_raises_the_same_alerts(
    tmp_path: Path, stream: tuple[list[bytes], dict[str, Any]], outliers: bool
) -> None:
    """kill -9: no clean stop, so the stored cursors are those of the last snapshot; the
    restart re-reads what came after it and ends with the alerts of one run.

    ``outliers``: the stream-time gate's decisions survive the restart too. A watch's
    gate is the live rule (:mod:`foretold.streamtime`): it holds no post and keeps no
    state a decision depends on (only the wall clock), so the restarted watch
    quarantines and lets through exactly what the uninterrupted one did."""
    lines, campaign = stream
    if outliers:
        lines = _with_outliers(lines)
    sink = f'[[sink]]\nname = "hook"\ntype = "jsonl"\npath = "{tmp_path / "sent.jsonl"}"\n'
    feed = tmp_path / "feed.jsonl"
    feed.write_bytes(b"".join(lines))
    once_cfg = _config(tmp_path, campaign, feed, sink)
    _watch(once_cfg, tmp_path / "once.db")
    once = _alerts(tmp_path / "once.db")

    live = tmp_path / "live"
    live.mkdir()
    cfg = _config(live, campaign, feed, sink).read_text().replace("follow = false", "follow = true")
    (live / "foretold.toml").write_text(cfg)
    db = tmp_path / "killed.db"
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "foretold"), "watch", "--config",
         str(live / "foretold.toml"), "--store", str(db)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        while _count(db) < len(lines) // 2:  # the marker: half the posts committed
            assert proc.poll() is None and time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    _watch(once_cfg, db)  # the same file, follow = false: to its end, then stop
    assert _alerts(db) == once
    assert _count(db) == _count(tmp_path / "once.db") == len(lines) - 2 * outliers
    if outliers:  # the two from the future, in both (the killed run's count is in no record)
        assert _quarantined(tmp_path / "once.db") == 2


def _quarantined(db: Path) -> int:
    """Posts the stores' runs quarantined as from the future (the run records' summaries)."""
    with Store(db, readonly=True) as s:
        return sum(int((r["summary"] or {}).get("quarantined", 0)) for r in s.runs())


def _count(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as c:
            return int(c.execute("SELECT count(*) FROM posts").fetchone()[0])
    except sqlite3.Error:
        return 0
