"""The dashboard's access token: its rules, its comparison, and a brake on guessing.

A token is a secret shared out of band (``FORETOLD_TOKEN``). It may hold only the
characters of a URL-safe or base64 secret (letters, digits and ``-._~+/=``), so it
never carries a line break, a ``;`` or a space into a header or a cookie. Off
loopback it must also be long (``TokenRules.min_length``) and unpredictable: its
characters' Shannon entropy times its length must reach ``TokenRules.min_bits``
(``openssl rand -hex 24`` gives about 180 bits; ``aaaa…`` gives 0). Tokens are
compared as SHA-256 digests with :func:`hmac.compare_digest`, so neither the
content nor the length leaks through timing, and each client address may fail only
a few times before it must wait (:class:`FailureBrake`).

>>> check_token("x" * 40, loopback=False)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
foretold.errors.ConfigError: FORETOLD_TOKEN is too easy to guess ...: it has 40 characters and about 0 bits...
>>> check_token("0123456789abcdef" * 3, loopback=False)
>>> same_token("s3cret", "s3cret"), same_token("s3cret", "s3cre")
(True, False)
>>> brake = FailureBrake(burst=2, refill_s=10.0, clock=lambda: 0.0)
>>> [brake.failed("10.0.0.9") for _ in range(3)]
[0.0, 0.0, 10.0]
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from foretold.errors import ConfigError

TOKEN_CHARS = re.compile(r"[A-Za-z0-9._~+/=-]+")


@dataclass(frozen=True)
class TokenRules:
    """What a token must be: ``min_length`` characters and ``min_bits`` of estimated
    entropy when the dashboard listens beyond loopback; ``max_length`` always."""

    min_length: int = 32
    min_bits: float = 128.0
    max_length: int = 512


def entropy_bits(token: str) -> float:
    """Length times the Shannon entropy of the token's characters, in bits.

    An estimate from the token itself: repeats and small alphabets score low.

    >>> round(entropy_bits("abab")), round(entropy_bits("aaaa"))
    (4, 0)
    """
    if not token:
        return 0.0
    n = len(token)
    return n * sum(c / n * math.log2(n / c) for c in Counter(token).values())


def is_token_text(value: str, rules: TokenRules = TokenRules()) -> bool:
    """Whether ``value`` is made only of token characters (so it is safe in a header)."""
    return 0 < len(value) <= rules.max_length and TOKEN_CHARS.fullmatch(value) is not None


def check_token(token: str, loopback: bool, rules: TokenRules = TokenRules()) -> None:
    """Raise ConfigError when ``token`` may not protect a dashboard bound so."""
    if not token:
        return
    if not is_token_text(token, rules):
        raise ConfigError(
            "FORETOLD_TOKEN may hold only letters, digits and -._~+/= "
            f"(at most {rules.max_length} characters)"
        )
    bits = entropy_bits(token)
    if not loopback and (len(token) < rules.min_length or bits < rules.min_bits):
        raise ConfigError(
            "FORETOLD_TOKEN is too easy to guess for a dashboard reachable from other machines: "
            f"it has {len(token)} characters and about {bits:.0f} bits of entropy; use at least "
            f"{rules.min_length} random characters with {rules.min_bits:.0f} bits "
            "(e.g. FORETOLD_TOKEN=$(openssl rand -hex 24))"
        )


def same_token(supplied: str, token: str) -> bool:
    """Constant-time equality of two tokens (digests first: the length does not leak)."""
    a = hashlib.sha256(supplied.encode()).digest()
    b = hashlib.sha256(token.encode()).digest()
    return hmac.compare_digest(a, b)


class FailureBrake:
    """A token bucket of failed attempts per client address.

    Each address may fail ``burst`` times at once; one more attempt is earned every
    ``refill_s`` seconds. :meth:`failed` records a failure and returns 0, or the
    seconds to wait when the bucket was already empty; :meth:`wait` tells without
    recording. At most ``max_clients`` addresses are remembered (the least recent
    is forgotten first), so a flood of addresses cannot exhaust memory.
    """

    def __init__(
        self,
        burst: int = 10,
        refill_s: float = 2.0,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.burst = burst
        self.refill_s = refill_s
        self.max_clients = max_clients
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, at
        self._lock = threading.Lock()

    def _tokens(self, client: str) -> float:
        tokens, at = self._buckets.get(client, (float(self.burst), self.clock()))
        return min(float(self.burst), tokens + (self.clock() - at) / self.refill_s)

    def wait(self, client: str) -> float:
        """Seconds ``client`` must wait before its next attempt is even checked."""
        with self._lock:
            tokens = self._tokens(client)
        return 0.0 if tokens >= 1 else (1 - tokens) * self.refill_s

    def failed(self, client: str) -> float:
        """Record one failed attempt; the seconds to wait if none was left."""
        with self._lock:
            return self._fail(client)

    def _fail(self, client: str) -> float:
        tokens = self._tokens(client)
        if tokens < 1:
            self._buckets[client] = (tokens, self.clock())
            self._buckets.move_to_end(client)
            return (1 - tokens) * self.refill_s
        self._buckets[client] = (tokens - 1, self.clock())
        self._buckets.move_to_end(client)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)
        return 0.0
