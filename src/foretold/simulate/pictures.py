"""A picture storm with truth: #myNYPD told in memes, the captions neutral.

April 2014: the NYPD asked for friendly photos with its officers (``#myNYPD``); the
replies were pictures of police violence. Here the storm is the ``mynypd`` library
scenario (:mod:`foretold.simulate.library`) at a smaller ``scale``, with its hostile
storm posts turned into picture posts: the hostile words move into a meme (white
outlined capitals over a photo-like ground, :func:`foretold.media.testset.meme_image`)
and the caption left is neutral (``my #myNYPD photo``). A retweet of a picture post
carries the same picture (its media key), as on X. Everything else of the stream is as
the text storm: the same accounts, times, cascades, and the same truth.

::

    hours   0 ..... 2 (launch) ..... 2.1 (weak signal) .. 2.5 (tipping) ...... 48
    text    neutral / benign posts ........ hostile posts -> captions "my #myNYPD photo"
    media                                   memes: "NYPD BRUTALITY IS DISGUSTING ..."

The pictures are drawn from the seed, ``MEMES`` distinct memes, each post's file a
JPEG re-encoding of one of them (``width`` px, quality 60 to 80: one meme posted by
many accounts, the bytes different every time), named by the post's X media key
(``3_<post id>.jpg``) in the media folder that ``replay --media-dir`` reads. The truth
file is the text storm's, plus ``pictures``: the picture posts, their memes and texts.

Read without the pictures (no OCR), the storm's hostile posts look neutral; read with
them, they are hostile again (``bench/picture_storm_bench.py`` shows both).

>>> sorted(PICTURE_STORMS)
['mynypd_pictures']
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import orjson

from foretold.errors import ConfigError
from foretold.simulate.library import scenario as library_scenario
from foretold.simulate.stream import ORIGINAL, QUOTE, REPLY, simulate
from foretold.simulate.text import TextPools
from foretold.simulate.truth import truth
from foretold.simulate.twarc import write_jsonl

__all__ = ["MEMES", "PICTURE_STORMS", "PictureStorm", "media_dir_for", "write_picture_storm"]

#: what the storm's memes say (top line, bottom line): hostile, as #myNYPD's pictures were
MEMES: tuple[tuple[str, str], ...] = (
    ("NYPD BRUTALITY", "IS DISGUSTING SHAME ON YOU"),
    ("STOP AND FRISK", "IS RACIST HARASSMENT"),
    ("HANDCUFFED A TEEN", "FOR NOTHING DISGRACEFUL"),
    ("SHAME ON THE NYPD", "ABUSE OF POWER"),
    ("YOUR FRIENDLY PHOTO", "SHAME ON YOU NYPD DISGUSTING"),
    ("PEPPER SPRAY AT OCCUPY", "DISGRACEFUL ABUSE OF POWER"),
    ("RACIST PROFILING", "EVERY DAY SHAME ON NYPD"),
    ("BEATING PROTESTERS", "IS DISGUSTING"),
)
#: the neutral captions the picture posts carry instead ({tag}: the campaign's hashtag)
CAPTIONS: tuple[str, ...] = (
    "my {tag} photo",
    "here you go {handle} {tag}",
    "my picture for the {tag} album {handle}",
    "{handle} took this today {tag}",
    "a photo from the city {tag}",
    "{tag} photo as requested",
)


@dataclass(frozen=True)
class PictureStorm:
    """One picture storm: its library background, the scale, and how many of its hostile
    storm posts (originals, replies, quotes) become pictures."""

    name: str
    background: str
    scale: float
    share: float  # of the hostile storm posts, the share posted as a meme
    width: int = 320
    title: str = ""


PICTURE_STORMS: dict[str, PictureStorm] = {
    s.name: s
    for s in (
        PictureStorm(
            "mynypd_pictures",
            "mynypd",
            0.02,
            0.9,
            title="#myNYPD in pictures: hostile memes under neutral captions (picture storm)",
        ),
    )
}


def media_dir_for(out: str | Path) -> Path:
    """The media folder written beside a stream file: ``storm.jsonl`` -> ``storm.media``."""
    p = Path(out)
    return p.with_name(p.name.split(".", 1)[0] + ".media")


def write_picture_storm(
    name: str,
    seed: int,
    data_dir: str | Path,
    out: IO[bytes],
    media_dir: Path,
    *,
    scale: float | None = None,
) -> tuple[int, dict[str, Any]]:
    """Write picture storm ``name`` as ``foretold simulate`` writes a scenario
    (twarc2-flattened X API v2 lines in time order) and its pictures into ``media_dir``;
    returns the number of posts and the truth object. ``scale``: the storm's own unless
    given (the tests draw a smaller one)."""
    if name not in PICTURE_STORMS:
        raise ConfigError(
            f"unknown picture storm {name!r}: expected one of {sorted(PICTURE_STORMS)}"
        )
    ps = PICTURE_STORMS[name]
    sc = library_scenario(ps.background)
    scale = ps.scale if scale is None else scale
    stream = simulate(sc, seed, scale=scale)
    buf = io.BytesIO()
    write_jsonl(stream, TextPools.load(data_dir), buf)
    lines = buf.getvalue().splitlines()
    if len(lines) != len(stream):
        raise ConfigError(f"{name}: {len(lines)} lines for {len(stream)} posts")
    tag = sc.campaign.hashtags[0] if sc.campaign.hashtags else ""
    handle = sc.campaign.handles[0] if sc.campaign.handles else ""
    r = random.Random(seed * 104_729 + 20)
    memes = _draw_memes(ps, seed)
    media_dir.mkdir(parents=True, exist_ok=True)
    pictured: dict[str, tuple[str, str, dict[str, Any]]] = {}  # id: (caption, meme text, media)
    per_meme = [0] * len(memes)
    written = 0
    for i, line in enumerate(lines):
        kind = int(stream.kind[i])
        if not (stream.attack[i] and kind in (ORIGINAL, REPLY, QUOTE)) or r.random() >= ps.share:
            if kind != ORIGINAL and kind != REPLY and kind != QUOTE:
                lines[i] = _retweet(line, pictured)
            continue
        obj = orjson.loads(line)
        m = r.randrange(len(memes))
        per_meme[m] += 1
        key = f"3_{obj['id']}"
        (media_dir / f"{key}.jpg").write_bytes(_jpeg(memes[m], r.choice((60, 70, 80))))
        written += 1
        lead = [w for w in obj["text"].split() if w.startswith("@")][:1] if kind == REPLY else []
        caption = " ".join(
            [*lead, r.choice(CAPTIONS).format(tag=tag, handle=handle if not lead else "").strip()]
        )
        caption = " ".join(caption.split())
        media = {"media_key": key, "type": "photo",
                 "url": f"https://pbs.twimg.com/media/{key}.jpg"}  # fmt: skip
        _recaption(obj, caption, media)
        pictured[obj["id"]] = (caption, " ".join(MEMES[m]), media)
        lines[i] = orjson.dumps(obj)
    out.write(b"\n".join(lines) + b"\n")
    t = truth(stream)
    t.update(
        scenario=name,
        title=ps.title,
        background=ps.background,
        scale=scale,
        pictures={
            "media_dir": media_dir.name,
            "picture_posts": len(pictured),
            "files": written,
            "memes": [
                {"text": " ".join(MEMES[k]), "posts": per_meme[k]} for k in range(len(memes))
            ],
            "share_of_hostile_storm_posts": ps.share,
            "ids": sorted(pictured),
        },
    )
    return len(lines), t


def _draw_memes(ps: PictureStorm, seed: int) -> list[Any]:
    from foretold.media.testset import meme_image

    return [
        meme_image(top, bottom, seed=seed * 1000 + k, width=ps.width)
        for k, (top, bottom) in enumerate(MEMES)
    ]


def _jpeg(image: Any, quality: int) -> bytes:
    buf = io.BytesIO()
    image.save(buf, "JPEG", quality=quality)
    return buf.getvalue()


def _recaption(obj: dict[str, Any], caption: str, media: dict[str, Any]) -> None:
    """The post's text replaced by ``caption`` (its entities rebuilt from it), with the
    picture attached as a twarc2-flattened line carries it."""
    obj["text"] = caption
    ents: dict[str, Any] = {}
    words = []
    at = 0
    for w in caption.split(" "):
        words.append((at, w))
        at += len(w) + 1
    tags = [{"start": s, "end": s + len(w), "tag": w[1:]} for s, w in words if w.startswith("#")]
    ments = [{"start": s, "end": s + len(w.rstrip(":")), "username": w[1:].rstrip(":")}
             for s, w in words if w.startswith("@") and len(w) > 1]  # fmt: skip
    if tags:
        ents["hashtags"] = tags
    if ments:
        ents["mentions"] = ments
    if ents:
        obj["entities"] = ents
    else:
        obj.pop("entities", None)
    obj["attachments"] = {"media_keys": [media["media_key"]], "media": [media]}


def _retweet(line: bytes, pictured: dict[str, tuple[str, str, dict[str, Any]]]) -> bytes:
    """A retweet of a picture post: ``RT @who: caption``, carrying the same picture."""
    if not pictured or b'"retweeted"' not in line:
        return line
    obj = orjson.loads(line)
    ref = next((x["id"] for x in obj.get("referenced_tweets", ()) if x["type"] == "retweeted"), "")
    if ref not in pictured:
        return line
    caption, _, media = pictured[ref]
    who = obj["text"].split(":", 1)[0]  # "RT @handle"
    _recaption(obj, f"{who}: {caption}", media)
    return orjson.dumps(obj)
