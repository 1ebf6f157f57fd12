"""Near-copy clustering on hand-made texts."""

from __future__ import annotations

import pickle

from foretold.coordination import CoordinationConfig, NearCopies, tokens

BASE = "Shame on @brand for treating loyal customers like garbage, never flying again #brandfail"


def test_copies_with_small_edits_share_one_cluster() -> None:
    nc = NearCopies(CoordinationConfig())
    edits = [
        BASE,
        BASE.upper(),
        BASE + " https://t.co/abc123",
        "RT @someone: " + BASE,
        BASE.replace("loyal ", ""),
        BASE.replace("garbage,", "garbage!!") + " 😡",
    ]
    clusters = {nc.add(text, i) for i, text in enumerate(edits)}
    assert len(clusters) == 1


def test_different_messages_on_the_same_topic_stay_apart() -> None:
    nc = NearCopies(CoordinationConfig())
    texts = [
        BASE,
        "@brand my bag was lost on the flight to Boston and nobody answers the phone",
        "@brand the crew on flight 22 was wonderful, thank you for the upgrade",
        "Never flying @brand again after the way they treated my grandmother today",
    ]
    assert len({nc.add(text, i) for i, text in enumerate(texts)}) == 4


def test_short_texts_are_not_judged() -> None:
    nc = NearCopies(CoordinationConfig())
    assert nc.add("thank you @brand!", 0) is None
    assert tokens("thank you @brand!") == ["thank", "you"]


def test_forgotten_clusters_free_their_buckets() -> None:
    nc = NearCopies(CoordinationConfig())
    first = nc.add(BASE, 0)
    nc.forget_before(10)
    assert nc.clusters == {}
    assert nc.add(BASE, 20) != first


def test_state_survives_a_pickle_round_trip() -> None:
    nc = NearCopies(CoordinationConfig())
    cid = nc.add(BASE, 0)
    restored = pickle.loads(pickle.dumps(nc))
    assert restored.add(BASE.lower() + " please share", 1) == cid
