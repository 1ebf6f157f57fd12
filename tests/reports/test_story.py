"""The chronicle's phases against the simulator's truth, and the HTML's safety."""

from __future__ import annotations

import json
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.errors import InputError
from foretold.reports.chronicle import write_chronicle
from foretold.reports.story import build_story
from foretold.store import Store

#: Phases the chronicle derives and must place within 15 minutes of the truth.
MATCHED = ("launch", "tipping_point", "peak", "press_pickup", "brand_response", "end")


def test_phases_match_the_truth_within_15_minutes(askjpm_store: tuple[Path, Path]) -> None:
    db, truth_file = askjpm_store
    truth = json.loads(truth_file.read_text())["phases"]
    with Store(db, readonly=True) as store:
        story = build_story(store, "askjpm")
    for name in MATCHED:
        phase = story.phase(name)
        assert phase is not None, name
        want = datetime.fromisoformat(truth[name].replace("Z", "+00:00"))
        assert abs(phase.at - want) <= timedelta(minutes=15), (name, phase.at, want)


def test_first_weak_signal_is_found_with_hindsight(askjpm_store: tuple[Path, Path]) -> None:
    db, truth_file = askjpm_store
    truth = json.loads(truth_file.read_text())["phases"]
    with Store(db, readonly=True) as store:
        story = build_story(store, "askjpm")
    weak, tip = story.phase("first_weak_signal"), story.phase("tipping_point")
    assert weak is not None and tip is not None and weak.at < tip.at
    want = datetime.fromisoformat(truth["first_weak_signal"].replace("Z", "+00:00"))
    assert abs(weak.at - want) <= timedelta(hours=2), (weak.at, want)
    assert weak.source == "derived"
    quoted = " ".join(q.text.lower() for q in story.weak_signals)
    assert len(story.weak_signals) == 4 and story.weak_signals[0].at == weak.at
    assert any(w in quoted for w in ("fines", "foreclos", "bailout", "bonus", "whale", "fraud"))


def test_the_owner_is_quoted_with_its_followers(
    askjpm_store: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = askjpm_store
    with Store(db, readonly=True) as store:
        story = write_chronicle(store, "askjpm", tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text()
    assert story.owner_followers == 170_000
    assert "@jpmorgan (170k followers)" in html and "(0 followers)" not in html
    assert "names no owner" not in html


def test_hashtag_only_tracking_hints_at_the_owner(
    askjpm_store: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = askjpm_store
    jsonl = db.with_suffix(".jsonl")
    store_path = tmp_path / "tags.db"
    r = CliRunner().invoke(
        main, ["replay", str(jsonl), "--store", str(store_path), "--track", "#AskJPM",
               "--no-progress"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    out = tmp_path / "c.html"
    r = CliRunner().invoke(
        main, ["chronicle", "--store", str(store_path), "--campaign", "askjpm", "--out", str(out)]
    )
    assert r.exit_code == 0, r.output
    assert "names no owner" in r.output and "--track @handle" in r.output
    html = out.read_text()
    assert "owner unknown" in html and "@?" not in html
    assert "<code>--track @handle</code>" in html


def test_chart_labels_and_legends_do_not_overlap(
    askjpm_store: tuple[Path, Path], tmp_path: Path
) -> None:
    db, _ = askjpm_store
    with Store(db, readonly=True) as store:
        write_chronicle(store, "askjpm", tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text()
    charts = re.findall(r"<svg.*?</svg>", html, re.S)
    assert len(charts) >= 6
    for svg in charts:
        title_y = float(re.search(r'<text x="[\d.]+" y="([\d.]+)" class="ct"', svg)[1])
        legend_ys = {float(y) for y in re.findall(r'<rect x="[\d.]+" y="([\d.]+)" width="10"', svg)}
        assert all(y > title_y for y in legend_ys)  # the legend has a line of its own
        labels = [
            (float(x), float(y), len(t))
            for x, y, t in re.findall(r'<text x="([\d.]+)" y="([\d.]+)" class="pm">([^<]*)<', svg)
        ]
        for i, (x1, y1, n1) in enumerate(labels):
            for x2, y2, n2 in labels[i + 1 :]:
                if y1 == y2:
                    lo, hi = sorted([(x1, n1), (x2, n2)])
                    assert lo[0] + 5.6 * lo[1] <= hi[0], (labels, svg[:80])
    assert "press pickup" in html and "peak" in html


def test_chronicle_escapes_post_text(askjpm_store: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = askjpm_store
    copy = tmp_path / "copy.db"
    copy.write_bytes(db.read_bytes())
    with Store(copy) as store:
        store.db.execute(
            "UPDATE posts SET text = '<script>alert(1)</script> #AskJPM' WHERE seq = "
            "(SELECT p.seq FROM posts p JOIN campaign_posts c ON c.id = p.id"
            " WHERE p.author_handle = 'jpmorgan' ORDER BY p.created_at LIMIT 1)"
        )
        write_chronicle(store, "askjpm", tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text()
    assert "<script" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_an_unknown_campaign_names_the_stores_campaigns(askjpm_store: tuple[Path, Path]) -> None:
    db, _ = askjpm_store
    with Store(db, readonly=True) as store, pytest.raises(InputError, match=r"campaigns: askjpm$"):
        build_story(store, "nope")
