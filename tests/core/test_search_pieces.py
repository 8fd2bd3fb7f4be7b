"""Search's own pieces as a member meets them: whole names with typos, autocomplete's order
as the member types, and the scores that fuse words and meaning."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rapidfuzz import fuzz

from bot.core.loader import load_knowledge
from bot.core.model import AnswerGate, KnowledgeBase
from bot.core.search import Ranking, SearchResult, TopicIndex, fuse, index_for
from bot.core.wording import Rewrites

# -- whole names --------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "?!"])
def test_a_blank_term_finds_nothing_and_suggests_nothing(kb: KnowledgeBase, blank: str) -> None:
    result = index_for(kb).search(blank)
    assert (result.topic, result.how, result.score, result.suggestions) == (None, "none", 0.0, ())


def test_a_name_typed_exactly_is_exact(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("Vitamin K intake and forms")
    assert result == SearchResult("k-intake", "exact", 100.0, ())


def test_a_name_of_up_to_four_words_is_found_with_a_typo(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    typo = index.search("matrix gla protien mgp")  # the title "Matrix Gla protein (MGP)"
    assert (typo.topic, typo.how, typo.suggestions) == ("mgp", "fuzzy", ())
    assert 86 <= typo.score < 100  # search.yaml's alias_similarity is 86
    one_word = index.search("osteocalcn")
    assert (one_word.topic, one_word.how) == ("osteocalcin", "fuzzy")


def test_a_longer_name_with_a_typo_is_read_as_a_question(kb: KnowledgeBase) -> None:
    # Five words: a typo there is read word by word, not as the whole name.
    result = index_for(kb).search("vitamin k intake and froms")
    assert (result.topic, result.how) == ("k-intake", "question")


def test_a_name_below_the_typo_threshold_is_not_that_name(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("mgpxyz")
    assert result.how != "fuzzy"


# -- autocomplete -------------------------------------------------------------------------


def test_autocomplete_with_nothing_typed_lists_topics_by_group_then_title(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    listed = [topic.id for topic in index.autocomplete("")]
    # Basics: "The article in brief", "Vitamin D", "Vitamin K2"; then Health effects.
    assert listed[:5] == ["summary", "vitamin-d", "vitamin-k2", "bone-health", "cardiovascular"]
    assert len(listed) == 25
    assert [topic.id for topic in index.autocomplete("", 2)] == ["summary", "vitamin-d"]


def test_autocomplete_puts_names_starting_with_the_text_shortest_first(
    kb: KnowledgeBase,
) -> None:
    offered = [topic.id for topic in index_for(kb).autocomplete("vitamin")]
    # "vitamin d" (9 letters), then "vitamin k1" and "vitamin k2" (10, by id), then
    # "vitamin d test" (14), "vitamin d alone" (15), "vitamin d toxicity" (18).
    assert offered[:6] == ["vitamin-d", "k-intake", "vitamin-k2", "testing", "safety", "toxicity"]


def test_autocomplete_offers_a_word_inside_a_name(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert [t.id for t in index.autocomplete("gla")][:2] == ["mgp", "osteocalcin"]
    assert len(index.autocomplete("gla", 3)) == 3


def test_autocomplete_reads_typos_and_offers_nothing_for_noise(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert index.autocomplete("warfrin")[0].id == "warfarin"
    assert index.autocomplete("pregnant")[0].id == "pregnancy"
    assert index.autocomplete("zzzz") == []


# -- fusing words and meaning -------------------------------------------------------------


def _ranking(signals: tuple[tuple[str, float, float], ...]) -> Ranking:
    top = max(words for _, words, _ in signals)
    return Ranking((), 1.0, False, top, frozenset(), signals)


def test_fused_scores_are_words_over_the_best_plus_weighted_meaning() -> None:
    fused = fuse(_ranking((("a", 4.0, 0.5), ("b", 2.0, 0.9), ("c", 0.0, -0.3))), 2.0)
    # a: 4/4 + 2 x 0.5 = 2.0; b: 2/4 + 2 x 0.9 = 2.3; c: 0 + 0 (meaning below 0 adds nothing)
    assert [topic for topic, _ in fused.ranked] == ["b", "a"]
    assert fused.ranked[0][1] == pytest.approx(2.3)
    assert fused.ranked[1][1] == pytest.approx(2.0)


def test_fused_ties_are_ordered_by_id() -> None:
    fused = fuse(_ranking((("zeta", 2.0, 0.0), ("alpha", 2.0, 0.0))), 1.0)
    assert fused.ranked == (("alpha", 1.0), ("zeta", 1.0))


def test_no_word_score_leaves_the_ranking_as_it_is() -> None:
    empty = Ranking((), 0.0, False, 0.0, frozenset(), (("a", 0.0, 0.9),))
    assert fuse(empty, 2.0) is empty


def test_closeness_and_agreement_of_a_ranking() -> None:
    ranking = Ranking(
        (("a", 2.0), ("b", 1.0)), 1.0, False, 3.0, frozenset(), (("a", 3.0, 0.4), ("b", 1.0, 0.5))
    )
    assert ranking.similarity == 0.4
    assert ranking.contested(0.05) and not ranking.contested(0.1)
    assert not ranking.agreed  # words say a, meaning says b
    agreeing = Ranking(
        (("a", 2.0),), 1.0, False, 3.0, frozenset(), (("a", 3.0, 0.6), ("b", 1.0, 0.5))
    )
    assert agreeing.agreed and not agreeing.contested(0.0)
    nothing = Ranking((), 0.0, False)
    assert nothing.similarity == 0.0 and not nothing.agreed and not nothing.contested(-1.0)


def test_autocomplete_tiers_names_first_then_words_inside_names(kb: KnowledgeBase) -> None:
    offered = [topic.id for topic in index_for(kb).autocomplete("vitamin d")]
    # Names starting with "vitamin d", shortest first: "vitamin d" (9), "vitamin d test" (14),
    # "vitamin d alone" (15), "vitamin d toxicity" (18), "vitamin d for babies" and
    # "vitamin d deficiency" (20, by id); then a name with it inside ("... rda for vitamin d").
    assert offered[:7] == [
        "vitamin-d",
        "testing",
        "safety",
        "toxicity",
        "children",
        "deficiency",
        "rda",
    ]


def test_autocomplete_of_a_question_offers_explains_suggestions_in_order(
    kb: KnowledgeBase,
) -> None:
    index = index_for(kb)
    result = index.search("kay two")  # "k2" in words: no name, and no certain answer
    assert result.topic is None and len(result.suggestions) == 3
    offered = [topic.id for topic in index.autocomplete("kay two")]
    assert offered[:3] == list(result.suggestions)


def test_autocomplete_offers_every_name_that_resembles_a_typo(kb: KnowledgeBase) -> None:
    # "vitamine" is no name and no question dk2 can rank, but resembles many names.
    index = index_for(kb)
    assert index.rank("vitamine").ranked == ()
    assert len(index.autocomplete("vitamine")) > 5


def test_autocomplete_offers_at_most_25_however_many_topics(knowledge_copy: Path) -> None:
    topics = knowledge_copy / "topics"
    text = (topics / "mgp.yaml").read_text(encoding="utf-8")
    text = text.replace("id: mgp", "id: mgp-copy").replace(
        "aliases: [matrix gla protein, matrix gla, mgp protein, mgp]", "aliases: []"
    )
    (topics / "mgp-copy.yaml").write_text(text, encoding="utf-8")
    bigger = load_knowledge(knowledge_copy).knowledge
    assert bigger is not None and len(bigger.topics) == 26
    index = TopicIndex(bigger, None)
    assert len(index.autocomplete("")) == 25  # Discord shows at most 25 choices


def test_a_ranking_without_signals_is_never_contested() -> None:
    words_only = Ranking((("a", 1.0),), 1.0, False)
    assert not words_only.contested(0.0) and not words_only.agreed
    assert not words_only.words_first(25)  # no signals: words alone rank nothing first


# -- answer or suggestions: every threshold from both sides -------------------------------
#
# Each case is a ranking of two topics, "a" (best) and "b", as `rank` would hand it to the
# decision; search then answers "a", or suggests. Settings are set to values a float holds
# exactly, so "at the threshold" is exact.

EXACT = {
    "min_coverage": 0.375,
    "min_similarity": 0.25,
    "agreed_similarity": 0.5,
    "min_question_score": 0.25,
    "min_margin": 0.125,
    "contested_margin": 0.25,
    "contest_gap": 0.0625,
    "unnamed_subject_similarity": 0.75,
    "max_suggestions": 3,
    "words_first_margin": None,  # its own test below
    "words_first_meaning_rank": 1,
    "answer_probability": 0.75,
    "unnamed_subject_probability": 0.875,
    "answer_gate": None,  # the rules alone; the gate's own tests are below
}


def _decide(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, **case: Any
) -> tuple[str | None, tuple[str, ...]]:
    result = _search(kb, monkeypatch, **case)
    return result.topic, result.suggestions


def _search(
    kb: KnowledgeBase,
    monkeypatch: pytest.MonkeyPatch,
    *,
    best: float = 8.0,
    second: float = 4.0,
    coverage: float = 1.0,
    word_score: float = 1.0,
    similarity: float = 0.375,
    other_similarity: float = 0.40625,  # closer than a by less than the gap: no agreement
    on_subject: bool = True,
    named: frozenset[str] = frozenset(),
    ranked: tuple[tuple[str, float], ...] | None = None,
    out_of_scope: bool = False,
    b_words: float = 1.0,  # "b"'s score from words alone; "a"'s is 2
    learnt: float = 0.0,  # the classifier's probability for "a"
    **settings: object,
) -> SearchResult:
    index = index_for(kb)
    monkeypatch.setattr(index, "settings", kb.search.model_copy(update=EXACT | settings))
    ranking = Ranking(
        ranked if ranked is not None else (("a", best), ("b", second)),
        coverage,
        out_of_scope,
        word_score,
        named,
        (("a", 2.0, similarity), ("b", b_words, other_similarity)),
        on_subject,
        learnt=learnt,
    )
    monkeypatch.setattr(index, "rank", lambda term: ranking)
    return index.search("a question matching no name at all, it is long enough")


def test_the_baseline_case_is_answered(kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch) -> None:
    assert _decide(kb, monkeypatch) == ("a", ())


def test_coverage_at_the_minimum_answers_and_below_it_suggests(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _decide(kb, monkeypatch, coverage=0.375)[0] == "a"
    assert _decide(kb, monkeypatch, coverage=0.3749) == (None, ("a", "b"))
    # Under half the minimum: not even suggestions (they would rest on a stray word).
    assert _decide(kb, monkeypatch, coverage=0.1875) == (None, ("a", "b"))
    assert _decide(kb, monkeypatch, coverage=0.1874) == (None, ())


def test_the_fused_ranking_carries_the_classifiers_probability_for_its_best_topic() -> None:
    ranking = Ranking((), 1.0, False, 2.0, signals=(("a", 2.0, 0.5), ("b", 1.0, 0.5)))
    # words put "a" first by 0.5; the classifier's 0.9 for "b" (weighed 1) overturns that
    fused = fuse(ranking, 1.0, [0.1, 0.9], 1.0)
    assert [topic for topic, _ in fused.ranked] == ["b", "a"] and fused.learnt == 0.9
    assert fuse(ranking, 1.0, [0.1, 0.9], 0.25).learnt == 0.1  # "a" stays first
    assert fuse(ranking, 1.0).learnt == 0.0  # no classifier: no probability


def test_a_topic_the_classifier_rates_likely_enough_is_answered_despite_a_small_lead(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    close = {"best": 8.0, "second": 7.5}  # a lead of 1/16: under min_margin, so suggestions
    assert _decide(kb, monkeypatch, **close) == (None, ("a", "b"))
    assert _decide(kb, monkeypatch, **close, learnt=0.75) == ("a", ())
    assert _decide(kb, monkeypatch, **close, learnt=0.7499) == (None, ("a", "b"))
    # only for a question dk2 would otherwise weigh: known, close and on its subject
    assert _decide(kb, monkeypatch, **close, learnt=1.0, coverage=0.3749)[0] is None
    assert _decide(kb, monkeypatch, **close, learnt=1.0, similarity=0.2499)[0] is None
    # (one naming nothing of it has its own, higher bar: the test below)
    assert _decide(kb, monkeypatch, **close, learnt=0.8, on_subject=False)[0] is None


def test_a_question_naming_nothing_of_the_subject_needs_every_word_known_and_a_sure_classifier(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    unnamed = {"on_subject": False, "best": 8.0, "second": 7.5}  # no agreement, a small lead
    assert _decide(kb, monkeypatch, **unnamed) == (None, ("a", "b"))
    assert _decide(kb, monkeypatch, **unnamed, learnt=0.875) == ("a", ())
    assert _decide(kb, monkeypatch, **unnamed, learnt=0.8749) == (None, ("a", "b"))
    # a word dk2 doesn't know is where questions on something else are: never answered
    assert _decide(kb, monkeypatch, **unnamed, learnt=1.0, coverage=0.99) == (None, ("a", "b"))
    # and "never" (above 1) turns the rule off
    off = {"unnamed_subject_probability": 2.0}
    assert _decide(kb, monkeypatch, **unnamed, **off, learnt=1.0) == (None, ("a", "b"))


def test_similarity_at_the_minimum_answers_and_below_it_suggests(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _decide(kb, monkeypatch, similarity=0.25, other_similarity=0.28125)[0] == "a"
    assert _decide(kb, monkeypatch, similarity=0.2499, other_similarity=0.28125)[0] is None


def test_a_lead_at_the_margin_answers_and_below_it_suggests(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _decide(kb, monkeypatch, best=8.0, second=7.0)[0] == "a"  # (8 - 7) / 8 = 0.125
    assert _decide(kb, monkeypatch, best=8.0, second=7.001) == (None, ("a", "b"))
    # A lone topic leads by all of its score.
    assert _decide(kb, monkeypatch, ranked=(("a", 0.5),))[0] == "a"


def test_a_word_score_at_the_minimum_answers_and_below_it_suggests(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _decide(kb, monkeypatch, word_score=0.25)[0] == "a"
    assert _decide(kb, monkeypatch, word_score=0.2499)[0] is None


def test_agreement_at_its_closeness_answers_without_the_margin(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    tied = {"best": 4.0, "second": 4.0, "other_similarity": 0.25}  # no lead at all
    assert _decide(kb, monkeypatch, similarity=0.5, **tied)[0] == "a"
    assert _decide(kb, monkeypatch, similarity=0.4999, **tied)[0] is None


def test_a_contested_best_topic_needs_the_larger_margin(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Meaning puts "b" closer by more than the gap: the lead must be 0.25, not 0.125.
    contested = {"similarity": 0.375, "other_similarity": 0.4376}
    assert _decide(kb, monkeypatch, best=8.0, second=6.0, **contested)[0] == "a"
    assert _decide(kb, monkeypatch, best=8.0, second=6.5, **contested)[0] is None
    # Closer by exactly the gap is not contested: the usual margin holds.
    at_gap = {"similarity": 0.375, "other_similarity": 0.4375}
    assert _decide(kb, monkeypatch, best=8.0, second=6.5, **at_gap)[0] == "a"
    # Without a contested margin the usual one applies even when contested.
    assert (
        _decide(kb, monkeypatch, best=8.0, second=6.5, contested_margin=None, **contested)[0] == "a"
    )


def test_words_naming_the_best_topic_too_answer_with_the_smaller_lead(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # "a" leads "b" by (8 - 7.5) / 8 = 0.0625, under min_margin (0.125); words alone rank "a"
    # first, and meaning puts "b" closer: "a" is second in meaning's own order.
    close = {"best": 8.0, "second": 7.5}
    rule = {"words_first_margin": 0.0625, "words_first_meaning_rank": 2}
    assert _decide(kb, monkeypatch, **close)[0] is None  # the rule off: suggestions
    assert _decide(kb, monkeypatch, **close, **rule) == ("a", ())
    # a lead just under the rule's margin, meaning putting "a" further down than the rule
    # allows, or words alone preferring "b": suggestions again
    assert _decide(kb, monkeypatch, best=8.0, second=7.5001, **rule)[0] is None
    assert _decide(kb, monkeypatch, **close, **(rule | {"words_first_meaning_rank": 1}))[0] is None
    assert _decide(kb, monkeypatch, **close, b_words=2.5, **rule)[0] is None
    # contested (meaning puts "b" closer by more than the gap): the smaller lead still does
    contested = {"similarity": 0.375, "other_similarity": 0.5}
    assert _decide(kb, monkeypatch, **close, **contested, **rule)[0] == "a"
    # and it never lowers a margin that is smaller already
    larger = rule | {"words_first_margin": 0.125, "min_margin": 0.0625}
    assert _decide(kb, monkeypatch, **close, **larger)[0] == "a"


def test_a_question_naming_no_subject_needs_every_word_agreement_and_closeness(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    agreed = {"on_subject": False, "similarity": 0.75, "other_similarity": 0.5}
    assert _decide(kb, monkeypatch, **agreed)[0] == "a"
    assert _decide(kb, monkeypatch, **(agreed | {"similarity": 0.7499}))[0] is None
    assert _decide(kb, monkeypatch, coverage=1.0 - 1e-9, **agreed)[0] == "a"
    assert _decide(kb, monkeypatch, coverage=0.9999, **agreed)[0] is None
    disagreeing = agreed | {"other_similarity": 0.8}
    assert _decide(kb, monkeypatch, **disagreeing)[0] is None


def test_a_named_safety_topic_among_the_suggestions_is_the_answer(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    unsure = {"best": 4.0, "second": 4.0}  # no lead: otherwise suggestions
    ranked = (("a", 4.0), ("b", 4.0), ("warfarin", 1.0))
    named = frozenset({"warfarin"})
    assert _decide(kb, monkeypatch, ranked=ranked, named=named, **unsure) == ("warfarin", ())
    # Not named, or named but not on the subject, or beyond the suggestions: no such answer.
    assert _decide(kb, monkeypatch, ranked=ranked, **unsure) == (None, ("a", "b", "warfarin"))
    assert (
        _decide(kb, monkeypatch, ranked=ranked, named=named, on_subject=False, **unsure)[0] is None
    )
    assert _decide(kb, monkeypatch, ranked=ranked, named=named, max_suggestions=2, **unsure) == (
        None,
        ("a", "b"),
    )
    # Two safety topics named: which one is not for dk2 to pick.
    two = (("a", 4.0), ("pregnancy", 4.0), ("warfarin", 1.0))
    both = frozenset({"warfarin", "pregnancy"})
    assert _decide(kb, monkeypatch, ranked=two, named=both, **unsure)[0] is None


def test_an_empty_or_out_of_scope_ranking_is_never_confident(kb: KnowledgeBase) -> None:
    for index in (index_for(kb), TopicIndex(kb, None)):  # with and without meaning
        assert not index.confident(Ranking((), 1.0, False, 1.0))
        assert not index.confident(Ranking((("a", 1.0),), 1.0, True, 1.0))


def test_autocomplete_at_the_first_keystroke_offers_names_starting_with_it(
    kb: KnowledgeBase,
) -> None:
    # "l": no answer, but many topics share words with it; names starting with "l" come
    # first, shortest first: lixiana (warfarin), lymphoma (cautions), lactation (pregnancy),
    # level test (testing), low vitamin d (deficiency).
    offered = [topic.id for topic in index_for(kb).autocomplete("l")]
    assert offered[:5] == ["warfarin", "cautions", "pregnancy", "testing", "deficiency"]
    assert "units" in offered[5:]  # the topic words rank first ("l" as in nmol/l) comes after


def test_autocomplete_offers_names_at_the_resemblance_cutoff(kb: KnowledgeBase) -> None:
    # "2" starts a name of testing ("25..."), resembles "k2" names at 90 and others at
    # exactly 60, rapidfuzz's WRatio, which is the cutoff: they are offered too.
    index = index_for(kb)
    assert fuzz.WRatio("2", "d without k2") == 60.0
    offered = [topic.id for topic in index.autocomplete("2")]
    assert offered == [
        "testing",
        "dosing",  # "k2 dose"
        "k2-forms",
        "synergy",
        "vitamin-k2",
        "mk7",
        "safety",
        "warfarin",
    ]


def test_autocomplete_ties_are_ordered_by_topic_id(knowledge_copy: Path) -> None:
    # "mk7-copy.yaml" sorts before "mk7.yaml" ('-' before '.'), so the copy is loaded first;
    # both titles hold "common", a tie, which is put in id order: "mk7" before "mk7-copy".
    topics = knowledge_copy / "topics"
    text = (topics / "mk7.yaml").read_text(encoding="utf-8")
    text = text.replace("id: mk7\n", "id: mk7-copy\n").replace(
        "title: MK-7 (the common K2 form)", "title: Copy of MK-7 (the common K2 form)"
    )
    text = text.replace("aliases: [mk-7, mk 7, menaquinone-7, mk7 form]", "aliases: []")
    (topics / "mk7-copy.yaml").write_text(text, encoding="utf-8")
    bigger = load_knowledge(knowledge_copy).knowledge
    assert bigger is not None
    assert list(bigger.topics).index("mk7-copy") < list(bigger.topics).index("mk7")
    offered = [topic.id for topic in TopicIndex(bigger, None).autocomplete("common")]
    assert offered[:2] == ["mk7", "mk7-copy"]


def test_how_a_question_was_matched_and_its_score_are_reported(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    # reply --json and the usage log carry `match` and `score`: what each decision says.
    assert _search(kb, monkeypatch) == SearchResult("a", "question", 8.0, ())
    unsure = _search(kb, monkeypatch, best=8.0, second=8.0)
    assert unsure == SearchResult(None, "none", 8.0, ("a", "b"))
    stray = _search(kb, monkeypatch, coverage=0.125)
    assert stray == SearchResult(None, "none", 8.0, ())
    assert _search(kb, monkeypatch, ranked=()) == SearchResult(None, "none", 0.0, ())
    refused = _search(kb, monkeypatch, out_of_scope=True)
    assert refused == SearchResult(None, "out-of-scope", 0.0, ())
    safety = _search(
        kb,
        monkeypatch,
        ranked=(("a", 4.0), ("b", 4.0), ("warfarin", 1.5)),
        named=frozenset({"warfarin"}),
    )
    assert safety == SearchResult("warfarin", "question", 1.5, ())


def test_rankings_with_nothing_to_rank_say_why(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    # Another supplement: every word known, refused as out of scope, nothing ranked.
    assert index.rank("should i take magnesium with d3") == Ranking((), 1.0, True)
    # No word dk2 knows, or only words that say nothing (stopwords): nothing known at all.
    assert index.rank("zzqx blorp") == Ranking((), 0.0, False)
    assert index.rank("is it the") == Ranking((), 0.0, False)
    assert index.rank("should i take k2 with d3").out_of_scope is False


def test_without_a_model_no_topic_is_close_in_meaning(kb: KnowledgeBase) -> None:
    ranking = TopicIndex(kb, None).rank("should i take k2 with d3")
    assert ranking.ranked and ranking.similarity == 0.0
    assert {meaning for _, _, meaning in ranking.signals} == {0.0}


def test_no_synonyms_leave_every_term_as_it_is() -> None:
    none = Rewrites({})
    for term in ("", "k2 with d3", "a  b"):
        assert none.apply(term) == term


# The answer gate: "a" leads "b" by too little for the rules (8 against 7.5); a gate that
# reads only the classifier's probability answers when that is high enough.
_GATE = AnswerGate(weights={"learnt": 10.0}, bias=-5.0, probability=0.5)


def test_the_gate_answers_what_the_rules_only_suggest(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _decide(kb, monkeypatch, second=7.5, learnt=0.6) == (None, ("a", "b"))
    assert _decide(kb, monkeypatch, second=7.5, learnt=0.6, answer_gate=_GATE) == ("a", ())
    assert _decide(kb, monkeypatch, second=7.5, learnt=0.4, answer_gate=_GATE) == (None, ("a", "b"))


def test_the_gate_never_answers_a_question_naming_nothing_of_the_subject(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch
) -> None:
    case = {"second": 7.5, "learnt": 0.8, "answer_gate": _GATE}  # below unnamed_subject_probability
    assert _decide(kb, monkeypatch, on_subject=False, **case) == (None, ("a", "b"))
    assert _decide(kb, monkeypatch, out_of_scope=True, **case) == (None, ())
