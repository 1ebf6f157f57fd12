import math
from ev import *
def wilson_low(k, n, z=1.2816):
    if n == 0: return 0.0
    p = k / n; d = 1 + z*z/n
    return (p + z*z/(2*n) - z*math.sqrt(p*(1-p)/n + z*z/(4*n*n))) / d
def storm(r, C=2.5): return x15(r) >= 30 and accel(r) >= C and growing(r)
def cur(r): return min(r[F["ceil"]], r[F["coord"]]) >= 3 and storm(r)
def c1(r, z=1.2816):
    if r[F["coord"]] < 3: return False
    if r[F["ceil"]] == 0: return False
    h, m, lab = r[F["h60"]], r[F["mock60"]], r[F["lab60"]]
    if lab >= 20 and wilson_low(h, h + m, z) <= 0.5: return False
    return storm(r)
for nm, rl in (("current ceiling", cur), ("wilson 90", c1), ("wilson 80", lambda r: c1(r, 0.8416)), ("point (h>m)", lambda r: c1(r, 0.0))):
    print(nm); run(rl, show=True)
