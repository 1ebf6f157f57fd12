"""The runner over hand-made cases, the registry, the report and the command."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.bench import detectors
from foretold.bench.case import Case
from foretold.bench.report import markdown, text, to_json
from foretold.bench.runner import run
from foretold.bench.scoring import Expectation
from foretold.campaigns import Campaign
from foretold.clock import ManualClock
from foretold.errors import ConfigError

from .conftest import DATA, T0, at, every

H = 60


def _case(has_text: bool = True) -> Case:
    """13 quiet hours then a spike: the 12-hour volume baseline must fire at 13:30."""
    posts = every(0, 13 * H, 10, "#brew hi") + every(13 * H, 15 * H, 60, "#brew awful, worst")
    exp = Expectation("spike", "hijack", at(0), at(15 * H), at(12 * H), at(13 * H), at(14 * H),
                      "warning")  # fmt: skip
    return Case("spike", "test", exp, (Campaign.from_track(["brew"]),), lambda: [list(posts)],
                has_text=has_text, hourly=[10] * 13 + [60, 60])  # fmt: skip


def test_runs_a_baseline_through_the_pipeline_and_scores_it(tmp_path: Path) -> None:
    result = run([_case()], ["market_volume_12h"], clock=ManualClock(T0), workdir=tmp_path)
    [r] = result.runs
    assert (r.status, r.posts, r.alerts) == ("ok", 250, 1)
    assert r.score is not None
    assert r.score.at("warning").lead_tipping_h == -0.5
    assert list(tmp_path.iterdir()) == []  # the run's store is removed


def test_text_detectors_do_not_apply_to_volume_only_streams() -> None:
    result = run([_case(has_text=False)], ["market_negative_vader"], clock=ManualClock(T0))
    assert result.runs[0].status == "not applicable: no text"


def test_an_unloadable_detector_is_reported_not_faked(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "foretold.detect", None)  # import fails
    result = run([_case()], ["foretold"], clock=ManualClock(T0))
    assert result.unavailable["foretold"].startswith("ModuleNotFoundError")
    assert result.runs[0].status.startswith("not available: ")
    assert result.runs[0].score is None
    assert "not available" in text(result)


def test_report_views_agree(tmp_path: Path) -> None:
    result = run([_case()], ["market_volume_12h", "market_24h_7d"], clock=ManualClock(T0))
    blob = to_json(result, suite="test", seeds=1)
    summary = orjson.loads(orjson.dumps(blob))["summary"]
    assert summary["simulated"]["market_volume_12h"][0]["streams"] == 0  # its source is "test"
    assert summary["real"]["market_volume_12h"]["streams"] == 1
    assert [c["name"] for c in blob["cases"]] == ["spike"]
    page = markdown(result, "test", 1, "foretold benchmark --suite test")
    assert "| stream | kind | expected | `market_volume_12h` | `market_24h_7d` |" in page


def test_registry_names_the_issue_detectors() -> None:
    assert list(detectors.REGISTRY) == [
        "market_volume_12h", "market_24h_7d", "market_negative_vader", "foretold",
        "foretold_accurate", "foretold_risk"]  # fmt: skip
    assert all(
        d.levels == ("warning",)
        for n, d in detectors.REGISTRY.items()
        if not n.startswith("foretold")
    )


@pytest.mark.skipif(not (DATA / "tweeteval").is_dir(), reason=f"no real data at {DATA}")
def test_command_runs_a_small_suite(tmp_path: Path) -> None:
    from foretold.cli.benchmark import benchmark_cmd

    args = ["--suite", "quick", "--detector", "market_volume_12h", "--quiet", "--data", str(DATA),
            "--json", str(tmp_path / "b.json"), "--markdown", str(tmp_path / "b.md")]  # fmt: skip
    out = CliRunner().invoke(benchmark_cmd, args)
    assert out.exit_code == 0, out.output
    assert "Simulated scenarios" in out.output
    blob = orjson.loads((tmp_path / "b.json").read_bytes())
    assert [c["name"] for c in blob["cases"]] == ["askbg#1", "waitrose#1", "benign_qa#1",
                                                 "spam_burst#1"]  # fmt: skip
    assert (tmp_path / "b.md").read_text().startswith("# Detection benchmark")


def test_command_refuses_an_unknown_detector() -> None:
    from foretold.cli.benchmark import benchmark_cmd

    out = CliRunner().invoke(benchmark_cmd, ["--detector", "nope"])
    assert out.exit_code != 0
    assert "unknown detector 'nope'" in str(out.exception)


def _hijack_truth(tmp_path: Path) -> Path:
    """The truth of the users' streams below: a hijack that must reach warning."""
    truth = tmp_path / "mine.truth.json"
    truth.write_bytes(orjson.dumps({"kind": "hijack", "expected": "warning",
                                    "onset": "2020-01-06T12:00:00Z",
                                    "tipping_point": "2020-01-06T13:00:00Z"}))  # fmt: skip
    return truth


def test_command_scores_a_users_own_stream(tmp_path: Path) -> None:
    from foretold.cli.benchmark import benchmark_cmd

    posts = every(0, 13 * H, 10, "#brew hi") + every(13 * H, 15 * H, 60, "#brew awful, worst")
    stream = tmp_path / "mine.csv"
    rows = ["id,text,created_at"] + [
        f"{p.id},{p.text.replace(',', ' ')},{p.created_at.isoformat()}" for p in posts
    ]
    stream.write_text("\n".join(rows) + "\n", encoding="utf-8")
    truth = _hijack_truth(tmp_path)
    args = ["--stream", str(stream), "--truth", str(truth), "--track", "#brew",
            "--detector", "market_volume_12h", "--json", "-", "--quiet"]  # fmt: skip
    out = CliRunner().invoke(benchmark_cmd, args)
    assert out.exit_code == 0, out.output
    blob = orjson.loads(out.stdout[out.stdout.index("{") :])
    [run_] = blob["runs"]
    assert run_["status"] == "ok"
    warning = next(x for x in run_["score"]["levels"] if x["level"] == "warning")
    assert (warning["missed"], warning["lead_tipping_h"]) == (False, -0.5)
    table = CliRunner().invoke(benchmark_cmd, [*args[:-3], "--quiet"]).stdout
    assert table.startswith("foretold benchmark: 1 stream of yours")
    assert "Your stream, against its truth file" in table and "mine.csv  " in table
    bad = CliRunner().invoke(benchmark_cmd, ["--stream", str(stream)])
    assert isinstance(bad.exception, ConfigError)
    assert "--stream and --truth go together" in str(bad.exception)
    no_track = CliRunner().invoke(benchmark_cmd, [*args[:4], "--owner", "@brew"])
    assert isinstance(no_track.exception, ConfigError)
    assert "--owner needs --track" in str(no_track.exception)


def test_a_users_csv_stream_is_read_with_its_columns(tmp_path: Path) -> None:
    """The CSV options of `replay` apply to --stream: an R export's own column names."""
    from foretold.cli.benchmark import benchmark_cmd

    posts = every(0, 13 * H, 10, "#brew hi") + every(13 * H, 15 * H, 60, "#brew awful, worst")
    stream = tmp_path / "mine.csv"
    rows = ['"","text","created","id","screenName","retweetCount"'] + [
        f'"{i}","{p.text}",{p.created_at:%Y-%m-%d %H:%M:%S},"{p.id}","u{i % 50}",NA'
        for i, p in enumerate(posts, 1)
    ]
    stream.write_text("\r\n".join(rows) + "\r\n", encoding="cp1252")
    truth = _hijack_truth(tmp_path)
    args = ["--stream", str(stream), "--truth", str(truth), "--track", "#brew",
            "--detector", "market_volume_12h", "--json", "-", "--quiet",
            "--csv-preset", "twitter_r", "--encoding", "cp1252"]  # fmt: skip
    out = CliRunner().invoke(benchmark_cmd, args)
    assert out.exit_code == 0, out.output
    [run_] = orjson.loads(out.stdout[out.stdout.index("{") :])["runs"]
    assert run_["status"] == "ok" and run_["posts"] == len(posts)
    warning = next(x for x in run_["score"]["levels"] if x["level"] == "warning")
    assert (warning["missed"], warning["lead_tipping_h"]) == (False, -0.5)
    bad = CliRunner().invoke(benchmark_cmd, ["--suite", "quick", "--csv-preset", "twitter_r"])
    assert isinstance(bad.exception, ConfigError) and "apply to --stream" in str(bad.exception)


def test_a_users_stream_newest_first_scores_as_in_time_order(tmp_path: Path) -> None:
    """A search export lists the newest post first; the detectors see stream order."""
    from foretold.cli.benchmark import benchmark_cmd

    posts = every(0, 13 * H, 10, "#brew hi") + every(13 * H, 15 * H, 60, "#brew awful, worst")
    truth = _hijack_truth(tmp_path)
    scores = []
    for order in (posts, posts[::-1]):
        stream = tmp_path / "mine.csv"
        rows = ["id,text,created_at"] + [
            f"{p.id},{p.text.replace(',', ' ')},{p.created_at.isoformat()}" for p in order
        ]
        stream.write_text("\n".join(rows) + "\n", encoding="utf-8")
        args = ["--stream", str(stream), "--truth", str(truth), "--track", "#brew",
                "--detector", "foretold", "--json", "-", "--quiet"]  # fmt: skip
        out = CliRunner().invoke(benchmark_cmd, args)
        assert out.exit_code == 0, out.output
        [run_] = orjson.loads(out.stdout[out.stdout.index("{") :])["runs"]
        scores.append((run_["alerts"], run_["score"]))
    assert scores[0] == scores[1] and scores[0][0] > 0


def test_a_truth_file_can_excuse_a_known_disruption(tmp_path: Path) -> None:
    from foretold.bench.suite import user_expectation
    from foretold.cli.benchmark import benchmark_cmd

    quiet = {"kind": "ordinary", "expected": "none"}
    storm = every(0, 13 * H, 10, "#brew hi") + every(13 * H, 15 * H, 60, "#brew awful, worst")
    day = ("2020-01-06T00:00:00Z", "2020-01-07T00:00:00Z")
    assert user_expectation(quiet, "x", *day).excused is None
    for bad in ({"from": "2020-01-06T00:00:00Z", "to": "soon", "up_to": "warning"},
                {"from": "2020-01-06T00:00:00Z", "to": "2020-01-07T00:00:00Z", "up_to": "loud"}):  # fmt: skip
        with pytest.raises(ConfigError, match="excused"):
            user_expectation({**quiet, "excused": bad}, "x", "", "")
    stream = tmp_path / "mine.csv"
    rows = ["id,text,created_at"] + [
        f"{p.id},{p.text.replace(',', ' ')},{p.created_at.isoformat()}" for p in storm
    ]
    stream.write_text("\n".join(rows) + "\n", encoding="utf-8")
    falses = []
    for excused in (None, {"from": "2020-01-06T12:00:00Z", "to": "2020-01-06T16:00:00Z",
                           "up_to": "warning"}):  # fmt: skip
        truth = tmp_path / "quiet.truth.json"
        truth.write_bytes(orjson.dumps({**quiet, **({"excused": excused} if excused else {})}))
        args = ["--stream", str(stream), "--truth", str(truth), "--track", "#brew",
                "--detector", "market_volume_12h", "--json", "-", "--quiet"]  # fmt: skip
        out = CliRunner().invoke(benchmark_cmd, args)
        assert out.exit_code == 0, out.output
        [run_] = orjson.loads(out.stdout[out.stdout.index("{") :])["runs"]
        falses.append(sum(x["false_alarms"] for x in run_["score"]["levels"]))
    assert falses[0] > 0 and falses[1] == 0  # the market's alert falls in the excused hours


JETBLUE = DATA / "brands" / "jetblue-2016" / "jetblue_tweets.csv"


@pytest.mark.skipif(not JETBLUE.is_file(), reason=f"no JetBlue month at {JETBLUE}")
def test_the_jetblue_month_is_read_with_its_emoji() -> None:
    """R wrote the month's emoji and symbols as escapes; the benchmark reads them back, as
    ``replay`` does (1,637 runs: ✈️ alone is in about a hundred tweets)."""
    from foretold.bench.real import read_jetblue

    posts = read_jetblue(JETBLUE)
    assert len(posts) == 13_371
    assert sum("✈" in p.text for p in posts) >= 90
    assert not [p.text for p in posts if "<U+00A0>" in p.text or "<ed>" in p.text]


def test_a_scenario_that_cannot_be_simulated_is_left_out_with_its_reason(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Seed 21's drawn #WaitroseReasons parameters grow a cascade past ``max_posts``: the
    benchmark leaves that one stream out, says why, and scores the rest (it used to stop
    with no table and no JSON)."""
    from foretold.bench import suite as suite_mod

    def fake(
        name: str, seed: int, randomised: bool, pools: object, workdir: Path
    ) -> Iterator[Case]:
        if name == "waitrose":
            raise ConfigError("scenario 'waitrose' grew past max_posts=5000000")
        yield _case()

    monkeypatch.setattr(suite_mod, "simulated_case", fake)
    monkeypatch.setattr(suite_mod.TextPools, "load", classmethod(lambda cls, d: None))
    s = suite_mod.Suite("two", (("askbg", True), ("waitrose", True)), False, "test")
    skipped: list[str] = []
    got = [c.name for c in suite_mod.cases(s, 21, DATA, tmp_path, first=21, skipped=skipped)]
    assert got == ["spike"]
    assert skipped == [
        "waitrose~21: not simulated, left out of every table: "
        "scenario 'waitrose' grew past max_posts=5000000"
    ]
    with pytest.raises(ConfigError, match="max_posts"):
        list(suite_mod.cases(s, 21, DATA, tmp_path, first=21))
    result = run(suite_mod.cases(s, 21, DATA, tmp_path, first=21, skipped=skipped),
                 ["market_volume_12h"])  # fmt: skip
    result.notes += skipped
    assert "note: waitrose~21: not simulated" in text(result, "two", 21, 21)
