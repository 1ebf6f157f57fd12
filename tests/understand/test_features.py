"""The word-lexicon columns, the hash table behind them, a model file's hasher round trip,
and the encoder's vectorised padding."""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from foretold.understand.features import LEXICON_SCALE, Hasher, _WordTable

LEXICON = {"good": 2.0, "bad": -2.5, "happy": 2.7, "no": -1.2}


def _raw(batch_lexicon: np.ndarray) -> np.ndarray:
    """Undo ``LEXICON_SCALE * log1p``: (positive sum, negative sum, positive n, negative n)."""
    return np.round(np.expm1(batch_lexicon.astype(np.float64) / LEXICON_SCALE), 4)


def test_lexicon_sums_counts_negation_and_hashtags() -> None:
    h = Hasher(bits=8, lexicon=LEXICON)
    texts = [
        "good good bad",
        "not good",  # flipped and damped
        "not at all that good",  # four words after the negator: not flipped
        "I don't feel so bad",  # "n't" negates, within three words
        "#happy day",  # looked up without its '#'
        "GOOD",  # lower-cased before lookup
        "nothing here",
        "",
    ]
    raw = _raw(h.featurize(texts).lexicon)
    assert raw[0].tolist() == [4.0, 2.5, 2.0, 1.0]
    assert raw[1].tolist() == [0.0, 1.48, 0.0, 1.0]
    assert raw[2].tolist() == [2.0, 0.0, 1.0, 0.0]
    assert raw[3].tolist() == [1.85, 0.0, 1.0, 0.0]
    assert raw[4].tolist() == [2.7, 0.0, 1.0, 0.0]
    assert raw[5].tolist() == [2.0, 0.0, 1.0, 0.0]
    assert raw[6].tolist() == raw[7].tolist() == [0.0, 0.0, 0.0, 0.0]


def test_negation_does_not_cross_posts() -> None:
    h = Hasher(bits=8, lexicon=LEXICON)
    raw = _raw(h.featurize(["not", "good"]).lexicon)
    assert raw[1].tolist() == [2.0, 0.0, 1.0, 0.0]


def test_no_lexicon_means_no_columns() -> None:
    h = Hasher(bits=8)
    batch = h.featurize(["good"])
    assert batch.lexicon.shape == (1, 0)
    assert batch.dense().shape == (1, 2)
    assert h.n_features == 256 + 2
    assert Hasher(bits=8, lexicon=LEXICON).n_features == 256 + 6


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(1, 2**64 - 1), min_size=1, max_size=300, unique=True))
def test_word_table_finds_exactly_its_keys(keys: list[int]) -> None:
    table = _WordTable(keys)
    absent = [k ^ 0x5BD1E995 for k in keys if k ^ 0x5BD1E995 not in set(keys)]
    query = np.array(keys + absent, dtype=np.uint64)
    found = table.lookup(query)
    assert found[: len(keys)].tolist() == list(range(len(keys)))
    assert (found[len(keys) :] == -1).all()


def test_hasher_round_trips_through_a_model_file() -> None:
    h = Hasher(bits=8, emoji={"😂": 0.2}, lexicon=LEXICON)
    buf = io.BytesIO()
    np.savez(buf, **h.arrays())
    buf.seek(0)
    with np.load(buf) as f:
        back = Hasher.from_model(f)
    assert back.bits == 8
    assert back.emoji == pytest.approx(h.emoji)
    assert back.lexicon == pytest.approx(LEXICON)
    texts = ["not bad 😂", "#good"]
    assert np.array_equal(back.featurize(texts).dense(), h.featurize(texts).dense())


def test_encoder_pads_each_length_bucket_like_a_plain_loop(accurate_ready: bool) -> None:
    """The vectorised padding feeds the session exactly what a per-post loop would, and
    the same call gives the same embeddings. (Dynamic int8 quantisation takes one scale per
    batch, so a post's embedding still moves a little with its batch-mates: cosine >= 0.95.)
    """
    from foretold.understand.accurate import ENCODER_FILE
    from foretold.understand.encoder import Encoder
    from foretold.understand.features import normalize

    encoder = Encoder(Path(ENCODER_FILE), batch_size=4)
    texts = ["hi", "a much longer post about the bank and its fees", "", "ok then", "why?"] * 3
    got = encoder.embed(texts)
    assert np.array_equal(got, encoder.embed(texts))
    ids = [e.ids for e in encoder._tokenizer.encode_batch(normalize(texts))]
    order = np.argsort([len(x) for x in ids], kind="stable")
    want = np.zeros_like(got)
    for lo in range(0, len(order), 4):
        rows = order[lo : lo + 4]
        width = max(len(ids[r]) for r in rows)
        input_ids = np.zeros((len(rows), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for j, r in enumerate(rows):
            input_ids[j, : len(ids[r])] = ids[r]
            mask[j, : len(ids[r])] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        want[rows] = encoder._session.run(None, feed)[0]
    assert np.array_equal(got, want)
    assert np.allclose(np.linalg.norm(got, axis=1), 1.0, atol=1e-3)


@pytest.mark.parametrize("tier", ["fast", "accurate"])
def test_shipped_models_carry_the_lexicon(tier: str, fast_model: Path) -> None:
    from foretold.understand.accurate import MODEL_FILE as ACCURATE_FILE
    from foretold.understand.fast import MODEL_FILE as FAST_FILE

    path = FAST_FILE if tier == "fast" else ACCURATE_FILE
    if not path.exists():
        pytest.skip(f"{tier} model not built")
    with np.load(path) as f:
        hasher = Hasher.from_model(f)
        assert f["weights"].shape[0] == hasher.n_features
    assert len(hasher.lexicon) > 5000
