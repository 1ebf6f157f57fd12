"""Offline crisis-rule evaluation on dumped per-minute features."""
import glob, pickle, statistics, sys
from datetime import UTC, datetime, timedelta
F = dict(end=0, level=1, surge=2, turn=3, x1=4, h15=5, r15=6, lab15=7, mock15=8, addr15=9, exp15=10,
         phi=11, lately=12, amp60=13, news60=14, h60=15, r60=16, fc=17, scus=18, tcus=19, share=20, alerts=21, ceil=22, coord=23, new15=24, meta15=25, posts15=26, new60=27, meta60=28, mock60=29, lab60=30)
data = {}
for f in sys.argv[1:] if len(sys.argv) > 1 else sorted(glob.glob("/work/tune/*-foretold.pkl")):
    data.update(pickle.load(open(f, "rb")))
HIJ = ("askbg", "askjpm", "mcdstories", "mynypd", "qantasluxury")

def t_of(end): return datetime.fromtimestamp(end * 60, UTC)

def run(rule, show=False):
    lat, fas, fah, det, sb = [], 0, 0.0, {}, 0
    for name, d in data.items():
        e = d["exp"]; rows = d["rows"]
        crises = []
        last = None
        for r in rows:
            if r[F["surge"]] and rule(r):
                t = t_of(r[0])
                if last is None or (t - last) > timedelta(hours=3):
                    crises.append(t)
                last = t
        base = name.split("~")[0]
        if e.expected == "crisis" and e.tipping is not None:
            onset = e.onset or e.start
            hits = [t for t in crises if onset <= t <= e.end]
            fa = sum(1 for t in crises if t < onset)
            fas += fa; fah += max((onset - e.start).total_seconds() / 3600, 0)
            m = (hits[0] - e.tipping).total_seconds() / 60 if hits else None
            lat.append(m if m is not None else 999)
            det[name] = (round(m) if m is not None else "MISS", fa)
        else:
            lo_hi = e.excused
            cc = [t for t in crises if not (lo_hi and lo_hi[0] <= t < lo_hi[1] and lo_hi[2] == "crisis")]
            if e.free_below == "crisis" or e.expected != "crisis":
                if name.startswith("slow_burn") or name.startswith("askjpm_prelaunch") or name.startswith("waitrose"):
                    sb += bool(cc)
                else:
                    fas += len(cc); fah += (e.end - e.start).total_seconds() / 3600
                if cc: det[name] = ("FA", len(cc), [c.strftime("%m-%d %H:%M") for c in cc][:4])
    lat_ok = [x for x in lat if x < 999]
    print(f"crisis: caught {len(lat_ok)}/{len(lat)} median {statistics.median(lat):.0f} worst {max(lat):.0f} "
          f"<=10: {sum(x<=10 for x in lat)} <=30: {sum(x<=30 for x in lat)}; FA {fas} per30d {fas/fah*720:.2f}; backlash over {sb}")
    if show:
        for k, v in sorted(det.items()): print("  ", k, v)
    return lat, fas, sb

def g(r, k): return r[F[k]]
def x15(r): return r[F["h15"]] + r[F["r15"]]
def accel(r, fl=0.2): return (x15(r) / 15 + fl) / (r[F["lately"]] + fl)
def growing(r): fc = r[F["fc"]]; return fc is not None and fc[0] - 1.6449 * fc[1] > 0
def spread(r): return r[F["amp60"]] > 0 or r[F["news60"]] > 0
def current(r): return x15(r) >= 30 and accel(r) >= 2 and spread(r) and growing(r)
if __name__ == "__main__":
    print("cases:", len(data))
    run(current, show=True)
