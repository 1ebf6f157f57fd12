"""Screenshot of the dashboard after the #AskJPM replay, for docs/dashboard.png.

Usage (from the repository root)::

    foretold simulate askjpm --seed 1 --out /tmp/askjpm.jsonl
    foretold replay /tmp/askjpm.jsonl --store /tmp/askjpm.db --track '#AskJPM' --track @jpmorgan
    python bench/dashboard_screenshot.py --store /tmp/askjpm.db --out docs/dashboard.png

Serves the store in-process on a free localhost port and drives Debian's chromium with
Playwright (no browser download).
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
    args = parser.parse_args()
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
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=args.out, full_page=True)
            browser.close()
    finally:
        server.shutdown()
        server.server_close()
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
