"""Issue 13 item 9: on a read-only mount, ``export`` and ``alerts`` crashed with a
traceback and the dashboard answered 503 on every call. Reading works now.

As root the store is put on a read-only bind mount (skipped where mounting is not
allowed); otherwise its folder and file lose their write permission.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from foretold.cli import main
from foretold.errors import StoreError
from foretold.store import Store
from tests.hardening.web_helpers import head_of, raw
from tests.web.conftest import make_alert, make_post, serve, write


@pytest.fixture
def readonly_dir(tmp_path: Path) -> Iterator[tuple[Path, Path]]:
    """(writable folder, the same folder read-only)."""
    src, ro = tmp_path / "src", tmp_path / "ro"
    src.mkdir()
    if os.geteuid() != 0:
        yield src, src  # permissions are made read-only by ``seal``
        os.chmod(src, 0o755)
        return
    ro.mkdir()
    if subprocess.run(["mount", "--bind", str(src), str(ro)], capture_output=True).returncode:
        pytest.skip("cannot bind-mount here (needs CAP_SYS_ADMIN)")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(ro)], check=True)
        yield src, ro
    finally:
        subprocess.run(["umount", "--lazy", str(ro)], check=True)


def seal(folder: Path) -> None:
    if os.geteuid() != 0:
        for f in folder.iterdir():
            os.chmod(f, 0o444)
        os.chmod(folder, 0o555)


def _store(folder: Path) -> None:
    with Store(folder / "live.db") as store:
        store.put_campaigns([("askjpm", {"name": "askjpm", "hashtags": ["#askjpm"]})])
        write(store, [make_post(1, "read me #askjpm", minutes=1)], alerts=[make_alert("watch", 1)])
    # a clean close leaves no write-ahead log behind
    assert not (folder / "live.db-wal").exists()


def test_reading_commands_and_the_dashboard_work_on_a_readonly_store(
    readonly_dir: tuple[Path, Path], tmp_path: Path
) -> None:
    src, ro = readonly_dir
    _store(src)
    seal(ro)
    path = str(ro / "live.db")
    with pytest.raises(OSError):
        (ro / "probe").write_text("x")
    with Store(path, readonly=True) as store:
        assert store.count_posts() == 1 and store.has_campaign("askjpm")
    runner = CliRunner()
    out = tmp_path / "posts.jsonl"
    r = runner.invoke(main, ["export", "--store", path, "--out", str(out)])
    assert r.exit_code == 0, r.output
    assert "read me" in out.read_text()
    r = runner.invoke(main, ["alerts", "--store", path])
    assert r.exit_code == 0, r.output
    assert "watch" in r.output
    running = serve(path)
    try:
        for api in ("/api/campaigns", "/api/campaigns/askjpm/latest", "/api/status"):
            answer = raw(running.url, f"GET {api} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
            assert head_of(answer)[0] == 200, (api, answer[-200:])
    finally:
        running.server.shutdown()
        running.server.server_close()


def test_writing_a_readonly_store_says_why(readonly_dir: tuple[Path, Path]) -> None:
    src, ro = readonly_dir
    _store(src)
    seal(ro)
    with pytest.raises(StoreError, match="read-only disk"):
        Store(ro / "live.db")


def test_a_pending_write_ahead_log_is_an_error_not_silently_missed(
    readonly_dir: tuple[Path, Path],
) -> None:
    src, ro = readonly_dir
    _store(src)
    # a copy taken while a writer was running: the newest post is only in the -wal
    writer = Store(src / "live.db")
    writer.set_autocheckpoint(0)
    write(writer, [make_post(2, "only in the log #askjpm", minutes=2)])
    shutil.copy(src / "live.db-wal", src / "keep-wal")
    writer.close()
    shutil.move(src / "keep-wal", src / "live.db-wal")
    (src / "live.db-shm").unlink(missing_ok=True)
    seal(ro)
    with pytest.raises(StoreError, match="write-ahead log"):
        Store(ro / "live.db", readonly=True)
