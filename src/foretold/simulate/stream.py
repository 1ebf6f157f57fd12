"""From a scenario and a seed to a stream of posts, as columns (no text yet).

:func:`simulate` draws the exogenous posts (waves, entrants, scripted posts, the
brand's replies), then grows their cascades generation by generation, all in numpy.
Texts are woven later, while writing (:mod:`foretold.simulate.twarc`), from the
columns kept here: each post's class, whether it is a question, its wave, its link.

>>> from foretold.simulate.library import scenario
>>> s = simulate(scenario("benign_qa"), seed=1)
>>> len(s) > 500, bool((s.ids[1:] > s.ids[:-1]).all()), int(s.attack.sum())
(True, True, 0)
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from foretold.errors import ConfigError
from foretold.simulate.hawkes import PowerLawKernel, mean_sqrt_followers, offspring_means
from foretold.simulate.population import Population, Special, build_population
from foretold.simulate.scenario import BRAND_CLASS, CLASSES, HOSTILE, ORGANIC, Link, Scenario

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]

ORIGINAL, REPLY, REPOST, QUOTE = 0, 1, 2, 3
KIND_NAMES: tuple[str, ...] = ("original", "reply", "repost", "quote")
#: Where a post came from: a wave, an entrant, a scripted post, a brand reply, a cascade.
FROM_WAVE, FROM_ENTRANT, FROM_SCRIPT, FROM_BRAND_REPLY, FROM_CASCADE = 0, 1, 2, 3, 4
_TWITTER_EPOCH_MS = 1288834974657
_COLUMNS = ("t", "author", "kind", "target", "parent", "cls", "question", "attack", "wave")
_COLUMNS2 = ("script", "origin", "link", "boost", "n")


@dataclass
class Stream:
    """A simulated stream as columns in time (and id) order; see :func:`simulate`."""

    scenario: Scenario
    seed: int
    population: Population
    t: F64
    ids: I64
    author: I64
    kind: npt.NDArray[np.int8]
    target: I64
    parent: I64
    conv: I64
    cls: npt.NDArray[np.int8]
    question: B
    attack: B
    wave: I64
    script: I64
    origin: npt.NDArray[np.int8]
    link: I64
    retweets: I64
    replies: I64
    quotes: I64
    likes: I64
    texts: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.t)


def simulate(scenario: Scenario, seed: int, *, scale: float = 1.0) -> Stream:
    """Simulate ``scenario`` with ``seed``; ``scale`` multiplies every wave's volume."""
    return _Builder(scenario, seed, scale).run()


class _Builder:
    def __init__(self, scenario: Scenario, seed: int, scale: float) -> None:
        self.sc = scenario
        self.seed = seed
        self.scale = scale
        self.rng = np.random.default_rng(seed)
        self.minutes = math.ceil(scenario.hours * 60)
        self.horizon = scenario.hours * 3600.0
        self.texts: list[str] = []
        self.links: list[str] = []
        self.link_index: dict[str, int] = {}
        waves = scenario.waves
        self.rates = np.stack([self._rate(i) for i in range(len(waves))])
        attack_rows = np.array([w.attack for w in waves], dtype=np.bool_)
        total = self.rates.sum(axis=0)
        att = self.rates[attack_rows].sum(axis=0) if attack_rows.any() else np.zeros_like(total)
        self.attack_share = np.where(total > 0, att / np.maximum(total, 1e-12), 0.0)
        self.dominant = {flag: self._dominant(attack_rows == flag) for flag in (True, False)}
        probs = [w.mix.probs() for w in waves] + [HOSTILE.probs(), ORGANIC.probs()]
        self.mix_cum = np.cumsum(np.stack(probs), axis=1)
        self.fallback = {True: len(waves), False: len(waves) + 1}
        self.branching = np.array([w.branching for w in waves] + [0.8, 0.4])
        self.qshare = np.array([w.question_share for w in waves] + [0.3, 0.2])
        inf = float("inf")
        self.peak_s = np.array([max(w.peak, w.start) * 3600.0 for w in waves] + [inf, inf])
        self.cooling_s = np.array([w.cooling_h * 3600.0 for w in waves] + [inf, inf])

    # -- exogenous posts -------------------------------------------------------------------

    def _rate(self, i: int) -> F64:
        w, sc = self.sc.waves[i], self.sc
        h = (np.arange(self.minutes) + 0.5) / 60.0
        rise = (
            np.exp2((h - w.peak) * 60.0 / w.doubling_min) if w.peak > w.start else np.ones_like(h)
        )
        fall = np.exp2(-(h - max(w.peak, w.start)) / w.half_life_h)
        shape = np.where(h < max(w.peak, w.start), rise, fall)
        shape[(h < w.start) | (h >= w.end)] = 0.0
        hour_utc = sc.start.hour + sc.start.minute / 60.0 + h
        rhythm = 1.0 + sc.rhythm * np.cos(2 * np.pi * (hour_utc - sc.rhythm_peak_utc) / 24.0)
        rate = shape * rhythm
        s = rate.sum()
        return np.asarray(rate * (w.posts * self.scale / s) if s > 0 else rate)

    def _dominant(self, rows: B) -> I64:
        if not rows.any():
            return np.full(self.minutes, -1, dtype=np.int64)
        masked = np.where(rows[:, None], self.rates, -1.0)
        best = masked.argmax(axis=0).astype(np.int64)
        return np.asarray(np.where(masked.max(axis=0) > 0, best, -1), dtype=np.int64)

    def _link_id(self, url: str) -> int:
        if url not in self.link_index:
            self.link_index[url] = len(self.links)
            self.links.append(url)
        return self.link_index[url]

    def _draw_cls(self, mix_rows: I64) -> npt.NDArray[np.int8]:
        u = self.rng.random(len(mix_rows))
        return np.asarray((u[:, None] > self.mix_cum[mix_rows]).sum(axis=1), dtype=np.int8)

    def _draw_links(self, n: int, links: tuple[Link, ...], share: float) -> I64:
        out = np.full(n, -1, dtype=np.int64)
        if not links or n == 0 or share <= 0:
            return out
        ids = np.array([self._link_id(link.url) for link in links])
        w = np.array([link.weight for link in links], dtype=np.float64)
        has = self.rng.random(n) < share
        out[has] = ids[self.rng.choice(len(ids), size=int(has.sum()), p=w / w.sum())]
        return out

    def _specials(self) -> list[Special]:
        c = self.sc.campaign
        out = [Special(c.owner, c.owner_name, c.owner_followers, "brand", True, "")]
        seen = {c.owner.lower()}
        for e in self.sc.entrants:
            if e.handle.lower() not in seen:
                seen.add(e.handle.lower())
                out.append(
                    Special(e.handle, e.name, e.followers, e.role, e.verified, e.description)
                )
        for s in self.sc.scripted:
            if s.author and s.author.lower() not in seen:
                seen.add(s.author.lower())
                name = s.author.lstrip("@")
                out.append(Special(s.author, name, max(s.followers, 1), "quoted"))
        return out

    def _pool_sizes(self) -> dict[str, int]:
        expected = {"fans": 50.0, "crowd": 0.0, "bots": 0.0}
        for w in self.sc.waves:
            n = min(w.branching, 0.97)
            volume = w.posts * self.scale / (1.0 - n)
            if w.pool == "bots":
                expected["bots"] += max(w.accounts, 1)
                expected["fans"] += volume - w.posts * self.scale
            elif w.attack:
                expected["crowd"] += volume
            else:
                expected["fans"] += volume
        expected["crowd"] += sum(e.posts * 40 for e in self.sc.entrants if e.attack)
        ppa = self.sc.dynamics.posts_per_author
        sizes = {"fans": int(expected["fans"] / ppa) + 20, "crowd": int(expected["crowd"] / ppa)}
        sizes["bots"] = int(expected["bots"])
        return sizes

    def _exogenous(self, pop: Population) -> dict[str, npt.NDArray[np.generic]]:
        rng, sc = self.rng, self.sc
        parts: list[dict[str, npt.NDArray[np.generic]]] = []
        for i, w in enumerate(sc.waves):
            counts = rng.poisson(self.rates[i])
            n = int(counts.sum())
            t = (np.repeat(np.arange(self.minutes), counts) + rng.random(n)) * 60.0
            cls = self._draw_cls(np.full(n, i, dtype=np.int64))
            part = self._part(t, FROM_WAVE, w.attack, i, cls, w.question_share, w.branching)
            part["author"] = pop.draw(rng, w.pool, n)
            part["link"] = self._draw_links(n, w.links, w.link_share)
            parts.append(part)
        for e in sc.entrants:
            at = e.at * 3600.0
            t = np.sort(np.r_[at, at + rng.random(e.posts - 1) * e.span_h * 3600.0])
            minute = np.minimum((t // 60).astype(np.int64), self.minutes - 1)
            wave = self.dominant[e.attack][minute]
            probs = np.cumsum(e.mix.probs())
            cls = (rng.random(len(t))[:, None] > probs).sum(axis=1).astype(np.int8)
            n_b = np.where(wave >= 0, self.branching[np.maximum(wave, 0)], 0.6)
            part = self._part(t, FROM_ENTRANT, e.attack, wave, cls, 0.3, n_b)
            part["author"] = np.full(len(t), pop.index_of(e.handle), dtype=np.int64)
            part["boost"] = np.full(len(t), e.boost)
            part["link"] = self._draw_links(len(t), e.links, e.link_share)
            parts.append(part)
        parts.extend(self._scripted(pop))
        return {k: np.concatenate([p[k] for p in parts]) for k in (*_COLUMNS, *_COLUMNS2)}

    def _part(
        self,
        t: F64,
        origin: int,
        attack: bool,
        wave: int | I64,
        cls: npt.NDArray[np.int8],
        qshare: float,
        n: float | F64,
    ) -> dict[str, npt.NDArray[np.generic]]:
        k = len(t)
        question = (cls == CLASSES.index("questions")) | (self.rng.random(k) < qshare)
        return {
            "t": t,
            "author": np.zeros(k, dtype=np.int64),
            "kind": np.zeros(k, dtype=np.int8),
            "target": np.full(k, -1, dtype=np.int64),
            "parent": np.full(k, -1, dtype=np.int64),
            "cls": cls,
            "question": question,
            "attack": np.full(k, attack, dtype=np.bool_),
            "wave": np.broadcast_to(np.asarray(wave, dtype=np.int64), (k,)).copy(),
            "script": np.full(k, -1, dtype=np.int64),
            "origin": np.full(k, origin, dtype=np.int8),
            "link": np.full(k, -1, dtype=np.int64),
            "boost": np.ones(k),
            "n": np.broadcast_to(np.asarray(n, dtype=np.float64), (k,)).copy(),
        }

    def _scripted(self, pop: Population) -> list[dict[str, npt.NDArray[np.generic]]]:
        parts = []
        for s in self.sc.scripted:
            t = np.array([s.at * 3600.0])
            minute = min(int(s.at * 60), self.minutes - 1)
            wave = int(self.dominant[s.attack][minute])
            label = s.label or ("hostile" if s.attack else "neutral")
            is_brand = s.author.lower() == self.sc.campaign.owner.lower()
            cls = BRAND_CLASS if is_brand else CLASSES.index(label)
            n_b = self.branching[wave] if wave >= 0 else 0.6
            part = self._part(
                t, FROM_SCRIPT, s.attack, wave, np.array([cls], np.int8), 0.0, float(n_b)
            )
            part["question"] = np.array(["?" in s.text])
            if s.author:
                part["author"] = np.array([pop.index_of(s.author)], dtype=np.int64)
            else:
                part["author"] = pop.draw(self.rng, "crowd" if s.attack else "fans", 1)
            part["boost"] = np.array([s.boost])
            part["script"] = np.array([len(self.texts)], dtype=np.int64)
            self.texts.append(s.text)
            parts.append(part)
        return parts

    def _brand_replies(
        self, cols: dict[str, npt.NDArray[np.generic]]
    ) -> dict[str, npt.NDArray[np.generic]]:
        rng = self.rng
        parts = []
        t_all = np.asarray(cols["t"], dtype=np.float64)
        for br in self.sc.brand_replies:
            ok = (
                (cols["origin"] == FROM_WAVE)
                & ~np.asarray(cols["attack"], dtype=np.bool_)
                & np.asarray(cols["question"], dtype=np.bool_)
                & (t_all >= br.start * 3600.0)
                & (t_all < br.end * 3600.0)
            )
            cand = np.flatnonzero(ok)
            if len(cand) == 0:
                continue
            pick = np.sort(rng.choice(cand, size=min(br.count, len(cand)), replace=False))
            t = t_all[pick] + rng.lognormal(np.log(35 * 60.0), 0.6, len(pick))
            cls = np.full(len(pick), BRAND_CLASS, dtype=np.int8)
            part = self._part(t, FROM_BRAND_REPLY, False, -1, cls, 0.0, 0.3)
            part["kind"][:] = REPLY
            part["target"] = pick.astype(np.int64)
            part["author"][:] = 0
            base = len(self.texts)
            self.texts.extend(br.texts)
            part["script"] = base + rng.integers(0, len(br.texts), len(pick))
            parts.append(part)
        if not parts:
            return cols
        return {k: np.concatenate([cols[k], *[p[k] for p in parts]]) for k in cols}

    # -- cascades --------------------------------------------------------------------------

    def _cascade(
        self, gen0: dict[str, npt.NDArray[np.generic]], pop: Population
    ) -> dict[str, npt.NDArray[np.generic]]:
        rng, d = self.rng, self.sc.dynamics
        kernel = PowerLawKernel(d.kernel_c_min, d.kernel_theta, d.kernel_max_h)
        norm = mean_sqrt_followers(d.follower_alpha, d.follower_scale)
        p_kind = np.array([d.reply, d.repost, d.quote], dtype=np.float64)
        p_kind = np.cumsum(p_kind / p_kind.sum())
        parts = [gen0]
        cur = gen0
        offset = 0
        total = len(gen0["t"])
        while len(cur["t"]):
            m = offspring_means(
                rng,
                pop.followers[np.asarray(cur["author"], dtype=np.int64)],
                np.asarray(cur["n"], dtype=np.float64),
                np.asarray(cur["boost"], dtype=np.float64),
                norm=norm,
                virality_sigma=d.virality_sigma,
                cap=d.max_offspring,
            )
            t_cur = np.asarray(cur["t"], dtype=np.float64)
            w_cur = np.asarray(cur["wave"], dtype=np.int64)
            late = np.maximum(t_cur - self.peak_s[w_cur], 0.0)
            m *= np.where(w_cur >= 0, np.exp2(-late / self.cooling_s[w_cur]), 1.0)
            k = rng.poisson(m)
            local = np.repeat(np.arange(len(k)), k)
            t = np.asarray(cur["t"], dtype=np.float64)[local] + kernel.sample(rng, len(local))
            inside = t < self.horizon
            local, t = local[inside], t[inside]
            if len(t) == 0:
                break
            n = len(t)
            if total + n > self.sc.max_posts:
                raise ConfigError(
                    f"scenario {self.sc.name!r} grew past max_posts={self.sc.max_posts}: "
                    "its branching ratio is too high for its length (lower a wave's branching)"
                )
            kind = (1 + (rng.random(n)[:, None] > p_kind[:2]).sum(axis=1)).astype(np.int8)
            p_kind_parent = np.asarray(cur["kind"])[local]
            parent = offset + local
            p_target = np.asarray(cur["target"], dtype=np.int64)[local]
            target = np.where(p_kind_parent == REPOST, p_target, parent)
            minute = np.minimum((t // 60).astype(np.int64), self.minutes - 1)
            p_attack = np.asarray(cur["attack"], dtype=np.bool_)[local]
            hijack = (kind != REPOST) & (
                rng.random(n) < self.attack_share[minute] * d.hijack_replies
            )
            attack = p_attack | (~p_attack & hijack)
            p_wave = np.asarray(cur["wave"], dtype=np.int64)[local]
            dom = self.dominant[True][minute]
            wave = np.where(attack & ~p_attack & (dom >= 0), dom, p_wave)
            wave = np.where(attack & (dom >= 0) & (kind != REPOST), dom, wave)
            rows = np.where(
                wave >= 0, wave, np.where(attack, self.fallback[True], self.fallback[False])
            )
            cls = np.where(
                kind == REPOST, np.asarray(cur["cls"])[local], self._draw_cls(rows)
            ).astype(np.int8)
            question = np.where(
                kind == REPOST,
                np.asarray(cur["question"], dtype=np.bool_)[local],
                (cls == CLASSES.index("questions")) | (rng.random(n) < self.qshare[rows]),
            )
            from_crowd = attack & (rng.random(n) < 0.85)
            author = np.empty(n, dtype=np.int64)
            author[from_crowd] = pop.draw(rng, "crowd", int(from_crowd.sum()))
            author[~from_crowd] = pop.draw(rng, "fans", int((~from_crowd).sum()))
            child = {
                "t": t,
                "author": author,
                "kind": kind,
                "target": target,
                "parent": parent,
                "cls": cls,
                "question": question,
                "attack": attack,
                "wave": wave,
                "script": np.where(
                    kind == REPOST, np.asarray(cur["script"], dtype=np.int64)[local], -1
                ),
                "origin": np.full(n, FROM_CASCADE, dtype=np.int8),
                "link": np.where(kind == REPOST, np.asarray(cur["link"])[local], -1),
                "boost": np.ones(n),
                "n": self.branching[rows],
            }
            offset += len(cur["t"])
            total += n
            parts.append(child)
            cur = child
        return {k: np.concatenate([p[k] for p in parts]) for k in gen0}

    # -- assembly --------------------------------------------------------------------------

    def run(self) -> Stream:
        specials = self._specials()
        pop = build_population(self.sc, self.rng, self._pool_sizes(), specials)
        gen0 = self._exogenous(pop)
        gen0 = {k: v[np.asarray(gen0["t"]) < self.horizon] for k, v in gen0.items()}
        gen0 = self._brand_replies(gen0)
        cols = self._cascade(gen0, pop)
        t = np.asarray(cols["t"], dtype=np.float64)
        order = np.argsort(t, kind="stable")
        rank = np.empty_like(order)
        rank[order] = np.arange(len(order))

        def remap(name: str) -> I64:
            x = np.asarray(cols[name], dtype=np.int64)[order]
            return np.asarray(np.where(x >= 0, rank[np.maximum(x, 0)], -1), dtype=np.int64)

        target, parent = remap("target"), remap("parent")
        kind = np.asarray(cols["kind"], dtype=np.int8)[order]
        t = t[order]
        n = len(t)
        conv = np.where(kind == REPLY, target, np.arange(n))
        for _ in range(64):
            nxt = conv[conv]
            if np.array_equal(nxt, conv):
                break
            conv = nxt
        ms = (self.sc.start.timestamp() * 1000.0 + np.floor(t * 1000.0)).astype(np.int64)
        starts = np.r_[True, ms[1:] != ms[:-1]] if n else np.zeros(0, np.bool_)
        run_start = np.maximum.accumulate(np.where(starts, np.arange(n), 0)) if n else starts
        seq = np.arange(n) - run_start
        machine = int(self.rng.integers(0, 512))
        ids = ((ms - _TWITTER_EPOCH_MS) << 22) | (machine << 13) | np.minimum(seq, 8191)
        counts = [
            np.bincount(target[(kind == k) & (target >= 0)], minlength=n).astype(np.int64)
            for k in (REPOST, REPLY, QUOTE)
        ]
        author = np.asarray(cols["author"], dtype=np.int64)[order]
        pop.identify(np.unique(author))
        base = 0.02 * np.sqrt(pop.followers[author].astype(np.float64))
        lam = 2.3 * counts[0] + 0.4 * counts[1] + 0.5 * counts[2] + np.where(kind == 2, 0, base)
        likes = self.rng.poisson(lam).astype(np.int64)
        return Stream(
            scenario=self.sc,
            seed=self.seed,
            population=pop,
            t=t,
            ids=ids,
            author=author,
            kind=kind,
            target=target,
            parent=parent,
            conv=conv,
            cls=np.asarray(cols["cls"], dtype=np.int8)[order],
            question=np.asarray(cols["question"], dtype=np.bool_)[order],
            attack=np.asarray(cols["attack"], dtype=np.bool_)[order],
            wave=np.asarray(cols["wave"], dtype=np.int64)[order],
            script=np.asarray(cols["script"], dtype=np.int64)[order],
            origin=np.asarray(cols["origin"], dtype=np.int8)[order],
            link=np.asarray(cols["link"], dtype=np.int64)[order],
            retweets=counts[0],
            replies=counts[1],
            quotes=counts[2],
            likes=likes,
            texts=self.texts,
            links=self.links,
        )
