"""The live picture fetch against a local HTTP server: the private-address rule (also
after a redirect), the size cap, the content type, the cache and the pool."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest

from foretold.errors import ConfigError
from foretold.media.cache import MediaCache
from foretold.media.fetch import FetchConfig, Fetcher, FetchError, default_client, fetch_image
from foretold.post import Author, Media, Post
from foretold.records import Batch

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4  # 1,032 bytes
MEME_JPG = Path(__file__).parent / "data" / "meme.jpg"


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client that stops reading a refused body breaks the pipe: expected


class Server:
    """127.0.0.1 on a free port; routes: /meme.png, /big.png (no length), /big-length.png,
    /page.html, /svg, /to-local (302 to 127.0.0.1), /loop, /gone; counts requests."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                outer.hits.append(self.path)
                port = outer.port
                if self.path == "/meme.png":
                    self._send(200, "image/png", PNG)
                elif self.path == "/worst.jpg":  # a real meme (tests/media/data)
                    self._send(200, "image/jpeg", MEME_JPG.read_bytes())
                elif self.path == "/big.png":  # no Content-Length: counted as it arrives
                    self.send_response(200)
                    self.send_header("Content-Type", "image/png")
                    self.send_header("Connection", "close")
                    self.end_headers()
                    for _ in range(64):
                        self.wfile.write(PNG)
                elif self.path == "/big-length.png":
                    self._send(200, "image/png", PNG * 64)
                elif self.path == "/page.html":
                    self._send(200, "text/html; charset=utf-8", b"<html></html>")
                elif self.path == "/svg":
                    self._send(200, "image/svg+xml", b"<svg onload='alert(1)'/>")
                elif self.path == "/to-local":
                    self._redirect(f"http://127.0.0.1:{port}/meme.png")
                elif self.path == "/loop":
                    self._redirect("/loop")
                else:
                    self._send(404, "text/plain", b"gone")

            def _send(self, code: int, ctype: str, body: bytes) -> None:
                self.send_response(code)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _redirect(self, to: str) -> None:
                self.send_response(302)
                self.send_header("Location", to)
                self.send_header("Content-Length", "0")
                self.end_headers()

        self.httpd = _QuietServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}{path}"

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def _public(host: str) -> list[str]:
    """A resolver that calls 'localhost' public (the connection still goes to 127.0.0.1):
    how a public name that redirects inward looks to the policy."""
    return ["93.184.216.34"] if host == "localhost" else [host]


def _fetch(url: str, **config: object) -> tuple[bytes, str]:
    cfg = FetchConfig(fetch=True, max_bytes=4096, timeout_s=5, **config)  # type: ignore[arg-type]
    with default_client(cfg) as client:
        return fetch_image(client, url, cfg, resolver=_public)


def test_a_private_address_is_refused_before_any_request(server: Server) -> None:
    with pytest.raises(FetchError) as e:
        _fetch(server.url("/meme.png"))
    assert e.value.reason == "private address"
    assert server.hits == []
    assert _fetch(server.url("/meme.png"), allow_private=True) == (PNG, "image/png")


def test_a_redirect_into_a_private_address_is_refused_unless_allowed(server: Server) -> None:
    with pytest.raises(FetchError) as e:
        _fetch(server.url("/to-local", host="localhost"))
    assert e.value.reason == "private address"
    assert server.hits == ["/to-local"]  # the second hop was never asked
    assert _fetch(server.url("/to-local", host="localhost"), allow_private=True)[0] == PNG
    with pytest.raises(FetchError, match="too many redirects"):
        _fetch(server.url("/loop"), allow_private=True)


@pytest.mark.parametrize("path", ["/big.png", "/big-length.png"])
def test_an_oversized_file_is_refused(server: Server, path: str) -> None:
    with pytest.raises(FetchError) as e:
        _fetch(server.url(path), allow_private=True)
    assert e.value.reason == "too large"


@pytest.mark.parametrize(("path", "reason"), [
    ("/page.html", "not an image"), ("/svg", "not an image"), ("/gone", "http 404"),
])  # fmt: skip
def test_wrong_content_type_and_errors_are_refused(server: Server, path: str, reason: str) -> None:
    with pytest.raises(FetchError) as e:
        _fetch(server.url(path), allow_private=True)
    assert e.value.reason == reason


def test_only_http_and_https() -> None:
    with pytest.raises(FetchError, match="bad address"):
        _fetch("file:///etc/passwd")


def test_a_stalled_server_times_out() -> None:
    def stall(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("stalled", request=request)

    cfg = FetchConfig(fetch=True, allow_private=True)
    client = httpx.Client(transport=httpx.MockTransport(stall))
    with pytest.raises(FetchError) as e:
        fetch_image(client, "http://media.example/a.png", cfg)
    assert e.value.reason == "timeout"


def _post(pid: str, *urls: str) -> Post:
    return Post(platform="x", id=pid, text="caption", created_at=datetime(2024, 1, 1, tzinfo=UTC),
                author=Author(id="7"), media=tuple(Media("photo", u, None, None) for u in urls))  # fmt: skip


def test_the_fetcher_never_waits_and_lists_what_arrived(server: Server, tmp_path: Path) -> None:
    cfg = FetchConfig(fetch=True, allow_private=True, workers=2, max_bytes=4096)
    fetcher = Fetcher(cfg, MediaCache(tmp_path / "cache", 1 << 20))
    try:
        first = _post("1", server.url("/meme.png"), server.url("/page.html"))
        batch = Batch(posts=[first, _post("2", server.url("/meme.png"))])
        fetcher.process(batch)  # returns at once; the pool fetches
        assert batch.media is fetcher
        assert fetcher.wait_idle(10)
        assert sorted((p.id, i) for p, i in fetcher.arrived()) == [("1", 0), ("2", 0)]
        assert fetcher.arrived() == []
        assert server.hits.count("/meme.png") == 1  # one fetch for both posts
        assert fetcher.bytes_for(first, first.media[0]) == PNG
        assert fetcher.path_for(first, first.media[1]) is None
        # seen again (a retweet): straight from the cache, in the same batch
        again = _post("3", server.url("/meme.png"))
        fetcher.process(Batch(posts=[again]))
        assert fetcher.bytes_for(again, again.media[0]) == PNG
        stats = fetcher.stats.as_dict()
        assert stats == {"fetched": 1, "bytes": len(PNG), "cached": 1, "dropped": 0,
                         "refused": {"not an image": 1}}  # fmt: skip
    finally:
        fetcher.close()


def test_a_full_queue_skips_pictures_instead_of_waiting(tmp_path: Path) -> None:
    release = threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        release.wait(10)
        return httpx.Response(200, headers={"content-type": "image/png"}, content=PNG)

    cfg = FetchConfig(fetch=True, allow_private=True, workers=1, queue=2)
    fetcher = Fetcher(cfg, MediaCache(tmp_path, 1 << 20),
                      client=lambda: httpx.Client(transport=httpx.MockTransport(slow)))  # fmt: skip
    try:
        posts = [_post(str(i), f"http://media.example/{i}.png") for i in range(6)]
        fetcher.process(Batch(posts=posts))  # returns although nothing can be fetched yet
        assert fetcher.stats.dropped >= 3
        release.set()
        assert fetcher.wait_idle(10)
        assert fetcher.stats.fetched + fetcher.stats.dropped == 6
    finally:
        release.set()
        fetcher.close()


def test_the_cache_is_content_addressed_and_bounded(tmp_path: Path) -> None:
    cache = MediaCache(tmp_path, limit_bytes=2500)
    a = cache.put("http://e.example/a.png", PNG, "image/png")
    assert cache.put("http://e.example/copy.png", PNG, "image/png") == a  # stored once
    assert cache.size == len(PNG)
    cache.put("http://e.example/b.jpg", PNG[:-1], "image/jpeg")
    cache.put("http://e.example/c.gif", PNG[:-2], "image/gif")  # over the limit: oldest goes
    assert cache.lookup("http://e.example/a.png") is None
    assert cache.lookup("http://e.example/copy.png") is None
    assert cache.size <= 2500 and cache.evicted == 1
    # a restart finds what is left by address
    again = MediaCache(tmp_path, limit_bytes=2500)
    found = again.lookup("http://e.example/c.gif")
    assert found is not None and found.suffix == ".gif" and found.read_bytes() == PNG[:-2]


def test_the_media_table_is_checked() -> None:
    cfg = FetchConfig.from_table({"fetch": True, "workers": 2, "timeout_s": 3}, "f.toml")
    assert (cfg.fetch, cfg.workers, cfg.timeout_s) == (True, 2, 3.0)
    for bad in ({"workers": 0}, {"max_bytes": "big"}, {"cache_dir": 3}, {"timeout_s": True}):
        with pytest.raises(ConfigError, match=r"\[media\]"):
            FetchConfig.from_table(bad, "f.toml")


def test_foretold_toml_media_table(tmp_path: Path) -> None:
    from foretold.campaigns import load_config
    from foretold.media.fetch import fetcher_for

    toml = tmp_path / "foretold.toml"
    toml.write_text("[media]\nfetch = true\nworkers = 1\ncache_mb = 1\n", encoding="utf-8")
    config = load_config(toml)
    fetcher = fetcher_for(config.media, str(tmp_path / "brand.db"))
    assert fetcher is not None
    try:
        assert fetcher.cache.root == tmp_path / "brand.media" and fetcher.cache.limit == 1 << 20
    finally:
        fetcher.close()
    assert fetcher_for({}, "x.db") is None  # off unless the config says so
    toml.write_text("[media]\nfetsh = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown key 'fetsh'; did you mean 'fetch'"):
        load_config(toml)
    toml.write_text("[media]\nfetch = true\nmax_bytes = -1\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="max_bytes"):
        load_config(toml)
    toml.write_text("[[media]]\nfetch = true\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="one table"):
        load_config(toml)


def test_watch_fetches_a_posts_picture_into_the_cache(server: Server, tmp_path: Path) -> None:
    import json
    import os
    import signal

    from click.testing import CliRunner

    from foretold.cli.watch import watch_cmd
    from foretold.store import Store

    line = {"platform": "x", "id": "1", "text": "my #myNYPD photo",
            "created_at": "2024-01-01T00:00:00.000Z", "author": {"id": "7", "handle": "ann"},
            "media": [{"type": "photo", "url": server.url("/meme.png"), "alt_text": "a photo",
                       "key": "3_1"}]}  # fmt: skip
    data = tmp_path / "c.jsonl"
    data.write_text(json.dumps(line) + "\n", encoding="utf-8")
    cache = tmp_path / "pictures"
    cfg = tmp_path / "foretold.toml"
    cfg.write_text(
        f'[[source]]\ntype = "file"\npath = "{data}"\n'
        f'[media]\nfetch = true\nallow_private = true\ncache_dir = "{cache}"\nworkers = 1\n',
        encoding="utf-8",
    )

    def stop_once_fetched() -> None:  # SIGTERM as soon as the picture is in the cache
        for _ in range(400):
            if any(cache.glob("??/*.png")):
                break
            threading.Event().wait(0.05)
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_fetched)
    stopper.start()
    db = tmp_path / "w.db"
    res = CliRunner().invoke(
        watch_cmd, ["--config", str(cfg), "--store", str(db), "--tier", "fast"]
    )
    stopper.join()
    assert res.exit_code == 143, res.output
    [stored] = list(cache.glob("??/*.png"))
    assert stored.read_bytes() == PNG
    with Store(db, readonly=True) as store:
        [post] = store.iter_posts()
        summary = store.runs()[-1]["summary"]
    assert post.media[0].url == server.url("/meme.png")
    assert summary["media"]["fetched"] == 1 and summary["media"]["refused"] == {}


@pytest.mark.skipif(shutil.which("tesseract") is None, reason="tesseract-ocr is not installed")
def test_watch_reads_a_late_picture_and_its_labels_follow_as_an_update(
    server: Server, tmp_path: Path
) -> None:
    """A real watch: the post's text labels are stored at once; its picture, fetched and
    read after the post's batch (no post comes after it), updates the stored labels
    with the meme's text, and the detector counted it (its snapshot has the post
    labelled once)."""
    import json
    import os
    import pickle
    import signal

    from click.testing import CliRunner

    from foretold.campaigns import load_config
    from foretold.cli.watch import watch_cmd
    from foretold.runs import snapshot_name
    from foretold.signals import HOSTILE, LABELLED, POSTS, is_hostile
    from foretold.store import Store

    line = {"platform": "x", "id": "1", "text": "my #myNYPD photo",
            "created_at": "2024-01-01T00:00:00.000Z", "author": {"id": "7", "handle": "ann"},
            "hashtags": ["mynypd"],
            "media": [{"type": "photo", "url": server.url("/worst.jpg"), "key": "3_1"}]}  # fmt: skip
    data = tmp_path / "c.jsonl"
    data.write_text(json.dumps(line) + "\n", encoding="utf-8")
    cfg = tmp_path / "foretold.toml"
    cfg.write_text(
        f'[[campaign]]\nname = "mynypd"\nhashtags = ["#myNYPD"]\n'
        f'[[source]]\ntype = "file"\npath = "{data}"\n'
        f'[media]\nfetch = true\nallow_private = true\ncache_dir = "{tmp_path / "pics"}"\n',
        encoding="utf-8",
    )
    db = tmp_path / "w.db"
    seen: list[dict[str, object] | None] = []

    def stop_once_updated() -> None:  # SIGTERM once the stored labels quote the picture
        for _ in range(600):
            threading.Event().wait(0.05)
            if not db.exists():
                continue
            try:
                with Store(db, readonly=True) as store:
                    labels = store.labels_of("x", "1")
            except Exception:  # the store is being created
                continue
            if labels is not None and not seen:
                seen.append(labels)  # the first labels stored: the text's
            if labels is not None and "image_text" in labels:
                seen.append(labels)
                break
        threading.Event().wait(1.5)  # a snapshot of the detectors after the update
        os.kill(os.getpid(), signal.SIGTERM)

    stopper = threading.Thread(target=stop_once_updated)
    stopper.start()
    res = CliRunner().invoke(watch_cmd, ["--config", str(cfg), "--store", str(db),
                                         "--tier", "fast"])  # fmt: skip
    stopper.join()
    assert res.exit_code == 143, res.output
    assert seen and seen[-1] is not None
    assert seen[-1]["image_text"] == "SHOW US YOUR WORST SERVICE EVER"
    assert seen[-1]["sources"] == ["text", "image_text"]
    campaigns = load_config(str(cfg)).campaigns
    with Store(db, readonly=True) as store:
        readings = store.image_readings_of([("x", "1")])
        state = store.snapshot(snapshot_name(campaigns))
    assert readings[("x", "1")][0]["text"] == "SHOW US YOUR WORST SERVICE EVER"
    assert state is not None
    signals = pickle.loads(state)["campaigns"]["mynypd"].signals
    minute = signals.windows.at(signals.windows.open_index)
    assert minute.sums[POSTS] == 1 and minute.sums[LABELLED] == 1  # counted once
    assert minute.sums[HOSTILE] == is_hostile(seen[-1])  # with the picture's labels
