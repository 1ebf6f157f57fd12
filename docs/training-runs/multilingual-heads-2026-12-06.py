import sys, json
from pathlib import Path
from foretold.understand.multilingual_finetune import record_multilingual_finetune
import foretold.understand.multilingual_train as mt
from foretold.understand.multilingual_train import train_multilingual
if len(sys.argv) > 2: mt.SENTIMENT_GRID = eval(sys.argv[2])
work = Path('/work/mlft') / sys.argv[1]
out = work / 'models'; out.mkdir(exist_ok=True)
layers = record_multilingual_finetune(work, out) if sys.argv[1] != 'packaged' else None
import foretold.understand.multilingual_train as mt2
rep = train_multilingual(Path('/work/shared/data'), out / 'multilingual.npz', Path('/work/mlft/cache'), log=print, layers=layers)
print(json.dumps(rep['sentiment']['chosen']), [ (t['C'], t['umsab_weight'], t['ngrams'], round(t['mean'],2), {k: round(v,1) for k,v in t['val_macro_f1'].items()}, round(t['en'],1)) for t in rep['sentiment']['trials']])
for k in ('irony','offensive','hate','emotion'): print(k, rep[k])
