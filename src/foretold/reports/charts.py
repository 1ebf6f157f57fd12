"""Inline SVG charts drawn in Python: no script, no network, fast for any stream length.

A timeline is binned first (:func:`bins`: at most ``max_bins`` bins, whatever the
number of posts), so a 100,000-post campaign draws as a few hundred points. Phases are
drawn as labelled vertical lines, alerts as coloured markers along the top. The title
has its own line and the legend the line under it, so neither covers the other; phase
labels go to the first of four rows where they do not run into a label already placed
(:func:`label_rows`), and a label with no free row stays a tooltip on its line::

    title ................................................
    ■ all posts  ■ hostile posts
    ┊peak   ┊press pickup        ┊brand response
    ┊       ┊                    ┊

>>> svg = timeline([Series("posts", [1.0, 3.0, 2.0], "#333")], t0=0, width_us=60_000_000,
...                title="Posts")
>>> svg.startswith("<svg") and "<script" not in svg
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

import numpy as np
import numpy.typing as npt

_STEPS_MIN = (1, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440)
LEVEL_COLOURS = {
    "watch": "#d9a400",
    "warning": "#e06c00",
    "crisis": "#c00020",
    "all_clear": "#2a8a2a",
}


@dataclass(frozen=True)
class Series:
    """One line (or band of a stack): a name, values per bin and a colour."""

    name: str
    values: Sequence[float] | npt.NDArray[np.float64]
    colour: str


@dataclass(frozen=True)
class Mark:
    """A labelled moment: a phase boundary (``line``) or an alert (``dot``)."""

    at_us: int
    label: str
    colour: str
    style: str = "line"  # line | dot


def bin_width_us(span_us: int, max_bins: int = 300) -> int:
    """The smallest round bin width (1 min ... 1 day) giving at most ``max_bins`` bins.

    >>> bin_width_us(206 * 3_600_000_000) // 60_000_000
    60
    """
    for m in _STEPS_MIN:
        if span_us / (m * 60_000_000) <= max_bins:
            return m * 60_000_000
    return _STEPS_MIN[-1] * 60_000_000


def bins(
    t: npt.NDArray[np.int64],
    t0: int,
    width: int,
    n: int,
    weights: npt.NDArray[np.float64] | None = None,
) -> npt.NDArray[np.float64]:
    """Sum (or count) per bin of the times ``t`` (microseconds) from ``t0``."""
    idx = np.clip((t - t0) // width, 0, n - 1)
    return np.bincount(idx, weights=weights, minlength=n).astype(np.float64)


def label_rows(
    xs: Sequence[float], widths: Sequence[float], rows: int = 4, pad: float = 6.0
) -> list[int | None]:
    """The row (0 = top) of each label starting at ``xs`` with ``widths``, or None when it
    would overlap a label in every row; labels are placed left to right.

    >>> label_rows([100, 110, 400, 105], [60, 60, 60, 60])
    [0, 2, 0, 1]
    """
    ends = [-math.inf] * rows
    out: list[int | None] = [None] * len(xs)
    for i in sorted(range(len(xs)), key=lambda i: xs[i]):
        for r in range(rows):
            if xs[i] >= ends[r] + pad:
                out[i] = r
                ends[r] = xs[i] + widths[i]
                break
    return out


def _fmt(v: float) -> str:
    if v >= 1e6:
        return f"{v / 1e6:.1f}M"
    if v >= 1e3:
        return f"{v / 1e3:.0f}k"
    return f"{v:.0f}" if v >= 10 or v == int(v) else f"{v:.2f}"


def timeline(
    series: Sequence[Series],
    *,
    t0: int,
    width_us: int,
    title: str,
    marks: Sequence[Mark] = (),
    stacked: bool = False,
    log: bool = False,
    unit: str = "",
    tick_label: str = "%b %d %H:%M",
    size: tuple[int, int] = (920, 260),
) -> str:
    """An SVG timeline of ``series`` (one value per bin of ``width_us``), with marks."""
    from foretold.reports.frame import to_time

    w, h = size
    left, right, top, bottom = 56, 12, 48, 34
    pw, ph = w - left - right, h - top - bottom
    n = max((len(s.values) for s in series), default=1)
    data = (
        np.array([np.asarray(s.values, dtype=np.float64) for s in series])
        if series
        else np.zeros((1, 1))
    )
    tops = np.cumsum(data, axis=0) if stacked else data
    ymax = float(tops.max()) if tops.size else 1.0
    ymax = ymax if ymax > 0 else 1.0

    def y(v: float) -> float:
        if log:
            return top + ph * (1 - math.log10(1 + v) / math.log10(1 + ymax))
        return top + ph * (1 - v / ymax)

    def x(i: float) -> float:
        return left + pw * i / max(n, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        f' role="img" aria-label="{escape(title)}" class="chart">',
        f'<text x="{left}" y="16" class="ct">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + ph}" x2="{left + pw}" y2="{top + ph}" stroke="#999"/>',
    ]
    for frac in (0.5, 1.0):
        v = (10 ** (frac * math.log10(1 + ymax)) - 1) if log else ymax * frac
        out.append(
            f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + pw}" y2="{y(v):.1f}" stroke="#eee"/>'
        )
        out.append(
            f'<text x="{left - 4}" y="{y(v) + 4:.1f}" text-anchor="end" class="ax">{_fmt(v)}{unit}</text>'
        )
    for k in range(5):
        i = n * k / 4
        when = to_time(t0 + int(i * width_us)).strftime(tick_label)
        out.append(
            f'<text x="{x(i):.1f}" y="{h - 14}" text-anchor="middle" class="ax">{escape(when)}</text>'
        )
    base = np.zeros(n)
    for s, row in zip(series, tops, strict=False):
        pts = " ".join(f"{x(i + 0.5):.1f},{y(float(v)):.1f}" for i, v in enumerate(row))
        if stacked:
            lower = " ".join(
                f"{x(i + 0.5):.1f},{y(float(v)):.1f}" for i, v in reversed(list(enumerate(base)))
            )
            out.append(
                f'<polygon points="{pts} {lower}" fill="{s.colour}" fill-opacity="0.75">'
                f"<title>{escape(s.name)}</title></polygon>"
            )
            base = row
        else:
            out.append(
                f'<polyline points="{pts}" fill="none" stroke="{s.colour}" stroke-width="1.5">'
                f"<title>{escape(s.name)}</title></polyline>"
            )
    lines = [
        (m, (m.at_us - t0) / width_us)
        for m in marks
        if m.style != "dot" and 0 <= (m.at_us - t0) / width_us <= n
    ]
    rows = label_rows([x(i) + 2 for _, i in lines], [5.6 * len(m.label) for m, _ in lines])
    for (m, i), row in zip(lines, rows, strict=True):
        out.append(
            f'<line x1="{x(i):.1f}" y1="{top}" x2="{x(i):.1f}" y2="{top + ph}" '
            f'stroke="{m.colour}" stroke-dasharray="3,2"><title>{escape(m.label)}</title></line>'
        )
        if row is not None:
            ty = top + 10 + row * 11
            out.append(f'<text x="{x(i) + 2:.1f}" y="{ty}" class="pm">{escape(m.label)}</text>')
    for m in marks:
        i = (m.at_us - t0) / width_us
        if m.style == "dot" and 0 <= i <= n:
            out.append(
                f'<circle cx="{x(i):.1f}" cy="{top - 4}" r="4" fill="{m.colour}">'
                f"<title>{escape(m.label)}</title></circle>"
            )
    legend_x = left
    for s in series:
        label = escape(s.name)
        out.append(f'<rect x="{legend_x}" y="23" width="10" height="10" fill="{s.colour}"/>')
        out.append(f'<text x="{legend_x + 13}" y="32" class="ax">{label}</text>')
        legend_x += 13 + 7 * len(s.name) + 14
    out.append("</svg>")
    return "\n".join(out)
