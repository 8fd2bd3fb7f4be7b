"""Pieces of how search reads a member's words (bot.core.wording), at their edges: the units
of a conversion question typed glued to the number, the typo-correction length window at
exactly the similarity, the scorer, the memory of corrections, and the words an amount or a
stopword becomes."""

from __future__ import annotations

from bot.core.wording import AMOUNT, Vocabulary, Word, conversion_units, stem, tokens

STOPWORDS = frozenset({"the", "is", "my"})


def test_a_unit_glued_to_its_number_still_counts_in_a_conversion() -> None:
    assert conversion_units("how many iu is 50mcg") == ["iu", "mcg"]
    assert conversion_units("75nmol/l in ng/ml") == ["nmol", "ng"]
    # Glued or not, two amounts with their units are a dose, not a conversion.
    assert conversion_units("5000iu d3 with 100mcg k2") == []


def test_the_length_window_reaches_exactly_the_similarity() -> None:
    # rapidfuzz's ratio of a word and one three times its length that contains it is
    # 2 * 4 / 16 = 50: at a similarity of 50 both ends of the window must still be searched.
    assert Vocabulary(["abcdefghijkl"], STOPWORDS, 50).correction("abcd") == "abcdefghijkl"
    assert Vocabulary(["abcd"], STOPWORDS, 50).correction("abcdefghijkl") == "abcd"
    # One letter further is out of reach either way.
    assert Vocabulary(["abcdefghijklm"], STOPWORDS, 50).correction("abcd") is None


def test_a_typo_one_letter_longer_or_shorter_is_corrected() -> None:
    vocabulary = Vocabulary(["osteocalcin"], STOPWORDS, 84)
    assert vocabulary.correction("osteocalcinn") == "osteocalcin"
    assert vocabulary.correction("osteocalcn") == "osteocalcin"


def test_a_word_sharing_only_its_start_is_no_typo() -> None:
    # "calx" and "calcium": ratio 2 * 3 / 11 = 54.5, under 65, though their first letters
    # align (a partial-match scorer would give 77).
    assert Vocabulary(["calcium"], STOPWORDS, 65).correction("calx") is None


def test_the_memory_of_corrections_starts_over_when_full() -> None:
    vocabulary = Vocabulary(["osteocalcin"], STOPWORDS, 84)
    for index in range(4096):
        vocabulary.correction(f"word{index:04d}")
    assert len(vocabulary._corrections) == 4096
    vocabulary.correction("osteocalsin")
    assert vocabulary._corrections == {"osteocalsin": "osteocalcin"}


def test_the_memory_of_words_read_is_bounded_and_reads_as_afresh() -> None:
    vocabulary = Vocabulary(["osteocalcin"], STOPWORDS, 84)
    first = vocabulary.read("my osteocalsin")
    for index in range(4096):
        vocabulary.read(f"word{index:04d}")
    assert len(vocabulary._words) <= 4096
    assert vocabulary.read("my osteocalsin") == first  # read again after it was forgotten
    assert first[1] == Word("osteocalsin", stem("osteocalcin"), False, True, True)


def test_an_amount_and_a_stopword_are_words_search_does_not_count() -> None:
    vocabulary = Vocabulary(["iu", "calcium"], STOPWORDS, 84, frozenset({"iu"}))
    assert vocabulary.read("600 iu") == [Word("600", AMOUNT, True, False, False)]
    assert vocabulary.read("the calcium") == [
        Word("the", stem("the"), True, False, False),
        Word("calcium", stem("calcium"), False, True, False),
    ]


def test_the_parts_of_an_unknown_hyphenated_word_are_read_and_corrected_as_asked() -> None:
    vocabulary = Vocabulary(["bone", "osteocalcin", "calcium"], STOPWORDS, 84)
    words = vocabulary.read("bone-osteocalsin calcium")
    assert [(word.typed, word.stem, word.corrected) for word in words] == [
        ("bone", stem("bone"), False),
        ("osteocalsin", stem("osteocalcin"), True),
        ("calcium", stem("calcium"), False),
    ]
    uncorrected = vocabulary.read("bone-osteocalsin calcium", correct=False)
    assert [(word.stem, word.known) for word in uncorrected] == [
        (stem("bone"), True),
        (stem("osteocalsin"), False),
        (stem("calcium"), True),
    ]


def test_a_curly_apostrophe_is_the_straight_one() -> None:
    # Phones type ’ for ': "K2’s" is the word "k2's", not "k2" and "s".
    assert tokens("K2’s role") == ["k2's", "role"]


def test_a_possessive_goes_before_stemming_even_on_snowballs_exceptions() -> None:
    # Snowball keeps "news" and "sky" whole, but stems "news's" to "new" and "sky's" to
    # "ski": the possessive is taken off first, so both meet their plain word.
    assert stem("news's") == stem("news") == "news"
    assert stem("sky's") == stem("sky") == "sky"


def test_unknown_and_corrected_words_say_so() -> None:
    vocabulary = Vocabulary(["osteocalcin"], STOPWORDS, 84)
    assert vocabulary.read("laptop") == [Word("laptop", stem("laptop"), False, False, False)]
    assert vocabulary.read("osteocalsin") == [
        Word("osteocalsin", stem("osteocalcin"), False, True, True)
    ]
    assert vocabulary.read("osteocalsin", correct=False) == [
        Word("osteocalsin", stem("osteocalsin"), False, False, False)
    ]
