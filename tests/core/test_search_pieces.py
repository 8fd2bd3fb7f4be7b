"""Search's own pieces as a member meets them: whole names with typos, autocomplete's order
as the member types, and the scores that fuse words and meaning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import load_knowledge
from bot.core.model import KnowledgeBase
from bot.core.search import Ranking, TopicIndex, fuse, index_for

# -- whole names --------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "?!"])
def test_a_blank_term_finds_nothing_and_suggests_nothing(kb: KnowledgeBase, blank: str) -> None:
    result = index_for(kb).search(blank)
    assert (result.topic, result.how, result.score, result.suggestions) == (None, "none", 0.0, ())


def test_a_name_typed_exactly_is_exact(kb: KnowledgeBase) -> None:
    result = index_for(kb).search("Vitamin K intake and forms")
    assert (result.topic, result.how, result.score) == ("k-intake", "exact", 100.0)


def test_a_name_of_up_to_four_words_is_found_with_a_typo(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    typo = index.search("matrix gla protien mgp")  # the title "Matrix Gla protein (MGP)"
    assert (typo.topic, typo.how) == ("mgp", "fuzzy")
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
        "aliases: [matrix gla protein, matrix gla, mgp protein]", "aliases: []"
    )
    (topics / "mgp-copy.yaml").write_text(text, encoding="utf-8")
    bigger = load_knowledge(knowledge_copy).knowledge
    assert bigger is not None and len(bigger.topics) == 26
    index = TopicIndex(bigger, None)
    assert len(index.autocomplete("")) == 25  # Discord shows at most 25 choices


def test_a_ranking_without_signals_is_never_contested() -> None:
    words_only = Ranking((("a", 1.0),), 1.0, False)
    assert not words_only.contested(0.0) and not words_only.agreed
