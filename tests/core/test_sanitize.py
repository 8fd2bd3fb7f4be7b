"""Member text quoted back: nothing invisible, nothing that restyles the reply, bounded."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.sanitize import clean, echo

_UNESCAPE = re.compile(r"\\(.)")


def _unescape(text: str) -> str:
    return _UNESCAPE.sub(r"\1", text)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("\x1b[31mred\x1b[0m alert", "red alert"),
        ("\x1b]8;;https://evil.example\x07click\x1b]8;;\x07", "click"),
        ("50\u200b00", "5000"),
        ("5\ufeff000 IU", "5000 IU"),
        ("abc\u202edcba", "abcdcba"),  # a right-to-left override would reverse what follows
        ("\u2066x\u2069", "x"),
        ("nul\x00byte", "nulbyte"),
        ("two\nlines\r\nhere", "two lines here"),
        ("bell\x07", "bell"),
        ("5\u00a0000\u2009IU", "5 000 IU"),
    ],
)
def test_clean_removes_what_hides_or_reorders_text(text: str, shown: str) -> None:
    assert clean(text) == shown


def test_markdown_and_masked_links_are_escaped() -> None:
    shown = echo("**bold** [link](https://evil.example) `code` ||spoiler|| ~~gone~~ __u__", 100)
    assert shown == (
        r"\*\*bold\*\* \[link\](https\://evil.example) \`code\` \|\|spoiler\|\| \~\~gone\~\~ \_\_u\_\_"
    )


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("@everyone hi", r"\@everyone hi"),
        ("@here", r"\@here"),
        ("<@123456789012345678>", r"\<\@123456789012345678>"),
        ("<@&42>", r"\<\@&42>"),
        ("<#42>", r"\<#42>"),
        ("me@example.org", "me@example.org"),
    ],
)
def test_mentions_do_not_render(text: str, shown: str) -> None:
    assert echo(text) == shown


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("# heading", r"\# heading"),
        ("-# small", r"\-# small"),
        ("> quote", r"\> quote"),
        ("- item", r"\- item"),
        ("1. item", r"1\. item"),
        ("5.000 IU", "5.000 IU"),
        ("1000-2000 IU", "1000-2000 IU"),
        ("-5", "-5"),
    ],
)
def test_line_start_markdown_is_escaped_and_numbers_are_not(text: str, shown: str) -> None:
    assert echo(text) == shown


def test_long_text_is_cut_with_an_ellipsis() -> None:
    assert echo("x" * 500, 40) == "x" * 39 + "…"
    assert len(clean("word " * 100, 60)) == 60


def test_stacked_combining_marks_are_bounded() -> None:
    zalgo = "a" + "\u0301" * 200 + "b"
    assert clean(zalgo) == "a\u0301\u0301b"


def test_code_span_echo_drops_backticks_and_keeps_the_rest() -> None:
    assert echo("is `d3` **safe**", code=True) == "is d3 **safe**"


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clean_output_is_one_visible_line_within_the_limit(text: str, limit: int) -> None:
    shown = clean(text, limit)
    assert len(shown) <= limit
    assert "\x1b" not in shown
    assert shown == shown.strip()
    assert "  " not in shown
    for char in shown:
        assert unicodedata.category(char) not in {"Cc", "Cf", "Cs", "Zl", "Zp"}
        assert not char.isspace() or char == " "
    shown.encode("utf-8")  # lone surrogates would make sending the reply fail


@settings(max_examples=300)
@given(st.text(), st.integers(min_value=1, max_value=200))
def test_clean_is_idempotent(text: str, limit: int) -> None:
    once = clean(text, limit)
    assert clean(once, limit) == once


@settings(max_examples=300)
@given(st.text())
def test_echo_only_adds_escapes(text: str) -> None:
    """Unescaping the echo gives back exactly the cleaned text: nothing else changed."""
    assert _unescape(echo(text, 200)) == clean(text, 200)


@settings(max_examples=300)
@given(st.text(alphabet=st.sampled_from("*_~`|[]()<>@#-\\ ab1.\n")))
def test_echo_leaves_no_active_markdown(text: str) -> None:
    shown = echo(text, 200)
    bare = _UNESCAPE.sub("", shown)  # drop every escaped character
    assert not any(char in bare for char in "*_~`|[]<\\")
    assert "@everyone" not in bare
    assert not re.match(r"[#>\-+][ #]|\d+\. ", shown)


def test_clean_and_echo_cut_at_60_characters_unless_told() -> None:
    assert clean("x" * 60) == "x" * 60
    assert clean("x" * 61) == "x" * 59 + "…"
    assert echo("x" * 61) == "x" * 59 + "…"
    assert echo("x" * 60) == "x" * 60
    assert clean("x" * 10, 5) == "xxxx…"


def test_a_cut_drops_the_space_before_the_ellipsis() -> None:
    assert clean("aaaa bbbb", 6) == "aaaa…"
    assert clean("  aaaa bbbb", 6) == "aaaa…"


@pytest.mark.parametrize("before", ["x", "x\n", "x ", "x\u00a0", "x\u2003"])
def test_two_combining_marks_are_kept_after_any_character_or_gap(before: str) -> None:
    """The count of stacked marks starts again after each character, gap or space."""
    kept = clean(f"e\u0301\u0301{before}\u0301\u0301\u0301 y")
    assert kept.endswith("\u0301\u0301 y") and "\u0301\u0301\u0301" not in kept
    assert kept.startswith("e\u0301\u0301")
    assert kept.count("\u0301") == 4


def test_two_combining_marks_are_kept_at_the_very_start() -> None:
    assert clean("\u0301\u0301\u0301x") == "\u0301\u0301x"


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("https://evil.example/x", r"https\://evil.example/x"),
        ("see http://a.b and HTTPS://C.D", r"see http\://a.b and HTTPS\://C.D"),
        ("<https://evil.example>", r"\<https\://evil.example>"),
        ("steam://run/1", r"steam\://run/1"),
        ("10:30 and a/b", "10:30 and a/b"),
    ],
)
def test_a_bare_link_is_shown_but_not_clickable(text: str, shown: str) -> None:
    """Discord links any "scheme://" in a message; the escaped colon shows the same
    characters and links nowhere."""
    assert echo(text) == shown


_URL_PIECES = ["https://", "http://", "ftp://", "evil.example", ":", "/", "//", "\\", "<", ">"]
_URL_PIECES += ["[", "](", ")", " ", "x", "*", "_", "`", "\n", "@", "\u200b"]


@settings(max_examples=400)
@given(st.one_of(st.text(), st.lists(st.sampled_from(_URL_PIECES)).map("".join)))
def test_no_echoed_text_holds_a_live_link(text: str) -> None:
    """Every "://" in an echo has its colon escaped: with each escaped pair set aside (it
    shows as a plain character), no "://" is left for Discord to link."""
    shown = echo(text, 200)
    bare = _UNESCAPE.sub("\x00", shown)
    assert "://" not in bare
