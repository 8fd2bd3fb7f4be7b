"""Member text made safe to quote back: the one function every echo goes through.

`echo` removes what could hide, reorder or restyle text (control characters, NUL, ANSI
escape sequences, bidi overrides, zero-width and other invisible format characters, lone
surrogates, long runs of combining marks), puts the text on one line, bounds its length and
escapes what Discord would render: Markdown, masked links, bare links, mentions. The result can be put
inside any reply sentence without changing what the rest of that sentence looks like.
"""

from __future__ import annotations

import re
import unicodedata

# ANSI escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), any other ESC x.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b.?|\x9b")
# Categories dropped outright: controls (Cc), invisible format characters such as zero-width
# spaces, joiners, bidi overrides and isolates, soft hyphen, BOM (Cf), lone surrogates (Cs).
_DROP = frozenset({"Cc", "Cf", "Cs"})
# Separators and the control characters that mean "a gap": they become one space.
_GAPS = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")
_SPACES = re.compile(r"\s+")
# At most this many combining marks on one character ("Zalgo" text stacks hundreds).
_MAX_MARKS = 2
# What Discord renders anywhere in a line: emphasis, code, spoilers, masked links, escapes.
_MARKDOWN = re.compile(r"([\\*_~`|\[\]<])")
# What Discord renders only at the start of a line: headings, quotes, lists, subtext.
_LINE_START = re.compile(r"^([#>+\-])(?=[\s#])|^(\d+)\.(?=\s)")
_MENTION = re.compile(r"@(?=everyone|here|[!&]?\d)", re.IGNORECASE)
# A bare URL ("https://evil.example") is a live link in Discord: an escaped colon
# ("https\://evil.example") shows the same characters and links nowhere.
_LINK_COLON = re.compile(r":(?=//)")
_ELLIPSIS = "…"


def clean(text: str, limit: int = 60) -> str:
    """`text` without anything invisible or disruptive, on one line, at most `limit` chars.

    No escaping: for places that show text literally (a code span, the usage log).
    """
    text = _ANSI.sub("", text)
    kept: list[str] = []
    marks = 0
    for char in text:
        if char in _GAPS:
            kept.append(" ")
            marks = 0
            continue
        category = unicodedata.category(char)
        if category in _DROP:
            continue
        # Other separators (no-break and thin spaces, Zs) are whitespace to _SPACES below.
        if category.startswith("M"):
            marks += 1
            if marks > _MAX_MARKS:
                continue
        else:
            marks = 0
        kept.append(char)
    one_line = _SPACES.sub(" ", "".join(kept)).strip()
    if len(one_line) > limit:
        one_line = one_line[: max(limit - 1, 0)].rstrip() + _ELLIPSIS
    return one_line


def echo(text: str, limit: int = 60, *, code: bool = False) -> str:
    """Member text to quote back in a reply: cleaned (see `clean`) and escaped.

    With `code=True` the text is going inside a `code span`, where Discord renders no
    Markdown: backticks (which would end the span) are dropped instead of escaped.
    """
    shown = clean(text, limit)
    if code:
        return shown.replace("`", "")
    shown = _MARKDOWN.sub(r"\\\1", shown)
    shown = _LINE_START.sub(_escape_line_start, shown)
    shown = _LINK_COLON.sub(r"\\:", shown)
    # "\@everyone" shows as text, not a mention (replies also allow no mentions at all).
    return _MENTION.sub(r"\\@", shown)


def _escape_line_start(match: re.Match[str]) -> str:
    if match.group(1):
        return "\\" + match.group(1)
    return match.group(2) + "\\."
