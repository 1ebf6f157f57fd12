"""The one compiled part: the near-copy digest (``foretold/coordination/_digest.c``).

It is optional: where no C compiler is, the build goes on without it and
``foretold.coordination.nearcopy`` uses its numpy path, which gives the same digests
(``tests/coordination/test_digest_c.py``). Everything else is in ``pyproject.toml``.
"""

from setuptools import Extension, setup

setup(
    ext_modules=[
        Extension(
            "foretold.coordination._digest",
            sources=["src/foretold/coordination/_digest.c"],
            extra_compile_args=["-O3"],
            optional=True,
        )
    ]
)
