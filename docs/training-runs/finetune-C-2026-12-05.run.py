from pathlib import Path
from foretold.understand.data import data_dir
from foretold.understand.finetune import FinetuneConfig, finetune
# C: as the shipped run B, but every sentiment train post each epoch (cap above 45,615)
cfg = FinetuneConfig(epochs=3, task_cap=46_000, freeze=0, threads=1)
finetune(data_dir(None), Path("/work/ft4/work"), cfg, print)
