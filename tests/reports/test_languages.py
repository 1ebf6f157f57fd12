"""The chronicle's language section: the mix from the store, posts quoted as written."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from foretold.post import Author, Post
from foretold.reports.chronicle import write_chronicle
from foretold.reports.languages import html_section
from foretold.store import Store, post_row

T0 = datetime(2026, 3, 1, 12, tzinfo=UTC)
POSTS = [
    ("en", "the app is down again, third time this week #askacme"),
    ("en", "thanks #askacme, the refund came through"),
    ("en", "RT nothing to add #askacme"),
    ("fr", "Vos frais cachés sont une honte <i>absolue</i> #askacme"),
    ("es", "¿Por qué #askacme cobra tanto?"),
]


def test_the_mix_counts_each_language_and_quotes_it_as_written(tmp_path: Path) -> None:
    with Store(tmp_path / "l.db") as store:
        posts = [
            Post(
                platform="x",
                id=str(i),
                text=text,
                lang=None if lang == "fr" else lang,
                created_at=T0 + timedelta(minutes=i),
                author=Author(id=str(i), handle=f"u{i}"),
                kind="repost" if text.startswith("RT") else "original",
            )
            for i, (lang, text) in enumerate(POSTS)
        ]
        # the French post's language comes from its labels (the platform gave none)
        labels = [("x", "3", "fast", orjson.dumps({"sentiment": "negative", "lang": "fr"}))]
        store.write_rows([post_row(p) for p in posts], [],
                         [("askacme", p.platform, p.id) for p in posts], labels, [], [], [])  # fmt: skip
        mix = store.dashboard_languages("askacme")
    assert [(r["lang"], r["posts"]) for r in mix["languages"]] == [("en", 3), ("es", 1), ("fr", 1)]
    assert len(mix["languages"][0]["examples"]) == 2  # the repost is not quoted
    html = html_section(mix)
    assert "5 posts: English 60%, Spanish 20%, French 20%" in html
    assert '<blockquote lang="fr"><div>Vos frais cachés sont une honte &lt;i&gt;absolue' in html
    assert '<blockquote lang="es"><div>¿Por qué #askacme cobra tanto?</div>' in html


def test_the_chronicle_has_the_section(askjpm_store: tuple[Path, Path], tmp_path: Path) -> None:
    db, _ = askjpm_store
    with Store(db, readonly=True) as store:
        write_chronicle(store, "askjpm", tmp_path / "c.html")
    html = (tmp_path / "c.html").read_text(encoding="utf-8")
    assert "<h2>Languages</h2>" in html and "<td>English</td>" in html
