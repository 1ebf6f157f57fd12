"""The detect worker's supervisor: Quix Streams' recovery race restarts the application
from its last commit; every other error gets out at once."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from foretold.workers.engine import run_supervised


class _App:
    def __init__(self, error: BaseException | None, runs: list[str]) -> None:
        self.error, self.runs = error, runs

    def run(self) -> None:
        self.runs.append("run")
        if self.error is not None:
            raise self.error


def _factory(errors: list[BaseException | None], runs: list[str]) -> Callable[[], _App]:
    queue = list(errors)
    return lambda: _App(queue.pop(0), runs)


RACE = KeyError("changelog__foretold-detect--labelled--default")


def test_the_recovery_race_restarts_a_fresh_application() -> None:
    runs: list[str] = []
    said: list[str] = []
    run_supervised(_factory([RACE, RACE, None], runs), said.append)
    assert runs == ["run", "run", "run"]
    assert len(said) == 2 and "changelog__foretold-detect" in said[0] and "(1/3)" in said[0]


def test_other_errors_are_not_retried() -> None:
    runs: list[str] = []
    with pytest.raises(KeyError, match="campaign"):
        run_supervised(_factory([KeyError("campaign"), None], runs), [].append)
    with pytest.raises(RuntimeError):
        run_supervised(_factory([RuntimeError("broker gone"), None], runs), [].append)
    assert runs == ["run", "run"]


def test_the_race_every_time_gets_out_after_the_restarts() -> None:
    runs: list[str] = []
    said: list[str] = []
    with pytest.raises(KeyError, match="changelog__"):
        run_supervised(_factory([RACE] * 5, runs), said.append, restarts=2)
    assert len(runs) == 3 and len(said) == 2
