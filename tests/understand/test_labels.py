"""The Labels record and the PRODUCT.md "Classify out" shape."""

from __future__ import annotations

import numpy as np
import orjson
import pytest

from foretold.understand import FLAGS, SCORE_NAMES, Labels, load_classifier
from foretold.understand.classifier import probabilities


def test_to_dict_has_exactly_the_product_keys_plus_lang() -> None:
    labels = Labels.from_scores([0.1] * 10, flags=("question",), lang="en")
    assert list(labels.to_dict()) == ["sentiment", "emotion", "scores", "flags", "lang"]
    assert list(labels.to_dict()["scores"]) == list(SCORE_NAMES)


def test_to_dict_is_json_and_a_copy() -> None:
    labels = Labels.from_scores([0.2] * 10)
    d = labels.to_dict()
    d["scores"]["irony"] = 9.0
    assert labels.scores["irony"] == 0.2
    assert orjson.loads(orjson.dumps(labels.to_dict()))["flags"] == []


def test_probabilities_sum_to_one_per_softmax_group() -> None:
    p = probabilities(np.arange(20, dtype=np.float32).reshape(2, 10))
    assert np.allclose(p[:, 0:3].sum(axis=1), 1.0)
    assert np.allclose(p[:, 6:10].sum(axis=1), 1.0)
    assert ((p >= 0) & (p <= 1)).all()


def test_unknown_tier_is_a_config_error() -> None:
    from foretold.errors import ConfigError

    with pytest.raises(ConfigError, match="unknown classifier tier"):
        load_classifier("turbo")


def test_flags_vocabulary() -> None:
    assert FLAGS == ("ironic", "offensive", "hateful", "question", "unsupported")
