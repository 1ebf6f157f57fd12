"""The chronicle's language section: which languages the campaign's posts were in.

It reads the store's language mix (:meth:`foretold.store.Store.dashboard_languages`: a
post's language is the one its labels carry, else the platform's) and quotes each
language's most engaged-with posts as written, never translated, with the language
beside them and the quote marked up with its ``lang``. Post text is escaped.

>>> mix = {"posts": 10, "languages": [
...     {"lang": "en", "posts": 7, "share": 0.7, "examples": []},
...     {"lang": "fr", "posts": 3, "share": 0.3, "examples": [
...         {"id": "1", "author": "ana", "text": "vos frais <b>cachés</b>", "lang": "fr"}]}]}
>>> html = html_section(mix)
>>> "<td>French</td><td>3</td><td>30%</td>" in html, '<blockquote lang="fr">' in html
(True, True)
>>> "&lt;b&gt;cachés" in html
True
>>> html_section({"posts": 0, "languages": []})
'<h2>Languages</h2><p>No posts.</p>'
"""

from __future__ import annotations

import re
from html import escape
from typing import Any

#: Names of the languages foretold reads (ISO 639-1) and of the two non-languages.
NAMES = {
    "en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian",
    "pt": "Portuguese", "nl": "Dutch", "pl": "Polish", "ru": "Russian", "tr": "Turkish",
    "ar": "Arabic", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "th": "Thai",
    "und": "undetermined", "other": "other languages",
}  # fmt: skip
_CODE = re.compile(r"[a-z]{2,3}")


def html_section(mix: dict[str, Any]) -> str:
    """An HTML section: the share of posts per language, and posts quoted in each."""
    langs = mix.get("languages") or []
    if not langs:
        return "<h2>Languages</h2><p>No posts.</p>"
    rows, quotes = [], []
    for row in langs:
        code = str(row.get("lang", ""))
        name = NAMES.get(code, code)
        rows.append(
            f"<tr><td>{escape(code)}</td><td>{escape(name)}</td><td>{int(row.get('posts', 0))}"
            f"</td><td>{float(row.get('share', 0.0)):.0%}</td></tr>"
        )
        attr = f' lang="{code}"' if _CODE.fullmatch(code) and code != "und" else ""
        for q in row.get("examples") or []:
            quotes.append(
                f"<blockquote{attr}><div>{escape(str(q.get('text', '')))}</div>"
                f'<div class="meta"><b>{escape(code)}</b> · @{escape(str(q.get("author", "")))}'
                "</div></blockquote>"
            )
    share = ", ".join(
        f"{NAMES.get(str(r.get('lang')), str(r.get('lang')))} {float(r.get('share', 0.0)):.0%}"
        for r in langs[:3]
    )
    return (
        f"<h2>Languages</h2><p>{int(mix.get('posts', 0)):,} posts: {escape(share)}. "
        "A post's language is the one foretold identified when it read the post (else the "
        "platform's); posts are quoted as written, not translated.</p>"
        "<table><tr><th>code</th><th>language</th><th>posts</th><th>share</th></tr>"
        + "".join(rows)
        + "</table>"
        + "".join(quotes)
    )
