"""CSV rows with a column mapping, including the PHEME preset."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import pytest

from foretold.errors import ConfigError, FormatError
from foretold.formats.csv_rows import DEFAULT_MAP, column_map, read_rows, text_lines
from foretold.post import Post

FIXTURES = Path(__file__).parent.parent / "fixtures" / "csv"


def _rows(name: str, mapping: dict[str, str] = DEFAULT_MAP, platform: str = "csv") -> list:  # type: ignore[type-arg]
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return [(n, item) for n, item, _ in read_rows(io.StringIO(text, newline=""), mapping, platform)]


def test_quoted_multiline_text_with_commas_and_quotes_survives() -> None:
    (n, post), *_ = _rows("posts.csv")
    assert n == 3  # the row ends on the file's third line
    assert isinstance(post, Post)
    assert post.text == 'Multi-line\ntext, with commas and "quotes" #AskJPM'
    assert post.hashtags == ("askjpm",) and post.domains == ("reuters.com",)
    assert post.created_at == datetime(2013, 11, 13, 21, 4, tzinfo=UTC)


def test_reply_row_with_empty_counts_reads_as_unknown_followers() -> None:
    post = _rows("posts.csv")[1][1]
    assert isinstance(post, Post)
    assert post.kind == "reply" and post.reply_to is not None and post.reply_to.id == "1001"
    assert post.author.followers is None and post.author.verified is True


def test_bad_rows_become_format_errors_with_reasons() -> None:
    errors = [item for _, item in _rows("posts.csv") if isinstance(item, FormatError)]
    assert [e.reason for e in errors] == [
        "id: missing id",
        "followers: expected a number, got 'many'",
        "created_at: not an ISO-8601 time: 'yesterday'",
    ]


def test_pheme_preset_reads_epoch_ms_and_float_ids() -> None:
    rows = _rows("pheme_like.csv", column_map("pheme"), platform="x")
    source, reply = (item for _, item in rows)
    assert isinstance(source, Post) and isinstance(reply, Post)
    assert source.created_at == datetime(2015, 3, 24, 10, 47, 20, tzinfo=UTC)
    assert source.author.handle == "324cat" and source.author.followers == 179430
    assert source.conversation_id == "580319983676313601"
    assert reply.kind == "reply" and reply.reply_to is not None
    assert reply.reply_to.id == "580319983676313600"  # PHEME stored it as a float


def test_twitter_r_preset_reads_an_r_export_in_cp1252() -> None:
    """R's twitteR (twListToDF + write.csv on Windows): cp1252 text, ``NA`` for missing."""
    raw = (FIXTURES / "twitter_r.csv").read_bytes()
    lines = text_lines(io.BytesIO(raw), "cp1252")
    complaint, answer, retweet = (p for _, p, _ in read_rows(lines, column_map("twitter_r"), "x"))
    assert isinstance(complaint, Post) and isinstance(answer, Post) and isinstance(retweet, Post)
    assert complaint.author.handle == "ann_flies" and complaint.mentions == ("jetblue",)
    assert complaint.created_at == datetime(2016, 10, 3, 14, 5, 11, tzinfo=UTC)
    assert complaint.kind == "reply" and complaint.reply_to is not None  # replyToSN, no id
    assert (complaint.reply_to.id, complaint.reply_to.author_handle) == ("", "JetBlue")
    assert answer.text.startswith("@ann_flies We\u2019re sorry")  # byte 0x92 in cp1252
    assert answer.kind == "reply" and answer.reply_to is not None
    assert (answer.reply_to.id, answer.reply_to.author_handle) == (complaint.id, "ann_flies")
    assert answer.counts.likes == 2 and answer.counts.reposts == 0  # retweetCount NA
    assert retweet.text.startswith("RT @ann_flies") and retweet.reply_to is None  # NA
    assert retweet.kind == "repost"  # an old-style retweet: the text says so


def test_a_cp1252_row_read_as_utf8_is_refused_with_the_way_out() -> None:
    raw = (FIXTURES / "twitter_r.csv").read_bytes()
    rows = [p for _, p, _ in read_rows(text_lines(io.BytesIO(raw)), column_map("twitter_r"))]
    assert [type(p).__name__ for p in rows] == ["Post", "FormatError", "Post"]
    assert isinstance(rows[1], FormatError) and "--encoding cp1252" in rows[1].reason


def test_mapping_overrides_and_unknown_fields_are_checked() -> None:
    assert column_map("foretold", ["text=body"])["text"] == "body"
    with pytest.raises(ConfigError, match="FIELD=COLUMN"):
        column_map("foretold", ["nonsense=body"])
    with pytest.raises(ConfigError, match="unknown CSV preset"):
        column_map("nope")


def test_header_without_id_or_text_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="lacks the column"):
        list(read_rows(io.StringIO("a,b\n1,2\n"), DEFAULT_MAP))


R_HEADER = '"","text","favoriteCount","replyToSN","created","replyToSID","id","screenName"'
R_ROW = '"1","@JetBlue late again",0,"JetBlue",2016-10-03 14:05:11,NA,"7831","ann"'


def test_without_a_mapping_the_header_picks_the_preset_and_says_so() -> None:
    chosen: list[str] = []
    rows = list(read_rows([R_HEADER, R_ROW], None, chose=chosen.append))
    assert [(p.id, p.author.handle) for _, p, _ in rows] == [("7831", "ann")]  # type: ignore[union-attr]
    assert chosen == ["twitter_r"]
    own = ["id,text,created_at", "1,hi,2023-03-01T00:00:00Z"]
    assert [p.id for _, p, _ in read_rows(own, None, chose=chosen.append)] == ["1"]  # type: ignore[union-attr]
    assert chosen == ["twitter_r"]  # foretold's own columns need no note


def test_a_header_without_a_time_column_is_refused_before_any_row() -> None:
    """Every row would fail with 'missing time': the header is refused at once, and the
    preset whose columns it holds is named."""
    with pytest.raises(ConfigError, match=r"lacks the column\(s\) \['created_at'\] \(its "
                       r"columns fit --csv-preset twitter_r\)"):  # fmt: skip
        list(read_rows([R_HEADER, R_ROW], DEFAULT_MAP))
    with pytest.raises(ConfigError, match="no id, text and time columns foretold knows"):
        list(read_rows(["tweet,date", "hi,2016-10-03"], None))


def test_a_bare_carriage_return_inside_a_field_does_not_split_the_row() -> None:
    from foretold.formats.csv_rows import text_lines

    data = (
        b"id,text,created_at\n"
        b"1,first part\rsecond part,2015-03-24T10:00:00Z\r\n"
        b"2,ok,2015-03-24T10:01:00Z\n"
    )
    rows = list(read_rows(text_lines(io.BytesIO(data)), DEFAULT_MAP))
    assert [(n, p.text) for n, p, _ in rows] == [(2, "first part\rsecond part"), (3, "ok")]  # type: ignore[union-attr]


def test_r_escapes_are_characters_again_in_a_file_written_by_r() -> None:
    """R's write.csv wrote what its locale could not as escapes (the JetBlue month: 1,637
    runs in 13,371 tweets); its files open with the row names' empty column."""
    text = "Boarding <U+2708><U+FE0F> @JetBlue <ed><U+00A0><U+00BD><ed><U+00B8><U+0082>"
    row = f'"1","{text}",0,NA,2016-10-03 14:05:11,NA,"7","ann"'
    [(_, post, raw)] = list(read_rows([R_HEADER, row], None))
    assert post.text == "Boarding ✈️ @JetBlue 😂"  # type: ignore[union-attr]
    assert post.mentions == ("jetblue",)  # type: ignore[union-attr]
    assert "<U+2708>" in raw["text"]  # the row as written, for the quarantine
    own = ["id,text,created_at", "1,a <U+2708> b,2023-03-01T00:00:00Z"]
    assert [p.text for _, p, _ in read_rows(own, None)] == ["a <U+2708> b"]  # type: ignore[union-attr]
