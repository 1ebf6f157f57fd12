"""Tally a variant against the shipped detector on the same streams: tally.py BASE.json,... VAR.json,..."""
import gzip, json, sys
def load(fs):
    out = {}
    for f in fs.split(","):
        d = json.load(gzip.open(f) if f.endswith("gz") else open(f))
        for r in d["runs"]:
            if r["status"] == "ok" and r["detector"].startswith("foretold"):
                out[(r["case"], r["detector"])] = {l["level"]: l for l in r["score"]["levels"]}
    return out
a, b = load(sys.argv[1]), load(sys.argv[2])
for lv in ("watch", "warning", "crisis"):
    fa = earlier = later = rm = 0; e_cases = []; l_cases = []; fa_cases = []; rm_cases = []
    for k in b:
        x, y = a[k][lv], b[k][lv]
        d = y["false_alarms"] - x["false_alarms"]
        if d > 0: fa += d; fa_cases.append(f"{k[0]} {k[1][9:] or 'fast'} +{d}")
        if d < 0: rm -= d; rm_cases.append(f"{k[0]} {k[1][9:] or 'fast'} {d}")
        if x["judged"] == "must" and x["lead_tipping_h"] is not None and y["lead_tipping_h"] is not None:
            m = round((y["lead_tipping_h"] - x["lead_tipping_h"]) * 60)
            if m > 0: earlier += 1; e_cases.append(f"{k[0]} {k[1][9:] or 'fast'} {m}")
            if m < 0: later += 1; l_cases.append(f"{k[0]} {k[1][9:] or 'fast'} {m}")
    print(f"{lv}: false alarms added {fa}, removed {rm}; earlier {earlier}; later {later}")
    if fa_cases: print("   FA:", "; ".join(fa_cases))
    if rm_cases: print("   FA removed:", "; ".join(rm_cases))
    if l_cases: print("   later (min):", "; ".join(l_cases))
    if e_cases: print("   earlier (min):", "; ".join(e_cases))
