"""The WAL and soak benchmarks (issue 13, item 5 and the soak run): real processes,
measured from outside, numbers printed as a markdown table.

    .venv/bin/python bench/soak_bench.py wal                  # replay --speed 36000, +/- dashboard
    .venv/bin/python bench/soak_bench.py soak --minutes 10    # watch at 1,000 posts/s, dashboard,
                                                              # 50 SSE clients
    .venv/bin/python bench/soak_bench.py soak --minutes 0.5 --rate 200   # a short run
    .venv/bin/python bench/soak_bench.py coordination --minutes 6 --max-posts 100000
    .venv/bin/python bench/soak_bench.py stages --minutes 4 --snapshot-share 0

``wal`` replays the simulated #AskJPM week (32,504 posts) paced at 36,000 stream
seconds a wall second, with and without ``foretold serve`` open and a page client
re-reading the dashboard's API on every change, and samples the write-ahead log's
size every 50 ms.

``soak`` appends posts dated "now" to a growing file at ``--rate`` posts a second
while ``foretold watch`` tails it (one campaign, fast classifier, detectors) and
``foretold serve`` serves the store to ``--sse`` event-stream clients plus one page
client. Every second it samples the resident memory and CPU time of each process
tree (/proc), the WAL and database size, and the lag: wall time minus the
``created_at`` of the newest stored post (posts are dated when written, so this is
how far the store is behind the file, poll interval included).

Every process is started here and stopped here (SIGTERM, then the exit status is
checked); run it on an otherwise quiet machine: the lag and CPU figures include
whatever else the machine does.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import orjson

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SSE_TIMEOUT_S = 30.0
CONFIG = """
[[campaign]]
name = "askjpm"
hashtags = ["#AskJPM"]
handles = ["@jpmorgan"]
owner = "@jpmorgan"

[[source]]
type = "file"
name = "file"
path = "{path}"
poll_seconds = 0.5
"""


#: ``--memory DIR``: watch runs under tracemalloc, a snapshot every ``--memory-every``
#: seconds into DIR (the writer child is a spawned process: not traced, measured apart)
TRACED = """
import sys, threading, time, tracemalloc
out, every = sys.argv.pop(1), float(sys.argv.pop(1))
tracemalloc.start(6)
def dump():
    n = 0
    while True:
        time.sleep(every)
        n += 1
        tracemalloc.take_snapshot().dump(f"{out}/snap-{n:03d}.tracemalloc")
threading.Thread(target=dump, daemon=True).start()
from foretold.cli import main
sys.argv[0] = "foretold"
main()
"""


def memory_diff(folder: Path, top: int = 12) -> None:
    """Print what grew in the traced watch between its first and last snapshot."""
    import tracemalloc

    snaps = sorted(folder.glob("snap-*.tracemalloc"))
    if len(snaps) < 2:
        print("(fewer than two tracemalloc snapshots: run longer)")
        return
    first, last = (tracemalloc.Snapshot.load(str(f)) for f in (snaps[0], snaps[-1]))
    total = sum(t.size for t in last.traces) / 2**20
    print(f"\nwatch's Python heap (tracemalloc): {sum(t.size for t in first.traces) / 2**20:.1f} MB "
          f"at {snaps[0].name} -> {total:.1f} MB at {snaps[-1].name}; top growth by line:\n")  # fmt: skip
    for stat in last.compare_to(first, "lineno")[:top]:
        frame = stat.traceback[0]
        print(f"  {stat.size_diff / 2**20:+8.2f} MB {stat.count_diff:+9,} blocks  "
              f"{frame.filename.split('site-packages/')[-1]}:{frame.lineno}")  # fmt: skip


# -- measuring processes from outside ---------------------------------------------


def _tree(pid: int) -> list[int]:
    """``pid`` and its descendants (the store writer is a child of watch)."""
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        for task in Path(f"/proc/{p}/task").glob("*"):
            with suppress(OSError):
                todo.extend(int(c) for c in (task / "children").read_text().split())
    return out


def _rss_mb(pids: list[int]) -> float:
    page = os.sysconf("SC_PAGE_SIZE")
    total = 0
    for p in pids:
        with suppress(OSError, IndexError):
            total += int(Path(f"/proc/{p}/statm").read_text().split()[1]) * page
    return total / 2**20


def _cpu_s(pids: list[int]) -> float:
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for p in pids:
        with suppress(OSError, IndexError):
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _size_mb(path: Path) -> float:
    try:
        return path.stat().st_size / 2**20
    except FileNotFoundError:
        return 0.0


@dataclass
class Samples:
    """What a sampler saw, one value a tick."""

    wal_mb: list[float] = field(default_factory=list)
    db_mb: list[float] = field(default_factory=list)
    rss_mb: dict[str, list[float]] = field(default_factory=dict)
    cpu_s: dict[str, list[tuple[float, float]]] = field(default_factory=dict)
    lag_s: list[float] = field(default_factory=list)


class Sampler:
    """Samples the WAL, the database and each named process tree every ``every`` s."""

    def __init__(
        self, db: Path, procs: dict[str, int], every: float, lag: bool, trace: Path | None = None,
        alone: dict[str, int] | None = None,
    ) -> None:  # fmt: skip
        """``procs``: process trees (a process and its children); ``alone``: single processes."""
        self.db, self.procs, self.every, self.lag, self.trace = db, procs, every, lag, trace
        self.alone = alone or {}
        self.samples = Samples()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Samples:
        self._thread.start()
        return self.samples

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        s = self.samples
        wal = self.db.with_name(self.db.name + "-wal")
        start = time.monotonic()
        out = open(self.trace, "w") if self.trace else None  # noqa: SIM115 - closed below
        if out:
            out.write("seconds,wal_mb,db_mb,lag_s," + ",".join(f"{n}_rss_mb" for n in self.procs))
            out.write("\n")
        while not self._stop.wait(self.every):
            s.wal_mb.append(_size_mb(wal))
            s.db_mb.append(_size_mb(self.db))
            now = time.monotonic()
            for name, pid in self.procs.items():
                pids = _tree(pid)
                s.rss_mb.setdefault(name, []).append(_rss_mb(pids))
                s.cpu_s.setdefault(name, []).append((now, _cpu_s(pids)))
            for name, pid in self.alone.items():
                s.rss_mb.setdefault(name, []).append(_rss_mb([pid]))
            if self.lag:
                newest = _newest(self.db)
                if newest is not None:
                    s.lag_s.append(max(0.0, time.time() - newest))
            if out:
                lag = f"{s.lag_s[-1]:.2f}" if s.lag_s else ""
                rss = ",".join(f"{s.rss_mb[n][-1]:.0f}" for n in self.procs)
                out.write(f"{now - start:.0f},{s.wal_mb[-1]:.1f},{s.db_mb[-1]:.1f},{lag},{rss}\n")
                out.flush()
        if out:
            out.close()


def _newest(db: Path) -> float | None:
    """The ``created_at`` (epoch seconds) of the newest stored post, read in one short
    read-only transaction."""
    try:
        con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            row = con.execute("SELECT created_at FROM posts ORDER BY seq DESC LIMIT 1").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return None
    return None if row is None else row[0] / 1e6


def _cpu_percent(marks: list[tuple[float, float]]) -> float:
    if len(marks) < 2 or marks[-1][0] <= marks[0][0]:
        return 0.0
    return 100.0 * (marks[-1][1] - marks[0][1]) / (marks[-1][0] - marks[0][0])


def _pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


# -- the dashboard's clients -----------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_http(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with suppress(OSError):
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/api/status")
            if c.getresponse().status == 200:
                return
        time.sleep(0.2)
    raise SystemExit(f"foretold serve did not answer on port {port}")


class Clients:
    """``sse`` event-stream clients and one page client that re-reads the API whenever
    the store's fingerprint changes (what the dashboard does)."""

    PAGES = ("/api/campaigns", "/api/campaigns/askjpm/timeline?window=900",
             "/api/campaigns/askjpm/mix", "/api/campaigns/askjpm/alerts?limit=20",
             "/api/campaigns/askjpm/latest?limit=20", "/api/sources")  # fmt: skip
    #: ``--page full``: every read the dashboard page makes on a change (app.js, panels.js)
    FULL = (*PAGES, "/api/campaigns/askjpm/posts", "/api/campaigns/askjpm/amplifiers",
            "/api/campaigns/askjpm/links", "/api/campaigns/askjpm/pictures?limit=5",
            "/api/campaigns/askjpm/coordination", "/api/campaigns/askjpm/languages")  # fmt: skip

    def __init__(self, port: int, sse: int, full: bool = False) -> None:
        self.port, self.sse = port, sse
        self.pages = self.FULL if full else self.PAGES
        self.events = 0
        self.page_loads = 0
        self.errors = 0
        self.kinds: Counter[str] = Counter()
        self._stop = threading.Event()
        self._changed = threading.Event()
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._stream, daemon=True) for _ in range(sse)]
        self._threads.append(threading.Thread(target=self._page, daemon=True))

    def __enter__(self) -> Clients:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._changed.set()
        for t in self._threads:
            t.join(timeout=10)

    def _failed(self, client: str, e: Exception) -> None:
        """Count an error by client and kind (``events TimeoutError``, ``page HTTP 503``)."""
        kind = str(e) if str(e).startswith(("HTTP", "/api")) else type(e).__name__
        with self._lock:
            self.errors += 1
            self.kinds[f"{client} {kind}"] += 1

    def _stream(self) -> None:
        while not self._stop.is_set():
            try:
                # longer than the server's 15 s keep-alive: a quiet store is not an error (a
                # 5 s timeout here counted every pause of the writer as a client error)
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=SSE_TIMEOUT_S)
                c.request("GET", "/events", headers={"Accept": "text/event-stream"})
                r = c.getresponse()
                if r.status != 200:
                    raise OSError(f"HTTP {r.status}")
                while not self._stop.is_set():
                    line = r.fp.readline()
                    if not line:
                        break
                    if line.startswith(b"event: change"):
                        with self._lock:
                            self.events += 1
                        self._changed.set()
                c.close()
            except (OSError, http.client.HTTPException) as e:
                self._failed("events", e)
                self._stop.wait(1.0)

    def _page(self) -> None:
        c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        while not self._stop.is_set():
            self._changed.wait(timeout=2.0)
            self._changed.clear()
            if self._stop.is_set():
                return
            try:
                for page in self.pages:
                    c.request("GET", page)
                    r = c.getresponse()
                    r.read()
                    if r.status != 200:
                        raise OSError(f"{page}: HTTP {r.status}")
                with self._lock:
                    self.page_loads += 1
            except (OSError, http.client.HTTPException) as e:
                self._failed("page", e)
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)


# -- processes -------------------------------------------------------------------


@contextmanager
def _process(args: list[str], log: Path, cwd: Path) -> Iterator[subprocess.Popen[bytes]]:
    with open(log, "wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def _simulate(tmp: Path) -> Path:
    stream = tmp / "askjpm.jsonl"
    subprocess.run(
        [str(BIN / "foretold"), "simulate", "askjpm", "--seed", "1", "--out", str(stream)],
        check=True, capture_output=True, cwd=ROOT,
    )  # fmt: skip
    return stream


# -- wal ---------------------------------------------------------------------------


def wal(args: argparse.Namespace) -> None:
    """Replay paced at ``--speed`` with and without the dashboard open."""
    with tempfile.TemporaryDirectory(prefix="foretold-wal-") as t:
        tmp = Path(t)
        stream = _simulate(tmp)
        rows = []
        for dashboard in (False, True):
            db = tmp / f"wal-{int(dashboard)}.db"
            replay = [str(BIN / "foretold"), "replay", str(stream), "--store", str(db),
                      "--track", "#AskJPM", "--track", "@jpmorgan", "--speed", str(args.speed),
                      "--no-progress"]  # fmt: skip
            started = time.monotonic()
            with _process(replay, tmp / "replay.log", ROOT) as proc:
                procs = {"replay": proc.pid}
                serve: subprocess.Popen[bytes] | None = None
                clients: Clients | None = None
                with Sampler(db, procs, 0.05, lag=False) as s:
                    if dashboard:
                        while not db.exists() and proc.poll() is None:
                            time.sleep(0.05)
                        port = _free_port()
                        serve = subprocess.Popen(
                            [str(BIN / "foretold"), "serve", "--store", str(db), "--port",
                             str(port)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
                        )  # fmt: skip
                        _wait_http(port)
                        clients = Clients(port, args.sse).__enter__()
                    code = proc.wait()
                if clients is not None:
                    clients.__exit__()
                if serve is not None:
                    serve.send_signal(signal.SIGTERM)
                    serve.wait(timeout=60)
            seconds = time.monotonic() - started
            if code != 0:
                raise SystemExit(f"replay failed ({code}): {(tmp / 'replay.log').read_text()}")
            final_wal = _size_mb(db.with_name(db.name + "-wal"))
            rows.append((
                f"replay --speed {args.speed:g}" + (" + dashboard" if dashboard else ""),
                max(s.wal_mb, default=0.0), final_wal, _size_mb(db), seconds,
                clients.page_loads if clients else 0,
            ))  # fmt: skip
        print(f"\nWAL during replay of the simulated #AskJPM week ({_lines(stream):,} posts)\n")
        print(
            "| run | peak WAL MB | WAL MB at exit | database MB | seconds | dashboard page loads |"
        )
        print("|---|---:|---:|---:|---:|---:|")
        for name, peak, final, size, secs, loads in rows:
            print(f"| {name} | {peak:.1f} | {final:.1f} | {size:.1f} | {secs:.1f} | {loads} |")


def _lines(path: Path) -> int:
    with open(path, "rb") as f:
        return sum(1 for _ in f)


# -- soak --------------------------------------------------------------------------


class Writer:
    """Appends posts dated now to ``path`` at ``rate`` a second, in 10 ticks a second."""

    def __init__(self, path: Path, templates: list[dict[str, object]], rate: float) -> None:
        self.path, self.templates, self.rate = path, templates, rate
        self.written = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def __enter__(self) -> Writer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _loop(self) -> None:
        start = time.monotonic()
        with open(self.path, "ab", buffering=0) as f:
            while not self._stop.is_set():
                due = int((time.monotonic() - start) * self.rate)
                if due > self.written:
                    now = datetime.now(UTC).isoformat(timespec="milliseconds")
                    now = now.replace("+00:00", "Z")
                    lines = []
                    for i in range(self.written, due):
                        post = dict(self.templates[i % len(self.templates)])
                        post["id"] = str(9_000_000_000_000_000_000 + i)
                        post["created_at"] = now
                        lines.append(orjson.dumps(post))
                    f.write(b"\n".join(lines) + b"\n")
                    self.written = due
                self._stop.wait(0.1)


def soak(args: argparse.Namespace) -> None:
    """watch + serve + SSE clients on a file growing at ``--rate`` posts a second."""
    with tempfile.TemporaryDirectory(prefix="foretold-soak-") as t:
        tmp = Path(t)
        stream = _simulate(tmp)
        templates = [orjson.loads(line) for line in stream.read_bytes().splitlines()[:20_000]]
        for tpl in templates:
            tpl.pop("referenced_tweets", None)  # replies to posts that will not be there
        posts = tmp / "posts.jsonl"
        posts.touch()
        config = tmp / "foretold.toml"
        config.write_text(CONFIG.format(path=posts))
        db = tmp / "soak.db"
        port = _free_port()
        seconds = args.minutes * 60
        watch = [str(BIN / "foretold"), "watch", "--config", str(config), "--store", str(db)]
        memory = Path(args.memory) if args.memory else None
        if memory is not None:
            memory.mkdir(parents=True, exist_ok=True)
            watch = [sys.executable, "-c", TRACED, str(memory), str(args.memory_every), *watch[1:]]
        with _process(watch, tmp / "watch.log", ROOT) as w:
            deadline = time.monotonic() + 120
            while not db.exists() and time.monotonic() < deadline and w.poll() is None:
                time.sleep(0.1)
            serve_args = [str(BIN / "foretold"), "serve", "--store", str(db), "--port", str(port)]
            with _process(serve_args, tmp / "serve.log", ROOT) as s:
                _wait_http(port)
                procs = {"watch": w.pid, "serve": s.pid}
                split = {"watch main": w.pid}  # watch less its writer child: the process alone
                clients = Clients(port, args.sse, args.page == "full")
                with clients, Writer(posts, templates, args.rate) as wr:
                    trace = Path(args.trace) if args.trace else None
                    with Sampler(db, procs, 1.0, lag=True, trace=trace, alone=split) as samples:
                        time.sleep(seconds)
                    written = wr.written
                page_loads, events, errors = clients.page_loads, clients.events, clients.errors
                kinds = ", ".join(f"{k}: {n}" for k, n in clients.kinds.most_common())
            stored = _count(db)
        code = w.returncode
        log = (tmp / "watch.log").read_text(errors="replace")
        if code not in (0, 143):
            raise SystemExit(f"watch exited {code}:\n{log[-3000:]}")
        print(f"\nSoak: watch on a file growing at {args.rate:,.0f} posts/s for "
              f"{args.minutes:g} min, foretold serve with {args.sse} SSE clients and a page "
              f"client ({args.page} pages)\n")  # fmt: skip
        print("| measure | value |")
        print("|---|---:|")
        print(f"| posts written / stored | {written:,} / {stored:,} |")
        print(f"| lag p50 / p99 / max (s) | {_pct(samples.lag_s, 0.5):.2f} / "
              f"{_pct(samples.lag_s, 0.99):.2f} / {max(samples.lag_s, default=0):.2f} |")  # fmt: skip
        for name in [*procs, *split]:
            rss = samples.rss_mb.get(name, [])
            print(f"| {name} RSS MB: start / end / max | {rss[0] if rss else 0:.0f} / "
                  f"{rss[-1] if rss else 0:.0f} / {max(rss, default=0):.0f} |")  # fmt: skip
            if name in procs:
                print(
                    f"| {name} CPU % of one core (mean) | "
                    f"{_cpu_percent(samples.cpu_s.get(name, [])):.0f} |"
                )
        print(f"| WAL MB: max / at the end | {max(samples.wal_mb, default=0):.1f} / "
              f"{samples.wal_mb[-1] if samples.wal_mb else 0:.1f} |")  # fmt: skip
        print(f"| database MB at the end | {samples.db_mb[-1] if samples.db_mb else 0:.1f} |")
        print(
            f"| SSE change events received (all clients) / page loads / client errors | "
            f"{events:,} / {page_loads:,} / {errors}{f' ({kinds})' if kinds else ''} |"
        )
        print(f"| watch exit status | {code} |")
        if memory is not None:
            memory_diff(memory)
        if args.keep:
            kept = Path(args.keep)
            kept.mkdir(parents=True, exist_ok=True)
            for f in ("watch.log", "serve.log"):
                shutil.copy(tmp / f, kept / f)


# -- coordination ------------------------------------------------------------------


def coordination(args: argparse.Namespace) -> None:
    """The coordination detector's state fed the soak's posts at ``--rate`` for
    ``--minutes`` of stream time (in process, no clock waits): its Python heap
    (tracemalloc) and the size of its maps every ``--every`` minutes."""
    import dataclasses
    import tracemalloc
    from datetime import timedelta

    from foretold.coordination import Coordination
    from foretold.coordination.config import CoordinationConfig
    from foretold.ingest import IngestStats, Quarantine, read_batches
    from foretold.post import Post

    with tempfile.TemporaryDirectory(prefix="foretold-coord-") as t:
        read = read_batches([str(_simulate(Path(t)))], IngestStats(), Quarantine())
        posts = [p for b in read for p in b if isinstance(p, Post)][:20_000]
    t0, rate = posts[-1].created_at, args.rate
    angry = {"sentiment": "negative", "emotion": "anger", "flags": []}
    config = CoordinationConfig(**({"max_posts": args.max_posts} if args.max_posts else {}))
    tracemalloc.start()
    co = Coordination(config, campaign_tags=frozenset({"askjpm"}))
    base = tracemalloc.get_traced_memory()[0]
    total, every = int(rate * 60 * args.minutes), max(1, int(rate * 60 * args.every))
    print(f"\nCoordination state at {rate:,.0f} posts/s, max_posts {config.max_posts:,}\n")
    print("| stream minutes | heap MB | pairs | actions | posts kept | clusters |")
    print("|---:|---:|---:|---:|---:|---:|")
    for i0 in range(0, total + 1, 1000):
        if i0 % every < 1000 and i0:
            heap = (tracemalloc.get_traced_memory()[0] - base) / 1e6
            print(f"| {i0 / rate / 60:.0f} | {heap:.1f} | {len(co.sync.pair_items()):,} | "
                  f"{len(co.sync.recent):,} | {co.kept_posts:,} | {len(co.copies.clusters):,} |",
                  flush=True)  # fmt: skip
        batch = [
            dataclasses.replace(posts[i % len(posts)], id=f"s{i}",
                                created_at=t0 + timedelta(seconds=i / rate))
            for i in range(i0, min(total, i0 + 1000))
        ]  # fmt: skip
        co.prepare(batch)
        for k, p in enumerate(batch):
            co.update(p, angry if k % 3 == 0 else None)


# -- watch's stages in process -----------------------------------------------------


def stages(args: argparse.Namespace) -> None:
    """Watch's stages (track, fast classifier, detectors with their coordination state,
    the detector snapshots every second as watch takes them) over the soak's posts at
    ``--rate`` posts a second of stream time, in this process, as fast as they go: the
    resident memory every stream minute (after a full garbage collection, which finds
    nothing to free), and how long the last snapshot took and how big it was."""
    import dataclasses
    import gc
    from datetime import timedelta

    from foretold.clock import SystemClock
    from foretold.coordination import state as coordination_state
    from foretold.ingest import IngestStats, Quarantine, read_lines
    from foretold.pipeline import Pipeline
    from foretold.records import Batch
    from foretold.runs import (
        AfterStore,
        build_stages,
        run_config,
        snapshot_name,
        snapshot_stage,
        warm_stages,
    )
    from foretold.store import Store

    if args.max_posts:
        config_of = coordination_state.CoordinationConfig
        bound = args.max_posts
        coordination_state.CoordinationConfig = (  # type: ignore[misc]
            lambda: dataclasses.replace(config_of(), max_posts=bound)
        )
    with tempfile.TemporaryDirectory(prefix="foretold-stages-") as t:
        tmp = Path(t)
        lines = _simulate(tmp).read_bytes().splitlines()[:20_000]
        templates = [orjson.loads(line) for line in lines]
        for tpl in templates:
            tpl.pop("referenced_tweets", None)
        clock = SystemClock()
        config = run_config(None, ["#AskJPM", "@jpmorgan"])
        built = build_stages(config, clock, tier="fast")
        warm_stages(built)
        store = Store(tmp / "stages.db")
        after = AfterStore(
            store, clock, snapshot=snapshot_stage(built), snapshot_key=snapshot_name(config.campaigns),
            snapshot_every_s=args.snapshot_every, snapshot_share=args.snapshot_share,
        )  # fmt: skip
        taken: list[tuple[float, int]] = []
        take = after.snapshot_of

        def timed() -> bytes:
            t0 = time.perf_counter()
            state = take()
            taken.append((time.perf_counter() - t0, len(state)))
            return state

        after.snapshot_of = timed  # type: ignore[method-assign]
        t0 = datetime(2026, 12, 5, tzinfo=UTC)
        step = timedelta(seconds=1 / args.rate)
        total = int(args.minutes * 60 * args.rate)
        per_minute = int(60 * args.rate)

        def posts() -> Iterator[bytes]:
            for i in range(total):
                post = dict(templates[i % len(templates)])
                post["id"] = str(9_000_000_000_000_000_000 + i)
                at = (t0 + i * step).isoformat(timespec="milliseconds")
                post["created_at"] = at.replace("+00:00", "Z")
                yield orjson.dumps(post)

        seen = [0]
        start = time.monotonic()
        print(f"\nwatch's stages in process, {args.rate:,.0f} posts/s of stream time, "
              f"snapshots every {args.snapshot_every:g} s (share {args.snapshot_share:g}), "
              f"coordination max_posts {args.max_posts or 'the default'}\n")  # fmt: skip
        print("| stream minute | wall s | RSS MB | snapshots | last snapshot ms / MB |")
        print("|---:|---:|---:|---:|---:|")

        def on_batch(batch: Batch, result: object) -> None:
            before = seen[0] // per_minute
            seen[0] += len(batch.posts)
            if seen[0] // per_minute > before:
                gc.collect()
                rss = _rss_mb([os.getpid()])
                last = f"{taken[-1][0] * 1000:.0f} / {taken[-1][1] / 2**20:.1f}" if taken else ""
                print(f"| {seen[0] // per_minute} | {time.monotonic() - start:.0f} | {rss:.0f} "
                      f"| {len(taken)} | {last} |", flush=True)  # fmt: skip

        pipeline = Pipeline(store, built, clock, separate_writer=False, on_batch=on_batch,
                            after=after)  # fmt: skip
        pipeline.run(read_lines(posts(), "stages", IngestStats(), Quarantine(), batch_size=500))
        store.close()


def _count(db: Path) -> int:
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return int(con.execute("SELECT count(*) FROM posts").fetchone()[0])
    finally:
        con.close()


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    w = sub.add_parser("wal", help="WAL size during a paced replay, with and without the dashboard")
    w.add_argument("--speed", type=float, default=36000.0)
    w.add_argument("--sse", type=int, default=5, help="event-stream clients with the dashboard")
    s = sub.add_parser("soak", help="watch + serve + SSE clients on a growing file")
    s.add_argument("--minutes", type=float, default=10.0)
    s.add_argument("--rate", type=float, default=1000.0, help="posts written a second")
    s.add_argument("--sse", type=int, default=50, help="event-stream clients")
    s.add_argument("--keep", default=None, help="copy the process logs to this folder")
    s.add_argument("--page", choices=("six", "full"), default="six",
                   help="the page client's reads: six API pages, or all the dashboard's")  # fmt: skip
    s.add_argument("--trace", default=None, help="write one CSV row of samples a second here")
    s.add_argument(
        "--memory",
        default=None,
        metavar="DIR",
        help="run watch under tracemalloc, snapshots into DIR, and print the growth",
    )
    s.add_argument("--memory-every", type=float, default=20.0, help="seconds between snapshots")
    c = sub.add_parser("coordination", help="the coordination state's size at a rate, in process")
    c.add_argument("--rate", type=float, default=1000.0, help="posts a second of stream time")
    c.add_argument("--minutes", type=float, default=10.0, help="minutes of stream time")
    c.add_argument("--every", type=float, default=1.0, help="stream minutes between rows")
    c.add_argument("--max-posts", type=int, default=0, help="the bound (default: the config's)")
    g = sub.add_parser("stages", help="watch's stages in process: memory and snapshots")
    g.add_argument("--rate", type=float, default=1000.0, help="posts a second of stream time")
    g.add_argument("--minutes", type=float, default=4.0, help="minutes of stream time")
    g.add_argument("--max-posts", type=int, default=0, help="the coordination bound")
    g.add_argument("--snapshot-every", type=float, default=1.0, help="as watch: 1 s")
    g.add_argument("--snapshot-share", type=float, default=0.02, help="0: every second")
    args = parser.parse_args(argv)
    run = {"wal": wal, "soak": soak, "coordination": coordination, "stages": stages}
    run[args.what](args)


if __name__ == "__main__":
    main(sys.argv[1:])
