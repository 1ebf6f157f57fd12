import itertools, statistics, sys
from ev import *
def spread_m(r, m):
    if m == "amp": return r[F["amp60"]] > 0 or r[F["news60"]] > 0
    if m == "casc": return r[F["amp60"]] > 0 or r[F["news60"]] > 0 or r[F["r15"]] >= 0.25 * r[F["h15"]]
    return True
def mk(A, R, C, S, G):
    def rule(r):
        if min(r[F["ceil"]], r[F["coord"]]) < 3: return False
        x = x15(r)
        return (x >= A and x >= R * r[F["exp15"]] and accel(r) >= C and spread_m(r, S) and (not G or growing(r)))
    return rule
res = []
import io, contextlib
for A, R, C, S, G in itertools.product((10, 15, 20, 30), (0, 3, 4, 5), (1.5, 2.0, 2.5, 3.0), ("amp", "casc", "none"), (True, False)):
    with contextlib.redirect_stdout(io.StringIO()):
        lat, fa, sb = run(mk(A, R, C, S, G))
    res.append((fa, statistics.median(lat), max(lat), sb, A, R, C, S, G))
res.sort()
for x in res[:40]: print(x)
print("current-ish", [x for x in res if x[4:] == (30, 0, 2.0, "amp", True)])
