"""The Quix Streams boundary: applications and clients with the settings foretold needs.

Quix Streams and confluent-kafka come with the ``kafka`` extra and are imported here
only, lazily, and typed as ``Any``. Consumer groups get short session and poll
timeouts so a killed worker's partitions move to the survivors within seconds (and
because small brokers such as Tansu need them).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from foretold.errors import ConfigError
from foretold.workers.topics import ALERTS, LABELLED, RAW, topic_config

#: Consumer settings for every worker: a dead worker is noticed within seconds.
CONSUMER = {
    "session.timeout.ms": 6000,
    "heartbeat.interval.ms": 500,
    "max.poll.interval.ms": 30000,
}


def _module(name: str) -> Any:
    try:
        return importlib.import_module(name)
    except ImportError:
        raise ConfigError(
            "Kafka workers need the kafka extra: pip install 'foretold[kafka]'"
        ) from None


def application(
    broker: str,
    group: str,
    state_dir: str = "state",
    exactly_once: bool = False,
    commit_interval: float = 1.0,
    worker_id: str | None = None,
) -> Any:
    """A Quix Streams ``Application`` in consumer group ``group``.

    With ``exactly_once``, a stable ``worker_id`` gives the worker a stable
    transactional id: a restarted worker then fences (aborts) the open transaction of
    the process it replaces at once, so readers of the alert topic (``read_committed``)
    are not held back until the transaction times out.
    """
    producer_extra: dict[str, Any] = {"transaction.timeout.ms": 10000}
    if exactly_once and worker_id:
        producer_extra["transactional.id"] = f"{group}-{worker_id}"
    qs = _module("quixstreams")
    return qs.Application(
        broker_address=broker,
        consumer_group=group,
        auto_offset_reset="earliest",
        state_dir=state_dir,
        consumer_extra_config=dict(CONSUMER),
        producer_extra_config=producer_extra,
        commit_interval=commit_interval,
        processing_guarantee="exactly-once" if exactly_once else "at-least-once",
        loglevel="WARNING",
    )


#: How many times :func:`run_supervised` builds a worker's application afresh after the
#: recovery race before it gives up and lets the error out.
RESTARTS = 3


def is_recovery_race(error: BaseException) -> bool:
    """Whether ``error`` is Quix Streams' recovery race: a consumer-group rebalance during
    state recovery resumes a changelog partition, and its message reaches the processing
    loop, which has no dataframe for that topic (``KeyError: 'changelog__...'``; fixed
    upstream in quixio/quix-streams#1146, after the 3.28.1 that foretold pins).

    >>> is_recovery_race(KeyError("changelog__foretold-detect--labelled--state"))
    True
    >>> is_recovery_race(KeyError("campaign"))
    False
    """
    return (
        isinstance(error, KeyError)
        and bool(error.args)
        and str(error.args[0]).startswith("changelog__")
    )


def run_supervised(
    make_app: Callable[[], Any], log: Callable[[str], None], restarts: int = RESTARTS
) -> None:
    """``make_app().run()``, and after the recovery race a fresh application, as a
    supervisor would restart the process: the failed one stopped without committing, so
    the new one resumes from the last commit and recovers its state from the changelog
    again (nothing lost, at most some posts processed twice, which the store's keys make
    harmless). Any other error, or the race ``restarts + 1`` times, is let out."""
    for attempt in range(1, restarts + 2):
        try:
            make_app().run()
            return
        except KeyError as e:
            if not is_recovery_race(e) or attempt > restarts:
                raise
            log(
                f"foretold: a rebalance during state recovery sent changelog {e.args[0]} to "
                f"processing (a Quix Streams race); restarting the worker's application "
                f"from its last commit ({attempt}/{restarts})"
            )


def topic(app: Any, name: str, partitions: int, value: str = "json") -> Any:
    """``app.topic`` with foretold's config (retention set at creation)."""
    qs = _module("quixstreams.models")
    return app.topic(
        name,
        value_deserializer=value,
        value_serializer="json",
        key_deserializer="str",
        key_serializer="str",
        config=qs.TopicConfig(**topic_config(partitions)),
    )


def producer(broker: str, **extra: Any) -> Any:
    """A confluent-kafka ``Producer`` (for publishing raw posts)."""
    ck = _module("confluent_kafka")
    return ck.Producer({"bootstrap.servers": broker, "linger.ms": 5, **extra})


def create_topics(broker: str, partitions: int, timeout: float = 10.0) -> None:
    """Create the raw, labelled and alert topics if missing (retention set)."""
    ck = _module("confluent_kafka.admin")
    admin = ck.AdminClient({"bootstrap.servers": broker})
    have = set(admin.list_topics(timeout=timeout).topics)
    cfg = topic_config(partitions)
    new = [
        ck.NewTopic(name, num_partitions=cfg["num_partitions"], replication_factor=1,
                    config=cfg["extra_config"])
        for name in (RAW, LABELLED, ALERTS)
        if name not in have
    ]  # fmt: skip
    if not new:
        return
    for fut in admin.create_topics(new, operation_timeout=timeout).values():
        try:
            fut.result(timeout=timeout)
        except Exception as e:  # an existing topic (a race with another client) is fine
            if "TOPIC_ALREADY_EXISTS" not in str(e):
                raise
