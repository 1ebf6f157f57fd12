"""``foretold serve``: the live dashboard and JSON API over a store."""

from __future__ import annotations

import os

import click

from foretold.cli.options import store_option


@click.command(name="serve")
@store_option("The database file to show (it may be written by a running watch or replay).")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to bind; anything but localhost needs FORETOLD_TOKEN.",
)
@click.option(
    "--port", default=8350, show_default=True, type=click.IntRange(0, 65535),
    help="Port to listen on.",
)  # fmt: skip
@click.option(
    "--media-dir", "media_dirs", multiple=True, metavar="DIR",
    help="A folder of the posts' pictures (replay --media-dir) whose files the page may show "
    "as thumbnails; the watch's cache NAME.media beside the store is always one.",
)  # fmt: skip
def serve_cmd(store_path: str, host: str, port: int, media_dirs: tuple[str, ...]) -> None:
    """Serve the dashboard: campaigns, levels, timelines, posts, alerts, live.

    The page updates by itself (server-sent events) while another process writes
    the store. The JSON API it uses is described at /api/openapi.json. It binds to
    localhost; to listen on another address set FORETOLD_TOKEN and open
    http://HOST:PORT/?token=TOKEN once (a cookie keeps it).

    \b
    Examples:
      foretold serve --store foretold.db
      foretold replay askjpm.jsonl --store live.db --track '#AskJPM' --speed 600 &
      foretold serve --store live.db --port 8080
      foretold serve --store storm.db --media-dir storm-media/
      FORETOLD_TOKEN=$(openssl rand -hex 24) foretold serve --store foretold.db --host 0.0.0.0
    """  # fmt: skip
    from foretold.web import make_server

    server = make_server(
        store_path, host, port, token=os.environ.get("FORETOLD_TOKEN", ""), media_dirs=media_dirs
    )
    shown = f"[{host}]" if ":" in host else host
    click.echo(f"foretold dashboard on http://{shown}:{server.server_address[1]}/ (Ctrl-C to stop)")
    try:
        server.serve_forever()
    finally:  # Ctrl-C / SIGTERM: closed here; the command group says so, exit 130 / 143
        server.server_close()
