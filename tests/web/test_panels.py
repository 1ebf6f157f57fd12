"""The coordination and language panels: their API, and the page in a real browser."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from foretold.post import Author, Post
from foretold.store import Store
from tests.web.conftest import T0, Running, labels, serve, write
from tests.web.test_api import get_json
from tests.web.test_browser import ARGS, CHROMIUM, TIMEOUT_MS, _shot, _unavailable

SWARM = 8
PEOPLE = [  # (lang, text): people in their own words and languages
    ("en", "my card was declined twice today and nobody at #askjpm answers the phone"),
    ("en", "waited forty minutes on hold with #askjpm, still no answer about the fee"),
    ("fr", "Franchement #askjpm, vos frais cachés sont une honte <b>absolue</b>"),
    ("fr", "Encore une panne de l'appli #askjpm ce matin, impossible de payer"),
    ("es", "¿Por qué #askjpm cobra comisiones tan altas a los clientes pequeños?"),
]


def _swarm_post(i: int) -> Post:
    bot = Author(id=f"s{i}", handle=f"maria{48213900 + i}", name=f"maria{48213900 + i}",
                 followers=3, following=800, posts=900, created_at=T0 - timedelta(days=5))  # fmt: skip
    text = f"@jpmorgan you lied to us and you know it, shame on you {'!' * (i % 3)} #askjpm"
    return Post(platform="x", id=f"9{i:03d}", text=text, author=bot, lang="en",
                created_at=T0 + timedelta(minutes=30, seconds=7 * i), hashtags=("askjpm",))  # fmt: skip


@pytest.fixture
def panel_store(tmp_path: Path) -> Iterator[str]:
    path = str(tmp_path / "panels.db")
    with Store(path) as store:
        store.put_campaigns([("askjpm", {"name": "askjpm", "hashtags": ["#askjpm"]})])
        people = [
            Post(
                platform="x",
                id=f"1{i:03d}",
                text=text,
                lang=lang,
                hashtags=("askjpm",),
                author=Author(
                    id=f"p{i}",
                    handle=f"person_{i}",
                    name=f"P {i}",
                    followers=400,
                    description="Nurse.",
                    created_at=T0 - timedelta(days=900),
                ),
                created_at=T0 + timedelta(minutes=20 + i),
            )
            for i, (lang, text) in enumerate(PEOPLE)
        ]
        swarm = [_swarm_post(i) for i in range(SWARM)]
        posts = people + swarm
        write(store, posts, [labels("negative", "offensive")] * len(posts))  # all hostile
    yield path


@pytest.fixture
def panels(panel_store: str) -> Iterator[Running]:
    running = serve(panel_store)
    yield running
    running.server.shutdown()
    running.server.server_close()


def test_the_coordination_panel_names_the_swarm(panels: Running) -> None:
    co = get_json(panels.url + "/api/campaigns/askjpm/coordination")
    assert co["coordinated_accounts"] == SWARM
    assert {a["handle"] for a in co["accounts"]} == {f"maria{48213900 + i}" for i in range(SWARM)}
    assert co["accounts"][0]["drivers"][:2] == ["young", "high_rate"]
    assert co["clusters"][0]["size"] == SWARM and co["clusters"][0]["example"].startswith("@jpm")
    assert co["near_copy_hostile_share"] == round(SWARM / (SWARM + len(PEOPLE)), 4)
    assert "near-copies from 8 accounts" in co["sentence"]


def test_the_language_panel_counts_and_quotes_each_language(panels: Running) -> None:
    data = get_json(panels.url + "/api/campaigns/askjpm/languages")
    by = {row["lang"]: row for row in data["languages"]}
    assert data["posts"] == SWARM + len(PEOPLE)
    assert [r["lang"] for r in data["languages"]] == ["en", "fr", "es"]
    assert by["fr"]["posts"] == 2 and by["fr"]["share"] == round(2 / 13, 4)
    assert all(q["lang"] == "fr" and "#askjpm" in q["text"] for q in by["fr"]["examples"])
    assert by["es"]["examples"][0]["text"] == PEOPLE[4][1]  # quoted as written


def test_an_empty_campaign_has_empty_panels(tmp_path: Path) -> None:
    from foretold.coordination.panel import panel

    with Store(str(tmp_path / "e.db")) as store:
        assert panel(store, "none")["posts"] == 0
        assert store.dashboard_languages("none")["languages"] == []


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def test_the_page_shows_both_panels(browser: Any, panels: Running) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 1400})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(panels.url + "/")
    page.wait_for_selector("body[data-panels]")
    assert "near-copies from 8 accounts" in (page.text_content("#coordination .co-sentence") or "")
    assert page.locator("#coordination tr.account").count() == SWARM
    assert page.locator("#coordination tr.cluster").count() == 1
    assert page.text_content("#coordination [data-share=hostile]") == "62%"
    assert [page.locator("#languages tr.lang").nth(i).get_attribute("data-lang")
            for i in range(3)] == ["en", "fr", "es"]  # fmt: skip
    french = page.locator("#languages li.quote[data-lang=fr] q").first
    assert french.get_attribute("lang") == "fr"
    text = french.text_content() or ""
    assert "<b>" in text or "Encore" in text  # markup in a post is shown as text
    assert page.locator("#languages b").count() == 0
    _shot(page, "panels")
    context.close()
    assert errors == []


def test_a_live_stores_panel_is_recomputed_at_most_every_few_seconds(panel_store: str) -> None:
    from foretold.coordination.panel import REFRESH_S, panel

    clock = [1000.0]
    with Store(panel_store) as store:
        first = panel(store, "askjpm", now=lambda: clock[0])
        write(store, [_swarm_post(SWARM)], [labels("negative", "offensive")])
        assert panel(store, "askjpm", now=lambda: clock[0]) is first  # within REFRESH_S
        clock[0] += REFRESH_S
        again = panel(store, "askjpm", now=lambda: clock[0])
    assert again["coordinated_accounts"] == SWARM + 1
