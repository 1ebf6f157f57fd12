"""Screenshot of the dashboard for docs/dashboard.png: a swarm drill, its panels showing.

Usage (from the repository root)::

    foretold simulate astroturf_attack --seed 1 --out /tmp/swarm.jsonl
    python bench/dashboard_screenshot.py --cut /tmp/swarm.jsonl   # up to the swarm's end
    foretold replay /tmp/swarm-cut.jsonl --store /tmp/swarm.db \
        --track '#AskCityLibrary' --track @CityLibraryNYC
    python bench/dashboard_screenshot.py --store /tmp/swarm.db --out docs/dashboard.png

``--cut`` keeps the stream's posts up to 10 minutes after the swarm's last order (from
its truth file), so the Coordination panel, which reads the campaign's last hour, shows
the swarm. Serves the store in-process on a free localhost port and drives Debian's
chromium with Playwright (no browser download).
"""

from __future__ import annotations

import argparse
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright

from foretold.web import make_server

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]  # fmt: skip


def main() -> None:
    """Serve, open, wait for the charts and alert markers, save a full-page screenshot."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", default="/tmp/askjpm.db")
    parser.add_argument("--out", default="docs/dashboard.png")
    parser.add_argument("--width", type=int, default=1440)
    parser.add_argument("--cut", help="write STREAM-cut.jsonl: STREAM up to its swarm's end")
    args = parser.parse_args()
    if args.cut:
        cut(Path(args.cut))
        return
    server = make_server(args.store, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page(viewport={"width": args.width, "height": 1000})
            page.goto(url)
            page.wait_for_selector("body[data-updates]")
            page.wait_for_selector(".alert-marker")
            page.wait_for_selector("body[data-panels]")  # the coordination and language panels
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"wrote {args.out}")


def cut(stream: Path) -> None:
    """Keep the posts of ``stream`` up to 10 minutes after its swarm's last order."""
    from datetime import timedelta

    import orjson

    from foretold.post import parse_time
    from foretold.simulate.truth import truth_path

    truth = orjson.loads(truth_path(stream).read_bytes())
    end = parse_time(truth["coordination"]["end"]) + timedelta(minutes=10)
    out = stream.with_name(stream.name.split(".")[0] + "-cut.jsonl")
    n = 0
    with stream.open("rb") as f, out.open("wb") as w:
        for line in f:
            if parse_time(orjson.loads(line)["created_at"]) > end:
                break
            w.write(line)
            n += 1
    print(f"wrote {out}: {n:,} posts up to {end.isoformat()}")


if __name__ == "__main__":
    main()
