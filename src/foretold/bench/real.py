"""Real streams in the suite, as they are: JetBlue's month, PHEME Germanwings, CrisisLexT26.

JetBlue (``brands/jetblue-2016/jetblue_tweets.csv``) is a brand's ordinary month:
13,371 real @JetBlue mentions, 2016-09-26 to 10-25, with the Hurricane Matthew
disruption (October 3-7) in it. It must raise no crisis; a warning is excused during
the disruption and nowhere else; every watch counts as a false alarm. Its columns are
read as they are (``text``, ``created`` in UTC, ``id``, ``screenName``, ``replyToSN``,
``replyToSID``, ``retweetCount``, ``favoriteCount``); the file is Windows-1252 text
(R's export), follower counts are not in it.

Neither is a hijack. PHEME's Germanwings threads are a brand's tragedy in the news
(grief and rumours); the CrisisLexT26 files are the volume curves of 26 real crises
(timestamps and ids only). Both are judged the same way: an alert at ``crisis``
level is a false alarm; below it nothing is judged, and the first alert's delay
after the real onset is reported.

PHEME is read by foretold's own CSV reader with the ``pheme`` preset (platform
``x``) and replayed in time order (the file is grouped by thread); the campaign is
what the brand would track: ``#Germanwings``, ``@germanwings``, ``Germanwings``.

CrisisLexT26 has no text: each row becomes a minimal :class:`~foretold.post.Post`
(its real id and time, empty text, an unknown author), every post belongs to the
event's collection (it was filtered by the event's keywords), and only
volume-based detectors apply.

Onsets (UTC) are the event times given by each event's Wikipedia article (the
``external_url`` of its ``event_description.json``); for typhoons, landfall.
Checked against the curves: the hourly volume jumps within the hour after each
onset, except Venezuela refinery (the collection has no posts until 13 h later),
Brazil nightclub fire, Lac-Megantic and Savar (at night or far away: volume rises
2-3 h later). Progressive events (fires, floods, haze) have no single onset.

>>> sorted(ONSETS)[:2]
['2012_Costa_Rica_earthquake', '2012_Guatemala_earthquake']
>>> crisislex_time("Fri Jun 08 06:22:06 +0000 2012").isoformat()
'2012-06-08T06:22:06+00:00'
"""

from __future__ import annotations

import csv
import functools
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from foretold.bench.case import Case, per_hour, post_figures
from foretold.bench.scoring import Expectation
from foretold.campaigns import Campaign
from foretold.formats.csv_rows import column_map, r_unescape
from foretold.formats.fields import tags
from foretold.ingest import BATCH, IngestStats, Quarantine, read_batches
from foretold.post import Author, Counts, Post, Ref, parse_time
from foretold.records import Record
from foretold.streamtime import UNORDERED

JETBLUE = Campaign(name="jetblue", handles=("@JetBlue",), owner="@JetBlue")
#: Hurricane Matthew's disruption of JetBlue's Caribbean and Florida flights (UTC days).
MATTHEW = (parse_time("2016-10-03T00:00:00Z"), parse_time("2016-10-08T00:00:00Z"))
_HASHTAG = re.compile(r"(?<![\w&])#(\w+)")
_MENTION = re.compile(r"(?<![\w@])@(\w{1,30})")
PHEME_ONSET = parse_time("2015-03-24T09:41:00Z")  # Flight 9525 crashed at 10:41 CET
ONSETS: dict[str, str] = {
    "2012_Costa_Rica_earthquake": "2012-09-05T14:42:00Z",
    "2012_Guatemala_earthquake": "2012-11-07T16:35:00Z",
    "2012_Italy_earthquakes": "2012-05-20T02:03:00Z",
    "2012_Typhoon_Pablo": "2012-12-03T20:45:00Z",
    "2012_Venezuela_refinery": "2012-08-25T05:41:00Z",
    "2013_Bohol_earthquake": "2013-10-15T00:12:00Z",
    "2013_Brazil_nightclub_fire": "2013-01-27T04:30:00Z",
    "2013_Glasgow_helicopter_crash": "2013-11-29T22:22:00Z",
    "2013_LA_airport_shootings": "2013-11-01T16:20:00Z",
    "2013_Lac_Megantic_train_crash": "2013-07-06T05:14:00Z",
    "2013_NY_train_crash": "2013-12-01T12:20:00Z",
    "2013_Russia_meteor": "2013-02-15T03:20:00Z",
    "2013_Savar_building_collapse": "2013-04-24T02:57:00Z",
    "2013_Spain_train_crash": "2013-07-24T18:41:00Z",
    "2013_Typhoon_Yolanda": "2013-11-07T20:40:00Z",
    "2013_West_Texas_explosion": "2013-04-18T00:50:00Z",
}
GERMANWINGS = Campaign(
    name="germanwings", hashtags=("#Germanwings",), handles=("@germanwings",),
    keywords=("Germanwings",), owner="@germanwings",
)  # fmt: skip


def _batches(posts: Sequence[Record]) -> Iterator[list[Record]]:
    for i in range(0, len(posts), BATCH):
        yield list(posts[i : i + BATCH])


def real_expectation(
    name: str, kind: str, posts: Sequence[Post], onset: datetime | None
) -> Expectation:
    """A real news stream: crisis is a false alarm, lower levels are not judged."""
    return Expectation(
        stream=name, kind=kind, start=posts[0].created_at, end=posts[-1].created_at,
        onset=onset, tipping=None, press=None, expected="none", free_below="crisis",
    )  # fmt: skip


def jetblue_case(data: str | Path) -> Case | None:
    """JetBlue's ordinary month, or None when the file is absent."""
    path = Path(data) / "brands" / "jetblue-2016" / "jetblue_tweets.csv"
    if not path.is_file():
        return None
    posts = read_jetblue(path)
    exp = Expectation(
        stream="brands/jetblue-2016", kind="ordinary", start=posts[0].created_at,
        end=posts[-1].created_at, onset=None, tipping=None, press=None, expected="none",
        excused=(MATTHEW[0], MATTHEW[1], "warning"),
    )  # fmt: skip
    return Case(
        name="brands/jetblue-2016",
        source="brands",
        expectation=exp,
        campaigns=(JETBLUE,),
        records=lambda: _batches(posts),
        figures=post_figures(posts, None, None),
        reference={"kind": "a brand's ordinary month (Hurricane Matthew Oct 3-7)"},
        hourly=per_hour(posts),
        note=f"{len(posts):,} real @JetBlue mentions; a warning is excused Oct 3-7 only",
    )


def read_jetblue(path: Path) -> list[Post]:
    """The JetBlue CSV's rows as posts, in time order (replies to @JetBlue are replies), the
    texts as written (R's escapes of emoji and symbols read back: ``r_unescape``)."""
    text = path.read_bytes().decode("cp1252", errors="replace")
    posts = []
    for row in csv.DictReader(text.splitlines(keepends=True)):
        body = r_unescape(row["text"])  # R's escapes of emoji and symbols, read back
        to_sn, to_id = row.get("replyToSN", "NA"), row.get("replyToSID", "NA")
        reply = None
        if to_id not in ("", "NA") or to_sn not in ("", "NA"):
            reply = Ref(id="" if to_id == "NA" else to_id,
                        author_handle="" if to_sn == "NA" else to_sn)  # fmt: skip
        handle = row["screenName"]
        posts.append(
            Post(
                platform="x", id=row["id"], text=body,
                created_at=parse_time(row["created"].replace(" ", "T") + "Z"),
                author=Author(id=handle, handle=handle),
                counts=Counts(reposts=int(row["retweetCount"] or 0),
                              likes=int(row["favoriteCount"] or 0)),
                kind="repost" if body.startswith("RT @") else "reply" if reply else "original",
                reply_to=reply,
                hashtags=tags(_HASHTAG.findall(body)),
                mentions=tags(_MENTION.findall(body)),
            )
        )  # fmt: skip
    posts.sort(key=lambda p: (p.created_at, p.id))
    return posts


def pheme_case(data: str | Path, vader: bool = True) -> Case | None:
    """The PHEME Germanwings stream, or None when the file is absent."""
    path = Path(data) / "pheme" / "germanwings-crash.csv"
    if not path.is_file():
        return None
    posts = read_pheme(str(path))
    negative = None
    if vader:
        from foretold.bench.baselines import NegativeShare
        from foretold.clock import SystemClock

        negative = NegativeShare(SystemClock()).negative
    tracked = [p for p in posts if GERMANWINGS.matches(p)]
    return Case(
        name="pheme/germanwings",
        source="pheme",
        expectation=real_expectation("pheme/germanwings", "news", posts, PHEME_ONSET),
        campaigns=(GERMANWINGS,),
        records=lambda: _batches(posts),
        figures=post_figures(tracked, PHEME_ONSET, negative),
        reference={"kind": "a brand's tragedy in the news, not a hijack"},
        hourly=per_hour(tracked),
        negative_source="VADER" if vader else "",
        note=f"{len(posts):,} posts, {len(tracked):,} tracked; onset = crash, 09:41 UTC",
    )


@functools.lru_cache(maxsize=2)
def read_pheme(path: str) -> tuple[Post, ...]:
    """PHEME rows through foretold's CSV reader (``pheme`` preset), in time order (sorted
    here, so through the stream-time gate's ``UNORDERED`` config)."""
    stats, quarantine = IngestStats(), Quarantine()
    batches = read_batches(
        [path], stats, quarantine, fmt="csv", csv_map=column_map("pheme"), csv_platform="x",
        stream_time=UNORDERED,
    )  # fmt: skip
    posts = [r for batch in batches for r in batch if isinstance(r, Post)]
    return tuple(sorted(posts, key=lambda p: (p.created_at, p.id)))


def crisislex_cases(data: str | Path) -> list[Case]:
    """One volume-only case per CrisisLexT26 event that has a tweet-id file."""
    root = Path(data) / "crisislex" / "CrisisLexT26"
    if not root.is_dir():
        return []
    return [c for d in sorted(root.iterdir()) if (c := crisislex_case(d)) is not None]


def crisislex_case(folder: Path) -> Case | None:
    """The case of one CrisisLexT26 event folder, or None without its tweet-id file."""
    path = folder / f"{folder.name}-tweetids_entire_period.csv"
    if not path.is_file():
        return None
    posts = read_crisislex(path)
    if not posts:
        return None
    onset = parse_time(ONSETS[folder.name]) if folder.name in ONSETS else None
    name = f"crisislex/{folder.name}"
    campaign = folder.name.lower()[:64]
    return Case(
        name=name,
        source="crisislex",
        expectation=real_expectation(name, "disaster", posts, onset),
        campaigns=(),
        records=lambda: _batches(posts),
        has_text=False,
        collected=campaign,
        figures=post_figures(posts, onset, None),
        reference={"kind": "a real crisis (volume only), not a hijack"},
        hourly=per_hour(posts),
        note=f"{len(posts):,} posts; onset "
        + (ONSETS[folder.name] if onset else "none (progressive event)"),
    )


def read_crisislex(path: Path) -> list[Post]:
    """Minimal posts (id, time, empty text, unknown author) from a tweet-id file, in time order."""
    posts = []
    with path.open(newline="", encoding="utf-8") as f:
        rows = csv.reader(f)
        next(rows, None)
        for row in rows:
            if len(row) < 2 or not row[1].strip():
                continue
            posts.append(
                Post(platform="x", id=row[1].strip(), text="", author=Author(id=""),
                     created_at=crisislex_time(row[0]))
            )  # fmt: skip
    posts.sort(key=lambda p: (p.created_at, p.id))
    return posts


def crisislex_time(value: str) -> datetime:
    """CrisisLex's ``Fri Jun 08 06:22:06 +0000 2012`` as aware UTC."""
    return parse_time(datetime.strptime(value.strip(), "%a %b %d %H:%M:%S %z %Y"))
