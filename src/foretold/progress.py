"""A progress bar on a terminal (posts/s, quarantined), silent when piped."""

from __future__ import annotations

from types import TracebackType
from typing import Any

from foretold.ingest import IngestStats


class Progress:
    """A tqdm bar on stderr when ``enabled``; otherwise does nothing."""

    def __init__(self, enabled: bool, stats: IngestStats, unit: str = "posts") -> None:
        self.enabled = enabled
        self.stats = stats
        self._bar: Any = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(unit=f" {unit}", unit_scale=True, dynamic_ncols=True, mininterval=0.25)

    def update(self, n: int) -> None:
        """Advance by ``n`` records and refresh the quarantined count."""
        if self._bar is not None:
            self._bar.update(n)
            self._bar.set_postfix(quarantined=self.stats.quarantined, refresh=False)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        if self._bar is not None:
            self._bar.close()
