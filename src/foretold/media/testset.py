"""A deterministic OCR test set: known text drawn into pictures like a storm's.

Four sets, each image made from a seed, so every run of ``bench/ocr_bench.py`` reads the
very same pixels:

- ``meme``: bold capitals, white with a black outline, top and bottom, over a
  photo-like background (gradient, noise, blurred shapes), 320 to 640 px wide;
- ``compressed``: the same memes saved as JPEG at quality 35 and read back;
- ``screenshot``: a post or a document, dark text on white with UI chrome (bars, an
  avatar, buttons, no text in the chrome);
- ``sign``: a sign in a photo, lower contrast, seen at an angle (perspective), blurred.

The fonts are Debian's (``fonts-dejavu``, ``fonts-liberation``). Pillow draws them.

>>> items = make_set("meme", 2, seed=1)
>>> [(i.set, i.image.mode, i.text == make_set("meme", 2, seed=1)[n].text)
...  for n, i in enumerate(items)]
[('meme', 'RGB', True), ('meme', 'RGB', True)]
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from foretold.errors import ForetoldError

__all__ = ["FONT_DIRS", "SETS", "Sample", "font", "make_set", "meme_image"]

SETS = ("meme", "compressed", "screenshot", "sign")

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/dejavu"),
    Path("/usr/share/fonts/truetype/liberation"),
)

BOLD_FONTS = ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "DejaVuSansCondensed-Bold.ttf")
TEXT_FONTS = ("LiberationSans-Regular.ttf", "DejaVuSans.ttf", "LiberationSerif-Regular.ttf")

MEME_TOP = (
    "WHEN THE BRAND",
    "NOBODY ASKED",
    "THEY SAID",
    "ME WAITING",
    "SHOW US YOUR",
    "THIS IS FINE",
    "ONE DOES NOT SIMPLY",
    "HOW IT STARTED",
)
MEME_BOTTOM = (
    "ASKS FOR HAPPY PHOTOS",
    "FOR YOUR OPINION",
    "WORST SERVICE EVER",
    "FOR A REFUND SINCE MAY",
    "FRIENDLY FACES LOL",
    "BOYCOTT THEM NOW",
    "TRUST THIS COMPANY",
    "HOW IT IS GOING",
)
SCREEN_TEXT = (
    "We are sorry to hear about your experience. Please send us a direct message.",
    "Flight 212 has been delayed again and nobody at the gate will tell us why.",
    "Our new campaign celebrates the people who make this city great.",
    "Update: the recall covers every model sold between March and June.",
    "Customer since 2009 and this is the first time I have been ignored.",
    "Terms of service changed on 4 May; your photos may be used in adverts.",
)
SIGN_TEXT = ("NO PARKING", "EXIT", "OPEN 24 HOURS", "STOP", "PHARMACY", "BUS STOP", "SALE")


class SampleSetError(ForetoldError):
    """The test set cannot be drawn (a font is missing)."""


@dataclass(frozen=True, slots=True)
class Sample:
    """One picture of the set and the text drawn in it (lines joined by spaces)."""

    set: str
    name: str
    image: Image.Image
    text: str


def font(name: str, size: int) -> ImageFont.FreeTypeFont:
    """A TrueType font from Debian's font folders, by file name."""
    for folder in FONT_DIRS:
        path = folder / name
        if path.exists():
            return ImageFont.truetype(str(path), size)
    raise SampleSetError(f"font {name} not found in {', '.join(map(str, FONT_DIRS))}")


def _background(rng: random.Random, w: int, h: int) -> Image.Image:
    """Photo-like: a two-colour gradient, blurred blobs and grain."""
    c1 = tuple(rng.randrange(256) for _ in range(3))
    c2 = tuple(rng.randrange(256) for _ in range(3))
    grad = Image.linear_gradient("L").resize((w, h)).rotate(rng.choice((0, 90, 180, 270)))
    img = Image.composite(Image.new("RGB", (w, h), c1), Image.new("RGB", (w, h), c2), grad)
    d = ImageDraw.Draw(img)
    for _ in range(rng.randrange(4, 9)):
        x, y = rng.randrange(w), rng.randrange(h)
        r = rng.randrange(w // 10, w // 3)
        d.ellipse((x - r, y - r, x + r, y + r), fill=tuple(rng.randrange(256) for _ in range(3)))
    img = img.filter(ImageFilter.GaussianBlur(w / 40))
    # grain from the seed (PIL's effect_noise draws from C's unseeded rand())
    grain = np.random.default_rng(rng.randrange(1 << 32)).normal(128.0, 24.0, (h, w))
    noise = Image.fromarray(grain.clip(0, 255).astype(np.uint8), "L").convert("RGB")
    return Image.blend(img, noise, 0.12)


def _wrap(d: ImageDraw.ImageDraw, text: str, f: ImageFont.FreeTypeFont, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and d.textlength(lines[-1] + " " + word, font=f) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def meme_image(top: str, bottom: str, *, seed: int, width: int = 480) -> Image.Image:
    """A meme: ``top`` and ``bottom`` in outlined bold capitals over a photo-like ground.

    >>> meme_image("HELLO", "WORLD", seed=3, width=320).size
    (320, 320)
    """
    rng = random.Random(seed)
    h = width if rng.random() < 0.5 else width * 3 // 4
    img = _background(rng, width, h)
    d = ImageDraw.Draw(img)
    f = font(rng.choice(BOLD_FONTS), max(18, width // 13))
    stroke = max(2, width // 200)
    for text, at_top in ((top, True), (bottom, False)):
        lines = _wrap(d, text, f, width - 16)
        lh = int(f.size) + 2 * stroke + 4
        y0 = 8 if at_top else h - 8 - lh * len(lines)
        for i, line in enumerate(lines):
            x = (width - d.textlength(line, font=f)) / 2
            d.text((x, y0 + i * lh), line, font=f, fill="white", stroke_width=stroke,
                   stroke_fill="black")  # fmt: skip
    return img


def _meme(n: int, seed: int) -> Sample:
    rng = random.Random(seed * 1000 + n)
    top, bottom = rng.choice(MEME_TOP), rng.choice(MEME_BOTTOM)
    width = (320, 480, 640)[n % 3]
    img = meme_image(top, bottom, seed=rng.randrange(1 << 30), width=width)
    return Sample("meme", f"meme-{n}", img, f"{top} {bottom}")


def _jpeg(item: Sample, quality: int = 35) -> Sample:
    buf = io.BytesIO()
    item.image.save(buf, "JPEG", quality=quality)
    buf.seek(0)
    img = Image.open(buf).convert("RGB")
    return Sample("compressed", item.name.replace("meme", "jpeg"), img, item.text)


def _screenshot(n: int, seed: int) -> Sample:
    rng = random.Random(seed * 2000 + n)
    width = (360, 480, 600)[n % 3]
    body = rng.choice(SCREEN_TEXT)
    f = font(rng.choice(TEXT_FONTS), (15, 17, 20)[n % 3])
    probe = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    lines = _wrap(probe, body, f, width - 40)
    lh = int(f.size) + 6
    h = 60 + lh * len(lines) + 50
    img = Image.new("RGB", (width, h), (255, 255, 255))
    d = ImageDraw.Draw(img)
    d.rectangle((0, 0, width, 40), fill=(245, 246, 248))  # the app's title bar
    d.ellipse((10, 6, 38, 34), fill=tuple(rng.randrange(60, 200) for _ in range(3)))
    d.line((0, 40, width, 40), fill=(220, 222, 226))
    for i, line in enumerate(lines):
        d.text((20, 52 + i * lh), line, font=f, fill=(20, 22, 26))
    y = h - 36
    for k in range(3):  # reply, repost, like buttons: icons without words
        x = 24 + k * (width // 3)
        d.rounded_rectangle((x, y, x + 22, y + 18), radius=4, outline=(140, 144, 150), width=2)
    return Sample("screenshot", f"screenshot-{n}", img, " ".join(lines))


def _sign(n: int, seed: int) -> Sample:
    rng = random.Random(seed * 3000 + n)
    text = rng.choice(SIGN_TEXT)
    w = (360, 480, 640)[n % 3]
    h = w * 3 // 4
    img = _background(rng, w, h)
    f = font(rng.choice(BOLD_FONTS), w // 9)
    d = ImageDraw.Draw(img)
    tw = int(d.textlength(text, font=f))
    bg, fg = rng.choice((((20, 90, 40), "white"), ((230, 230, 225), (30, 30, 30)),
                         ((30, 60, 140), "white"), ((180, 30, 30), "white")))  # fmt: skip
    x0, y0 = (w - tw) // 2 - 14, h // 2 - f.size
    d.rectangle((x0, y0, x0 + tw + 28, y0 + f.size * 2), fill=bg, outline=(60, 60, 60), width=3)
    d.text((x0 + 14, y0 + f.size // 2 - 2), text, font=f, fill=fg)
    # seen at an angle: a perspective warp of up to 8% of the width
    k = w * rng.uniform(0.03, 0.08)
    quad = (rng.uniform(0, k), rng.uniform(0, k), rng.uniform(0, k), h - rng.uniform(0, k),
            w - rng.uniform(0, k), h - rng.uniform(0, k), w - rng.uniform(0, k),
            rng.uniform(0, k))  # fmt: skip
    img = img.transform((w, h), Image.Transform.QUAD, quad, Image.Resampling.BICUBIC)
    img = Image.blend(img, Image.new("RGB", (w, h), (128, 128, 128)), 0.3)  # lower contrast
    img = img.filter(ImageFilter.GaussianBlur(0.8))
    return Sample("sign", f"sign-{n}", img, text)


def make_set(name: str, count: int, *, seed: int = 0) -> list[Sample]:
    """``count`` images of the set ``name`` (one of :data:`SETS`), the same for a seed."""
    if name == "meme":
        return [_meme(n, seed) for n in range(count)]
    if name == "compressed":
        return [_jpeg(_meme(n, seed)) for n in range(count)]
    if name == "screenshot":
        return [_screenshot(n, seed) for n in range(count)]
    if name == "sign":
        return [_sign(n, seed) for n in range(count)]
    raise SampleSetError(f"unknown test set {name!r}: expected one of {', '.join(SETS)}")
