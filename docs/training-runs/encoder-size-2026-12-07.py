"""How fast would a base-sized (12-layer, 768-wide: XLM-R base / XLM-T / BERTweet) encoder
run in the accurate tier's runtime, against the shipped 6-layer, 384-wide one?

Random weights (the speed of a transformer does not depend on its weights), the same
export and int8 recipe as `foretold.understand.export` (BERT graph fusion without the
skip-layer-norm, bias-GELU and embedding fusions; dynamic per-channel int8), the same
`Encoder` runtime (two threads, batches of 32, length-sorted), the same 3,000 CrisisLexT26
posts as `bench/understand_bench.py`, run alternately in one process.
"""
import importlib, sys, tempfile, time
from pathlib import Path
import torch
from transformers import BertConfig, BertModel
from foretold.understand.encoder import Encoder
from foretold.understand.export import export_encoder
from foretold.understand import accurate

sys.path.insert(0, "bench")
import understand_bench as ub  # noqa: E402

def quantize(src: Path, out: Path, heads: int, hidden: int) -> None:
    import onnx
    optimizer = importlib.import_module("onnxruntime.transformers.optimizer")
    fo = importlib.import_module("onnxruntime.transformers.fusion_options")
    q = importlib.import_module("onnxruntime.quantization")
    options = fo.FusionOptions("bert")
    options.enable_skip_layer_norm = False
    options.enable_bias_skip_layer_norm = False
    options.enable_bias_gelu = False
    options.enable_embed_layer_norm = False
    fused = out.with_name("fused.onnx")
    optimizer.optimize_model(str(src), model_type="bert", num_heads=heads, hidden_size=hidden,
                             opt_level=1, optimization_options=options).save_model_to_file(str(fused))
    q.quantize_dynamic(str(fused), str(out), weight_type=q.QuantType.QInt8, per_channel=True,
                       extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})

import numpy as np
import foretold.understand.encoder as encmod
_zeros = np.zeros
class _NP:  # the runtime's output buffer is 384 wide; widen it for the base-sized model
    def __getattr__(self, k):
        return getattr(np, k)
    @staticmethod
    def zeros(shape, dtype=None):
        if isinstance(shape, tuple) and len(shape) == 2 and shape[1] == 384:
            shape = (shape[0], WIDTH[0])
        return _zeros(shape, dtype=dtype)
WIDTH = [384]
encmod.np = _NP()

def main() -> None:
    pool = ub.sample(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data"))
    texts = pool[:3000]
    torch.manual_seed(0)
    with tempfile.TemporaryDirectory() as d:
        d = Path(d)
        cfg = BertConfig(vocab_size=30522, hidden_size=768, num_hidden_layers=12, num_attention_heads=12,
                         intermediate_size=3072, max_position_embeddings=512)
        BertModel(cfg).save_pretrained(d / "base")
        export_encoder(d / "onnx" / "base.onnx", src=d / "base")
        quantize(d / "onnx" / "base.onnx", d / "onnx" / "base-int8.onnx", 12, 768)
        shipped = Encoder(accurate.ENCODER_FILE)
        big = Encoder(d / "onnx" / "base-int8.onnx")
        rates = {"shipped": [], "base": []}
        for _ in range(2):
            for name, enc in (("shipped", shipped), ("base", big)):
                WIDTH[0] = 384 if name == "shipped" else 768
                t = time.perf_counter(); enc.embed_normalized(texts); dt = time.perf_counter() - t
                rates[name].append(len(texts) / dt)
                print(f"{name}: {len(texts) / dt:.0f} posts/s", flush=True)
        s, b = max(rates["shipped"]), max(rates["base"])
        print(f"best of two: shipped 6x384 int8 {s:.0f} posts/s; base 12x768 int8 {b:.0f} posts/s; ratio {b / s:.3f}")

main()
