"""Scenarios as TOML files: the library's stories, and a user's own fire drill.

A scenario file names the brand, its handles and hashtags, what people hold against
it, the accounts that join, and the waves of posts; :func:`load` reads one into a
:class:`~foretold.simulate.scenario.Scenario` and :func:`dump` writes one back. Times
are TOML date-times (UTC unless they carry an offset) or numbers of hours from
``start``; a mix is an inline table of class weights or the name of a built-in
(``organic``, ``hostile``, ``mocking``) or of one defined under ``[mixes]``.
``docs/simulate.md`` documents every key with a complete example.

>>> sc = loads('''
... name = "drill"
... title = "A drill"
... kind = "hijack"
... expected_level = "crisis"
... start = 2024-05-01T09:00:00Z
... end = 2024-05-02T09:00:00Z
... tipping = 2024-05-01T15:00:00Z
... [campaign]
... hashtags = ["#AskAcme"]
... owner = "@acme"
... owner_name = "Acme"
... [[wave]]
... name = "storm"
... start = 6.0
... end = 24.0
... posts = 500
... mix = "hostile"
... attack = true
... ''')
>>> sc.campaign.handles, sc.waves[0].mix.hostile, sc.hours
(('@acme',), 0.27, 24.0)
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import tomllib
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from foretold.errors import ConfigError
from foretold.simulate.scenario import (
    CLASSES,
    HOSTILE,
    MOCKING,
    ORGANIC,
    BrandReplies,
    Campaign,
    Dynamics,
    Entrant,
    Grievance,
    Link,
    Mix,
    Scenario,
    Scripted,
    Voice,
    Wave,
)

BUILTIN_MIXES: dict[str, Mix] = {"organic": ORGANIC, "hostile": HOSTILE, "mocking": MOCKING}
_TOP = {
    "name",
    "title",
    "kind",
    "expected_level",
    "start",
    "end",
    "weak_signal",
    "tipping",
    "rhythm",
    "rhythm_peak_utc",
    "utc_offset_h",
    "reference",
    "max_posts",
    "campaign",
    "text",
    "mixes",
    "wave",
    "entrant",
    "scripted",
    "brand_replies",
    "dynamics",
}
_TIME_FIELDS = {"start", "peak", "end", "at"}


def load(path: str | Path) -> Scenario:
    """The scenario in the TOML file ``path``."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"simulate: no scenario file at {str(p)!r}") from None
    except (IsADirectoryError, UnicodeDecodeError) as e:
        raise ConfigError(f"simulate: cannot read the scenario file {str(p)!r}: {e}") from None
    return loads(text, where=str(p), default_name=p.stem)


def loads(text: str, *, where: str = "scenario", default_name: str = "drill") -> Scenario:
    """The scenario in the TOML ``text`` (``where`` names it in errors)."""
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise ConfigError(f"{where}: not valid TOML: {e}") from None
    return _Reader(where).scenario(doc, default_name)


class _Reader:
    def __init__(self, where: str) -> None:
        self.where = where
        self.start = datetime(1970, 1, 1, tzinfo=UTC)
        self.mixes = dict(BUILTIN_MIXES)

    def fail(self, msg: str) -> ConfigError:
        return ConfigError(f"{self.where}: {msg}")

    def keys(self, table: Mapping[str, Any], allowed: set[str], section: str) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, sorted(allowed), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise self.fail(f"unknown key {key!r} in {section}{hint}")

    def time(self, value: Any, key: str) -> float:
        """Hours from the start: a date-time, or a number of hours."""
        if isinstance(value, bool):
            raise self.fail(f"{key} must be a date-time or a number of hours, not {value!r}")
        if isinstance(value, int | float):
            return float(value)
        if isinstance(value, datetime):
            t = value if value.tzinfo else value.replace(tzinfo=UTC)
            return (t - self.start).total_seconds() / 3600.0
        raise self.fail(f"{key} must be a date-time or a number of hours, not {value!r}")

    def datetime(self, value: Any, key: str) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.start + timedelta(hours=float(value))
        raise self.fail(f"{key} must be a date-time, not {value!r}")

    def mix(self, value: Any, key: str) -> Mix:
        if isinstance(value, str):
            if value not in self.mixes:
                raise self.fail(
                    f"{key}: unknown mix {value!r}; expected one of: {', '.join(self.mixes)}"
                )
            return self.mixes[value]
        if isinstance(value, dict):
            self.keys(value, set(CLASSES), key)
            try:
                m = Mix(**{k: float(v) for k, v in value.items()})
                m.probs()
            except (TypeError, ValueError) as e:
                raise self.fail(f"{key}: {e}") from None
            return m
        raise self.fail(f"{key} must be a table of class weights or a mix name")

    def links(self, value: Any, key: str) -> tuple[Link, ...]:
        out = []
        for item in value or ():
            if isinstance(item, str):
                out.append(Link(item))
            elif isinstance(item, dict) and "url" in item:
                self.keys(item, {"url", "weight"}, key)
                out.append(Link(str(item["url"]), float(item.get("weight", 1.0))))
            else:
                raise self.fail(f"{key}: a link is a URL or {{url = ..., weight = ...}}")
        return tuple(out)

    def build(self, cls: type[Any], table: dict[str, Any], section: str, **fixed: Any) -> Any:
        names = {f.name: f for f in dataclasses.fields(cls)}
        allowed = set(names) - set(fixed)
        self.keys(table, allowed, section)
        kwargs: dict[str, Any] = dict(fixed)
        for key, value in table.items():
            kwargs[key] = self.value(key, value, section)
        missing = [
            n
            for n, f in names.items()
            if n not in kwargs
            and f.default is dataclasses.MISSING
            and f.default_factory is dataclasses.MISSING
        ]
        if missing:
            raise self.fail(f"{section} needs {', '.join(repr(m) for m in missing)}")
        try:
            return cls(**kwargs)
        except TypeError as e:
            raise self.fail(f"{section}: {e}") from None

    def value(self, key: str, value: Any, section: str) -> Any:
        where = f"{section}.{key}"
        if key in _TIME_FIELDS:
            return self.time(value, where)
        if key == "mix":
            return self.mix(value, where)
        if key == "links":
            return self.links(value, where)
        if isinstance(value, list):
            return tuple(value)
        return value

    def scenario(self, doc: dict[str, Any], default_name: str) -> Scenario:
        self.keys(doc, _TOP, "the scenario")
        if "start" not in doc:
            raise self.fail("the scenario needs 'start' (a date-time)")
        self.start = datetime(1970, 1, 1, tzinfo=UTC)
        self.start = self.datetime(doc["start"], "start")
        if "end" not in doc:
            raise self.fail("the scenario needs 'end' (a date-time or hours from start)")
        end = self.time(doc["end"], "end")
        if end <= 0:
            raise self.fail("'end' must come after 'start'")
        for name, m in (doc.get("mixes") or {}).items():
            self.mixes[name] = self.mix(m, f"mixes.{name}")
        camp = dict(doc.get("campaign") or {})
        self.keys(camp, {f.name for f in dataclasses.fields(Campaign)}, "[campaign]")
        if "owner" not in camp:
            raise self.fail("[campaign] needs 'owner' (the brand's handle, e.g. \"@acme\")")
        name = str(doc.get("name", default_name))
        owner = str(camp["owner"])
        campaign = Campaign(
            name=str(camp.get("name", name)),
            hashtags=tuple(camp.get("hashtags", ())),
            handles=tuple(camp.get("handles", (owner,))),
            owner=owner,
            owner_name=str(camp.get("owner_name", owner.lstrip("@"))),
            owner_followers=int(camp.get("owner_followers", 50_000)),
            launched_at=self.datetime(camp.get("launched_at", doc["start"]), "launched_at"),
            keywords=tuple(camp.get("keywords", ())),
        )
        waves = tuple(
            self.build(Wave, self.wave_defaults(dict(w), end), f"[[wave]] {i + 1}")
            for i, w in enumerate(doc.get("wave", []))
        )
        if not waves:
            raise self.fail("the scenario needs at least one [[wave]]")
        entrants = tuple(
            self.build(Entrant, {"name": e.get("handle", ""), **e}, f"[[entrant]] {i + 1}")
            for i, e in enumerate(doc.get("entrant", []))
        )
        scripted = tuple(
            self.build(Scripted, dict(s), f"[[scripted]] {i + 1}")
            for i, s in enumerate(doc.get("scripted", []))
        )
        replies = tuple(
            self.build(BrandReplies, dict(b), f"[[brand_replies]] {i + 1}")
            for i, b in enumerate(doc.get("brand_replies", []))
        )
        dynamics = self.build(Dynamics, dict(doc.get("dynamics") or {}), "[dynamics]")
        top: dict[str, Any] = {}
        for key in ("rhythm", "rhythm_peak_utc", "utc_offset_h"):
            if key in doc:
                top[key] = float(doc[key])
        if "max_posts" in doc:
            top["max_posts"] = int(doc["max_posts"])
        for key, field in (("weak_signal", "weak_signal_h"), ("tipping", "tipping_h")):
            if key in doc:
                top[field] = self.time(doc[key], key)
        try:
            return Scenario(
                name=name,
                title=str(doc.get("title", name)),
                kind=doc.get("kind", "hijack"),
                expected_level=doc.get("expected_level", "crisis"),
                campaign=campaign,
                start=self.start,
                hours=end,
                waves=waves,
                entrants=entrants,
                scripted=scripted,
                brand_replies=replies,
                dynamics=dynamics,
                reference=str(doc.get("reference", "")),
                voice=self.voice(dict(doc.get("text") or {})),
                **top,
            )
        except TypeError as e:
            raise self.fail(str(e)) from None

    def wave_defaults(self, w: dict[str, Any], end: float) -> dict[str, Any]:
        """A wave starts at the start, peaks at once and lasts to the end unless told."""
        w.setdefault("start", 0.0)
        w.setdefault("peak", w["start"])
        w.setdefault("end", end)
        return w

    def voice(self, t: dict[str, Any]) -> Voice:
        self.keys(t, {f.name for f in dataclasses.fields(Voice)} | {"grievance"}, "[text]")
        grievances = tuple(
            self.build(Grievance, dict(g), f"[[text.grievance]] {i + 1}")
            for i, g in enumerate(t.pop("grievance", []))
        )
        retarget = t.pop("retarget", {})
        if not isinstance(retarget, dict):
            raise self.fail("[text] retarget is a table of word = replacement")
        v: Voice = self.build(Voice, t, "[text]")
        return dataclasses.replace(
            v,
            grievances=grievances,
            retarget=tuple((str(k), str(x)) for k, x in retarget.items()),
        )


# -- writing ---------------------------------------------------------------------------------


def dump(sc: Scenario) -> str:
    """``sc`` as a TOML scenario file that :func:`load` reads back to an equal scenario."""
    w = _Writer(sc.start)
    out = [
        f"name = {_s(sc.name)}",
        f"title = {_s(sc.title)}",
        f"kind = {_s(sc.kind)}",
        f"expected_level = {_s(sc.expected_level)}",
        f"start = {w.dt(sc.start)}",
        f"end = {w.t(sc.hours)}",
    ]
    if sc.weak_signal_h is not None:
        out.append(f"weak_signal = {w.t(sc.weak_signal_h)}")
    if sc.tipping_h is not None:
        out.append(f"tipping = {w.t(sc.tipping_h)}")
    base = Scenario.__dataclass_fields__
    for key in ("rhythm", "rhythm_peak_utc", "utc_offset_h", "max_posts", "reference"):
        value = getattr(sc, key)
        if value != base[key].default:
            out.append(f"{key} = {w.v(value)}")
    c = sc.campaign
    out += ["", "[campaign]", f"name = {_s(c.name)}", f"hashtags = {w.v(c.hashtags)}"]
    out += [f"handles = {w.v(c.handles)}", f"keywords = {w.v(c.keywords)}"]
    out += [f"owner = {_s(c.owner)}", f"owner_name = {_s(c.owner_name)}"]
    out += [f"owner_followers = {c.owner_followers}", f"launched_at = {w.dt(c.launched_at)}"]
    out += w.voice(sc.voice)
    if sc.dynamics != Dynamics():
        out += ["", "[dynamics]", *w.fields(sc.dynamics, Dynamics())]
    for section, items in (
        ("wave", sc.waves),
        ("entrant", sc.entrants),
        ("scripted", sc.scripted),
        ("brand_replies", sc.brand_replies),
    ):
        for item in items:
            out += ["", f"[[{section}]]", *w.fields(item, None)]
    return "\n".join(out) + "\n"


class _Writer:
    def __init__(self, start: datetime) -> None:
        self.start = start

    def dt(self, t: datetime) -> str:
        t = t.astimezone(UTC)
        return (
            t.strftime("%Y-%m-%dT%H:%M:%S")
            + (f".{t.microsecond:06d}" if t.microsecond else "")
            + "Z"
        )

    def t(self, hours: float) -> str:
        at = self.start + timedelta(hours=hours)
        if abs((at - self.start).total_seconds() / 3600.0 - hours) < 1e-9 and at.microsecond == 0:
            return self.dt(at)
        return repr(float(hours))

    def v(self, value: Any) -> str:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, str):
            return _s(value)
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return repr(value) if math.isfinite(value) else ("inf" if value > 0 else "-inf")
        if isinstance(value, datetime):
            return self.dt(value)
        if isinstance(value, Mix):
            parts = [f"{k} = {getattr(value, k)!r}" for k in CLASSES if getattr(value, k)]
            return "{ " + ", ".join(parts) + " }"
        if isinstance(value, Link):
            return "{ " + f"url = {_s(value.url)}, weight = {value.weight!r}" + " }"
        if isinstance(value, tuple | list):
            return "[" + ", ".join(self.v(x) for x in value) + "]"
        raise TypeError(f"cannot write {value!r} as TOML")

    def fields(self, obj: Any, base: Any) -> list[str]:
        out = []
        for f in dataclasses.fields(obj):
            value = getattr(obj, f.name)
            default = (
                getattr(base, f.name)
                if base is not None
                else (f.default if f.default is not dataclasses.MISSING else dataclasses.MISSING)
            )
            if value == default and f.name not in ("name", "handle"):
                continue
            if f.name in _TIME_FIELDS:
                out.append(f"{f.name} = {self.t(value)}")
            elif isinstance(value, float) and math.isinf(value) and f.default == value:
                continue
            else:
                out.append(f"{f.name} = {self.v(value)}")
        return out

    def voice(self, v: Voice) -> list[str]:
        if v == Voice():
            return []
        out = [
            "",
            "[text]",
            *self.fields(dataclasses.replace(v, grievances=(), retarget=()), Voice()),
        ]
        if v.retarget:
            out += ["", "[text.retarget]"]
            out += [f"{_s(k)} = {_s(x)}" for k, x in v.retarget]
        for g in v.grievances:
            out += ["", "[[text.grievance]]", *self.fields(g, None)]
        return out


def _s(text: str) -> str:
    """A TOML basic string."""
    esc = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{esc}"'
