"""Pieces of how search reads a member's words (bot.core.wording), at their edges: the units
of a conversion question typed glued to the number, the typo-correction length window at
exactly the similarity, the scorer, the memory of corrections, and the words an amount or a
stopword becomes; and which sentences of a post ask."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.wording import (
    AMOUNT,
    Vocabulary,
    Word,
    asked_part,
    conversion_units,
    stem,
    tokens,
)

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


def test_a_hyphen_typed_inside_a_known_word_is_read_as_that_word() -> None:
    # "osteo-calcin??" is osteocalcin, not two unknown halves; "bone-calcium" is two words.
    vocabulary = Vocabulary(["bone", "osteocalcin", "calcium"], STOPWORDS, 84)
    assert [(w.stem, w.known) for w in vocabulary.read("osteo-calcin")] == [
        (stem("osteocalcin"), True)
    ]
    assert [w.stem for w in vocabulary.read("bone-calcium")] == [stem("bone"), stem("calcium")]


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


def test_the_sentences_that_ask_are_set_apart_from_the_story() -> None:
    post = "I'm 40 and take 1000 IU. My GP never mentioned K2. Do I need it?"
    assert asked_part(post) == "Do I need it?"
    # Several asking sentences are kept together, in order; the story around them goes.
    two = "Dad is 80. Is 800 IU enough? And why more after 70? He walks daily."
    assert asked_part(two) == "Is 800 IU enough? And why more after 70?"
    # No "?" at all: the last sentence is the question.
    assert asked_part("We moved to Oslo. Tell me what D does.") == "Tell me what D does."
    # Every sentence asks: nothing to set aside but what came before the last.
    assert asked_part("Is it safe? How much?") == "How much?"


def test_one_sentence_or_a_decimal_point_is_not_a_story() -> None:
    assert asked_part("is 1.25 mg weekly a lot?") is None
    assert asked_part("how much d3 should i take") is None
    assert asked_part("  ") is None


# A sentence's words: letters, numbers and decimals ("1.25"), never a full stop before a space.
_WORDS = st.from_regex(r"[A-Za-z']+( [a-z0-9]+| \d\.\d+| mg,){0,5}", fullmatch=True)


@given(st.lists(st.tuples(_WORDS, st.sampled_from([".", "?", "!", "??", "..."])), max_size=5))
def test_the_asked_part_is_the_asking_sentences_or_else_the_last(
    parts: list[tuple[str, str]],
) -> None:
    sentences = [words + end for words, end in parts]
    asked = asked_part(" ".join(sentences))
    if len(sentences) < 2:
        assert asked is None
        return
    asking = [sentence for sentence in sentences if "?" in sentence]
    story = len(asking) < len(sentences)
    assert asked == (" ".join(asking) if asking and story else sentences[-1])


def test_a_word_only_refusing_phrases_use_needs_the_stricter_similarity() -> None:
    vocabulary = Vocabulary(["osteocalcin"], STOPWORDS, 84, refusing=(["bleeds", "magnesium"], 92))
    assert vocabulary.correction("leeds") is None  # 91 against "bleeds"
    assert vocabulary.correction("magnesum") == "magnesium"  # 94
    assert vocabulary.correction("osteocalcn") == "osteocalcin"  # 95, a topic's word
    # a word the topics use too is read at the usual similarity
    both = Vocabulary(["bleeds"], STOPWORDS, 84, refusing=(["bleeds"], 92))
    assert both.correction("leeds") == "bleeds"


def test_a_form_of_an_everyday_word_is_no_typo_of_a_vocabulary_word() -> None:
    texts = ["choking", "read", "change", "skip"]
    plain = Vocabulary(texts, STOPWORDS, 84)
    assert plain.correction("cooking") == "choking"  # without the everyday words
    common = frozenset({"cook", "spread", "charge", "slip"})
    vocabulary = Vocabulary(texts, STOPWORDS, 84, common_words=common)
    # "cook" + ing, "spread" + ing, "charge" less its e + ing, "slip" doubled + ing
    for word in ("cooking", "spreading", "charging", "slipping", "cooks", "cooked"):
        assert vocabulary.correction(word) is None, word
    assert vocabulary.correction("chocking") == "choking"  # a real typo still is one


@given(
    st.sampled_from(["cook", "spread", "charge", "slip", "catch"]),
    st.sampled_from(["ing", "ed", "es", "s", "er", "ers"]),
)
def test_no_ending_makes_an_everyday_word_a_typo(word: str, ending: str) -> None:
    vocabulary = Vocabulary(
        ["choking", "read", "change", "skip", "watch"],
        STOPWORDS,
        70,
        common_words=frozenset({"cook", "spread", "charge", "slip", "catch"}),
    )
    base = word[:-1] if word.endswith("e") and ending.startswith("e") else word
    doubled = base + base[-1] if word == "slip" and ending[0] in "ie" else base
    assert vocabulary.correction(doubled + ending) is None


def test_a_form_of_a_word_the_vocabulary_holds_is_still_read_as_it() -> None:
    # "basic" is a stopword and an everyday word: "basics" is read as it, not left unknown
    vocabulary = Vocabulary(
        ["basic", "osteocalcin"], frozenset({"basic"}), 84, common_words=frozenset({"basic"})
    )
    assert vocabulary.correction("basics") == "basic"
