"""Split what a member typed into tokens: numbers, units, frequencies, labels and words.

The spellings come from units.yaml (`bot.core.model.Units`); they are compiled into one
pattern per knowledge base and mode ("dose" or "level"), tried at each position in priority
order (a frequency such as "2x/week" before the number it starts with, a unit before a word).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from typing import NamedTuple

from bot.core.model import Units
from bot.core.numbers import NUMBER, Number, read_number
from bot.core.sanitize import clean

# One spelling of each: dashes, the micro sign, and the apostrophe that groups thousands
# ("5’000", as phones type it).
_DASHES = str.maketrans(
    {"−": "-", "–": "-", "—": "-", "‐": "-", "‑": "-", "μ": "µ", "’": "'", "ʼ": "'"}
)
# Superscript digits ("10⁵") would fold into plain ones ("105"): they become a power first.
_SUPERSCRIPTS = re.compile("[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_PLAIN_DIGITS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")


class Token(NamedTuple):
    """One token (a tuple: dozens are built per line, and tuples build fastest)."""

    kind: str
    text: str
    number: Number | None = None
    freq: tuple[int, int] | None = None  # (times, days) for a frequency


def normalise(text: str) -> str:
    """One line, no invisible characters, plain digits, one micro sign, lower case."""
    if text.isascii() and text.isprintable():
        # What members type most: nothing to clean or fold, only spaces to tidy.
        return " ".join(text.split()).lower()
    shown = clean(text, len(text))
    shown = _SUPERSCRIPTS.sub(lambda power: "^" + power[0].translate(_PLAIN_DIGITS), shown)
    return unicodedata.normalize("NFKC", shown).translate(_DASHES).lower()


def _alternatives(names: Iterable[str], digit_may_follow: bool = False) -> str:
    """A regex alternation of spellings, longest first; a spelling that ends in a letter or
    digit must end at a word boundary ("d" is not the start of "daily"), or before a digit
    when `digit_may_follow` ("x2")."""
    ordered = sorted(set(names), key=len, reverse=True)
    if not ordered:
        return "(?!)"
    boundary = r"(?![a-zµ])" if digit_may_follow else r"(?![a-z0-9µ])"
    parts = []
    for name in ordered:
        tail = boundary if name[-1].isalnum() else ""
        # "ng / ml" is "ng/ml": spaces around a slash are allowed wherever one is spelled.
        parts.append(re.escape(name).replace("/", " ?/ ?") + tail)
    return "(?:" + "|".join(parts) + ")"


class _Grammar:
    """The compiled pattern and the lookups that turn its matches into tokens."""

    def __init__(self, units: Units, mode: str) -> None:
        reading = units.reading
        self.spans = reading.span_days
        self.periods = {name: period.days for period in units.periods for name in period.names}
        self.counts = dict(reading.counts)
        spans = _alternatives(self.spans)
        periods = _alternatives(self.periods)
        counts = _alternatives(reading.counts)
        per = _alternatives(reading.per)
        how_many = rf"(?:\d+|{counts})"
        nth = rf"(?:\d+(?:st|nd|rd|th)?|{counts})"  # "every 2nd day"
        days = _alternatives(name for name, span in self.spans.items() if span == 1)
        if mode == "level":
            unit_names = [name for unit in units.level.units for name in unit.names]
        else:
            unit_names = [
                name for unit in (*units.vitamin_d.units, *units.k2.units) for name in unit.names
            ]
        groups = [
            ("levelname", _alternatives(reading.level_names) if mode == "level" else "(?!)"),
            ("notfinite", r"(?:nan|infinity|inf|∞)(?![a-z])"),
            (
                "every",
                rf"(?:{_alternatives(reading.every)}) ?(?P<en>{nth}) ?(?P<es>{spans})",
            ),
            # "5 days a week": five times a week.
            ("days_per", rf"(?P<dn>{how_many}) ?{days} ?(?:{per}) ?(?P<ds>{spans})"),
            (
                "times_per",
                rf"(?P<tn>{how_many}) ?{_alternatives(reading.times)} ?"
                rf"(?:(?:{per}) ?(?P<ts>{spans})|(?P<tp>{periods})|(?P<tb>{spans}))",
            ),
            ("count_per", rf"(?P<cn>{counts}) ?(?:{per} ?(?P<cs>{spans})|(?P<cp>{periods}))"),
            (
                "duration",
                rf"{_alternatives(reading.durations)} ?(?:{how_many}|{per}) ?(?:{spans})s?",
            ),
            ("period", rf"(?P<pp>{periods})|/ ?(?P<ps>{spans})"),
            # "1½" folds to "11⁄2" (a fraction slash): no reading of it is safe to guess.
            ("frac", rf"(?:{NUMBER} ?)?⁄ ?\d*"),
            ("exp", rf"{NUMBER}(?:e[-+]?\d+(?![a-z])| ?(?:\^|\*\*) ?[-+]?\d+)"),
            ("num", rf"{NUMBER}(?:k(?![a-z]))?"),
            ("unit", _alternatives(unit_names)),
        ]
        if mode == "dose":
            groups += [
                ("d2", _alternatives(reading.d2.names)),
                ("mk4", _alternatives(reading.mk4.names)),
                ("k2", _alternatives(units.k2.fillers)),
                ("d3", _alternatives(units.vitamin_d.fillers)),
                ("form", _alternatives(reading.forms)),
            ]
        groups += [
            ("below", _alternatives(reading.below)),
            ("above", _alternatives(reading.above)),
            ("range", _alternatives(reading.range_words)),
            ("times", _alternatives(reading.times, digit_may_follow=True)),  # "x2", "2x5000"
            ("word", r"[^\W\d_]+(?:['’.\-][^\W\d_]+)*\.?"),
            ("punct", r"."),
        ]
        self.pattern = re.compile("|".join(f"(?P<{kind}>{body})" for kind, body in groups))
        # At a digit only these can match: trying the rest there costs a third of the time.
        at_digit = {"levelname", "times_per", "days_per", "frac", "exp", "num", "punct"}
        self.digit_pattern = re.compile(
            "|".join(f"(?P<{kind}>{body})" for kind, body in groups if kind in at_digit)
        )
        # Members type the same few amounts again and again; tokens are immutable.
        self.tokens = lru_cache(maxsize=4096)(self._read)

    def _read(self, text: str) -> tuple[Token, ...]:
        """The tokens of `text`. A plain number then words ("2345 IU every other day"), as
        most amounts are typed, is the number's token followed by the words' tokens, which
        come from the cache: members type new numbers with the same few units and
        frequencies. The same tokens as `_tokens` gives: no pattern looks back past a space,
        and words not starting with a digit join no number before them."""
        if text.isascii() and text.isprintable():
            clean_text = normalise(text)
            number, space, words = clean_text.partition(" ")
            if space and number.isdigit() and not words[0].isdigit():
                match = self.digit_pattern.match(clean_text)  # a number reads to the space
                if match is not None and match.lastgroup == "num":
                    return (self._token("num", match), *self.tokens(words))
        return self._tokens(text)

    def _tokens(self, text: str) -> tuple[Token, ...]:
        clean_text = normalise(text)
        tokens: list[Token] = []
        position = 0
        end = len(clean_text)
        while position < end:
            if clean_text[position] == " ":  # normalised: single spaces only
                position += 1
                continue
            pattern = self.digit_pattern if clean_text[position].isdigit() else self.pattern
            match = pattern.match(clean_text, position)
            assert match is not None  # "punct" matches any character
            position = match.end()
            kind = match.lastgroup
            assert kind is not None
            tokens.append(self._token(kind, match))
        return tuple(_join_space_groups(tokens))

    def _token(self, kind: str, match: re.Match[str]) -> Token:
        found = match.group(kind)
        if kind == "num":
            number = read_number(found)
            return Token("badnum" if number is None else "num", found, number)
        if kind == "every":
            days = self.count(match["en"]) * self.days(_key(match["es"]), None)
            return Token("freq", _spelling(found), None, (1, days))
        if kind == "days_per":
            times, days = self.count(match["dn"]), self.days(_key(match["ds"]), None)
            # "8 days a week" is no frequency: (0, days) is refused as "every 0 days" is.
            return Token("freq", _spelling(found), None, (times if times <= days else 0, days))
        if kind == "times_per":
            days = self.days(_key(match["ts"] or match["tb"]), _key(match["tp"]))
            return Token("freq", _spelling(found), None, (self.count(match["tn"]), days))
        if kind == "count_per":
            days = self.days(_key(match["cs"]), _key(match["cp"]))
            return Token("freq", _spelling(found), None, (self.count(match["cn"]), days))
        if kind == "period":
            days = self.days(_key(match["ps"]), _key(match["pp"]))
            return Token("freq", _spelling(found), None, (1, days))
        return Token(kind, _spelling(found))

    def count(self, text: str) -> int:
        if text[:1].isdigit():
            return int(text.rstrip("stndrh"))  # "2", "2nd"
        return self.counts[text]

    def days(self, span: str | None, period: str | None) -> int:
        if span is not None:
            return self.spans[span]
        assert period is not None
        return self.periods[period]


_GRAMMARS: dict[tuple[int, str], tuple[Units, _Grammar]] = {}


def _grammar(units: Units, mode: str) -> _Grammar:
    """The compiled grammar for these units, cached by identity: hashing a whole Units value
    on every keystroke would cost more than the tokenizing."""
    cached = _GRAMMARS.get((id(units), mode))
    if cached is not None and cached[0] is units:
        return cached[1]
    if len(_GRAMMARS) > 16:
        _GRAMMARS.clear()
    grammar = _Grammar(units, mode)
    _GRAMMARS[(id(units), mode)] = (units, grammar)
    return grammar


def _spelling(text: str) -> str:
    """A matched spelling as units.yaml lists it (one space where the match allowed none,
    none around a slash)."""
    return _SLASH.sub("/", " ".join(text.split()))


_SLASH = re.compile(r" ?/ ?")


def tokenize(text: str, units: Units, mode: str) -> tuple[Token, ...]:
    """The tokens of `text`; spaces dropped, numbers read, frequencies as (times, days)."""
    return _grammar(units, mode).tokens(text)


def _key(text: str | None) -> str | None:
    """A matched spelling back to its units.yaml form ("a  week" -> "a week")."""
    return None if text is None else _spelling(text)


def _join_space_groups(tokens: list[Token]) -> list[Token]:
    """ "5 000 IU", "1 000 000": digits grouped with spaces are one number when the groups
    are "000" or a unit follows; "400 100" stays two amounts (D3 and K2)."""
    out: list[Token] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.kind == "num" and token.text.isdigit() and len(token.text) <= 3:
            end = index + 1
            while (
                end < len(tokens)
                and tokens[end].kind == "num"
                and tokens[end].text.isdigit()
                and len(tokens[end].text) == 3
            ):
                end += 1
            groups = [t.text for t in tokens[index + 1 : end]]
            unit_next = end < len(tokens) and tokens[end].kind == "unit"
            if groups and (unit_next or all(group == "000" for group in groups)):
                joined = token.text + "".join(groups)
                out.append(Token("num", joined, read_number(joined)))
                index = end
                continue
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        if (
            token.kind == "num"
            and token.text.isdigit()
            and following is not None
            and following.kind == "num"
            and following.text.isdigit()
            and following.text.startswith("0")
            and len(following.text) != 3
        ):
            # "5 00", "400 0": no group of thousands, nor a second amount.
            out.append(Token("badnum", f"{token.text} {following.text}"))
            index += 2
            continue
        out.append(token)
        index += 1
    return out
