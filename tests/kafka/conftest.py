"""Fixtures for the Kafka tests: a Tansu broker per test, workers as subprocesses."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.kafka.broker import require_kafka, tansu


@pytest.fixture
def broker() -> Iterator[str]:
    """``host:port`` of a fresh Tansu broker on loopback (memory storage)."""
    with tansu(require_kafka()) as address:
        yield address
