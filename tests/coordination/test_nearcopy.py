"""Near-copy clustering on hand-made texts."""

from __future__ import annotations

import pickle

import pytest

from foretold.coordination import CoordinationConfig, NearCopies, tokens

# the compiled digest (where it was built) and the numpy path, which must agree
BOTH = pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "numpy"])
BASE = "Shame on @brand for treating loyal customers like garbage, never flying again #brandfail"


@BOTH
def test_copies_with_small_edits_share_one_cluster(compiled: bool) -> None:
    nc = NearCopies(CoordinationConfig(), compiled=compiled)
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


@BOTH
def test_different_messages_on_the_same_topic_stay_apart(compiled: bool) -> None:
    nc = NearCopies(CoordinationConfig(), compiled=compiled)
    texts = [
        BASE,
        "@brand my bag was lost on the flight to Boston and nobody answers the phone",
        "@brand the crew on flight 22 was wonderful, thank you for the upgrade",
        "Never flying @brand again after the way they treated my grandmother today",
    ]
    assert len({nc.add(text, i) for i, text in enumerate(texts)}) == 4


@BOTH
def test_short_texts_are_not_judged(compiled: bool) -> None:
    nc = NearCopies(CoordinationConfig(), compiled=compiled)
    assert nc.add("thank you @brand!", 0) is None
    assert tokens("thank you @brand!") == ["thank", "you"]


@BOTH
def test_forgotten_clusters_free_their_buckets(compiled: bool) -> None:
    nc = NearCopies(CoordinationConfig(), compiled=compiled)
    first = nc.add(BASE, 0)
    nc.forget_before(10)
    assert nc.clusters == {}
    assert nc.add(BASE, 20) != first


def test_state_survives_a_pickle_round_trip() -> None:
    nc = NearCopies(CoordinationConfig())
    cid = nc.add(BASE, 0)
    restored = pickle.loads(pickle.dumps(nc))
    assert restored.add(BASE.lower() + " please share", 1) == cid


def _texts(n: int) -> list[str]:
    """Texts of 6 to 40 words, some of them near-copies of others."""
    words = [
        "boycott",
        "brand",
        "never",
        "again",
        "lied",
        "to",
        "us",
        "shame",
        "flight",
        "late",
        "crew",
        "lovely",
        "bag",
        "lost",
    ]
    out = []
    for i in range(n):
        length = 6 + (i * 7) % 35
        out.append(" ".join(words[(i * 3 + j * (1 + i % 4)) % len(words)] for j in range(length)))
    return out


def test_a_batch_digests_each_text_as_it_alone_would() -> None:
    """The batch is hashed in chunks of about a thousand words: every text's signature
    and band keys are the ones it gets on its own, at every chunk boundary."""
    nc = NearCopies(CoordinationConfig(), compiled=False)
    texts = _texts(300)  # about 7,000 words: seven chunks
    batch = nc.digest(texts, repeats=False)
    for text, digest in zip(texts, batch, strict=True):
        alone = nc.digest([text], repeats=False)[0]
        assert digest is not None and alone is not None
        assert digest.exact == alone.exact and digest.keys == alone.keys
        assert digest.signature == alone.signature


@BOTH
def test_a_forgotten_cluster_frees_its_bands_as_dropping_its_keys_would(compiled: bool) -> None:
    """A band a forgotten cluster held is claimed again at once, and the buckets read as
    if the forgotten cluster's keys had been dropped at the sweep."""
    nc = NearCopies(CoordinationConfig(), compiled=compiled)
    old = nc.add(BASE, 0)
    other = nc.add("@brand my bag was lost on the flight to Boston and nobody answers", 50)
    nc.forget_before(10)  # the first cluster goes, the second stays
    again = nc.add(BASE + " please share", 60)
    assert again not in (old, other)
    buckets = nc.buckets
    assert set(buckets.values()) == {other, again}
    fresh = NearCopies(CoordinationConfig(), compiled=compiled)  # the old cluster never seen
    fresh.add("@brand my bag was lost on the flight to Boston and nobody answers", 50)
    fresh.add(BASE + " please share", 60)
    assert sorted(buckets.items()) == sorted(
        (k, {0: other, 1: again}[v]) for k, v in fresh.buckets.items()
    )
