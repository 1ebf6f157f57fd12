"""Shared fixtures: the shared data folder (tests skip without it) and the shipped models."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from foretold.understand.accurate import ENCODER_FILE
from foretold.understand.accurate import MODEL_FILE as ACCURATE_FILE
from foretold.understand.fast import MODEL_FILE as FAST_FILE


def _data_root() -> Path | None:
    here = Path(__file__).resolve()
    for candidate in (
        os.environ.get("FORETOLD_DATA"),
        "../shared/data",
        str(here.parents[3] / "shared" / "data"),
    ):
        if candidate and (Path(candidate) / "tweeteval").is_dir():
            return Path(candidate)
    return None


@pytest.fixture(scope="session")
def data_root() -> Path:
    root = _data_root()
    if root is None:
        pytest.skip("shared data folder (../shared/data or $FORETOLD_DATA) is absent")
    return root


@pytest.fixture(scope="session")
def fast_model() -> Path:
    if not FAST_FILE.exists():
        pytest.skip("fast model not built (run: foretold train --tier fast)")
    return FAST_FILE


@pytest.fixture(scope="session")
def accurate_ready() -> bool:
    if not (ACCURATE_FILE.exists() and ENCODER_FILE.exists()):
        pytest.skip("accurate model not built (run: foretold train --tier accurate)")
    pytest.importorskip("onnxruntime", reason="accurate tier needs the understand extra")
    pytest.importorskip("tokenizers", reason="accurate tier needs the understand extra")
    return True
