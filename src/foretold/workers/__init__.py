"""Scale-out on Kafka: the pipeline's stages as horizontally scaled Quix Streams workers.

::

    publish ──> foretold.posts.raw ──> [classify workers] ──> foretold.posts.labelled
                 (keyed by post)        Track + Classify       (keyed by campaign)
                                                                     │
                 store <── alerts, metrics, phases ── [detect workers]┘──> foretold.alerts

The per-post and per-window logic is the embedded pipeline's own stage objects
(:class:`~foretold.campaigns.Track`, :class:`~foretold.understand.stage.Classify`,
:class:`~foretold.detect.stage.Detect`); this package only moves their batches
through topics. Quix Streams is imported lazily (the ``kafka`` extra).
"""
