"""The pieces of question understanding, one at a time: stemming, typo correction, amounts,
phrases, coverage, out-of-scope words and the margin that decides answer or suggestions."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import bm25s
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from bot.core.embedding import shipped_embedder
from bot.core.explain import explain_reply
from bot.core.loader import load_knowledge
from bot.core.model import KnowledgeBase
from bot.core.search import (
    TopicIndex,
    _Bm25,
    equivalent_units,
    figures,
    index_for,
    same_amounts,
)
from bot.core.wording import (
    ADULT_AGE,
    AMOUNT,
    HIGHEST_BARE_LEVEL,
    Rewrites,
    Vocabulary,
    ages_as_words,
    conversion_units,
    levels_with_unit,
    normalise_term,
    stem,
    tokens,
)


def _vocabulary(*texts: str) -> Vocabulary:
    return Vocabulary(
        texts, frozenset({"the", "is", "my"}), 84, frozenset({"iu", "mcg", "ng", "ml"})
    )


def _index(kb: KnowledgeBase, **settings: object) -> TopicIndex:
    """An index with these settings changed, without the answer gate unless one is given:
    the tests here pin the rules (the gate's own are in test_search_gate.py)."""
    settings = {"answer_gate": None, **settings}
    changed = dataclasses.replace(kb, search=kb.search.model_copy(update=settings))
    return TopicIndex(changed, shipped_embedder())


# -- stemming and words -------------------------------------------------------------------


@pytest.mark.parametrize(
    "forms",
    [
        ("artery", "arteries"),
        ("dose", "doses", "dosing"),
        ("calcification", "calcifications"),
        ("deficiency", "deficient"),
        ("fracture", "fractures", "fractured"),
    ],
)
def test_forms_of_a_word_share_one_stem(forms: tuple[str, ...]) -> None:
    assert len({stem(form) for form in forms}) == 1


def test_a_possessive_is_the_word_itself() -> None:
    assert stem("k2's") == stem("k2")


def test_tokens_keep_names_and_grouped_numbers_whole() -> None:
    assert tokens("MK-7, 5,000 IU or 1.25 mg?") == ["mk7", "5,000", "iu", "or", "1.25", "mg"]
    assert tokens("K2 μg") == ["k2", "µg"]  # Greek mu and the micro sign are one letter
    assert normalise_term("  Vitamin   D3!! ") == "vitamin d3"


@pytest.mark.parametrize("typed", ["mk-7", "MK 7", "mk_7", "mk7", "Mk - 7", "mk  7"])
def test_a_k2_form_is_one_word_however_it_is_typed(typed: str) -> None:
    assert tokens(f"is {typed} better") == ["is", "mk7", "better"]
    assert tokens(f"is {typed.replace('7', '4')} better") == ["is", "mk4", "better"]


def test_a_longer_number_after_mk_is_not_a_k2_form() -> None:
    assert tokens("mk-47 or mk 70") == ["mk-47", "or", "mk", "70"]


def test_mk_7_with_a_space_is_not_mk_4(kb: KnowledgeBase) -> None:
    # read apart, "7" was an amount: "mk 7" and "mk 4" were the same words, and MK-7's
    # question tied with K2 forms
    index = index_for(kb)

    def order(question: str) -> list[str]:
        return [topic for topic, _ in index.rank(question).ranked]

    assert order("what is mk 7") == order("what is mk7")
    assert index.rank("what is mk 7").ranked[0][0] == "mk7"
    assert index.rank("what is mk 4").ranked[0][0] == "k2-forms"


def test_a_question_in_other_word_forms_finds_the_same_topic(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.search("does k2 keep calcium out of the arteries").topic == "mgp"
    assert index.search("does k2 keep calcium out of the artery").topic == "mgp"


# -- typo correction ----------------------------------------------------------------------


def test_a_misspelt_word_is_read_as_the_vocabulary_word() -> None:
    vocabulary = _vocabulary("osteocalcin binds calcium")
    (word,) = vocabulary.read("osteocalsin")
    assert word.known and word.corrected and word.stem == stem("osteocalcin")


def test_short_words_are_never_corrected() -> None:
    vocabulary = _vocabulary("k2 and d3")
    (word,) = vocabulary.read("k3")
    assert not word.known and word.stem == "k3"


def test_a_word_far_from_every_known_word_stays_unknown() -> None:
    vocabulary = _vocabulary("osteocalcin binds calcium")
    (word,) = vocabulary.read("laptop")
    assert not word.known and not word.corrected


def test_an_everyday_word_is_never_read_as_a_typo_of_a_vocabulary_word() -> None:
    texts = ("take it whether or not you eat", "at least 600 iu")
    plain = Vocabulary(texts, frozenset(), 84)
    assert plain.read("weather")[0].corrected  # without the list it becomes "whether"
    common = Vocabulary(texts, frozenset(), 84, common_words=frozenset({"weather", "last"}))
    weather, last, typo = common.read("weather last wheter")
    assert not weather.known and not weather.corrected and weather.stem == stem("weather")
    assert not last.known and last.stem == stem("last")
    assert typo.corrected and typo.stem == stem("whether")  # a real typo is still corrected


def test_search_takes_everyday_words_from_the_model(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    (word,) = index.vocabulary.read("weather")
    assert not word.corrected
    (typo,) = index.vocabulary.read("vitamn")
    assert typo.corrected and typo.stem == stem("vitamin")


def test_corrections_are_remembered_and_can_be_forgotten() -> None:
    vocabulary = _vocabulary("osteocalcin")
    vocabulary.read("osteocalsin")
    assert vocabulary.correction("osteocalsin") == "osteocalcin"
    vocabulary.forget_corrections()
    assert vocabulary._corrections == {}


@pytest.mark.parametrize(
    ("typed", "topic"),
    [
        ("osteocalsin", "osteocalcin"),
        ("warfrin", "warfarin"),
        ("what does osteocalsin do", "osteocalcin"),
        ("can i take k2 with warfrin", "warfarin"),
        ("upper limt for vitamin d", "upper-limit"),
    ],
)
def test_typos_find_their_topic(kb: KnowledgeBase, typed: str, topic: str) -> None:
    assert index_for(kb).search(typed).topic == topic


def test_a_word_known_only_by_correction_counts_half_towards_coverage(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    exact = index.rank("osteocalcin bone")
    corrected = index.rank("osteocalsin bone")
    assert exact.coverage == 1.0
    assert 0.5 < corrected.coverage < 1.0


# -- amounts ------------------------------------------------------------------------------


def test_an_amount_is_one_placeholder_whatever_its_unit() -> None:
    vocabulary = _vocabulary("iu")
    for text in ("600 iu", "5,000 iu", "5000iu", "12 ng ml", "1.25 mcg"):
        words = vocabulary.read(text)
        assert [word.stem for word in words] == [AMOUNT], text
        assert words[0].stopword


@given(
    low=st.integers(1, 100_000),
    high=st.integers(1, 100_000),
    unit=st.sampled_from(["iu", "mcg", "ng"]),
    glued=st.booleans(),
)
def test_a_range_is_one_amount_and_its_unit_goes_with_it(
    low: int, high: int, unit: str, glued: bool
) -> None:
    # "2000-3000 iu of d": the unit after a range is the range's, not a word on units
    words = _vocabulary("iu mcg ng d").read(f"{low}-{high}{'' if glued else ' '}{unit} of d")
    assert [word.stem for word in words] == [AMOUNT, "of", "d"]
    assert conversion_units(normalise_term(f"{low}-{high} {unit} with 100 mcg k2")) == []


def test_a_unit_without_a_number_is_a_word() -> None:
    (word,) = _vocabulary("iu").read("iu")
    assert word.stem == "iu" and not word.stopword


def test_a_level_with_its_unit_is_not_a_question_about_units(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.search("is 12 ng/ml deficient").topic == "deficiency"
    assert index.search("how do i convert ng/ml to nmol/l").topic == "units"


# -- phrases ------------------------------------------------------------------------------


def test_an_alias_named_inside_a_question_counts_as_a_phrase(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert ("matrix", "gla", "protein") in index.phrases
    ranking = index.rank("my doctor mentioned matrix gla protein, what is that")
    assert ranking.ranked[0][0] == "mgp"


def test_phrase_words_in_another_order_earn_no_phrase_bonus(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    in_order = index.rank("matrix gla protein")
    shuffled = index.rank("protein gla matrix")
    assert in_order.ranked[0][0] == shuffled.ranked[0][0] == "mgp"
    assert shuffled.word_score < in_order.word_score  # the score from words, before meaning


# -- coverage, out of scope, margins ------------------------------------------------------


def test_a_question_mostly_of_unknown_words_is_not_answered(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    ranking = index.rank("whats a recommended toaster")
    assert ranking.ranked  # "recommended" is a word of the rda topic ...
    assert ranking.coverage < 0.5  # ... but "toaster" is most of it
    assert index.search("whats a recommended toaster").topic is None
    assert _index(kb, min_coverage=0.5).search("whats a recommended toaster").topic is None


def test_a_question_far_in_meaning_from_every_example_is_not_answered(kb: KnowledgeBase) -> None:
    question = "what does osteocalcin do"
    similarity = index_for(kb).rank(question).similarity
    assert _index(kb, min_similarity=similarity * 0.9).search(question).topic == "osteocalcin"
    refused = _index(kb, min_similarity=similarity * 1.1).search(question)
    assert refused.topic is None and refused.suggestions[0] == "osteocalcin"


def test_words_and_meaning_agreeing_answer_without_the_margin(kb: KnowledgeBase) -> None:
    question = "should i take k2 with d3"
    ranking = index_for(kb).rank(question)
    assert ranking.agreed and ranking.ranked[0][0] == "synergy"
    agreed = ranking.similarity
    alone = {"min_margin": 1.0, "words_first_margin": None}  # agreement is all that answers
    answers = _index(kb, agreed_similarity=agreed * 0.9, **alone).search(question)
    assert answers.topic == "synergy"
    suggests = _index(kb, agreed_similarity=agreed * 1.1, **alone).search(question)
    assert suggests.topic is None and suggests.suggestions[0] == "synergy"


def test_words_alone_and_meaning_alone_disagreeing_is_no_agreement(kb: KnowledgeBase) -> None:
    ranking = index_for(kb).rank("should i take k2 with d3")
    by_words = max(ranking.signals, key=lambda signal: signal[1])[0]
    moved = tuple(
        (topic, words, 1.0 if topic != by_words else 0.0) for topic, words, _ in ranking.signals
    )
    assert not dataclasses.replace(ranking, signals=moved).agreed


@pytest.mark.parametrize(
    "question",
    ["should i take magnesium with d3", "vitamin c with k2", "fish oil and d3 together"],
)
def test_a_question_naming_another_supplement_is_refused(kb: KnowledgeBase, question: str) -> None:
    result = index_for(kb).search(question)
    assert result.topic is None and result.how == "out-of-scope"


# -- members' words (synonyms) ----------------------------------------------------------


def test_a_synonym_replaces_whole_words_only_the_longest_first() -> None:
    rewrites = Rewrites({"w/o": "without", "w": "with", "gp": "doctor", "blood work": "blood test"})
    assert rewrites.apply(normalise_term("d3 w/o k2?")) == "d3 without k2"
    assert rewrites.apply(normalise_term("d3 w k2")) == "d3 with k2"
    assert rewrites.apply("my gp ordered blood work") == "my doctor ordered blood test"
    assert rewrites.apply("gps and gpx and wgp") == "gps and gpx and wgp"
    assert Rewrites({}).apply("my gp") == "my gp"


@given(st.lists(st.sampled_from(["d3", "k2", "dose", "gpx", "ww", "with", "age"]), max_size=8))
def test_a_term_without_a_synonym_is_unchanged(words: list[str]) -> None:
    term = " ".join(words)
    assert Rewrites({"gp": "doctor", "w": "with"}).apply(term) == term


@given(st.lists(st.sampled_from(["d3", "k2", "gp", "dose", "w o", "my"]), max_size=8))
def test_every_synonym_is_replaced_and_nothing_else_moves(words: list[str]) -> None:
    rewritten = Rewrites({"gp": "doctor", "w/o": "without"}).apply(" ".join(words))
    expected = [{"gp": "doctor", "w o": "without"}.get(word, word) for word in words]
    assert rewritten == " ".join(expected)


@pytest.mark.parametrize(
    "question",
    [
        "can i take k2 with marevan",
        "on clexane injections, is mk7 ok",
        "my dad takes plavix, can he have k2",
        "is k2 ok with sintrom",
    ],
)
def test_a_blood_thinner_named_by_brand_finds_the_warfarin_topic(
    kb: KnowledgeBase, question: str
) -> None:
    assert index_for(kb).search(question).topic == "warfarin"


def test_brand_names_come_from_the_synonyms(kb: KnowledgeBase) -> None:
    question = "can i take k2 with marevan"
    assert _index(kb, synonyms={}).search(question).topic != "warfarin"
    assert index_for(kb).search(question).topic == "warfarin"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("preggo and taking d3, is that ok", "pregnancy"),
        ("ttc at the moment, should i keep my d3 going", "pregnancy"),
        ("how much vit d for my bub", "children"),
        ("can my kiddo have some of my d3", "children"),
        ("d3 w/o k2, bad idea?", "safety"),
        ("is taking k2 with d3 just marketing", "synergy"),
        ("why take k2 if im already on d3", "synergy"),
        ("hw much d3 shld i take a day", "dosing"),
        ("took 50000 iu every day by accident for a week, am i ok", "toxicity"),
        ("my lvls r low wat do", "deficiency"),
        # held-back set 54: a three-letter typo is below what typo correction reads
        ("wht does d3 do", "vitamin-d"),
        ("hwo much k2 with d3", "dosing"),
        # held-back set 77: a nursing mum asks about breastfeeding, not about her baby
        ("nursing mom, is my d3 dose ok for the baby too", "pregnancy"),
        # held-back sets 80 and 81: "too long didn't read" spelt out is a tl;dr
        ("too long didn't read, is d3 with k2 worth it long term", "summary"),
    ],
)
def test_members_words_for_pregnancy_children_and_shorthand(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    index = index_for(kb)
    assert index.search(question).topic == topic


@pytest.mark.parametrize(
    "question",
    [
        "how many climbers died on k2 last year",
        "is diablo 3 still worth playing",
        "nikon d3 or d700 for a beginner",
        "iu basketball schedule this season",
        "how much d3 can i give my dog",
        "im on warfarin, should i stop it for a week to start k2",
        "can i drop my alendronate if i take d3 and k2",
        "d3 drops vs softgels, which is better absorbed",
        "is nattokinase the same as k2",
        "what does iu mean in football",
        "is d3 a good drone",
        "is it ok to take k2 with my thyroid pills",
        "which k2 supplement on amazon is best",
        "based on my symptoms do i have low d",
        "where do i get a vitamin d test near me",
        "should i take k2 with my statin",
        "how much vitamin b6 is too much",
    ],
)
def test_other_uses_of_k2_d3_and_iu_and_medicine_changes_are_refused(
    kb: KnowledgeBase, question: str
) -> None:
    result = index_for(kb).search(question)
    assert result.topic is None and result.how == "out-of-scope"


def test_out_of_scope_words_come_from_the_knowledge_base(kb: KnowledgeBase) -> None:
    question = "what does osteocalcin do"
    assert index_for(kb).search(question).topic == "osteocalcin"
    refused = _index(kb, out_of_scope=("osteocalcin do",)).search(question)
    assert refused.topic is None and refused.how == "out-of-scope"
    assert _index(kb, out_of_scope=("do osteocalcin",)).search(question).topic == "osteocalcin"


def test_a_close_runner_up_turns_an_answer_into_suggestions(kb: KnowledgeBase) -> None:
    question = "should i take k2 with d3"
    ranking = index_for(kb).rank(question)
    (best, first), (_, second) = ranking.ranked[:2]
    lead = (first - second) / first
    # no answer on agreement alone, nor on words and the fused score naming the same topic
    never = {"agreed_similarity": 2.0, "words_first_margin": None}
    answers = _index(kb, min_margin=lead * 0.9, **never).search(question)
    assert answers.topic == best and answers.suggestions == ()
    suggests = _index(kb, min_margin=lead * 1.1, **never).search(question)
    assert suggests.topic is None
    assert suggests.suggestions[0] == best and len(suggests.suggestions) <= 3


def test_suggestions_are_capped_by_the_setting(kb: KnowledgeBase) -> None:
    index = _index(kb, min_margin=1.0, agreed_similarity=2.0, max_suggestions=2)
    result = index.search("how much k2 with d3 for my bones and heart")
    assert result.topic is None and len(result.suggestions) == 2


def test_exact_names_beat_everything(kb: KnowledgeBase) -> None:
    index = _index(kb, min_margin=1.0, min_coverage=1.0)
    assert index.search("MGP").how == "exact"
    assert index.search("eliquis").topic == "warfarin"
    assert index.search("mk-4").topic == "k2-forms"


def test_a_curators_example_question_makes_its_topic_findable(knowledge_copy: Path) -> None:
    # (not "protocol": members ask of high-dose "protocols" dk2 must refuse, and the
    # classifier learnt so from the tuning questions)
    question = "does the wiggins routine need k2"
    before = load_knowledge(knowledge_copy).knowledge
    assert before is not None and index_for(before).search(question).topic is None
    path = knowledge_copy / "topics" / "synergy.yaml"
    text = path.read_text().replace("examples:\n", "examples:\n  - wiggins routine with k2\n", 1)
    path.write_text(text)
    after = load_knowledge(knowledge_copy).knowledge
    assert after is not None and index_for(after).search(question).topic == "synergy"


def test_examples_must_be_a_list_of_questions(knowledge_copy: Path) -> None:
    path = knowledge_copy / "topics" / "synergy.yaml"
    text = path.read_text()
    path.write_text(text[: text.index("examples:\n")] + "examples: just one string\n")
    problems = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any("synergy.yaml" in p and "'examples'" in p for p in problems), problems


def test_a_stray_known_word_earns_no_suggestions(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    ranking = index.rank("zzqx-not-a-topic")
    assert ranking.ranked  # "not" and "topic" stand somewhere in the answers ...
    assert index.search("zzqx-not-a-topic").suggestions == ()  # ... but say nothing here


@pytest.mark.parametrize(
    ("question", "topic", "by_the_rule"),
    [
        ("im 45, take 5000iu d3 daily, do i need k2 and how much? also on eliquis", "warfarin", 0),
        ("pregnant and taking 4000 iu d3, should i add k2", "pregnancy", 0),
        ("im pregnant, what dose of d3 and k2 is typical", "pregnancy", 0),
        ("typical dose of d3 and k2? i take warfarin", "warfarin", 1),
        ("typical dose of d3 and k2? i'm on warfarin", "warfarin", 0),
        ("can i take d3 and k2 while pregnant", "pregnancy", 0),
        ("taking d3 and k2 but i have sarcoidosis, any problem?", "cautions", 0),
    ],
)
def test_a_named_safety_topic_outranks_the_rest_of_the_question(
    kb: KnowledgeBase, question: str, topic: str, by_the_rule: int
) -> None:
    assert index_for(kb).search(question).topic == topic
    if by_the_rule:  # without safety_first, the caution is at best suggested
        assert _index(kb, safety_first=()).search(question).topic != topic


def test_safety_first_names_topics_that_exist(knowledge_copy: Path) -> None:
    path = knowledge_copy / "search.yaml"
    text = path.read_text()
    path.write_text(text.replace("safety_first: [warfarin,", "safety_first: [warfrin,"))
    problems = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any("search.yaml" in p and "'warfrin'" in p for p in problems), problems


def test_word_scores_are_bm25s_scores() -> None:
    documents = [["calcium", "bone", "bone"], ["calcium", "arteri"], ["warfarin", "inr", "k2"]]
    reference = bm25s.BM25(k1=1.2, b=0.75)
    reference.index(documents, show_progress=False)
    ours = _Bm25(documents, 1.2, 0.75, 1.0)
    for question in (
        ["calcium"],
        ["bone", "arteri"],
        ["k2", "calcium", "unknown"],
        ["calcium", "bone"],  # two words of one document: their scores add up
    ):
        scores = [0.0, 0.0, 0.0]
        ours.add(scores, question)
        known = [word for word in question if word in reference.vocab_dict]
        expected = reference.get_scores(known).tolist()
        assert scores == pytest.approx(expected, rel=1e-5), question


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.text(alphabet="abcdeklmnost", min_size=4, max_size=14), min_size=1, max_size=30),
    st.text(alphabet="abcdeklmnost", min_size=4, max_size=14),
)
def test_the_length_filter_never_loses_a_correction(vocabulary: list[str], typed: str) -> None:
    words = Vocabulary([" ".join(vocabulary)], frozenset(), 84)
    everyone = process.extractOne(
        typed, sorted(set(vocabulary)), scorer=fuzz.ratio, score_cutoff=84
    )
    found = words.correction(typed)
    if everyone is None:
        assert found is None
    else:
        assert found is not None
        assert fuzz.ratio(typed, found) == everyone[1]


# -- ages ---------------------------------------------------------------------------------


@given(
    age=st.integers(0, 120),
    unit=st.sampled_from(["year old", "years old", "yr old", "yrs old", "-year-old", "yo"]),
)
def test_an_age_in_years_reads_as_child_or_adult(age: int, unit: str) -> None:
    read = ages_as_words(normalise_term(f"how much d3 for my {age} {unit} mum"))
    assert read == f"how much d3 for my {'adult' if age >= ADULT_AGE else 'child'} mum"


@given(number=st.integers(0, 120), unit=st.sampled_from(["years", "yrs", "months", "weeks"]))
def test_a_duration_is_not_an_age(number: int, unit: str) -> None:
    term = normalise_term(f"took 5000 iu for {number} {unit} now")
    assert ages_as_words(term) == term


def test_an_age_in_months_is_a_baby() -> None:
    assert ages_as_words("d3 for my 6 months old") == "d3 for my baby"


@pytest.mark.parametrize(
    "question",
    [
        "how much vitamin d for a 70 year old",
        "my 70-year-old mum takes d3, how much",
        "is 2000 iu ok for my 80 year old dad",
    ],
)
def test_an_older_adults_age_is_not_a_question_on_children(
    kb: KnowledgeBase, question: str
) -> None:
    result = index_for(kb).search(question)
    assert result.topic != "children" and "children" not in result.suggestions


def test_a_childs_age_still_finds_children(kb: KnowledgeBase) -> None:
    assert index_for(kb).search("vitamin d dose for my 2 year old").topic == "children"


# -- blood levels typed without a unit ----------------------------------------------------

_REPORTED = st.sampled_from(
    ["my level is", "my level was", "the result came back at", "my number was", "vit d of",
     "my vitamin d was", "level came back at", "the lab reading was", "results were"]
)  # fmt: skip


@given(reported=_REPORTED, number=st.integers(1, 999))
def test_a_bare_number_reported_as_a_level_reads_in_ng_per_ml(reported: str, number: int) -> None:
    term = normalise_term(f"{reported} {number} is that ok")
    read = levels_with_unit(term)
    if number <= HIGHEST_BARE_LEVEL:
        assert read == normalise_term(f"{reported} {number} ng/ml is that ok")
    else:
        assert read == term


@given(
    reported=_REPORTED,
    number=st.integers(1, 150),
    after=st.sampled_from(
        ["ng/ml", "nmol/l", "iu", "mcg", "years ago", "months ago", "weeks", "days", "percent",
         "a day", "daily", "times", "x", "k", "oh d", "-50", "every day",
         "per week", "each morning", "once a week"]
    ),
)  # fmt: skip
def test_a_number_with_a_unit_a_time_or_a_count_is_left_as_typed(
    reported: str, number: int, after: str
) -> None:
    term = normalise_term(f"{reported} {number}{'' if after[0] == '-' else ' '}{after} ok")
    assert levels_with_unit(term) == term


@given(
    measure=st.sampled_from(["egfr", "psa", "heart rate", "sodium", "son is", "bp", "ferritin"]),
    word=st.sampled_from(["level is", "number is", "reading was", "result was", "level"]),
    number=st.integers(1, 150),
)
def test_another_measures_number_is_not_a_vitamin_d_level(
    measure: str, word: str, number: int
) -> None:
    term = normalise_term(f"my {measure} {word} {number} is that ok")
    assert levels_with_unit(term) == term


@pytest.mark.parametrize(
    "question",
    [
        "my reading came back at 11, is that really low",
        "my vitamin d was 22 at the last check, is that low",
    ],
)
def test_a_level_typed_without_its_unit_finds_deficiency(kb: KnowledgeBase, question: str) -> None:
    assert index_for(kb).search(question).topic == "deficiency"


def test_a_level_with_what_now_is_read_as_a_level_even_when_not_answered(
    kb: KnowledgeBase,
) -> None:
    # "what now" asks what to do, as many questions to refuse do; the classifier has rated
    # this one between 0.85 and 0.9 off-topic as the tuning part grew (search.yaml's
    # off_topic_probability). Answered or not, its level is read: deficiency comes first.
    result = index_for(kb).search("gp rang, my number is 12, what now")
    assert [result.topic, *result.suggestions][0 if result.topic else 1] == "deficiency"


@pytest.mark.parametrize(
    "question",
    [
        "my egfr number is 55, is that bad",
        "my heart rate reading was 55 at rest, is that ok",
        "my son is level 3 in swimming, any tips",
    ],
)
def test_another_measures_number_is_still_not_answered(kb: KnowledgeBase, question: str) -> None:
    assert index_for(kb).search(question).topic is None


# -- conversions --------------------------------------------------------------------------

_UNITS = st.sampled_from(["iu", "mcg", "µg", "mg", "ng/ml", "nmol/l"])


@given(amount=st.integers(1, 100_000), first=_UNITS, second=_UNITS)
def test_a_unit_named_alone_beside_an_amount_asks_for_a_conversion(
    amount: int, first: str, second: str
) -> None:
    units = conversion_units(normalise_term(f"how many {first} is {amount} {second}"))
    same = {first, second} <= {"mcg", "µg"}
    assert (units == []) if same or first == second else (len(units) == 2)


@given(first=_UNITS, second=_UNITS, both=st.sampled_from(["in", "in both"]), again=st.booleans())
def test_a_figure_asked_for_in_two_units_is_not_a_conversion(
    first: str, second: str, both: str, again: bool
) -> None:
    # "what level is toxic, in ng/ml and nmol", "the rda in iu and in micrograms": held-back
    # sets 32, 33 and 35 had these answered with the units topic
    joined = f"{both} {first} and {'in ' if again else ''}{second}"
    assert conversion_units(normalise_term(f"what is the recommended amount {joined}?")) == []
    # asking what the two units are is still a conversion
    named = conversion_units(normalise_term(f"{first} and {second}, whats the difference"))
    assert named == [] if {first, second} <= {"mcg", "µg"} or first == second else len(named) == 2


@given(first=st.integers(1, 100_000), second=st.integers(1, 1000), glued=st.booleans())
def test_two_amounts_are_a_dose_not_a_conversion(first: int, second: int, glued: bool) -> None:
    space = "" if glued else " "
    assert conversion_units(f"{first}{space}iu d3 with {second}{space}mcg k2") == []


@given(
    micrograms=st.integers(1, 2_500),
    iu_first=st.booleans(),
    link=st.sampled_from(["is", "=", "is the same as", "equals", "related to", "vs"]),
)
def test_two_amounts_one_the_other_converted_ask_for_the_conversion(
    micrograms: int, iu_first: bool, link: str
) -> None:
    iu, mcg = f"{micrograms * 40} iu", f"{micrograms} mcg"
    pair = f"{iu} {link} {mcg}" if iu_first else f"{mcg} {link} {iu}"
    assert equivalent_units(normalise_term(f"is {pair}?")) == ["iu", "mcg"]


@given(
    micrograms=st.integers(1, 2_500),
    factor=st.sampled_from([39, 41, 50, 1, 400]),
    link=st.sampled_from(["and", "with", "plus", "=", "is"]),
)
def test_amounts_that_do_not_convert_or_are_taken_together_are_no_conversion(
    micrograms: int, factor: int, link: str
) -> None:
    text = normalise_term(f"{micrograms * factor} iu {link} {micrograms} mcg")
    together = normalise_term(f"{micrograms * 40} iu {link} {micrograms} mcg")
    assert equivalent_units(text) == []
    assert equivalent_units(together) == ([] if link in ("and", "with", "plus") else ["iu", "mcg"])


@pytest.mark.parametrize(
    ("question", "units"),
    [
        # 1 µg = 40 IU and 1 mg = 40,000 IU (the units topic): 10,000 IU is 250 µg, 50,000 IU
        # is 1.25 mg, however the thousands are written
        ("is 10k iu the same as 250 mcg", ["iu", "mcg"]),
        ("is 10,000 iu = 250 mcg", ["iu", "mcg"]),
        ("is 1.25 mg = 50,000 iu", ["iu", "mg"]),
        ("how is 1 mcg related to 40 iu", ["iu", "mcg"]),
        # 10k IU is not 10 IU: 10 µg is 400 IU
        ("is 10k iu the same as 10 mcg", []),
        # 1 ng/mL = 2.496 nmol/L, which labs round to 2.5; 2.0 is no conversion
        ("50 nmol/l is 20 ng/ml right?", ["nmol", "ng"]),
        ("is 50 nmol/l 25 ng/ml", []),
    ],
)
def test_amounts_convert_as_written_in_thousands_commas_and_decimals(
    question: str, units: list[str]
) -> None:
    assert equivalent_units(normalise_term(question)) == units


def test_zero_amounts_are_no_conversion(kb: KnowledgeBase) -> None:
    # 0 IU and 0 µg divide into nothing: no conversion, and no error for the member
    assert equivalent_units(normalise_term("is 0 iu the same as 0 mcg")) == []
    assert index_for(kb).search("is 0 iu the same as 0 mcg").topic == "units"  # the words say so


def test_a_conversion_of_another_nutrient_is_still_out_of_scope(kb: KnowledgeBase) -> None:
    # magnesium has no IU: the vitamin D conversion is not its answer
    for question in ("how many iu is 400 mg of magnesium", "is 400 mg of magnesium 16000 iu"):
        result = index_for(kb).search(question)
        assert (result.topic, result.how) == (None, "out-of-scope")


def test_a_conversion_stated_as_two_amounts_finds_units(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.search("is 125 mcg the same as 5000 iu").topic == "units"
    assert index.search("50 nmol/l is 20 ng/ml right?").topic == "units"
    # D3 and K2 taken together, 4000 IU and 100 µg, is a dose and not a conversion
    assert index.search("i take 4000 iu and 100 mcg, ok?").topic != "units"
    assert index.search("is 4000 iu d3 with 100 mcg k2 ok").topic != "units"
    # two units, one named alone, in a question naming both vitamins pair two doses
    assert index.search("how many mcg of k2 should go with 5000 iu of d3").topic == "dosing"
    assert index.search("how many iu is 100 mcg of d3").topic == "units"


def test_a_dose_in_either_unit_is_one_amount(kb: KnowledgeBase) -> None:
    # pregnancy prints the UL as "4,000 IU (100 µg)": one amount, not two matches for a
    # member's D3 and K2 doses, which made this a pregnancy question
    assert same_amounts(figures(normalise_term("4,000 IU (100 µg)"))) == {(4000.0, "iu")}
    assert same_amounts(figures(normalise_term("1.25 mg"))) == {(50000.0, "iu")}
    assert same_amounts(figures(normalise_term("20 ng/ml"))) == {(20.0, "ng")}
    result = index_for(kb).search("i take 4000 iu d3 and 100 mcg k2, ok?")
    assert result.topic in {None, "dosing", "safety", "synergy"}


def test_a_conversion_question_finds_units(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.search("how many iu is 50 mcg of d3").topic == "units"
    assert index.search("75 nmol/l in ng/ml please").topic == "units"


# -- dk2's subject --------------------------------------------------------------------------

# Off-topic questions that share a word with a topic (dose, level, kid, pregnant, heart,
# bones, blood test), written for this test, not taken from the evaluation set.
_OFF_SUBJECT = [
    "is my dose of vyvanse too high",
    "my kid has an earache what should i give him",
    "i'm pregnant and nauseous, what helps",
    "my eosinophil count is 8, is that bad",
    "how often should i get a full blood count",
    "best exercises for strong bones",
    "my heart rate is 110 resting, is that normal",
    "how many steps per day should i walk",
    "should my toddler have cow's milk",
    "whats a good dose for my goat",
]


@pytest.mark.parametrize("question", _OFF_SUBJECT)
def test_a_question_naming_nothing_of_the_subject_is_not_answered(
    kb: KnowledgeBase, question: str
) -> None:
    index = index_for(kb)
    assert not index.rank(question).on_subject
    assert index.search(question).topic is None


def test_without_subject_words_off_subject_questions_were_answered(kb: KnowledgeBase) -> None:
    index = _index(kb, subject_words=())
    answered = [q for q in _OFF_SUBJECT if index.search(q).topic is not None]
    assert len(answered) >= 5, answered  # what subject_words exists to stop


@pytest.mark.parametrize(
    ("question", "on_subject"),
    [
        ("is 10k iu too much", True),
        ("is 4000iu the ceiling", True),
        ("my level is 18 ng/ml, is that low", True),
        ("is 100mcg enough", True),
        ("is 10 kg too much", False),
        ("is 4000 steps enough", False),
    ],
)
def test_an_amount_in_a_vitamins_units_is_on_the_subject(
    kb: KnowledgeBase, question: str, on_subject: bool
) -> None:
    assert index_for(kb).rank(question).on_subject is on_subject


def test_a_topics_exact_name_is_answered_without_subject_words(kb: KnowledgeBase) -> None:
    # (a question all of whose words dk2 knows may be answered without a subject word: not here)
    never = {"unnamed_subject_similarity": 2.0, "unnamed_subject_probability": 2.0}
    index = _index(kb, subject_words=("zorblax",), **never)
    assert index.search("upper limit").topic == "upper-limit"
    assert index.search("what is the upper limit for adults").topic is None


def test_subject_words_are_read_like_questions(kb: KnowledgeBase) -> None:
    index = _index(kb, subject_words=("matrix gla",))
    assert index.rank("what does Matrix-Gla do").on_subject
    assert not index.rank("what does gla matrix do").on_subject  # a phrase, in its order


# -- meaning contesting the best topic -------------------------------------------------------


def test_meaning_contests_the_best_topic_only_beyond_the_gap(kb: KnowledgeBase) -> None:
    ranking = index_for(kb).rank("how much d3 should i take")
    best = ranking.ranked[0][0]
    closer = tuple(
        (topic, words, ranking.similarity + (0.05 if topic != best else 0.0))
        for topic, words, _ in ranking.signals
    )
    moved = dataclasses.replace(ranking, signals=closer)
    assert moved.contested(0.04)
    assert not moved.contested(0.06)


def test_a_contested_best_topic_needs_the_larger_margin(kb: KnowledgeBase) -> None:
    question = "how long does k2 stay in you"  # words say MK-7, meaning vitamin K2
    ranking = index_for(kb).rank(question)
    assert ranking.contested(0.0)
    lead = (ranking.ranked[0][1] - ranking.ranked[1][1]) / ranking.ranked[0][1]
    loose = {
        "min_margin": lead * 0.9,
        "agreed_similarity": 2.0,
        "contest_gap": 0.0,
        "words_first_margin": None,
        "answer_probability": 2.0,  # the classifier's certainty alone would answer it
    }
    assert _index(kb, contested_margin=None, **loose).search(question).topic is not None
    contested = _index(kb, contested_margin=lead * 1.1, **loose).search(question)
    assert contested.topic is None and contested.suggestions


@pytest.mark.parametrize(
    ("question", "topic"),
    [("how much a day is normal", "dosing"), ("can kids have it", "children")],
)
def test_a_question_all_of_whose_words_dk2_knows_is_answered_without_a_subject_word(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    index = index_for(kb)
    ranking = index.rank(question)
    assert not ranking.on_subject and ranking.coverage == pytest.approx(1.0)
    assert index.search(question).topic == topic
    never = _index(kb, unnamed_subject_similarity=2.0, unnamed_subject_probability=2.0).search(
        question
    )
    assert never.topic is None and never.suggestions[0] == topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("signs of too little vitamin d", "deficiency"),
        ("symptoms of low d3", "deficiency"),
        ("symptoms of too much d3", "toxicity"),
    ],
)
def test_symptoms_of_too_little_and_too_much_find_opposite_topics(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    # "symptoms" is a word of the toxicity topic: a question on a low level once got it
    assert index_for(kb).search(question).topic == topic


# Off-topic questions that share one of the subject words, written for this test: the rest of
# their words are unknown to dk2, so coverage refuses them.
_SHARING_A_SUBJECT_WORD = [
    "what's the upper limit on my credit card",
    "what does the research say about intermittent fasting",
    "how much sun exposure does a tomato plant need",
]


@pytest.mark.parametrize("question", _SHARING_A_SUBJECT_WORD)
def test_an_off_topic_question_sharing_a_subject_word_is_not_answered(
    kb: KnowledgeBase, question: str
) -> None:
    # with every subject word counting (everyday ones too: "research", "upper limit", "sun
    # exposure" beside words dk2 doesn't know no longer name the subject at all)
    index = _index(kb, everyday_subject_words=())
    assert index.rank(question).on_subject
    assert index.search(question).topic is None
    assert index_for(kb).search(question).topic is None


# Money questions in the words of vitamin limits: "upper limit" and "recommended intake" are
# subject words, and enough of the rest is known for coverage to let them through.
@pytest.mark.parametrize(
    "question",
    [
        "what is the upper limit for my mortgage",
        "is there an upper limit on how much i can borrow for a loan",
        "what's the recommended intake of savings each month",
    ],
)
def test_a_money_question_in_the_words_of_a_vitamin_limit_is_refused(
    kb: KnowledgeBase, question: str
) -> None:
    result = index_for(kb).search(question)
    assert (result.topic, result.how) == (None, "out-of-scope")


# An everyday health word ("bone density", "upper limit") beside a word dk2 doesn't know names
# something else's; with every word known it still names dk2's subject.
@pytest.mark.parametrize(
    "question", ["best yoga poses for bone density", "is there an upper limit on reps per set"]
)
def test_an_everyday_subject_word_beside_an_unknown_word_is_not_answered(
    kb: KnowledgeBase, question: str
) -> None:
    index = index_for(kb)
    assert not index.rank(question).on_subject
    assert index.search(question).topic is None
    assert _index(kb, everyday_subject_words=()).search(question).topic is not None


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("any studies on this", "evidence"),
        ("what is the upper limit for teenagers", "children"),
        # deficiency, toxicity, overdose and levels are not everyday words here: in a vitamin
        # D channel they are vitamin D's, whatever else the question holds
        ("can toxicity happen from sunbathing", "toxicity"),
        ("is deficiency more common in darker skinned people", "deficiency"),
        ("is my level fine for someone doing crossfit", "targets-disagree"),
    ],
)
def test_the_subject_is_still_named_with_every_word_known_or_a_vitamin_d_word(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic


def test_sugar_is_not_known_through_blood_sugar(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("what's the daily allowance for sugar")
    assert (result.topic, result.how) == (None, "out-of-scope")


def test_coverage_is_what_refuses_them(kb: KnowledgeBase) -> None:
    # what cross-validation on the tuning files picks, with every subject word counting
    index = _index(kb, min_coverage=0.2, everyday_subject_words=())
    assert any(index.search(q).topic is not None for q in _SHARING_A_SUBJECT_WORD)


@pytest.mark.parametrize(
    "question",
    ["is there a ul for vitamin k", "how much k2 is too much", "is there an upper limit for k2"],
)
def test_a_question_naming_vitamin_k_alone_finds_k_intake(kb: KnowledgeBase, question: str) -> None:
    # vitamin D's upper limit is not the answer to a K2 question: K has no UL (k-intake)
    assert index_for(kb).search(question).topic == "k-intake"


@pytest.mark.parametrize("question", ["is there a ul for vitamin k", "how much k2 is too much"])
def test_a_question_naming_vitamin_k_alone_sets_vitamin_d_topics_aside(
    kb: KnowledgeBase, question: str
) -> None:
    # without the other-vitamin weighting these reach no topic or vitamin D's upper limit
    # ("is there an upper limit for k2" now finds k-intake either way, from its examples)
    assert index_for(kb).search(question).topic == "k-intake"
    # the weighting alone finds it, without the classifier (learnt from members' questions,
    # which finds k-intake too), and without the classifier nothing else does
    assert _index(kb, classifier_weight=0.0).search(question).topic == "k-intake"
    unscoped = _index(kb, other_vitamin_weight=1.0, classifier_weight=0.0).search(question)
    assert unscoped.topic != "k-intake"
    assert "upper-limit" in (unscoped.topic, *unscoped.suggestions)


def test_a_question_naming_both_vitamins_is_not_one_vitamins_overview(kb: KnowledgeBase) -> None:
    # Held-back sets 54 and 55 and the tuning part answered "how do they work together"
    # questions with vitamin-d or vitamin-k2, which name one vitamin; weighed as the others,
    # vitamin D's overview answers this one
    question = "if d3 raises calcium absorption whats the point of adding k2"
    assert index_for(kb).search(question).topic == "synergy"
    assert _index(kb, both_vitamins_weight=1.0).search(question).topic == "vitamin-d"


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        ("my level came back at 180 ng/ml, is that dangerous", "toxicity"),
        ("is my level of 7 dangerous", "deficiency"),
    ],
)
def test_a_blood_level_says_which_way_dangerous_points(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    # "dangerous" fits deficiency and toxicity alike; the level's band in bands/level.yaml
    # decides. Without level_topics' weighting, 180 ng/mL was answered with deficiency.
    assert index_for(kb).search(question).topic == topic
    unweighted = _index(kb, level_weight=1.0).search(question)
    assert topic not in (unweighted.topic, *unweighted.suggestions[:1])


def test_which_vitamins_a_question_names_decides_what_is_set_aside(kb: KnowledgeBase) -> None:
    index = index_for(kb)

    def aside(question: str) -> frozenset[str]:
        term = normalise_term(question)
        words = [word.stem for word in index.vocabulary.read(index.rewrites.apply(term))]
        found = {tuple(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)}
        return index.other_vitamins_topics(found, term)

    assert "upper-limit" in aside("max mk-7 per day") and "mk7" not in aside("max mk-7 per day")
    assert "mk7" in aside("is 2000iu enough") and "rda" not in aside("is 2000iu enough")
    assert "k-intake" in aside("my level is 18 ng/ml")
    assert aside("should i take d3 with k2") == frozenset()  # both named
    assert aside("is this safe for my baby") == frozenset()  # neither named
    assert "synergy" not in aside("what does k2 do") | aside("what does d3 do")


def test_vitamins_name_topics_that_exist(knowledge_copy: Path) -> None:
    path = knowledge_copy / "search.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("topics: [vitamin-k2, k-intake,", "topics: [vitamin-k3, k-intake,")
    )
    problems = [str(p) for p in load_knowledge(knowledge_copy).problems]
    assert any("search.yaml" in p and "'vitamin-k3'" in p for p in problems), problems


@pytest.mark.parametrize(
    "question", ["what is europe's upper limit for vitamin d", "whats the european limit for d3"]
)
def test_a_body_named_by_its_place_reads_as_the_body(kb: KnowledgeBase, question: str) -> None:
    assert "efsa" in index_for(kb).rewrites.apply(normalise_term(question))
    assert index_for(kb).search(question).topic == "upper-limit"


@pytest.mark.parametrize(
    "question", ["is vitamin d2 as good as d3", "ergocalciferol or cholecalciferol"]
)
def test_vitamin_d2_is_answered_from_the_meta_analyses(kb: KnowledgeBase, question: str) -> None:
    reply = explain_reply(kb, question)
    assert reply.data["topic"] == "vitamin-d"
    assert "more than D2" in reply.body
    assert "d3-vs-d2" in {source.id for source in reply.sources}


@pytest.mark.parametrize(
    "question",
    [
        "how many grams of protein do i need after the gym",
        "whats the rda for carbs",
        "how many calories should i eat to cut",
    ],
)
def test_a_question_on_other_nutrients_is_refused(kb: KnowledgeBase, question: str) -> None:
    result = index_for(kb).search(question)
    assert (result.topic, result.how, result.suggestions) == (None, "out-of-scope", ())


def test_the_k2_dependent_proteins_are_not_another_nutrient(kb: KnowledgeBase) -> None:
    assert index_for(kb).search("is k2 needed to activate osteocalcin protein").topic == (
        "osteocalcin"
    )


def test_a_figure_is_its_number_and_unit_however_it_is_typed() -> None:
    assert figures(normalise_term("is 4,000 IU too much")) == {(4000.0, "iu")}
    assert figures(normalise_term("4k iu")) == figures(normalise_term("4000 IUs"))
    assert (
        figures(normalise_term("100 mcg")) == figures(normalise_term("100 µg")) == {(100.0, "µg")}
    )
    assert figures(normalise_term("my level is 20 ng/mL, was 50 nmol/L")) == {
        (20.0, "ng"),
        (50.0, "nmol"),
    }
    assert figures(normalise_term("i take 2 pills of 5000")) == frozenset()  # no unit


@given(
    st.integers(min_value=1, max_value=10**7),
    st.sampled_from([("iu", "iu"), ("IU", "iu"), ("mcg", "µg"), ("ug", "µg"), ("ng/ml", "ng")]),
    st.booleans(),
)
def test_a_figure_reads_back_with_or_without_thousands_commas(
    number: int, unit: tuple[str, str], commas: bool
) -> None:
    typed, canonical = unit
    text = f"is {number:,} {typed} ok" if commas else f"is {number}{typed} ok"
    assert figures(normalise_term(text)) == {(float(number), canonical)}


@pytest.mark.parametrize(
    ("question", "topic"),
    [("is 120 mcg of k2 enough", "k-intake"), ("is 800 iu enough at 75", "rda")],
)
def test_a_figure_a_topic_prints_points_to_that_topic(
    kb: KnowledgeBase, question: str, topic: str
) -> None:
    assert index_for(kb).search(question).topic == topic
    # without the figure, the lead is too small (the classifier's confidence aside, which
    # alone now answers "is 800 iu enough at 75", and so does setting the blood-level
    # targets topic aside for a dose question)
    unfigured = _index(kb, figure_weight=0.0, answer_probability=2.0, dose_questions=None)
    assert unfigured.search(question).topic != topic


@pytest.mark.parametrize(
    ("question", "topic"),
    [
        # "pregnancy" names the safety-first topic as "pregnant" does
        ("is the d3 k2 stack fine in pregnancy", "pregnancy"),
        ("can i take d3 and k2 together during pregnancy", "pregnancy"),
        # vitamin D "solo" or "by itself", calcium "build up" or "deposits"
        ("will taking d3 by itself lead to calcium build up in my arteries", "safety"),
        # a blood level's peak is the half-life topic's subject
        ("mk7 blood levels peak when", "mk7"),
        ("what does iu mean on the bottle label", "units"),
        ("can i get a summary of the d and k2 thing", "summary"),
    ],
)
def test_everyday_words_for_a_topics_subject(kb: KnowledgeBase, question: str, topic: str) -> None:
    assert index_for(kb).search(question).topic == topic


def test_a_post_whose_story_drowns_its_question_is_answered_by_the_question(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    story = "My mum is 80 and her doctor gave her 800 IU and calcium tablets. She is on no other"
    post = f"{story} medicine. Why is the recommended amount higher after 70?"
    assert index.search(post).topic == "rda"
    assert index.search("Why is the recommended amount higher after 70?").topic == "rda"


@pytest.mark.parametrize(
    "post",
    [
        # the classifier rates the whole post off-topic (taking less of a prescribed medicine)
        "My BP pills make me pee all night. Could I take less of my water pill once I'm on "
        "vitamin D?",
        # an INR value to read is out of scope, though the last sentence alone asks about K2
        "My INR was 2.1 last week. Should I change my warfarin dose now that I take K2?",
    ],
)
def test_the_story_still_decides_whether_a_post_may_be_answered(
    kb: KnowledgeBase, post: str
) -> None:
    index = index_for(kb)
    asked = post.split(". ", 1)[1]
    assert index.search(asked).topic is not None  # the question alone would be answered
    assert index.search(post).topic is None


@pytest.mark.parametrize(
    ("question", "by_the_rule"),
    [
        # the Endocrine Society's dose advice is the dosing topic's own ("endocrine society"
        # is one of its keywords), with the rule or without
        ("article vs endocrine society guideline on daily dose, which is right", False),
        ("what does the endocrine society say about how much d3 to take", False),
        # the article's overview is not the answer either ("the article" is one of its
        # keywords; since "article say" no longer is, asking what the article says to take
        # is dosing's without the rule too)
        ("my doctor says 600 iu but the article says 1000-4000, whos right", True),
        ("how much does the article say to take", False),
    ],
)
def test_a_dose_disagreement_is_a_dose_question_not_a_blood_level_one(
    kb: KnowledgeBase, question: str, by_the_rule: bool
) -> None:
    # Sources disagree on doses as on blood levels; a question about how much to take was
    # answered with the blood-level targets topic, whose names ("endocrine society",
    # "guideline") it shares
    assert index_for(kb).search(question).topic in ("dosing", "rda")
    if by_the_rule:  # without dose_questions, the targets or the overview topic wins
        assert _index(kb, dose_questions=None).search(question).topic not in ("dosing", "rda")


@pytest.mark.parametrize(
    "question",
    [
        "what blood level should my daily dose get me to, sources disagree",
        "which target level is right, the article's or the endocrine society's, and how much "
        "should i take to get there",
    ],
)
def test_a_blood_level_disagreement_naming_a_dose_still_finds_the_targets_topic(
    kb: KnowledgeBase, question: str
) -> None:
    # a dose word ("daily dose", "how much") beside a blood level's words is still a question
    # on blood levels: level_words keep the targets topic whole
    assert index_for(kb).search(question).topic == "targets-disagree"
    doses = kb.search.dose_questions
    assert doses is not None
    unleveled = _index(kb, dose_questions=doses.model_copy(update={"level_words": ()}))
    assert unleveled.search(question).topic != "targets-disagree"


def test_a_blood_level_with_no_dose_is_not_a_question_on_doses_without_k2(
    kb: KnowledgeBase,
) -> None:
    # Held-back set 77's "is 200 ng/mL dangerous" was answered with safety (doses of D taken
    # without K2, "little evidence of harm under 4000 IU"): the wrong reassurance for a level
    # in the toxic band
    question = "my result says 190 ng/ml, is that harmful"
    assert index_for(kb).search(question).topic in ("toxicity", None)
    doses = kb.search.dose_questions
    assert doses is not None
    unweighted = _index(kb, dose_questions=doses.model_copy(update={"dose_topics": ()}))
    assert unweighted.search(question).topic == "safety"


@pytest.mark.parametrize(
    "question",
    [
        "not on any anticoagulants. is there an upper limit on vitamin k?",
        "40M, not on warfarin or anything. whats the daily amount of vitamin k men need?",
        "no blood thinners here, 45F. is there a max dose for vitamin K or can you take as "
        "much as you like?",
    ],
)
def test_a_blood_thinner_the_member_is_not_on_does_not_answer(
    kb: KnowledgeBase, question: str
) -> None:
    # Held-back set 83: "39M, no blood thinners. is there an upper limit for vitamin k" was
    # answered with the warfarin topic, the one caution the member had ruled out
    assert index_for(kb).search(question).topic == "k-intake"
    assert _index(kb, negations=()).search(question).topic == "warfarin"


@pytest.mark.parametrize(
    "question",
    [
        "not on warfarin but on eliquis, is k2 ok?",
        "no blood thinners, just xarelto since my clot. does k2 interfere",
    ],
)
def test_a_blood_thinner_named_beside_a_denied_one_still_answers(
    kb: KnowledgeBase, question: str
) -> None:
    assert index_for(kb).search(question).topic == "warfarin"


@pytest.mark.parametrize(
    "question",
    [
        "does k2 keep piling up if i take it every day",
        "if i take my k2 every day does it pile up in my system",
    ],
)
def test_k2_piling_up_with_daily_use_points_to_mk7s_accumulation(
    kb: KnowledgeBase, question: str
) -> None:
    # "pile up" is read as "build up", the words members use for MK-7's accumulation (held-back
    # set 83: "how much does it build up with daily use"); dosing came first before
    result = index_for(kb).search(question)
    assert (result.topic or result.suggestions[0]) == "mk7"


def test_not_before_a_blood_thinner_denies_it(kb: KnowledgeBase) -> None:
    question = "which medicines interact with vitamin d? not blood thinners, i mean water pills"
    assert index_for(kb).search(question).topic == "cautions"
    negations = tuple(word for word in kb.search.negations if word != "not")
    assert _index(kb, negations=negations).search(question).topic == "warfarin"
