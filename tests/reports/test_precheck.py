"""The pre-launch check ranks the #AskJPM week high and the benign library week low."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from foretold.cli.reports import precheck_cmd
from tests.conftest import threads_csv
from tests.reports.conftest import simulate


def _run(tmp_path: Path, scenario: str, brand: str, tag: str) -> str:
    archive = simulate(scenario, tmp_path / f"{scenario}.jsonl")
    r = CliRunner().invoke(
        precheck_cmd, ["--brand", brand, "--hashtag", tag, "--archive", str(archive)]
    )
    assert r.exit_code == 0, r.output
    return r.output


def test_askjpm_week_is_high_and_names_the_planted_grievances(tmp_path: Path) -> None:
    out = _run(tmp_path, "askjpm_prelaunch", "JP Morgan", "#AskJPM")
    assert "risk: HIGH" in out
    reasons = out.split("recommendation:")[0]
    for grievance in ("fines", "foreclosures", "bailouts", "bonuses"):
        assert grievance in reasons
    assert "moderated format" in out


def test_askjpm_week_shows_the_planted_settlement_flare_up(tmp_path: Path) -> None:
    # the scenario's flare-up wave runs 2013-11-01 14:00 UTC (start) - 20:00 (peak) - 3 Nov
    out = _run(tmp_path, "askjpm_prelaunch", "JP Morgan", "#AskJPM")
    flares = out.split("recent flare-ups:")[1].strip().splitlines()
    assert len(flares) == 1, flares
    assert flares[0].strip().startswith("2013-11-01 1"), flares
    assert "hostile or negative" in flares[0] and "#fines" in flares[0]
    assert "a recent flare-up, 2013-11-01" in out.split("recommendation:")[0]


def test_benign_library_week_is_low(tmp_path: Path) -> None:
    out = _run(tmp_path, "benign_qa_prelaunch", "City Library", "#AskCityLibrary")
    assert "risk: LOW" in out
    assert out.split("recent flare-ups:")[1].strip() == "none"


FIXTURE_R = Path(__file__).parent.parent / "fixtures" / "csv" / "twitter_r.csv"


def test_an_r_export_is_read_with_its_preset_and_encoding() -> None:
    r = CliRunner().invoke(
        precheck_cmd,
        ["--brand", "JetBlue", "--archive", str(FIXTURE_R), "--csv-preset", "twitter_r",
         "--encoding", "cp1252"],
    )  # fmt: skip
    assert r.exit_code == 0, r.output
    # the complaint, the brand's answer (its cp1252 byte read) and the manual retweet
    assert "(3 posts over" in r.output and "could not be read" not in r.output
    # the export has no follower counts: reach is not guessed as 0
    assert "hostile accounts already talking (the posts give no follower counts):" in r.output
    assert "0 followers" not in r.output


def test_an_unreadable_csv_says_why_nothing_was_found(tmp_path: Path) -> None:
    bad = tmp_path / "jetblue.csv"
    bad.write_text("id,text,created_at\n" + "".join(
        f"{i},@JetBlue where is my bag,last tuesday\n" for i in range(3)))  # fmt: skip
    r = CliRunner().invoke(precheck_cmd, ["--brand", "JetBlue", "--archive", str(bad)])
    assert r.exit_code != 0
    why = str(r.exception)
    assert "3 records could not be read" in why
    assert "csv: created_at: not an ISO-8601 time" in why and "--csv-preset" in why


def test_an_archive_by_thread_is_read_whole(tmp_path: Path) -> None:
    """A thread that starts hours after the ones before it is no outlier for a precheck
    (no detector reads the posts; the gate's jump rule had held it out)."""
    archive = threads_csv(tmp_path / "threads.csv", "Brewco coffee")
    r = CliRunner().invoke(precheck_cmd, ["--brand", "Brewco", "--archive", str(archive)])
    assert r.exit_code == 0, r.output
    assert "(122 posts over" in r.output
