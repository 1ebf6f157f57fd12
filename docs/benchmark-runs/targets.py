"""Issue 17's targets from per-seed benchmark JSON files (or .json.gz): targets.py DETECTOR FILE..."""
import gzip, json, statistics, sys
det, files = sys.argv[1], sys.argv[2:]
runs = []
for f in files:
    runs += json.load(gzip.open(f) if f.endswith(".gz") else open(f))["runs"]
by = {}
for r in runs:
    if r["status"] == "ok":
        by[(r["case"], r["detector"])] = {l["level"]: l for l in r["score"]["levels"]}
cases = sorted({c for c, _ in by})
CONTROLS = ("benign", "viral", "unrelated", "spam", "quiet")
markets = ["market_volume_12h", "market_24h_7d", "market_negative_vader"]
first_ok = first_n = 0; lat = []; press_ok = 0; crisis_n = 0; caught = 0; late = []
for c in cases:
    if (c, det) not in by: continue
    L = by[(c, det)]
    kind = c.split("~")[0]
    if kind not in ("askbg", "askjpm", "mcdstories", "mynypd", "qantasluxury"): continue
    cr = L.get("crisis")
    if cr and cr["lead_tipping_h"] is not None or (cr and cr["missed"]):
        crisis_n += 1
        if not cr["missed"]:
            caught += 1; lat.append(-cr["lead_tipping_h"] * 60)
            if cr["lead_press_h"] is not None and cr["lead_press_h"] >= 1.0: press_ok += 1
        # first alert vs earliest market (watch level lead)
        fw = L["watch"]["lead_tipping_h"]
        ms = [by[(c, m)]["watch"]["lead_tipping_h"] for m in markets if (c, m) in by and by[(c, m)]["watch"]["lead_tipping_h"] is not None]
        if ms:
            first_n += 1
            if fw is not None and fw >= max(ms) - 1e-9: first_ok += 1
            else: late.append(f"{c} ({fw} vs {max(ms)})")
        else:
            first_n += 1; first_ok += fw is not None
print(f"{det}: crisis caught {caught}/{crisis_n}; after tipping median {statistics.median(lat):.0f} min, worst {max(lat):.0f} min; "
      f">=60 min before press {press_ok}/{caught}; first alert no later than earliest market {first_ok}/{first_n}")
print("  later than a market:", "; ".join(late))
# backlash / mockery levels
for c in cases:
    k = c.split("~")[0]
    if k in ("askjpm_prelaunch", "slow_burn", "waitrose") and (c, det) in by:
        L = by[(c, det)]
        print(f"  {c}: " + " ".join(f"{lv}:{'miss' if L[lv]['missed'] else (L[lv]['lead_tipping_h'] if L[lv]['first_at'] else '-')}/FA{L[lv]['false_alarms']}" for lv in ("watch","warning","crisis")))
fa = {lv: [0, 0.0] for lv in ("watch", "warning", "crisis")}
for (c, d), L in by.items():
    if d != det: continue
    for lv in fa:
        fa[lv][0] += L[lv]["false_alarms"]; fa[lv][1] += L[lv]["benign_h"]
ctl = {lv: [0, 0.0] for lv in ("watch", "warning", "crisis")}
for r in runs:
    if r["status"] == "ok" and r["detector"] == det and r["score"]["kind"] in CONTROLS:
        for l in r["score"]["levels"]:
            ctl[l["level"]][0] += l["false_alarms"]; ctl[l["level"]][1] += l["benign_h"]
print("  false alarms / 30 benign days, the controls only:", {lv: round(n / h * 720, 2) if h else None for lv, (n, h) in ctl.items()})
print("  false alarms / 30 benign days (all streams in the files):", {lv: round(n / h * 720, 2) if h else None for lv, (n, h) in fa.items()})
