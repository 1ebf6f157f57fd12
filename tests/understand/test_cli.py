"""``foretold classify`` on every input shape, and the help of the three commands."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
from click.testing import CliRunner

from foretold.cli.understand import classify_cmd, eval_cmd, train_cmd
from foretold.understand.jsonl import parse_line

SHAPES = [
    b'{"id": "1", "text": "I love this", "author": {"username": "a"}}',
    b'{"id_str": "2", "truncated": true, "text": "cut\\u2026", '
    b'"extended_tweet": {"full_text": "How can you do this to us?"}}',
    b'{"id_str": "3", "full_text": "v1.1 extended mode"}',
    b'{"id": "4", "content": "<p>Mastodon &amp; friends<br>hi</p>", "account": {}}',
    b'{"kind": "commit", "commit": {"record": {"text": "bluesky post"}}}',
    b"just a plain line of text",
    b'{"broken json',
    b"",
    b'{"text": "lone \\ud800 surrogate"}',
    b"[1, 2, 3]",
]


def _run(data: bytes, *args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(classify_cmd, list(args), input=data)
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout_bytes.splitlines()]


def test_classify_keeps_objects_and_adds_labels(fast_model: Path) -> None:
    out = _run(b"\n".join(SHAPES) + b"\n")
    assert len(out) == len(SHAPES) - 1  # the empty line is skipped
    assert all("labels" in o for o in out)
    assert out[0]["author"] == {"username": "a"}
    assert "question" in out[1]["labels"]["flags"]  # type: ignore[index]
    assert out[5] == {"text": "just a plain line of text", "labels": out[5]["labels"]}
    assert out[6]["text"] == '{"broken json'
    assert out[8]["text"] == "[1, 2, 3]"


def test_classify_reads_gzip_files(fast_model: Path, tmp_path: Path) -> None:
    path = tmp_path / "posts.jsonl.gz"
    path.write_bytes(gzip.compress(b'{"text": "hello"}\nplain\n'))
    result = CliRunner().invoke(classify_cmd, [str(path)])
    assert result.exit_code == 0, result.output
    assert len(result.stdout_bytes.splitlines()) == 2


def test_classify_labels_a_truncated_gzip_up_to_the_break(fast_model: Path, tmp_path: Path) -> None:
    whole = gzip.compress(
        b"".join(b'{"id": "%d", "text": "post %d"}\n' % (i, i) for i in range(3000))
    )
    path = tmp_path / "cut.jsonl.gz"
    path.write_bytes(whole[: len(whole) // 2])
    quarantine = tmp_path / "q.jsonl"
    result = CliRunner().invoke(classify_cmd, [str(path), "--quarantine", str(quarantine)])
    assert result.exit_code == 0, result.output
    ids = [orjson.loads(line)["id"] for line in result.stdout_bytes.splitlines()]
    assert ids == [str(i) for i in range(len(ids))] and 0 < len(ids) < 3000
    [cut] = [orjson.loads(line) for line in quarantine.read_bytes().splitlines()]
    assert cut["line"] == len(ids) + 1 and cut["reason"].startswith("truncated gzip")


def test_classify_writes_to_output_file(fast_model: Path, tmp_path: Path) -> None:
    src, dst = tmp_path / "in.txt", tmp_path / "out.jsonl"
    src.write_text("one\ntwo\n")
    result = CliRunner().invoke(classify_cmd, [str(src), "-o", str(dst)])
    assert result.exit_code == 0, result.output
    assert [orjson.loads(x)["text"] for x in dst.read_bytes().splitlines()] == ["one", "two"]


def test_missing_file_is_a_clear_error() -> None:
    from foretold.cli import main

    result = CliRunner().invoke(main, ["classify", "/nonexistent/posts.jsonl"])
    assert (result.exit_code, result.output) == (  # the words replay uses
        2, "foretold: error: cannot open input '/nonexistent/posts.jsonl': No such file or "
        "directory\n",
    )  # fmt: skip


@pytest.mark.parametrize("command", [classify_cmd, train_cmd, eval_cmd])
def test_help_has_examples(command: object) -> None:
    result = CliRunner().invoke(command, ["--help"])  # type: ignore[arg-type]
    assert result.exit_code == 0
    assert "Examples:" in result.output


def test_parse_line_text_fallback() -> None:
    assert parse_line('{"data": {"text": "v2 single"}}')[1] == "v2 single"
    assert parse_line("{not json")[0] == {"text": "{not json"}


def test_calibrate_only_refits_calibration_without_touching_the_heads(
    fast_model: Path, data_root: Path, tmp_path: Path
) -> None:
    import json
    import shutil

    import numpy as np

    from foretold.understand.train import MODELS

    for name in ("fast.npz", "sample_scores.json", "training.json", "hostile_questions.json"):
        shutil.copyfile(MODELS / name, tmp_path / name)
    result = CliRunner().invoke(
        train_cmd,
        ["--calibrate-only", "--tier", "fast", "--out", str(tmp_path), "--data", str(data_root)],
    )
    assert result.exit_code == 0, result.output
    with np.load(MODELS / "fast.npz") as before, np.load(tmp_path / "fast.npz") as after:
        assert np.array_equal(before["weights"], after["weights"])
        assert np.allclose(before["thresholds"], after["thresholds"], atol=1e-6)  # kept points
        assert np.allclose(before["calibration"], after["calibration"], atol=1e-5)
    assert sorted(json.loads((tmp_path / "rates.json").read_text())) == ["fast"]
    assert "## Calibration and operating points" in (tmp_path / "MODEL_CARD.md").read_text()
