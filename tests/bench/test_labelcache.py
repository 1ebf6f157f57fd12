"""The benchmark's label cache gives the classifier's own labels, and only classifies once."""

from __future__ import annotations

from pathlib import Path

from foretold.bench.labelcache import LabelCache, models_digest
from foretold.understand import load_classifier

TEXTS = [
    "What is the max wealth allowed into Heaven? #AskJPM",
    "Thanks @JetBlue, smooth flight and a lovely crew!",
    "Thanks @JetBlue, smooth flight and a lovely crew!",
    "Mon vol est annulé, encore une fois. Merci pour rien.",
    "",
]


def test_cached_labels_are_the_classifiers_labels(tmp_path: Path) -> None:
    fast = load_classifier("fast")
    want = [x.to_dict() for x in fast.classify(TEXTS)]
    first = LabelCache(fast, tmp_path)
    assert [x.to_dict() for x in first.classify(TEXTS)] == want
    assert (first.hits, first.misses) == (0, 4)  # the repeated text is classified once
    second = LabelCache(fast, tmp_path)
    assert [x.to_dict() for x in second.classify(list(reversed(TEXTS)))] == want[::-1]
    assert (second.hits, second.misses) == (4, 0)


def test_other_models_read_another_file(tmp_path: Path) -> None:
    models = tmp_path / "models"
    models.mkdir()
    (models / "fast.npz").write_bytes(b"one")
    before = models_digest(models)
    (models / "fast.npz").write_bytes(b"two")
    assert models_digest(models) != before
    fast = load_classifier("fast")
    a = LabelCache(fast, tmp_path / "cache", models=before)
    b = LabelCache(fast, tmp_path / "cache", models=models_digest(models))
    assert a.path != b.path


def test_cache_file_is_named_by_tier_and_models(tmp_path: Path) -> None:
    cache = LabelCache(load_classifier("fast"), tmp_path)
    assert cache.path.name == f"labels-fast-{models_digest()}.sqlite"
