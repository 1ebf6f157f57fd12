"""Split a benchmark JSON into foretold's runs and the market baselines' runs:
split.py IN.json FORETOLD_OUT.json MARKETS_OUT.json"""
import json
import sys

src, mine, markets = sys.argv[1:4]
d = json.load(open(src))
for path, keep in ((mine, lambda r: not r["detector"].startswith("market_")),
                   (markets, lambda r: r["detector"].startswith("market_"))):
    out = dict(d, runs=[r for r in d["runs"] if keep(r)],
               detectors=[x for x in d["detectors"] if keep({"detector": x if isinstance(x, str) else x.get("name", "")})])
    json.dump(out, open(path, "w"))
