"""Precheck's live search against the local X and Mastodon servers, on a manual clock.

The fake platforms publish 300 posts one hour apart from T0; "now" is the hour after
the last one, so a window of ``days`` holds the last ``24 * days`` posts::

    T0        T0+180h               T0+299h  NOW = T0+300h
    |---------|======= 5 days =======|-------|
     older      the 120 posts searched
"""

from __future__ import annotations

import json
import socket
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from foretold.campaigns import Campaign
from foretold.cli import main
from foretold.clock import ManualClock
from foretold.errors import ForetoldError
from foretold.ingest import IngestStats, Quarantine
from foretold.sources.base import Refused
from foretold.sources.mastodon import MastodonSource
from foretold.sources.search import brand_campaign
from foretold.sources.x import XSource
from tests.sources.servers import T0, TOKEN, MastodonServer, Timeline, XServer, x_tweets

HOUR = timedelta(hours=1)
N = 300
NOW = T0 + N * HOUR
BRAND, TAG = "Brand", "#AskBrand"


def _x(url: str, clock: ManualClock, token: str = TOKEN) -> XSource:
    return XSource("x", [brand_campaign(BRAND, TAG)], token, IngestStats(), Quarantine(),
                   base_url=url, clock=clock)  # fmt: skip


def _timeline(clock: ManualClock) -> Timeline:
    return Timeline(N, clock=clock, published=N)


def test_x_search_follows_every_page_and_keeps_to_the_window() -> None:
    clock = ManualClock(NOW)
    with XServer(_timeline(clock), spacing=HOUR) as server:
        result = _x(server.url, clock).search(NOW - timedelta(days=5), max_posts=2000)
        asked = server.search_params
    assert len(result.posts) == 120
    assert min(p.created_at for p in result.posts) == NOW - timedelta(days=5)
    assert [len(q.get("next_token", [])) for q in asked] == [0, 1]  # the second page followed
    assert asked[0]["start_time"] == ["2024-09-17T07:00:00Z"]
    assert asked[0]["query"] == ["(#askbrand OR Brand) -is:retweet"]
    assert "referenced_tweets.id.author_id" in asked[0]["expansions"][0]
    assert (result.pages, result.notes) == (2, [])


def test_x_search_reaches_back_seven_days_at_most() -> None:
    clock = ManualClock(NOW)
    with XServer(_timeline(clock), spacing=HOUR) as server:
        result = _x(server.url, clock).search(NOW - timedelta(days=10), max_posts=2000)
        asked = server.search_params
    assert asked[0]["start_time"] == ["2024-09-15T07:01:00Z"]  # 7 days less a minute
    assert len(result.posts) == 7 * 24 - 1
    assert result.notes == ["X recent search reaches back 7 days, not 10"]


def test_x_search_of_seven_days_starts_a_minute_late_without_a_note() -> None:
    clock = ManualClock(NOW)
    with XServer(_timeline(clock), spacing=HOUR) as server:
        result = _x(server.url, clock).search(NOW - timedelta(days=7), max_posts=2000)
        asked = server.search_params
    assert asked[0]["start_time"] == ["2024-09-15T07:01:00Z"]
    assert result.notes == []


def test_x_search_stops_at_max_posts() -> None:
    clock = ManualClock(NOW)
    with XServer(_timeline(clock), spacing=HOUR) as server:
        result = _x(server.url, clock).search(NOW - timedelta(days=5), max_posts=110)
        asked = server.search_params
    assert len(result.posts) == 110
    assert [q["max_results"] for q in asked] == [["100"], ["10"]]
    assert result.notes == ["stopped at max_posts = 110; there were more"]


def test_x_search_waits_out_a_429_until_the_reset_sent() -> None:
    clock = ManualClock(NOW)
    tl = _timeline(clock)
    tl.rate_limit_next = True
    with XServer(tl, spacing=HOUR) as server:
        src = _x(server.url, clock)
        result = src.search(NOW - timedelta(days=5), max_posts=2000)
    assert len(result.posts) == 120
    [(reset, told, waited)] = src.stats.rate_limit_waits
    assert (reset, told, waited) == (tl.resets_sent[0], NOW, 60.0)
    assert clock.now() == NOW + timedelta(seconds=60)


def test_x_search_stops_and_says_so_when_the_reset_is_too_far() -> None:
    clock = ManualClock(NOW)
    tl = _timeline(clock)
    tl.rate_limit_next = True
    with XServer(tl, spacing=HOUR) as server:
        result = _x(server.url, clock).search(NOW - timedelta(days=5), 2000, max_wait_s=30)
    assert result.posts == []
    assert result.notes == [
        "rate limited until 2024-09-22 07:01:00 UTC, more than 30 s away: stopped after 0 posts"
    ]
    assert clock.now() == NOW  # no wait


def test_a_refused_x_token_is_an_error_naming_the_source() -> None:
    clock = ManualClock(NOW)
    refused = r"^x: X recent search at .* refused the credentials"
    with XServer(_timeline(clock), spacing=HOUR) as server, pytest.raises(Refused, match=refused):
        _x(server.url, clock, token="wrong").search(NOW - timedelta(days=5), 2000)


def test_mastodon_search_pages_back_with_max_id_to_the_start_time() -> None:
    clock = ManualClock(NOW)
    with MastodonServer(_timeline(clock), spacing=HOUR) as server:
        src = MastodonSource("m", server.url, TAG, IngestStats(), Quarantine(), clock=clock)
        result = src.search(NOW - timedelta(days=5), max_posts=2000)
        asked = server.timeline_params
    assert len(result.posts) == 120
    assert min(p.created_at for p in result.posts) == NOW - timedelta(days=5)
    first = 113_107_200_000_000_000
    assert [q.get("max_id") for q in asked] == [
        None, [str(first + 260)], [str(first + 220)], [str(first + 180)]
    ]  # fmt: skip
    assert all(q["limit"] == ["40"] for q in asked)


def test_a_refused_mastodon_token_is_an_error_naming_the_source() -> None:
    clock = ManualClock(NOW)
    with MastodonServer(_timeline(clock), token="right") as server:
        src = MastodonSource("mastodon:local:#askbrand", server.url, TAG, IngestStats(),
                             Quarantine(), token="wrong", clock=clock)  # fmt: skip
        with pytest.raises(Refused, match=r"^mastodon:local:#askbrand: .* HTTP 401"):
            src.search(NOW - timedelta(days=5), 2000)


def test_an_unreachable_server_is_an_error_naming_the_source() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{s.getsockname()[1]}"  # nobody listens
    with pytest.raises(ForetoldError, match=r"^x: X recent search at .* failed: ConnectError"):
        _x(url, ManualClock(NOW)).search(NOW - timedelta(days=5), 2000)


# ---------------------------------------------------------------- the command


def _config(tmp_path: Path, x_url: str, mastodon_url: str) -> Path:
    path = tmp_path / "foretold.toml"
    path.write_text(
        f'[[campaign]]\nname = "other"\nhashtags = ["#Other"]\n\n'
        f'[[source]]\ntype = "x"\nbase_url = "{x_url}"\n\n'
        f'[[source]]\ntype = "mastodon"\ninstance = "{mastodon_url}"\nhashtags = ["Other"]\n\n'
        f'[[source]]\ntype = "bluesky"\nurl = "ws://127.0.0.1:9"\n\n'
        f'[[source]]\ntype = "file"\npath = "{tmp_path / "tail.jsonl"}"\n',
        encoding="utf-8",
    )
    return path


def _archive(tmp_path: Path) -> Path:
    """Ten tweets the search also finds, and five that are not about the brand."""
    tweets, users = x_tweets(N, spacing=HOUR)
    again = tweets[-10:]
    lunch = [{**t, "id": str(int(t["id"]) + 10_000), "text": "Lovely lunch today",
              "entities": {}} for t in tweets[-5:]]  # fmt: skip
    path = tmp_path / "archive.jsonl"
    page = {"data": again + lunch, "includes": {"users": users}}
    path.write_text(json.dumps(page) + "\n", encoding="utf-8")
    return path


def _precheck(*args: str, token: str = TOKEN) -> Result:
    return CliRunner(env={"X_BEARER_TOKEN": token}).invoke(
        main, ["precheck", "--brand", BRAND, "--hashtag", TAG, "--fixed-now", NOW.isoformat(),
               *args],
    )  # fmt: skip


def test_precheck_searches_the_sources_and_merges_the_archive(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    with (
        XServer(_timeline(clock), spacing=HOUR) as x,
        MastodonServer(_timeline(clock), spacing=HOUR) as m,
    ):
        config = _config(tmp_path, x.url, m.url)
        archive = _archive(tmp_path)
        r = _precheck("--config", str(config), "--days", "5", "--archive", str(archive))
    assert r.exit_code == 0, r.output
    host = m.url.removeprefix("http://")
    assert r.stderr.splitlines() == [
        "precheck: bluesky: a bluesky source cannot search back in time; skipped",
        f"precheck: file:{tmp_path / 'tail.jsonl'}: a file source cannot search back in time; "
        "skipped",
        "precheck: x: 120 posts in 2 pages",
        f"precheck: mastodon:{host}:#askbrand: 120 posts in 4 pages",
        f"precheck: mastodon:{host}:#brand: 0 posts in 0 pages",
        f"precheck: {archive} 15 (10 about it), x 120 (120 about it), "
        f"mastodon:{host}:#askbrand 120 (120 about it), mastodon:{host}:#brand 0 (0 about it); "
        "245 distinct posts, 240 about Brand",
    ]
    assert r.stdout.startswith("foretold precheck: Brand #AskBrand\nrisk: ")
    assert "\nreasons:\n" in r.stdout and "\nrecommendation: " in r.stdout
    assert "(240 posts over 5.0 days" in r.stdout


def test_precheck_with_a_refused_token_says_which_source(tmp_path: Path) -> None:
    clock = ManualClock(NOW)
    with (
        XServer(_timeline(clock), spacing=HOUR) as x,
        MastodonServer(_timeline(clock), spacing=HOUR) as m,
    ):
        r = _precheck("--config", str(_config(tmp_path, x.url, m.url)), token="expired")
    assert r.exit_code == 2
    assert r.stderr.splitlines()[-1].startswith(
        "foretold: error: x: X recent search at http://127.0.0.1:"
    )
    assert "refused the credentials (the bearer token: bearer_token_env" in r.stderr
    assert "HTTP 401" in r.stderr
    assert "risk:" not in r.stdout


def test_precheck_needs_an_archive_or_a_config() -> None:
    r = _precheck()
    assert r.exit_code == 2
    assert "give --archive FILE, --config foretold.toml" in r.stderr


def test_the_brand_campaign_matches_what_precheck_counts_as_about_the_brand() -> None:
    c = brand_campaign("JP Morgan", "#AskJPM")
    assert c == Campaign("precheck", hashtags=("askjpm",), keywords=("JP Morgan", "JPMorgan"))
