"""Keep only some detectors' runs of a benchmark JSON: markets.py IN OUT DETECTOR...

The report runs at a new commit reran only foretold's detectors; the market baselines'
runs on the same streams (the simulator did not change) come from the earlier files.
"""
import gzip, json, sys
src, dst, keep = sys.argv[1], sys.argv[2], set(sys.argv[3:])
blob = json.load(gzip.open(src) if src.endswith(".gz") else open(src))
blob["detectors"] = [d for d in blob["detectors"] if d["name"] in keep]
blob["runs"] = [r for r in blob["runs"] if r["detector"] in keep]
blob["seconds"] = round(sum(r.get("seconds") or 0 for r in blob["runs"]), 1)
blob.pop("summary", None)
json.dump(blob, open(dst, "w"))
