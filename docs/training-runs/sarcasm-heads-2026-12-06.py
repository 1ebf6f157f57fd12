import sys; sys.path.insert(0, "src")
from pathlib import Path
import numpy as np, scipy.sparse as sp
from foretold.understand import train as T
from foretold.understand.data import load_split, load_isarcasmeval_part, Split
from foretold.understand.features import Hasher
from foretold.understand.encoder import Encoder
from foretold.understand.calibrate import choose_threshold
from foretold.understand.metrics import score
root = Path("../shared/data"); models = Path("src/foretold/understand/models")
hasher = Hasher(18, T.emoji_lexicon(root), T.word_lexicon()); enc = Encoder(models / "encoder.onnx")
n = hasher.n_features
cache = Path("/tmp/sarcasm-emb"); cache.mkdir(exist_ok=True)
def feats(name, split):
    emb = T._embed_cached(enc, split.texts, cache / f"{name}.npy") * T.EMBEDDING_SCALE
    return sp.hstack([hasher.matrix(split.texts), sp.csr_matrix(emb)]).tocsr()
itr, iva = load_split("irony", "train", root), load_split("irony", "val", root)
str_, sva = load_isarcasmeval_part("train", root), load_isarcasmeval_part("val", root)
Xitr, Xiva, Xstr, Xsva = feats("itr", itr), feats("iva", iva), feats("str", str_), feats("sva", sva)
def evaluate(name, Xtr, ytr, c=3.0):
    base = T.nb_ratios(Xtr, ytr, 2, 1 << 18)
    scales = base.copy()
    p_iva, coef, bias = T._fit(Xtr, ytr, Xiva, 2, c, scales, True)
    _, f1_iva = T._best_threshold("f1_pos", iva.labels, p_iva)
    w = coef[:, 0]
    z = Xsva @ w + bias[0]; p = 1 / (1 + np.exp(-z))
    y = np.array(sva.labels); t, rate = choose_threshold(p, y, y.mean(), 0.05)
    pred = p >= t; f1 = 2 * (pred & (y == 1)).sum() / (pred.sum() + y.sum())
    print(f"{name}: TweetEval irony val F1 {f1_iva:.4f}; iSarcasm val F1 {f1:.3f} (flagged {pred.mean():.2f})", flush=True)
evaluate("tweeteval only (shipped recipe)", Xitr, itr.labels)
Xu = sp.vstack([Xitr, Xstr]).tocsr(); yu = list(itr.labels) + list(str_.labels)
evaluate("tweeteval + isarcasm train part", Xu, yu)
for c in (1.0, 10.0):
    evaluate(f"union C={c}", Xu, yu, c)
print("--- blend: irony logit + beta * sarcasm logit (embedding-only LR on the iSarcasm train part)")
from sklearn.linear_model import LogisticRegression
emb = lambda name: np.load(cache / f"{name}.npy") * T.EMBEDDING_SCALE
Es, Eiva, Esva = emb("str"), emb("iva"), emb("sva")
base = T.nb_ratios(Xitr, itr.labels, 2, 1 << 18)
_, coef, bias = T._fit(Xitr, itr.labels, Xiva, 2, 3.0, base.copy(), True)
z_iva = Xiva @ coef[:, 0] + bias[0]; z_sva = Xsva @ coef[:, 0] + bias[0]
for C in (0.1, 0.3, 1.0):
    m = LogisticRegression(C=C, class_weight="balanced", max_iter=3000).fit(Es, str_.labels)
    s_iva, s_sva = m.decision_function(Eiva), m.decision_function(Esva)
    for beta in (0.0, 0.25, 0.5, 1.0, 2.0):
        zi = z_iva + beta * s_iva; zs = z_sva + beta * s_sva
        _, f1i = T._best_threshold("f1_pos", iva.labels, 1 / (1 + np.exp(-zi)))
        # iSarcasm: threshold for real prevalence on a Platt-free rank basis: use the rate-matched point
        y = np.array(sva.labels); p = 1 / (1 + np.exp(-zs))
        # rescale p to [0,1] ranks so choose_threshold's grid covers it
        r = (np.argsort(np.argsort(p)) + 0.5) / len(p)
        t, rate = choose_threshold(r, y, y.mean(), 0.05); pred = r >= t
        f1s = 2 * (pred & (y == 1)).sum() / (pred.sum() + y.sum())
        print(f"C={C} beta={beta}: TweetEval irony val F1 {f1i:.4f}; iSarcasm val F1 {f1s:.3f} (flagged {pred.mean():.2f})", flush=True)
