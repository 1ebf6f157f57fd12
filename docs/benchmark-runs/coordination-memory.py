"""The coordination state's memory (tracemalloc) after N posts of #McDStories seed 1, 1 ms apart: coordination-memory.py N

Run from the repository root with PYTHONPATH=src; it simulates the stream into /work/chron first (adjust P).
"""
import sys, tracemalloc, tempfile, gc
from pathlib import Path
from click.testing import CliRunner
def go():
    n = int(sys.argv[1])
    from foretold.cli import main
    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.post import Post
    from foretold.coordination.state import Coordination
    tracemalloc.start()
    p = Path("/work/chron/mem-mcd.jsonl")
    if not p.exists():
        CliRunner().invoke(main, ["simulate", "mcdstories", "--seed", "1", "--out", str(p), "--data", "/work/shared/data"])
    posts = [r for b in read_batches([str(p)], IngestStats(), Quarantine()) for r in b if isinstance(r, Post)][:n]
    posts.sort(key=lambda q: q.created_at)
    import dataclasses, datetime as dt
    t0 = posts[0].created_at
    posts = [dataclasses.replace(q, created_at=t0 + dt.timedelta(milliseconds=i)) for i, q in enumerate(posts)]
    gc.collect()
    base = 0
    st = Coordination()
    for i in range(0, len(posts), 1000):
        chunk = posts[i:i + 1000]
        st.prepare(chunk)
        for q in chunk:
            st.update(q, None)
    del posts, chunk, q
    gc.collect()
    cur = tracemalloc.get_traced_memory()[0]
    print(f"{len(st._posts)} posts kept; state {(cur - base) / 1e6:.1f} MB")
if __name__ == "__main__": go()
