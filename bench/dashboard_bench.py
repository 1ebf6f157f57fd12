"""The dashboard under the abuse of issue 13 item 6 and 7, measured on a real `foretold serve`.

Usage (from the repository root)::

    python bench/dashboard_bench.py [--held 1000] [--clients 200]
    python bench/dashboard_bench.py --server-src /path/to/older/checkout/src   # a baseline

Starts ``foretold serve`` as a child process on a small store and prints, one line each:
how many of N clients connecting at once were answered 200; threads and RSS of the
server before and while N slow clients hold connections, how many of them were
refused at once (503) and how long the rest were held; the server's CPU seconds over
3 s while its open-file limit is exhausted; the answers to an over-long and a
malformed request line; how many of 200 rapid wrong tokens were checked before the
brake (429). Before issue 13: 86-91 of 200 served, 1,002 threads and 116 -> 358 MB for
1,000 held connections, 100% CPU at the file limit, tracebacks, 3,000 guesses a second.
"""

from __future__ import annotations

import argparse
import os
import resource
import secrets
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.web.conftest import make_alert, make_post, write

from foretold.store import Store

SERVER_SRC = ""  # --server-src: serve from another checkout (a baseline)
GET = b"GET /api/status HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(
    store: str, port: int, token: str = "", preexec: Callable[[], None] | None = None
) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FORETOLD_TOKEN": token}
    if SERVER_SRC:
        env["PYTHONPATH"] = SERVER_SRC
    cmd = [sys.executable, "-c", "from foretold.cli import main; main()",
           "serve", "--store", store, "--port", str(port)]  # fmt: skip
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, preexec_fn=preexec
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise SystemExit(f"foretold serve did not start: {proc.stderr.read() if proc.stderr else ''}")


def proc_status(pid: int) -> tuple[int, float]:
    """(threads, RSS in MB) from /proc."""
    fields = dict(
        line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines()
    )
    return int(fields["Threads"]), int(fields["VmRSS"].split()[0]) / 1024


def cpu_s(pid: int) -> float:
    parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(parts[11]) + int(parts[12])) / os.sysconf("SC_CLK_TCK")


def status_of(sock: socket.socket, deadline: float | None = None) -> int:
    """The answer's status; 0 when closed unanswered; -1 when still open at ``deadline``."""
    data = b""
    try:
        while True:
            if deadline is not None:
                sock.settimeout(max(0.01, deadline - time.monotonic()))
            chunk = sock.recv(65536)
            if not chunk:
                break
            data += chunk
    except TimeoutError:
        return -1
    return int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0


def ask(port: int, request: bytes) -> int:
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        try:
            s.sendall(request)
        except ConnectionError:
            return 0
        return status_of(s, time.monotonic() + 30)


def at_once(port: int, n: int) -> int:
    socks = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(n)]
    for s in socks:
        s.sendall(GET)
    deadline = time.monotonic() + 30
    served = sum(status_of(s, deadline) == 200 for s in socks)
    for s in socks:
        s.close()
    return served


def held(port: int, pid: int, n: int) -> None:
    threads0, rss0 = proc_status(pid)
    socks = []
    for _ in range(n):
        s = socket.create_connection(("127.0.0.1", port), timeout=30)
        s.sendall(b"GET /api/status HTTP/1.1\r\n")  # never finished
        socks.append(s)
    time.sleep(1.0)
    threads1, rss1 = proc_status(pid)
    started = time.monotonic()
    deadline = started + 30
    refused = cut = still = 0
    for s in socks:
        code = status_of(s, deadline)  # 503 at once, 0 when the head deadline cuts it
        refused += code == 503
        cut += code == 0
        still += code == -1
        s.close()
    print(
        f"{n} held slow connections: threads {threads0} -> {threads1}, RSS {rss0:.0f} -> "
        f"{rss1:.0f} MB; {refused} refused at once (503), {cut} cut off by the server "
        f"within {time.monotonic() - started + 1.0:.1f} s, {still} still held after 31 s; "
        f"afterwards /api/status answers {ask(port, GET)}"
    )


def fd_limit(store: str) -> None:
    port = free_port()

    def low_limit() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))

    proc = serve(store, port, preexec=low_limit)
    try:
        socks = []
        for _ in range(80):  # more than the server may hold open
            try:
                s = socket.create_connection(("127.0.0.1", port), timeout=2)
                s.sendall(b"GET /api/status HTTP/1.1\r\n")
            except OSError:  # a full backlog: the server is not accepting
                continue
            socks.append(s)
        time.sleep(0.5)
        before = cpu_s(proc.pid)
        time.sleep(3.0)
        used = cpu_s(proc.pid) - before
        print(f"open-file limit 64, {len(socks)} of 80 clients connected: server CPU "
              f"{used:.2f} s over 3 s ({100 * used / 3:.0f}% of a core)")  # fmt: skip
        for s in socks:
            s.close()
    finally:
        proc.terminate()
        proc.wait(10)


def guesses(store: str) -> None:
    port = free_port()
    token = secrets.token_hex(24)
    proc = serve(store, port, token=token)
    try:
        started = time.monotonic()
        codes = [
            ask(port, f"GET /api/status HTTP/1.1\r\nAuthorization: Bearer g{i}\r\n\r\n".encode())
            for i in range(200)
        ]
        took = time.monotonic() - started
        print(
            f"200 rapid wrong tokens in {took:.2f} s: {codes.count(401)} checked (401), "
            f"{codes.count(429)} braked (429) unchecked"
        )
    finally:
        proc.terminate()
        proc.wait(10)


def main() -> None:
    """Run each measurement and print one line each."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--held", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=200)
    parser.add_argument("--server-src", default="", help="run the server from this src folder")
    args = parser.parse_args()
    global SERVER_SRC
    SERVER_SRC = args.server_src
    need = args.held + args.clients + 100
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < need:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(need, hard), hard))
    with tempfile.TemporaryDirectory() as tmp:
        store = str(Path(tmp) / "bench.db")
        with Store(store) as s:
            s.put_campaigns([("askjpm", {"name": "askjpm"})])
            write(s, [make_post(i, f"post {i} #askjpm", minutes=i) for i in range(50)],
                  alerts=[make_alert("watch", 10)])  # fmt: skip
        port = free_port()
        proc = serve(store, port)
        try:
            served = at_once(port, args.clients)
            print(f"{args.clients} clients connecting at once: {served} answered 200")
            held(port, proc.pid, args.held)
            long_line = ask(port, b"GET /" + b"a" * 70_000 + b" HTTP/1.1\r\n\r\n")
            garbage = ask(port, b"GARBAGE\r\n\r\n")
            unknown = ask(
                port, b"GET /api/campaigns/nope/alerts HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
            )
            print(
                f"request line over 64 KiB: {long_line}; malformed request line: {garbage}; "
                f"unknown campaign: {unknown}"
            )
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
        print(f"tracebacks on the server's stderr: {err.count(b'Traceback')}")
        fd_limit(store)
        guesses(store)


if __name__ == "__main__":
    main()
