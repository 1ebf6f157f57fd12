"""The chronicle's coordination section: what the alerts said about swarms, after the fact.

It reads the stored alerts (their ``evidence.coordination``), so the chronicle shows
what foretold named at the time, not a second opinion. Post text is escaped.

>>> alert = {"at": "2021-03-03T20:01:59Z", "level": "warning", "evidence": {"coordination": {
...     "minutes": 15, "near_copy_hostile_share": 1.0, "near_copy_share": 0.32,
...     "coordinated_accounts": 22, "young_accounts": 11,
...     "clusters": [{"size": 22, "accounts": 22, "example": "<b>boycott</b> @brand",
...                   "first_seen": "2021-03-03T20:01:44.466Z"}],
...     "accounts": [{"handle": "maria48190575", "score": 1.0, "drivers": ["young", "few_followers"]}]}}}
>>> html = html_section([alert])
>>> "22 coordinated accounts (11 created this month)" in html, "&lt;b&gt;boycott" in html
(True, True)
>>> html_section([{"at": "2021-03-03T20:01:59Z", "level": "watch", "evidence": {}}])
'<h2>Coordinated activity</h2><p>No alert named coordinated accounts.</p>'
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.0%}"


def html_section(alerts: Sequence[dict[str, Any]]) -> str:
    """An HTML section: one row per alert that named coordinated accounts."""
    rows = []
    for a in alerts:
        co = (a.get("evidence") or {}).get("coordination")
        if not co:
            continue
        young = co.get("young_accounts") or 0
        who = f"{co.get('coordinated_accounts', 0)} coordinated accounts" + (
            f" ({young} created this month)" if young else ""
        )
        clusters = "".join(
            f"<li>{escape(str(c.get('example', '')))} ({c.get('size', 0)} posts from "
            f"{c.get('accounts', 0)} accounts, first seen {escape(str(c.get('first_seen', '')))})</li>"
            for c in co.get("clusters") or []
        )
        accounts = ", ".join(
            f"@{escape(str(x.get('handle', '')))} {float(x.get('score', 0.0)):.2f} "
            f"({escape(', '.join(x.get('drivers') or []).replace('_', ' '))})"
            for x in (co.get("accounts") or [])[:5]
        )
        rows.append(
            f"<tr><td>{escape(str(a.get('at', '')))}</td><td>{escape(str(a.get('level', '')))}</td>"
            f"<td>{_pct(co.get('near_copy_hostile_share'))} of hostile posts, "
            f"{_pct(co.get('near_copy_share'))} of posts in {co.get('minutes', 15)} min; "
            f"{escape(who)}</td><td><ul>{clusters}</ul>{accounts}</td></tr>"
        )
    if not rows:
        return "<h2>Coordinated activity</h2><p>No alert named coordinated accounts.</p>"
    return (
        "<h2>Coordinated activity</h2><p>Alerts that named near-copies from suspect or "
        "synchronised accounts (see docs/coordination.md).</p><table><tr><th>alert</th>"
        "<th>level</th><th>near-copies</th><th>clusters and accounts</th></tr>"
        + "".join(rows)
        + "</table>"
    )
