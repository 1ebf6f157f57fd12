"""Per hijack: foretold's watch/warning/crisis vs each market rule's alert (minutes after tipping)."""
import gzip, json, sys, statistics
det, files = sys.argv[1], sys.argv[2:]
by = {}
for f in files:
    for r in json.load(gzip.open(f) if f.endswith(".gz") else open(f))["runs"]:
        if r["status"] == "ok":
            by[(r["case"], r["detector"])] = {l["level"]: l for l in r["score"]["levels"]}
HI = ("askbg", "askjpm", "mcdstories", "mynypd", "qantasluxury")
m = lambda x: None if x is None else round(-x * 60)
wl = []
for c in sorted({c for c, _ in by}):
    if c.split("~")[0] not in HI or (c, det) not in by: continue
    L = by[(c, det)]
    mk = {k: m(by[(c, k)]["watch"]["lead_tipping_h"]) if (c, k) in by else "-" for k in ("market_volume_12h", "market_24h_7d", "market_negative_vader")}
    w = m(L["warning"]["lead_tipping_h"]); v = mk["market_volume_12h"]
    if w is not None and isinstance(v, int): wl.append(w - v)
    print(f"{c:18s} watch {m(L['watch']['lead_tipping_h'])} warning {w} crisis {m(L['crisis']['lead_tipping_h'])} | vol12h {v} 24h7d {mk['market_24h_7d']} vader {mk['market_negative_vader']}")
print("warning minus vol12h: median", statistics.median(wl), "earlier-or-same", sum(x <= 0 for x in wl), "of", len(wl))
