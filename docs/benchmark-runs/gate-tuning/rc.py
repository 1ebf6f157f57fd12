import math
from ev import *
import ev
TH = math.log(30 * 1440) + math.log(3)
def add_recent(ratios=(2.0, 4.0, 8.0), floor=0.2, th=TH, phi_use=True):
    for d in data.values():
        S = [0.0] * len(ratios); prev = None; out = []
        for r in d["rows"]:
            lam = r[F["lately"]] + floor; phi = max(r[F["phi"]], 1.0) if phi_use else 1.0
            if prev is not None and r[0] - prev > 1:
                gap = r[0] - prev - 1
                S = [max(0.0, s - gap * lam * (q - 1) / phi) for s, q in zip(S, ratios)]
            x = r[F["x1"]]
            S = [max(0.0, s + (x * math.log(q) - lam * (q - 1)) / phi) for s, q in zip(S, ratios)]
            out.append(max(S) > th); prev = r[0]
        d["rc"] = out
def mk2(A, G=True, S="none"):
    def rule(r, i, rc):
        if min(r[F["ceil"]], r[F["coord"]]) < 3: return False
        return x15(r) >= A and rc[i] and (not G or growing(r)) and (S == "none" or r[13] + r[14] > 0)
    return rule
def run2(rule, show=False):
    # wrap: ev.run calls rule(r); pass index via closure
    for d in data.values():
        d["_i"] = {id(r): i for i, r in enumerate(d["rows"])}
    def w(r):
        for d in data.values():
            i = d["_i"].get(id(r))
            if i is not None: return rule(r, i, d["rc"])
    return run(w, show)
