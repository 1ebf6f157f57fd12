"""The multilingual encoder's torch forward pass, and its fine-tuning resuming."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

pytestmark = [pytest.mark.bench]  # needs torch (the train extra): behind make bench


def test_the_torch_network_embeds_as_the_package(data_root: Path) -> None:
    torch = pytest.importorskip("torch", reason="fine-tuning needs the train extra")
    from foretold.understand.features import normalize
    from foretold.understand.multilingual import MultilingualEncoder
    from foretold.understand.multilingual_finetune import UseNetwork
    from foretold.understand.multilingual_train import load_umsab

    texts = normalize([*load_umsab("de", "val", data_root).texts[:64], "a", "😀 ok"])
    encoder = MultilingualEncoder(layers=None)
    sp = encoder._backend.sp
    ids = [sp.encode(t, out_type=int, add_bos=True, add_eos=True) for t in texts]
    lengths = np.array([len(x) for x in ids])
    padded = np.zeros((len(ids), lengths.max()), dtype=np.int64)
    for i, x in enumerate(ids):
        padded[i, : len(x)] = x
    with torch.no_grad():
        ours = UseNetwork(torch)(padded, lengths).numpy()
    assert np.abs(ours - encoder.embed_normalized(texts)).max() < 1e-5


def test_an_interrupted_run_resumes_to_the_same_result(data_root: Path, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="fine-tuning needs the train extra")
    from foretold.understand.multilingual_finetune import MLFinetuneConfig, finetune_multilingual

    quiet = lambda _: None  # noqa: E731
    cfg = MLFinetuneConfig(limit=40, epochs=1, checkpoint_every=0.0, threads=1)
    finetune_multilingual(data_root, tmp_path / "whole", cfg, quiet)
    stopped = MLFinetuneConfig(limit=40, epochs=1, checkpoint_every=0.0, threads=1, max_steps=3)
    finetune_multilingual(data_root, tmp_path / "parts", stopped, quiet)
    assert not (tmp_path / "parts" / "encoder.npz").exists()
    finetune_multilingual(data_root, tmp_path / "parts", cfg, quiet)
    assert "resumed at step 3" in (tmp_path / "parts" / "finetune.log").read_text()
    a = json.loads((tmp_path / "whole" / "summary.json").read_text())["history"]
    b = json.loads((tmp_path / "parts" / "summary.json").read_text())["history"]
    assert a[0]["val"] == pytest.approx(b[0]["val"], abs=0.02)
    with (
        np.load(tmp_path / "whole" / "encoder.npz") as x,
        np.load(tmp_path / "parts" / "encoder.npz") as y,
    ):
        assert all(np.allclose(x[k], y[k], atol=1e-4) for k in x.files)
    del torch
