import sys; sys.path.insert(0, "src")
from pathlib import Path
import numpy as np
from sklearn.linear_model import LogisticRegression
from foretold.understand.data import load_isarcasmeval_part, load_split
from foretold.understand.train import tier_in
from foretold.understand.calibrate import choose_threshold
root = Path("../shared/data"); out = Path("src/foretold/understand/models")
clf = tier_in(out, "accurate")
enc = clf._encoder
tr, va = load_isarcasmeval_part("train", root), load_isarcasmeval_part("val", root)
Xtr, Xva = enc.embed(tr.texts), enc.embed(va.texts)
ytr, yva = np.array(tr.labels), np.array(va.labels)
zi_tr = clf.raw_logits(tr.texts)[:, 3:4]; zi_va = clf.raw_logits(va.texts)[:, 3:4]
def f1_at(p, y, share):
    t, rate = choose_threshold(p, y, share, 0.05)
    pred = p >= t
    tp = (pred & (y == 1)).sum(); f1 = 2 * tp / (pred.sum() + (y == 1).sum())
    return f1, t, pred.mean()
share = yva.mean()
from foretold.understand.calibrate import sigmoid
print("shipped irony head: F1 %.3f t %.2f flagged %.2f" % f1_at(sigmoid(zi_va[:, 0]), yva, share))
for C in (0.1, 0.3, 1, 3):
    for feats in ("emb", "emb+irony"):
        A = Xtr if feats == "emb" else np.hstack([Xtr, zi_tr]); B = Xva if feats == "emb" else np.hstack([Xva, zi_va])
        m = LogisticRegression(C=C, class_weight="balanced", max_iter=2000).fit(A, ytr)
        p = m.predict_proba(B)[:, 1]
        print(C, feats, "F1 %.3f t %.2f flagged %.2f" % f1_at(p, yva, share))
