"""A rule classifier for the picture tests: a text is hostile when it holds one of its words."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Said:
    """One text's labels: angry and negative, or calm."""

    def __init__(self, hostile: bool) -> None:
        self.hostile = hostile

    def to_dict(self) -> dict[str, Any]:
        if self.hostile:
            return {"sentiment": "negative", "emotion": "anger", "flags": []}
        return {"sentiment": "neutral", "emotion": "joy", "flags": []}


class Hostile:
    """Hostile when the text says one of ``words`` (any case)."""

    tier = "rule"

    def __init__(self, *words: str) -> None:
        self.words = tuple(w.upper() for w in words)

    def classify(self, texts: Sequence[str]) -> list[Said]:
        return [Said(any(w in t.upper() for w in self.words)) for t in texts]
