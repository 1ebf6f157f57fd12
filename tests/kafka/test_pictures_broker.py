"""A small picture storm through a real broker: ``worker classify --media-dir`` reads the
pictures (tesseract) as ``replay --media-dir`` does, and the detect worker stores the
same labels, readings and alerts as the embedded replay."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from foretold.simulate.pictures import write_picture_storm
from tests.kafka import harness as h
from tests.kafka.test_workers import _ready

DATA = h.ROOT.parent / "shared" / "data"
SCALE = 0.006  # a few hundred pictures (tests/media/test_picture_storm.py)

pytestmark = [
    pytest.mark.skipif(_ready() is not None, reason=str(_ready())),
    pytest.mark.skipif(not (DATA / "tweeteval").is_dir(), reason=f"no data at {DATA}"),
]


def _storm(tmp: Path) -> tuple[Path, Path, Path, int]:
    stream, media = tmp / "storm.jsonl", tmp / "storm.media"
    with open(stream, "wb") as out:
        n, truth = write_picture_storm("mynypd_pictures", 1, DATA, out, media, scale=SCALE)
    c = truth["campaign"]
    lines = ["[[campaign]]", f"name = {orjson.dumps(c['name']).decode()}"]
    for key in ("hashtags", "handles", "keywords"):
        lines.append(f"{key} = {orjson.dumps(c[key]).decode()}")
    config = tmp / "foretold.toml"
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return stream, media, config, n


def _rows(store: Path) -> tuple[dict[str, Any], list[tuple[Any, ...]], list[dict[str, Any]]]:
    """Each post's labels (one row a post), the image readings, the alerts less their wall time."""
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as db:
        labels = {pid: orjson.loads(raw) for pid, raw in db.execute(
            "SELECT id, labels FROM labels")}  # fmt: skip
        readings = sorted(db.execute("SELECT platform, id, idx, phash, text FROM image_readings"))
        alerts = [orjson.loads(r[0]) for r in db.execute("SELECT alert FROM alerts")]
    for a in alerts:
        a.pop("raised_at")
    return labels, readings, sorted(alerts, key=lambda a: a["id"])


def test_classify_worker_reads_pictures_like_replay(broker: str, tmp_path: Path) -> None:
    stream, media, config, _ = _storm(tmp_path)
    embedded = tmp_path / "replay.db"
    foretold = str(Path(sys.executable).parent / "foretold")
    subprocess.run(
        [foretold, "replay", str(stream), "--config", str(config), "--media-dir", str(media),
         "--store", str(embedded)],
        check=True, capture_output=True, cwd=h.ROOT, timeout=300,
    )  # fmt: skip
    posts = h.count(embedded, "posts")
    store = tmp_path / "workers.db"
    # one partition: the classify worker reads the posts in stream order, as replay does
    # (the text read is remembered per perceptual hash: a re-encoded copy of a meme
    # takes the text of the copy read first, which, over partitions, may be another)
    subprocess.run(
        [sys.executable, "-m", "foretold.cli.worker", "publish", str(stream), "--broker", broker,
         "--config", str(config), "--partitions", "1"],
        check=True, capture_output=True, cwd=h.ROOT, timeout=60,
    )  # fmt: skip
    classify = h.worker(
        ["classify", "--broker", broker, "--partitions", "1",
         "--state-dir", str(tmp_path / "classify-state"), "--media-dir", str(media)],
        tmp_path / "classify.log",
    )  # fmt: skip
    detect = h.worker(
        ["detect", "--broker", broker, "--partitions", "1", "--config", str(config),
         "--store", str(store), "--state-dir", str(tmp_path / "detect-state"),
         "--fixed-now", h.WALL, "--worker-id", "d0"],
        tmp_path / "detect.log",
    )  # fmt: skip
    procs = [classify, detect]
    try:
        h.wait_until(lambda: h.count(store, "posts") >= posts, 240, procs, "every post stored")
    finally:
        h.stop(procs)
    want_labels, want_readings, want_alerts = _rows(embedded)
    got_labels, got_readings, got_alerts = _rows(store)
    read = [r for r in want_readings if r[4]]
    assert len(read) > 50  # the memes were read
    assert got_readings == want_readings
    assert got_labels == want_labels  # the merged labels: sources, image_text
    assert sum("image_text" in x for x in got_labels.values()) == len({r[1] for r in read})
    assert any(a["level"] == "crisis" for a in want_alerts)
    assert got_alerts == want_alerts  # the same alerts, quoting the same memes
