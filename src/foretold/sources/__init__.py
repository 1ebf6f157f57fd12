"""Where posts come from live: file tail, X API v2, Bluesky Jetstream, Mastodon.

Every source is a :class:`LiveSource`: batches of records with the cursor that
resumes after them, a status, and one retry loop (backoff with jitter, rate limits,
stalls). :class:`Watch` runs several of them into one pipeline.
"""

from foretold.sources.base import (
    Backoff,
    Disconnected,
    LiveSource,
    RateLimited,
    SourceBatch,
    SourceError,
    SourceStatus,
    Stalled,
)
from foretold.sources.watch import LivePipeline, Watch, WatchResult

__all__ = [
    "Backoff",
    "Disconnected",
    "LivePipeline",
    "LiveSource",
    "RateLimited",
    "SourceBatch",
    "SourceError",
    "SourceStatus",
    "Stalled",
    "Watch",
    "WatchResult",
]
