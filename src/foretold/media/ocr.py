"""Reading the text in a picture (OCR), offline.

Two engines, chosen by measurement (``bench/ocr_bench.py``, table in docs/media.md):

- ``rapidocr``: PaddleOCR's PP-OCRv4 detector and recogniser on onnxruntime
  (``rapidocr-onnxruntime``; the models are in the wheel, nothing is downloaded);
- ``tesseract``: Debian's ``tesseract-ocr`` (LSTM, English), run as a process.

:func:`load_ocr` gives the default (``rapidocr``) or a named one; every engine reads
image bytes and returns the text in reading order, lines joined by spaces.
:func:`cer` is the character error rate the benchmark reports.

>>> cer("YOU HAD ONE JOB", "YOU HAD ONE J0B")
0.067
>>> normalise("  you had\\none   job ")
'YOU HAD ONE JOB'
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import threading
from typing import Any, Protocol

from foretold.errors import ForetoldError

__all__ = ["ENGINES", "OcrEngine", "OcrError", "RapidOcr", "Tesseract", "cer", "load_ocr"]

ENGINES = ("rapidocr", "tesseract")


class OcrError(ForetoldError):
    """An OCR engine is missing or cannot read a picture."""


class OcrEngine(Protocol):
    """Anything that reads the text of a picture given as bytes."""

    name: str

    def read(self, data: bytes) -> str: ...


def normalise(text: str) -> str:
    """Spaces collapsed, case folded to capitals (memes are capitals; CER ignores case)."""
    return " ".join(text.split()).upper()


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def cer(truth: str, read: str) -> float:
    """Character error rate: edits to turn ``read`` into ``truth`` over truth's length
    (both normalised), rounded to 3 places; an empty reading of a text is 1.0."""
    t, r = normalise(truth), normalise(read)
    if not t:
        return 0.0 if not r else 1.0
    return round(_levenshtein(t, r) / len(t), 3)


class RapidOcr:
    """PP-OCRv4 on onnxruntime. ``threads``: onnxruntime's intra-op threads per call.
    Thread-safe: calls are serialised on one engine (make one per worker to overlap)."""

    name = "rapidocr"

    def __init__(self, threads: int = 1, min_score: float = 0.5) -> None:
        try:
            from rapidocr_onnxruntime import RapidOCR  # type: ignore[import-untyped]
        except ImportError as e:  # pragma: no cover - the extra is installed in CI
            raise OcrError("OCR needs rapidocr-onnxruntime: pip install 'foretold[media]'") from e
        self._engine: Any = RapidOCR(
            intra_op_num_threads=threads,
            inter_op_num_threads=1,
            text_score=min_score,
            det_limit_type="max",
            det_limit_side_len=960,
        )
        self._lock = threading.Lock()

    def read(self, data: bytes) -> str:
        """The picture's text, top to bottom, left to right."""
        import numpy as np
        from PIL import Image, UnidentifiedImageError

        try:
            with Image.open(io.BytesIO(data)) as im:
                rgb = np.asarray(im.convert("RGB"))
        except (UnidentifiedImageError, OSError, ValueError) as e:
            raise OcrError(f"not a readable picture: {e}") from e
        with self._lock:
            result, _ = self._engine(np.ascontiguousarray(rgb[:, :, ::-1]))
        if not result:
            return ""
        return " ".join(str(text) for _box, text, _score in _reading_order(result))


def _reading_order(result: list[Any]) -> list[Any]:
    """Boxes sorted by line (tops within half a box height), then left to right."""
    rows: list[list[Any]] = []
    for item in sorted(result, key=lambda r: (r[0][0][1], r[0][0][0])):
        top = item[0][0][1]
        height = abs(item[0][3][1] - item[0][0][1]) or 1
        if rows and abs(rows[-1][0][0][0][1] - top) < height / 2:
            rows[-1].append(item)
        else:
            rows.append([item])
    return [it for row in rows for it in sorted(row, key=lambda r: r[0][0][0])]


class Tesseract:
    """Debian's ``tesseract`` command (``apt-get install tesseract-ocr``), one process
    per picture, one thread each (``OMP_THREAD_LIMIT=1``). ``nice``: the processes'
    niceness (with the ``nice`` command), so that a watch's text labels come first on
    a busy machine (0: as the caller)."""

    name = "tesseract"

    def __init__(self, lang: str = "eng", psm: int = 3, nice: int = 0) -> None:
        exe = shutil.which("tesseract")
        if exe is None:
            raise OcrError("the tesseract command is not installed (apt-get install tesseract-ocr)")
        self._cmd = [exe, "stdin", "stdout", "-l", lang, "--psm", str(psm)]
        renice = shutil.which("nice") if nice else None
        if renice is not None:
            self._cmd = [renice, "-n", str(nice), *self._cmd]
        self._env = {**os.environ, "OMP_THREAD_LIMIT": "1"}

    def read(self, data: bytes) -> str:
        """The picture's text: a light picture (a screenshot, a document) is read as it
        is; a darker one (a meme, a photo) first as its white-text mask (white and
        near-white pixels black on white: a meme's outlined capitals alone, the busy
        ground gone), then as it is when the mask gives fewer than 2 letters."""
        gray, white = _prepare(data)
        if white is None:
            return self._run(gray)
        text = self._run(white)
        if sum(ch.isalnum() for ch in text) < 2:
            plain = self._run(gray)
            return plain if len(plain) > len(text) else text
        return text

    def _run(self, png: bytes) -> str:
        proc = subprocess.run(
            self._cmd, input=png, capture_output=True, env=self._env, timeout=60, check=False
        )
        if proc.returncode != 0:
            err = proc.stderr.decode(errors="replace").strip().splitlines()
            raise OcrError(f"tesseract failed: {err[-1] if err else proc.returncode}")
        return " ".join(proc.stdout.decode(errors="replace").split())


#: a picture (not a meme) whose median grey is above this is read as it is
LIGHT_MEDIAN = 180
#: pixels whose every channel is above this are the white text of the mask
WHITE_TEXT = 190
#: a meme's outline: pixels whose every channel is below this, and white pixels within
#: this many pixels (a square) of one are outlined text
DARK_OUTLINE = 70
OUTLINE_REACH = 7
#: the share of the picture that must be outlined white for it to be read as a meme
OUTLINED_SHARE = 0.004
#: a picture at least this much white is paper or a screen (dark text): read as it is
PAPER_SHARE = 0.5


def _prepare(data: bytes) -> tuple[bytes, bytes | None]:
    """The picture in grey (PNG), and its white-text mask unless it is a light picture
    without a meme's outlined white capitals (a screenshot, a document)."""
    import numpy as np
    from PIL import Image, ImageFilter, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            rgb = np.asarray(im.convert("RGB"))
    except (UnidentifiedImageError, OSError, ValueError) as e:
        raise OcrError(f"not a readable picture: {e}") from e
    grey = Image.fromarray(rgb).convert("L")
    out = io.BytesIO()
    grey.save(out, "PNG")
    white = rgb.min(axis=2) > WHITE_TEXT
    dark = Image.fromarray(np.where(rgb.max(axis=2) < DARK_OUTLINE, 255, 0).astype(np.uint8))
    near_dark = np.asarray(dark.filter(ImageFilter.MaxFilter(OUTLINE_REACH))) > 0
    outlined = white & near_dark
    meme = outlined.mean() >= OUTLINED_SHARE and white.mean() < PAPER_SHARE
    if not meme and (
        white.mean() >= PAPER_SHARE or float(np.median(np.asarray(grey))) > LIGHT_MEDIAN
    ):
        return out.getvalue(), None
    # outlined white text when there is some (a meme); else any white (a sign's letters)
    text = outlined if meme else white
    mask = np.where(text, 0, 255).astype(np.uint8)
    buf = io.BytesIO()
    Image.fromarray(mask).save(buf, "PNG")
    return out.getvalue(), buf.getvalue()


def load_ocr(name: str = "tesseract", *, threads: int = 1, nice: int = 0) -> OcrEngine:
    """The OCR engine ``name`` (one of :data:`ENGINES`); ``nice``: tesseract's niceness."""
    if name == "rapidocr":
        return RapidOcr(threads=threads)
    if name == "tesseract":
        return Tesseract(nice=nice)
    raise OcrError(f"unknown OCR engine {name!r}: expected one of {', '.join(ENGINES)}")
