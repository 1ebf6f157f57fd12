"""The wrong-type sweep every reader's tests run: each value anywhere in a record replaced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

WRONG: tuple[object, ...] = (None, 0, -1, 1.5, True, "", "x", [], [1], {}, {"a": 1})


def mutations(obj: Any, extra: tuple[object, ...] = ()) -> Iterator[Any]:
    """Copies of ``obj`` with one value anywhere inside replaced by a wrong one."""
    wrong_values = WRONG + extra
    if isinstance(obj, dict):
        for key in obj:
            for wrong in wrong_values:
                yield {**obj, key: wrong}
            for inner in mutations(obj[key], extra):
                yield {**obj, key: inner}
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            for inner in mutations(item, extra):
                yield [*obj[:i], inner, *obj[i + 1 :]]
