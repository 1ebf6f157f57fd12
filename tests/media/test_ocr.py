"""OCR on committed tiny pictures (tesseract, the chosen engine; CI installs it)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from foretold.media.ocr import OcrError, Tesseract, cer, load_ocr, normalise

DATA = Path(__file__).parent / "data"

needs_tesseract = pytest.mark.skipif(
    shutil.which("tesseract") is None,
    reason="the tesseract command is not installed (apt-get install tesseract-ocr)",
)


@needs_tesseract
def test_meme_text_is_read_from_a_jpeg() -> None:
    text = load_ocr().read((DATA / "meme.jpg").read_bytes())
    assert cer("SHOW US YOUR WORST SERVICE EVER", text) <= 0.05


@needs_tesseract
def test_screenshot_text_is_read() -> None:
    text = load_ocr("tesseract").read((DATA / "screenshot.png").read_bytes())
    truth = "Customer since 2009 and this is the first time I have been ignored."
    assert cer(truth, text) <= 0.05


@needs_tesseract
def test_a_picture_without_text_reads_empty() -> None:
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 64), (30, 120, 200)).save(buf, "PNG")
    assert Tesseract().read(buf.getvalue()) == ""


@needs_tesseract
def test_bytes_that_are_not_a_picture_are_a_clear_error() -> None:
    with pytest.raises(OcrError, match="not a readable picture"):
        Tesseract().read(b"<html>not a picture</html>")


def test_unknown_engine_is_named() -> None:
    with pytest.raises(OcrError, match="unknown OCR engine 'easyocr'"):
        load_ocr("easyocr")


def test_cer() -> None:
    assert cer("ABC", "abc") == 0.0
    assert cer("ABCD", "") == 1.0
    assert cer("AB CD", "AB  CX") == 0.2
    assert cer("", "") == 0.0
    assert normalise(" a\tb ") == "A B"
