"""The ``Classify`` stage: every post of a batch labelled in one classifier call.

It runs after :class:`~foretold.campaigns.Track` and before the ``Detect`` stage, fills
``labels`` (the rows the store keeps) and ``label_of`` (the same labels as dicts, for
the stages after it). The Kafka classify worker calls the same stage per post.

>>> from datetime import UTC, datetime
>>> from foretold.post import Author, Post
>>> class Question:
...     tier = "rule"
...     def classify(self, texts):
...         return [Asked("?" in t) for t in texts]
>>> class Asked:
...     def __init__(self, asked):
...         self.asked = asked
...     def to_dict(self):
...         return {"question": self.asked}
>>> p = Post(platform="x", id="1", text="why?", author=Author(id="7"),
...          created_at=datetime(2013, 11, 13, tzinfo=UTC))
>>> batch = Batch(posts=[p])
>>> Classify(Question()).process(batch)
>>> batch.label_of[p.key], batch.labels
({'question': True}, [('x', '1', 'rule', b'{"question":true}')])
"""

from __future__ import annotations

import gc
from collections.abc import Sequence
from typing import Any, Protocol

import orjson

from foretold.records import Batch

__all__ = ["WARM_TEXTS", "Classifier", "Classify"]

#: What :meth:`Classify.warm` labels: English, and each language routing may send to the
#: multilingual tier, so every model a live post can need is loaded before the first one.
WARM_TEXTS = (
    "Why does the bank keep charging me fees? Terrible service.",
    "Pourquoi la banque me facture-t-elle encore des frais ? Quelle honte.",
    "Warum berechnet mir die Bank schon wieder Gebühren? Eine Frechheit.",
    "¿Por qué el banco me sigue cobrando comisiones? Qué vergüenza.",
    "Perché la banca continua a farmi pagare commissioni? Che vergogna.",
    "Por que o banco continua me cobrando taxas? Que vergonha.",
    "Waarom rekent de bank me weer kosten aan? Wat een schande.",
    "Dlaczego bank znowu pobiera ode mnie opłaty? To skandal.",
    "Почему банк снова берёт с меня комиссию? Какой позор.",
    "Banka neden hâlâ benden ücret alıyor? Ne ayıp.",
    "なぜ銀行はまた手数料を取るのですか。ひどいです。",
    "为什么银行又向我收取费用？太丢人了。",
    "왜 은행은 계속 수수료를 부과합니까? 정말 부끄럽습니다.",
    "لماذا يفرض البنك علي رسوما مرة أخرى؟ يا للعار.",
    "ทำไมธนาคารถึงเก็บค่าธรรมเนียมฉันอีกแล้ว น่าอายมาก",
)


class LabelsLike(Protocol):
    """What a classifier returns per text: anything with ``to_dict``."""

    def to_dict(self) -> dict[str, Any]: ...


class Classifier(Protocol):
    """Anything that labels texts in a batch call (see :func:`foretold.understand.load_classifier`)."""

    tier: str

    def classify(self, texts: Sequence[str]) -> Sequence[LabelsLike]: ...


class Classify:
    """Per-post understanding: labels for every post, stored and handed to later stages."""

    name = "classify"

    def __init__(self, classifier: Classifier) -> None:
        self.classifier = classifier

    def warm(self) -> None:
        """Load what the classifier loads on first use (the language identifier, the
        multilingual tier) by labelling :data:`WARM_TEXTS`, then move everything alive to
        the collector's permanent generation (:func:`gc.freeze`): a live watch calls it
        before it reads, so neither the loads (about 3 s) nor full collections walking
        the models' objects (about 0.2 s each) fall on the first posts' latency
        (``bench/detect_latency_bench.py``). The labels are thrown away.

        >>> class Counting:
        ...     tier = "rule"
        ...     calls = 0
        ...     def classify(self, texts):
        ...         Counting.calls += len(texts)
        ...         return []
        >>> Classify(Counting()).warm()
        >>> Counting.calls == len(WARM_TEXTS)
        True
        """
        self.classifier.classify(WARM_TEXTS)
        gc.freeze()

    def process(self, batch: Batch) -> None:
        """Label the batch's posts in one call; fill ``labels`` and ``label_of``."""
        if not batch.posts:
            return
        tier = self.classifier.tier
        dumps = orjson.dumps
        labels = self.classifier.classify([p.text for p in batch.posts])
        for post, label in zip(batch.posts, labels, strict=True):
            d = label.to_dict()
            batch.label_of[post.key] = d
            batch.labels.append((post.platform, post.id, tier, dumps(d)))
