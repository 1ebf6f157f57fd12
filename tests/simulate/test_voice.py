"""Brand-directed text, the hijack grammar, and what the written posts say."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pytest

from foretold.simulate.brandtext import Retarget, decode_r_escapes, load_brand_texts
from foretold.simulate.grammar import CLASS_FORMS, FORMS, SKELETONS, Grammar, phrases
from foretold.simulate.library import names, scenario
from foretold.simulate.realism import text_figures
from foretold.simulate.scenario import Grievance, Voice
from foretold.simulate.stream import simulate
from foretold.simulate.text import TextPools
from foretold.simulate.twarc import post_texts

from .conftest import DATA

FIRESTORMS = [n for n in names() if scenario(n).voice.grievances]


def test_r_escapes_decode_to_emoji() -> None:
    assert decode_r_escapes("hi <ed><U+00A0><U+00BD><ed><U+00B1><U+008B>") == "hi 👋"
    assert decode_r_escapes("I <U+2764> it") == "I ❤ it"
    assert decode_r_escapes("no escapes") == "no escapes"


def test_brand_mentions_are_cleaned_and_retargeted(pools: TextPools) -> None:
    bt = load_brand_texts(DATA)
    assert sum(bt.sizes().values()) > 1500
    assert all(n > 100 for n in bt.sizes().values())
    rt = Retarget(bt, scenario("askjpm").voice, handle="@jpmorgan")
    every = [t for texts in rt.texts.values() for t in texts]
    assert not [t for t in every if "<U+" in t or re.search(r"jet ?blue", t, re.I)]
    assert not [t for t in every if re.search(r"\b(?:flights?|planes?|airport)\b", t, re.I)]
    assert all("@jpmorgan" in t or "JP Morgan" in t or not t.startswith("@") for t in every)


def test_an_airline_keeps_the_flying_mentions() -> None:
    bt = load_brand_texts(DATA)
    if not bt.source:
        pytest.skip("no brand mentions under the data folder")
    airline = Retarget(bt, Voice(brand="Qantas", airline=True), handle="@Qantas")
    other = Retarget(bt, Voice(brand="Acme"), handle="@acme")
    assert len(airline.texts["negative"]) > 2 * len(other.texts["negative"])


def test_every_skeleton_uses_known_slots() -> None:
    slots = {s for sk in SKELETONS for s in re.findall(r"\{(\w+)\}", sk)}
    assert slots <= {"B", "thing", "Thing", "thing2", "deed", "event", "word"}
    for forms in CLASS_FORMS.values():
        assert abs(sum(w for _, w in forms) - 1.0) < 1e-9
        assert all(f in FORMS for f, _ in forms)


def test_grammar_names_a_grievance_and_spreads_its_skeletons() -> None:
    import random

    v = Voice(
        brand="Acme",
        event="Q&A",
        grievances=(
            Grievance("recall", ("recall",), ("the recall",), ("recalled everything",)),
            Grievance("refunds", ("refund",), ("the refund",), ("refused a refund",)),
        ),
    )
    g = Grammar(v, handle="@acme", keywords=("Acme Co",), rng=random.Random(1))
    rng = np.random.default_rng(1)
    classes = rng.choice(
        ["hostile", "ironic", "negative", "neutral", "questions"],
        8000,
        p=[0.27, 0.25, 0.2, 0.18, 0.1],
    )
    made = [g.write(str(cls)) for cls in classes]
    assert not [t for t, _ in made if "{" in t]
    about = sum(bool(re.search(r"recall|refund", t, re.I)) for t, _ in made)
    assert about / len(made) > 0.85
    counts = Counter(k for _, k in made)
    assert max(counts.values()) / len(made) <= 0.01
    only = Grammar(v, handle="@acme", keywords=(), rng=random.Random(2))
    texts = [only.write("hostile", "accusation", ("refunds",))[0] for _ in range(200)]
    assert not [t for t in texts if "recall" in t]


def test_phrases_are_short_and_plain(pools: TextPools) -> None:
    assert len(pools.sarcastic) >= 10 and len(pools.offensive) >= 10
    for p in pools.sarcastic + pools.offensive:
        assert len(p.split()) <= 5 and not re.search(r"[@#\d]", p)
    assert phrases(["Nothing here", "@x what a joke."]) == []


@pytest.mark.parametrize("name", ["askjpm", "mynypd", "waitrose", "quiet_month"])
def test_posts_are_about_the_brand(name: str, pools: TextPools) -> None:
    stream = simulate(scenario(name), seed=2)
    texts, skeletons = post_texts(stream, pools)
    fig = text_figures(stream, texts, skeletons)
    assert fig["on_topic_share"] >= 0.8
    assert fig["distinct_share"] >= 0.9
    if name != "quiet_month":
        assert fig["attack_distinct_share"] >= 0.9
        assert fig["max_template_share"] <= 0.01


def test_every_firestorm_names_its_grievances_in_the_attack(pools: TextPools) -> None:
    for name in FIRESTORMS:
        stream = simulate(scenario(name), seed=1, scale=0.3)
        texts, _ = post_texts(stream, pools)
        words = [w.lower() for w in scenario(name).voice.grievance_words()]
        attack = np.flatnonzero(stream.attack & (stream.kind == 0)).tolist()
        named = sum(any(w in texts[i].lower() for w in words) for i in attack)
        assert named / max(len(attack), 1) > 0.5, name


def test_press_posts_carry_headlines(pools: TextPools) -> None:
    stream = simulate(scenario("askjpm"), seed=1)
    texts, skeletons = post_texts(stream, pools)
    pop = stream.population
    press = [
        i
        for i in range(len(stream))
        if stream.kind[i] == 0
        and stream.author[i] < len(pop.roles)
        and pop.roles[stream.author[i]] in ("press", "outlet")
        and not stream.attack[i]
    ]
    assert press
    first = sum(len(f) for f in list(FORMS.values())[: list(FORMS).index("headline")])
    assert all(first <= skeletons[i] < first + len(FORMS["headline"]) for i in press)
    assert any("JP Morgan" in texts[i] or "JPMorgan" in texts[i] for i in press)
