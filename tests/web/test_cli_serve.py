"""``foretold serve``: help with examples, and the secure default."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from foretold.cli.serve import serve_cmd
from tests.web.conftest import Running
from tests.web.test_api import get_json


def test_help_shows_examples() -> None:
    r = CliRunner().invoke(serve_cmd, ["--help"])
    assert r.exit_code == 0
    assert "foretold serve --store foretold.db" in r.output
    assert "FORETOLD_TOKEN" in r.output


def test_refuses_a_public_bind_without_token(store_path: str) -> None:
    r = CliRunner().invoke(
        serve_cmd, ["--store", store_path, "--host", "0.0.0.0"], env={"FORETOLD_TOKEN": ""}
    )
    assert r.exit_code != 0
    assert "FORETOLD_TOKEN" in str(r.exception)


def test_sees_writes_from_another_process(dashboard: Running, store_path: str) -> None:
    code = (
        "from foretold.store import Store; from tests.web.conftest import make_post, write\n"
        f"with Store({store_path!r}) as s: write(s, [make_post(40, 'from another process', minutes=42)])\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)
    latest = get_json(dashboard.url + "/api/campaigns/askjpm/latest?limit=1")
    assert latest[0]["text"] == "from another process"
