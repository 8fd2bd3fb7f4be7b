"""Tokens: what each piece of a typed amount is read as, with its text and, for a frequency,
how many doses over how many days. Read against the real units.yaml."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.model import KnowledgeBase
from bot.core.tokens import _grammar, normalise, tokenize


def kinds(kb: KnowledgeBase, text: str, mode: str = "dose") -> list[tuple[str, str]]:
    return [(token.kind, token.text) for token in tokenize(text, kb.units, mode)]


def freqs(kb: KnowledgeBase, text: str) -> list[tuple[str, tuple[int, int] | None]]:
    return [(t.text, t.freq) for t in tokenize(text, kb.units, "dose") if t.kind == "freq"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("5000 IU", [("num", "5000"), ("unit", "iu")]),
        ("5000iu daily", [("num", "5000"), ("unit", "iu"), ("freq", "daily")]),
        ("k2 100 mcg", [("k2", "k2"), ("num", "100"), ("unit", "mcg")]),
        ("D3 5k", [("d3", "d3"), ("num", "5k")]),
        ("50000 D2", [("num", "50000"), ("d2", "d2")]),
        ("vitamin d2 1000", [("d2", "vitamin d2"), ("num", "1000")]),
        ("45 mg MK-4", [("num", "45"), ("unit", "mg"), ("mk4", "mk-4")]),
        ("2 drops", [("num", "2"), ("form", "drops")]),
        ("2 x 5000", [("num", "2"), ("times", "x"), ("num", "5000")]),
        ("2x5000", [("num", "2"), ("times", "x"), ("num", "5000")]),
        ("5000 iu x2", [("num", "5000"), ("unit", "iu"), ("times", "x"), ("num", "2")]),
        ("1000-2000 IU", [("num", "1000"), ("range", "-"), ("num", "2000"), ("unit", "iu")]),
        ("1000 to 2000", [("num", "1000"), ("range", "to"), ("num", "2000")]),
        ("1e5 IU", [("exp", "1e5"), ("unit", "iu")]),
        ("10^5 IU", [("exp", "10^5"), ("unit", "iu")]),
        ("10⁵", [("exp", "10^5")]),  # not 105: a superscript is a power
        ("1½ mcg", [("frac", "11⁄2"), ("unit", "mcg")]),  # NFKC folds ½ to 1⁄2
        ("¼ mg", [("frac", "1⁄4"), ("unit", "mg")]),
        ("5,00,0", [("badnum", "5,00,0")]),
        ("inf IU", [("notfinite", "inf"), ("unit", "iu")]),
        ("nan", [("notfinite", "nan")]),
        ("5000 for my baby", [("num", "5000"), ("word", "for"), ("word", "my"), ("word", "baby")]),
        ("5000 for 2 weeks", [("num", "5000"), ("duration", "for 2 weeks")]),
        ("5000 for a wk", [("num", "5000"), ("duration", "for a wk")]),
        ("5000 over three months", [("num", "5000"), ("duration", "over three months")]),
        ("5000 IU!", [("num", "5000"), ("unit", "iu"), ("punct", "!")]),
        ("don't", [("word", "don't")]),
        ("up to 5000", [("word", "up"), ("range", "to"), ("num", "5000")]),
        ("5 000 IU", [("num", "5000"), ("unit", "iu")]),
        ("1 000 000", [("num", "1000000")]),
        ("400 100", [("num", "400"), ("num", "100")]),
        ("400 100 IU", [("num", "400100"), ("unit", "iu")]),
        ("5000 1000", [("num", "5000"), ("num", "1000")]),
        ("12 000", [("num", "12000")]),
        ("1234 000", [("num", "1234"), ("num", "000")]),
        ("5 0000", [("badnum", "5 0000")]),  # neither a group of thousands nor two amounts
        ("5 00 IU", [("badnum", "5 00"), ("unit", "iu")]),
        ("5’000", [("num", "5'000")]),
        ("5 000 100", [("num", "5"), ("num", "000"), ("num", "100")]),
        ("400 20 IU", [("num", "400"), ("num", "20"), ("unit", "iu")]),
        ("5 000 20 IU", [("num", "5000"), ("num", "20"), ("unit", "iu")]),
    ],
)
def test_dose_text_splits_into_tokens_of_each_kind(
    kb: KnowledgeBase, text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(kb, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("42 ng/mL", [("num", "42"), ("unit", "ng/ml")]),
        ("<10", [("below", "<"), ("num", "10")]),
        ("more than 150", [("above", "more than"), ("num", "150")]),
        ("25(OH)D 42", [("levelname", "25(oh)d"), ("num", "42")]),
        ("25-hydroxy vitamin d 42", [("levelname", "25-hydroxy vitamin d"), ("num", "42")]),
        ("42 mcg", [("num", "42"), ("word", "mcg")]),  # no dose units in level mode
    ],
)
def test_level_text_splits_into_tokens_of_each_kind(
    kb: KnowledgeBase, text: str, expected: list[tuple[str, str]]
) -> None:
    assert kinds(kb, text, "level") == expected


def test_dose_labels_are_words_in_level_mode(kb: KnowledgeBase) -> None:
    assert kinds(kb, "ergocalciferol drops", "level") == [
        ("word", "ergocalciferol"),
        ("word", "drops"),
    ]
    assert kinds(kb, "25(oh)d", "dose")[0] != ("levelname", "25(oh)d")


@pytest.mark.parametrize(
    ("text", "freq"),
    [
        ("daily", (1, 1)),
        ("weekly", (1, 7)),
        ("per month", (1, 30)),
        ("/wk", (1, 7)),
        ("/d", (1, 1)),
        ("every other day", (1, 2)),
        ("fortnightly", (1, 14)),
        ("every 2 weeks", (1, 14)),
        ("every three days", (1, 3)),
        ("each 10 days", (1, 10)),
        ("twice a week", (2, 7)),
        ("thrice per month", (3, 30)),
        ("once a fortnight", (1, 14)),
        ("2x/week", (2, 7)),
        ("3 times per month", (3, 30)),
        ("3 times a month", (3, 30)),
        ("2x weekly", (2, 7)),
        ("2x week", (2, 7)),
        ("five times per day", (5, 1)),
        ("2 × a week", (2, 7)),
        # A span word after "a"/"per" that is not itself a period spelling.
        ("2 times a wk", (2, 7)),
        ("3x per mo", (3, 30)),
        ("twice per wk", (2, 7)),
        ("once every d", (1, 1)),
        # A count before a period spelling of its own.
        ("twice weekly", (2, 7)),
        ("thrice monthly", (3, 30)),
    ],
)
def test_frequencies_read_as_doses_over_days(
    kb: KnowledgeBase, text: str, freq: tuple[int, int]
) -> None:
    assert freqs(kb, f"5000 {text}") == [(text, freq)]


def test_a_frequency_spelling_is_tidied_to_single_spaces(kb: KnowledgeBase) -> None:
    assert freqs(kb, "5000 every   2  weeks") == [("every 2 weeks", (1, 14))]
    assert freqs(kb, "5000 twice  a  week") == [("twice a week", (2, 7))]
    assert freqs(kb, "5000 / week") == [("/week", (1, 7))]  # no space around a slash
    assert kinds(kb, "42 ng / ml", "level") == [("num", "42"), ("unit", "ng/ml")]


def test_numbers_carry_their_reading(kb: KnowledgeBase) -> None:
    (token,) = tokenize("5.000", kb.units, "dose")
    assert token.number is not None
    assert (token.number.value, token.number.alt, token.number.dot_group) == (5, 5000, True)
    (joined, _) = tokenize("5 000 iu", kb.units, "dose")
    assert joined.number is not None and joined.number.value == 5000


@pytest.mark.parametrize(
    ("typed", "normal"),
    [
        ("  5000   IU  Daily ", "5000 iu daily"),
        ("5000\u200bIU", "5000iu"),  # a zero-width space is dropped
        ("1000–2000 μg", "1000-2000 µg"),  # en dash, Greek mu
        ("５０００ ＩＵ", "5000 iu"),  # full-width digits and letters
        ("5000\nIU", "5000 iu"),
    ],
)
def test_normalise_folds_what_looks_the_same(typed: str, normal: str) -> None:
    assert normalise(typed) == normal


def test_unicode_dashes_and_full_width_digits_tokenize_like_ascii(kb: KnowledgeBase) -> None:
    assert kinds(kb, "１０００－２０００ IU") == kinds(kb, "1000-2000 IU")
    assert kinds(kb, "1000−2000 IU") == kinds(kb, "1000-2000 IU")


def test_a_line_typed_again_is_not_tokenized_again(kb: KnowledgeBase) -> None:
    """The grammar is compiled once per knowledge base and mode, and remembers its lines:
    the same line gives the very same tokens back; another mode or knowledge base does not."""
    first = tokenize("2x/week 5000 IU", kb.units, "dose")
    assert tokenize("2x/week 5000 IU", kb.units, "dose") is first
    level = tokenize("2x/week 5000 IU", kb.units, "level")
    assert level != first and tokenize("2x/week 5000 IU", kb.units, "level") is level
    other = kb.units.model_copy(deep=True)
    again = tokenize("2x/week 5000 IU", other, "dose")
    assert again == first and again is not first
    assert tokenize("2x/week 5000 IU", other, "dose") is again


def test_long_lines_with_unicode_are_read_to_the_end(kb: KnowledgeBase) -> None:
    text = "５０００ IU " + "and " * 30 + "twice a week"
    tokens = tokenize(text, kb.units, "dose")
    assert tokens[-1].kind == "freq" and tokens[-1].freq == (2, 7)
    assert len(tokens) == 2 + 30 + 1


@settings(max_examples=80)
@given(
    value=st.integers(min_value=1, max_value=10**9),
    unit=st.sampled_from(["iu", "mcg", "µg", "mg"]),
    times=st.integers(min_value=2, max_value=9),
    span=st.sampled_from([("day", 1), ("week", 7), ("month", 30)]),
)
def test_an_amount_a_unit_and_a_frequency_are_three_tokens(
    kb: KnowledgeBase, value: int, unit: str, times: int, span: tuple[str, int]
) -> None:
    tokens = tokenize(f"{value:,} {unit} {times}x/{span[0]}", kb.units, "dose")
    assert [t.kind for t in tokens] == ["num", "unit", "freq"]
    assert tokens[0].number is not None and tokens[0].number.value == Decimal(value)
    assert tokens[1].text == unit
    assert tokens[2].freq == (times, span[1])


# What members type after a number: units, frequencies, counts, digit groups, ranges, labels.
_PIECES = ["000", "500", "25", "iu", "IU", "mcg", "mg", "ng/ml", "nmol/l", "x", "x/week", "k"]
_PIECES += ["-", "to", "2000", ".5", ",5", "e5", "every", "other", "day", "twice a week"]
_PIECES += ["daily", "(", ")", "k2", "mk-4", "d3", "drops", "<", "(oh)d", "for", "weeks", "and"]


@settings(max_examples=300)
@given(
    number=st.integers(min_value=0, max_value=10**9),
    words=st.one_of(
        st.lists(st.sampled_from(_PIECES), min_size=1, max_size=5).map(" ".join),
        st.text(alphabet="abdegiklmnorstuwxyIUMK0123456789 .,'-/()<>µ", max_size=24),
    ),
    mode=st.sampled_from(["dose", "level"]),
)
def test_a_number_then_words_reads_as_the_whole_line_does(
    kb: KnowledgeBase, number: int, words: str, mode: str
) -> None:
    """A plain number then words takes the words' tokens from the cache: the same tokens as
    reading the whole line, whatever the words (a frequency or unit, digits that group with
    the number, a count, a range, a separator)."""
    text = f"{number} {words}"
    assert tokenize(text, kb.units, mode) == _grammar(kb.units, mode)._tokens(text)


def test_a_new_number_with_words_typed_before_reads_the_words_once(kb: KnowledgeBase) -> None:
    words = tokenize("iu every other day", kb.units, "dose")
    tokens = tokenize("2345 IU every other day", kb.units, "dose")
    assert [(t.kind, t.text) for t in tokens] == [
        ("num", "2345"),
        ("unit", "iu"),
        ("freq", "every other day"),
    ]
    assert all(new is old for new, old in zip(tokens[1:], words, strict=True))
    assert tokens[0].number is not None and tokens[0].number.value == Decimal(2345)


def test_words_that_clean_differently_twice_are_read_with_the_whole_line(
    kb: KnowledgeBase,
) -> None:
    """Two marks that each unfold into two (U+0344) pass the first cleaning, and a second
    would drop one: such a line is read whole, not its words again from the cache."""
    text = "5000 a\u0344\u0344"
    tokens = tokenize(text, kb.units, "dose")
    assert tokens == _grammar(kb.units, "dose")._tokens(text)
    assert [t.kind for t in tokens] == ["num", "word", "punct", "punct", "punct"]
