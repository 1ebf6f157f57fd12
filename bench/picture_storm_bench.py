"""The picture storm read with and without its pictures: when does the early warning fire?

Usage (from the repository root)::

    python bench/picture_storm_bench.py [--seed 1] [--data ../shared/data] [--scale 0.1]

Writes ``mynypd_pictures`` (``foretold simulate``) into a temporary folder, then
replays it with ``#myNYPD`` and ``@NYPDnews`` tracked:

- with ``--media-dir`` (the pictures read: OCR, hashes, labels) and without (the
  captions alone), with the ``foretold replay`` command;
- as a watch reads it (in the process: batches of 30 seconds of stream time, each
  picture's labels arriving one batch after its post as an update to Detect);
- the same stream as a text storm (``foretold simulate mynypd`` at the picture storm's
  scale: the hostile words in the posts).

Prints each run's alerts, the seconds the run took, and the truth's tipping point;
then, every 10 minutes from the tipping point to the picture storm's crisis, the
level detector's crisis gates for the picture and the text storm (the hostile voices
of the last 15 minutes against ``crisis_min_hostile``, their rate against the last
hours' times ``crisis_accel``, spreading, the forecast growing): where the crisis
waits. ``--scale S`` also writes both storms at scale S (the crisis time of each).
"""

from __future__ import annotations

import argparse
import io
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
FORETOLD = [str(Path(sys.executable).parent / "foretold")]

from foretold.campaigns import Campaign, Track  # noqa: E402
from foretold.clock import ManualClock  # noqa: E402
from foretold.detect.stage import Detect  # noqa: E402
from foretold.formats import x_v2  # noqa: E402
from foretold.media.locate import FolderMedia  # noqa: E402
from foretold.media.ocr import load_ocr  # noqa: E402
from foretold.media.phash import phash  # noqa: E402
from foretold.media.understand import ReadPictures  # noqa: E402
from foretold.post import Post  # noqa: E402
from foretold.records import Batch  # noqa: E402
from foretold.signals import HOSTILE, HOSTILE_REPOSTS  # noqa: E402
from foretold.understand import load_classifier  # noqa: E402
from foretold.understand.stage import Classify  # noqa: E402

TRACK = ["#myNYPD", "@NYPDnews"]
BATCH_S = 30  # a watch's batch, in stream time, for the live run


class Late:
    """The OCR and the hash wait for ``gate``: shut while a batch is in the stages, so
    every picture's labels arrive one batch after its post (a watch whose OCR is slower
    than its batches)."""

    name = "late"

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.gate.set()
        self.ocr = load_ocr()

    def read(self, data: bytes) -> str:
        self.gate.wait()
        return self.ocr.read(data)

    def hash(self, data: bytes) -> str:
        self.gate.wait()
        return phash(data)


def posts_of(path: Path) -> list[Post]:
    posts = [
        p
        for line in path.read_bytes().splitlines()
        for p in x_v2.parse(orjson.loads(line), line)
        if isinstance(p, Post)
    ]
    return sorted(posts, key=lambda p: p.created_at)


def in_process(
    posts: list[Post], media: Path | None, live: bool, gates: tuple[datetime, datetime] | None
) -> tuple[list[dict[str, Any]], int, list[str]]:
    """The stages of a replay over ``BATCH_S`` batches: alerts, updates, gate lines."""
    campaign = Campaign.from_track(TRACK)
    classifier = load_classifier("fast")
    late = Late()
    read = ReadPictures(classifier, ocr=late, hasher=late.hash, live=live)
    detect = Detect([campaign], ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    stages = (Track([campaign]), Classify(classifier), read, detect)
    source = FolderMedia(media) if media is not None else None
    batches: dict[int, list[Post]] = {}
    for p in posts:
        batches.setdefault(int(p.created_at.timestamp()) // BATCH_S, []).append(p)
    alerts: list[dict[str, Any]] = []
    updates = 0
    lines: list[str] = []
    mark = gates[0] if gates else None  # the next 10-minute mark to print the gates at
    for k in sorted(batches):
        batch = Batch(posts=batches[k], media=source)
        if live:
            late.gate.clear()
        for stage in stages:
            stage.process(batch)
        late.gate.set()
        read.wait_idle()
        alerts += batch.alerts
        updates += len(batch.updates)
        at = datetime.fromtimestamp((k + 1) * BATCH_S, UTC)  # the batch's posts are in
        while gates and mark is not None and mark <= min(at, gates[1]):
            lines.append(gate_line(detect, mark))
            mark += timedelta(minutes=10)
    last = Batch(posts=[])
    read.finish(last)
    detect.finish(last)
    read.close()
    return alerts + last.alerts, updates + len(last.updates), lines


def gate_line(detect: Detect, at: datetime) -> str:
    """The crisis gates at ``at`` (the minutes closed by the posts up to then)."""
    det = detect.campaigns["mynypd"]
    c, sig = det.config, det.signals
    s15 = sig.windows.sums(15)
    voices = s15[HOSTILE] + s15[HOSTILE_REPOSTS]
    accel = (voices / 15 + c.accel_floor) / (det.lately.rate + c.accel_floor)
    spreading = det.spreading()
    fc = det.forecast(0)
    return (
        f"{at:%H:%M} {det.policy.level:8} voices15 {voices:3.0f} (>= {c.crisis_min_hostile})"
        f"  accel {accel:3.1f} (>= {c.crisis_accel})  spreading {'yes' if spreading else 'no ':3}"
        f"  growing {'yes' if fc is not None and fc.growing else 'no '}"
        f"  share15 {w if (w := sig.read(15).hostile_share) is not None else 0:.2f}"
        f" baseline {det.share.share:.2f}"
    )


def levels(alerts: list[dict[str, Any]]) -> str:
    return ", ".join(f"{a['level']} {a['at'][11:19]}" for a in alerts if a["level"] != "all_clear")


def crisis_of(alerts: list[dict[str, Any]]) -> str:
    return next((a["at"] for a in alerts if a["level"] == "crisis"), "missed")


def replay(
    out: Path, tmp: Path, label: str, extra: list[str]
) -> tuple[list[dict[str, Any]], float]:
    alerts = tmp / f"{label.replace(' ', '_')}.alerts.jsonl"
    t0 = time.perf_counter()
    subprocess.run(
        [*FORETOLD, "replay", str(out), "--store", str(tmp / f"{label}.db"),
         "--track", TRACK[0], "--track", TRACK[1], "--no-progress",
         "--alerts", str(alerts), *extra],
        check=True, capture_output=True,
    )  # fmt: skip
    wall = time.perf_counter() - t0
    return [orjson.loads(x) for x in alerts.read_bytes().splitlines()], wall


def at_scale(scale: float, seed: int, data: str, tmp: Path) -> None:
    """Both storms at ``scale``, in the process (archive): the crisis time of each."""
    from foretold.simulate.pictures import write_picture_storm

    buf = io.BytesIO()
    media = tmp / f"scale{scale}.media"
    _, truth = write_picture_storm("mynypd_pictures", seed, data, buf, media, scale=scale)
    pictures = tmp / f"pictures{scale}.jsonl"
    pictures.write_bytes(buf.getvalue())
    text = tmp / f"text{scale}.jsonl"
    subprocess.run([*FORETOLD, "simulate", "mynypd", "--seed", str(seed), "--scale", str(scale),
                    "--data", data, "--out", str(text)], check=True, capture_output=True)  # fmt: skip
    print(f"at scale {scale}: {truth['pictures']['picture_posts']:,} picture posts")
    for label, path, folder in (("pictures", pictures, media), ("text", text, None)):
        alerts, _, _ = in_process(posts_of(path), folder, live=False, gates=None)
        print(f"  {label:9} crisis {crisis_of(alerts):22} alerts: {levels(alerts) or 'none'}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", default=str(ROOT.parent / "shared" / "data"))
    ap.add_argument("--scale", type=float, default=None)
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        out = tmp / "storm.jsonl"
        run = [*FORETOLD, "simulate", "mynypd_pictures", "--seed", str(a.seed)]
        subprocess.run([*run, "--data", a.data, "--out", str(out)], check=True)
        truth = orjson.loads(out.with_name("storm.truth.json").read_bytes())
        tipping = datetime.fromisoformat(truth["phases"]["tipping_point"])
        scale = truth["scale"]
        print(f"truth: tipping {truth['phases']['tipping_point']}, expected {truth['expected_level']}, "
              f"{truth['pictures']['picture_posts']} picture posts, scale {scale}")  # fmt: skip
        runs: dict[str, list[dict[str, Any]]] = {}
        for label, extra in (("OCR on", ["--media-dir", str(tmp / "storm.media")]),
                             ("OCR off", [])):  # fmt: skip
            runs[label], wall = replay(out, tmp, label, extra)
            print(f"{label:12} crisis: {crisis_of(runs[label]):22} alerts: "
                  f"{levels(runs[label]) or 'none'} ({wall:.1f} s)")  # fmt: skip
        posts = posts_of(out)
        t0 = time.perf_counter()
        alerts, updates, _ = in_process(posts, tmp / "storm.media", live=True, gates=None)
        wall = time.perf_counter() - t0
        print(f"{'OCR on, live':12} crisis: {crisis_of(alerts):22} alerts: {levels(alerts) or 'none'}"
              f" ({updates:,} updates one {BATCH_S}-s batch late; {wall:.1f} s)")  # fmt: skip
        text = tmp / "text.jsonl"
        subprocess.run([*FORETOLD, "simulate", "mynypd", "--seed", str(a.seed), "--scale",
                        str(scale), "--data", a.data, "--out", str(text)],
                       check=True, capture_output=True)  # fmt: skip
        text_alerts, wall = replay(text, tmp, "text", [])
        print(f"{'text storm':12} crisis: {crisis_of(text_alerts):22} alerts: "
              f"{levels(text_alerts) or 'none'} ({wall:.1f} s)")  # fmt: skip
        crisis = crisis_of(runs["OCR on"])
        until = (
            datetime.fromisoformat(crisis) if crisis != "missed" else tipping + timedelta(hours=3)
        )
        span = (tipping, until + timedelta(minutes=10))
        for label, path, folder in (("pictures", out, tmp / "storm.media"), ("text", text, None)):
            _, _, lines = in_process(posts_of(path), folder, live=False, gates=span)
            print(f"crisis gates, {label} storm (archive):")
            print("\n".join(f"  {line}" for line in lines))
        if a.scale is not None:
            at_scale(a.scale, a.seed, a.data, tmp)


if __name__ == "__main__":
    main()
