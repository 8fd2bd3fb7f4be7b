"""Search's classifier: it learns from members' questions which topic their wording points to."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from bot.core.classifier import TopicClassifier
from bot.core.embedding import shipped_embedder
from bot.core.model import KnowledgeBase
from bot.core.search import TopicIndex, index_for
from tests.core.eval.to_knowledge import KNOWLEDGE_FILE, questions_text


def _with_weight(kb: KnowledgeBase, classifier_weight: float) -> TopicIndex:
    search = kb.search.model_copy(update={"classifier_weight": classifier_weight})
    return TopicIndex(dataclasses.replace(kb, search=search), shipped_embedder())


def _without_classifier(kb: KnowledgeBase) -> TopicIndex:
    return _with_weight(kb, 0.0)


def test_a_core_question_is_answered_with_the_classifier_and_not_without(
    kb: KnowledgeBase,
) -> None:
    # Words alone reach no topic; the classifier, learnt from members' questions (one of which
    # asks "What actually makes too much vitamin D harmful"), answers it
    question = "is too much vitamin d harmful"
    assert _without_classifier(kb).search(question).topic is None
    assert index_for(kb).search(question).topic == "toxicity"


def test_should_i_take_k2_with_vitamin_d_is_answered(kb: KnowledgeBase) -> None:
    # issue 9's "should i take k2 with d3" got "did you mean". This wording was answered by
    # the classifier alone until tuning file 60 made it a "did you mean" (synergy 0.1 % short
    # of min_margin over safety); synergy's keywords had "k2 with d3" but not "k2 with
    # vitamin d", and with it words answer it too.
    question = "should I take K2 with vitamin D?"
    assert index_for(kb).search(question).topic == "synergy"
    assert _without_classifier(kb).search(question).topic == "synergy"


@pytest.mark.parametrize(
    "question",
    [
        "is a level of 7 dangerous",
        "is a level of 6 dangerous",
    ],
)
def test_the_classifier_reads_the_amount_words_and_meaning_leave_out(
    kb: KnowledgeBase, question: str
) -> None:
    # A bare number after "level" is a blood level, and one this low is the deficiency bands'
    # question. Word matching and meaning read the question without its amounts; the
    # classifier learnt from whole questions, a member's "is my level of 8 dangerous" among
    # them (questions.yaml), so it must read the number too. Without that question, or
    # without the number ("is my level of dangerous"), some of these are left unanswered
    # (which ones has changed as questions.yaml grew). With 35 tuning files "is a level of 7
    # dangerous" lost its lead over toxicity and became a "did you mean" with deficiency first.
    result = index_for(kb).search(question)
    assert (result.topic or result.suggestions[0]) == "deficiency"


@pytest.mark.parametrize("question", ["is my level of 7 dangerous", "is my level of 6 dangerous"])
def test_my_level_of_6_or_7_is_at_least_offered_as_deficiency(
    kb: KnowledgeBase, question: str
) -> None:
    # Answered while the classifier read the normalised question (before 980f76d); since it
    # reads the words as typed (980f76d, one embedding when there is no amount) its lead over
    # toxicity is small: "7" became a "did you mean" with deficiency first then, "6" when the
    # twenty-first tuning file joined. Never another topic first.
    result = index_for(kb).search(question)
    assert (result.topic or result.suggestions[0]) == "deficiency"


def test_a_classifier_weight_below_zero_is_no_classifier_as_zero_is(kb: KnowledgeBase) -> None:
    # search.yaml accepts any number; below 0, as at 0, no classifier is learnt and the
    # answers are those without one, not a search more sure of itself (had fuse counted each
    # missing probability as 1, -0.4 would take 0.4 from every topic in play and widen the
    # leads: "at what ng/ml does vit d become toxic" was then answered about units).
    below, off = _with_weight(kb, -0.4), _without_classifier(kb)
    for question in (
        "at what ng/ml does vit d become toxic",
        "how does k2 control where calcium goes",
    ):
        assert below.search(question) == off.search(question)
    assert below.search("at what ng/ml does vit d become toxic").topic != "units"


def test_members_questions_teach_the_classifier_a_wording_no_example_has(
    kb: KnowledgeBase,
) -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    texts = ["what is the tolerable upper intake level", "how much vitamin d is too much"]
    asked = ["is my moonbeam pill count too big", "moonbeam pills, am i overdoing it"]
    vectors = embedder.embed([*texts, "what does k2 do", *asked])
    upper, k2 = 0, 1
    without = TopicClassifier(["upper-limit", "vitamin-k2"], vectors[:3], [upper, upper, k2])
    learnt = TopicClassifier(["upper-limit", "vitamin-k2"], vectors, [upper, upper, k2, k2, k2])
    (question,) = embedder.embed(["how many moonbeam pills"])
    assert without.probabilities(question)[k2] < learnt.probabilities(question)[k2]
    assert learnt.probabilities(question)[k2] > 0.5


def test_a_question_with_no_tokens_has_no_probability() -> None:
    classifier = TopicClassifier(["a", "b"], np.eye(2, 4, dtype=np.float32), [0, 1])
    assert classifier.probabilities(np.zeros(4, dtype=np.float32)) == [0.0, 0.0]
    assert sum(classifier.probabilities(np.ones(4, dtype=np.float32))) > 0.99


def test_the_knowledge_holds_the_tuning_questions_and_nothing_else() -> None:
    # Written from the tuning files alone: a held-back question is in it only when a tuning
    # file's writer wrote the same words ("what does osteocalcin do"), not because it was
    # copied from the held-back part.
    text = KNOWLEDGE_FILE.read_text(encoding="utf-8")
    assert text == questions_text(), "run: .venv/bin/python -m tests.core.eval.to_knowledge"


def test_a_question_like_those_no_topic_may_answer_gets_suggestions_not_an_answer(
    kb: KnowledgeBase,
) -> None:
    # names a blood thinner, which alone would answer with the warfarin topic (safety first),
    # but asks to change a prescribed dose: the classifier, learnt from questions.yaml's
    # off_topic, rates it off-topic; no word list says so
    question = "my inr is high again, should i take less warfarin tonight"
    result = index_for(kb).search(question)
    assert result.topic is None and "warfarin" in result.suggestions
    never = kb.search.model_copy(update={"off_topic_probability": 2.0})
    ungated = TopicIndex(dataclasses.replace(kb, search=never), shipped_embedder())
    assert ungated.search(question).topic == "warfarin"


def test_without_off_topic_questions_nothing_is_rated_off_topic(kb: KnowledgeBase) -> None:
    question = "my inr is high again, should i take less warfarin tonight"
    index = TopicIndex(dataclasses.replace(kb, off_topic=()), shipped_embedder())
    assert index.search(question).topic == "warfarin"


def test_a_reload_that_changes_no_question_keeps_the_learnt_classifier(kb: KnowledgeBase) -> None:
    # training is most of a reload's time; an edited answer changes nothing it learns from
    def classifier(changed: KnowledgeBase) -> object:
        index = TopicIndex(changed, shipped_embedder())
        assert index.meaning is not None
        return index.meaning.classifier

    first = classifier(kb)
    topics = dict(kb.topics)
    topics["mgp"] = topics["mgp"].model_copy(update={"long": "An edited answer."})
    assert classifier(dataclasses.replace(kb, topics=topics)) is first
    asked = {**kb.questions, "mgp": (*kb.questions["mgp"], "what is mgp for")}
    assert classifier(dataclasses.replace(kb, questions=asked)) is not first
