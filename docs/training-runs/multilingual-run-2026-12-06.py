import sys
from pathlib import Path
from foretold.understand.multilingual_finetune import MLFinetuneConfig, finetune_multilingual
name, kw = sys.argv[1], eval("dict(" + (sys.argv[2] if len(sys.argv) > 2 else "") + ")")
finetune_multilingual(Path('/work/shared/data'), Path('/work/mlft') / name, MLFinetuneConfig(**kw), log=lambda s: None)
