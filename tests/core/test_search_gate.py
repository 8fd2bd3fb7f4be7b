"""Search's answer gate: a question the rules only suggest topics for is answered when the
gate, learnt from members' questions, rates its best topic right likely enough."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from bot.core.embedding import shipped_embedder
from bot.core.model import AnswerGate, KnowledgeBase
from bot.core.search import TopicIndex, index_for
from bot.core.wording import normalise_term
from tests.core.eval.fit_gate import SIGNALS, fit, with_gate


def _with_gate(kb: KnowledgeBase, gate: AnswerGate | None) -> TopicIndex:
    search = kb.search.model_copy(update={"answer_gate": gate})
    return TopicIndex(dataclasses.replace(kb, search=search), shipped_embedder())


def test_a_vague_question_is_answered_by_the_gate_and_only_suggested_without(
    kb: KnowledgeBase,
) -> None:
    # Safety leads the ranking by too little for the rules (mgp and synergy close behind), so
    # without the gate it is a "did you mean" with safety first.
    question = (
        "my trainer claims never take d3 without k2 or calcium goes everywhere, is that right"
    )
    without = _with_gate(kb, None).search(question)
    assert without.topic is None and without.suggestions[0] == "safety"
    assert index_for(kb).search(question).topic == "safety"


def test_a_gate_that_never_answers_changes_nothing(kb: KnowledgeBase) -> None:
    assert kb.search.answer_gate is not None
    never = kb.search.answer_gate.model_copy(update={"probability": 2.0})
    question = (
        "my trainer claims never take d3 without k2 or calcium goes everywhere, is that right"
    )
    assert _with_gate(kb, never).search(question).topic is None


@pytest.mark.parametrize(
    "question",
    [
        "how many ml in a cup",
        "what's the capital of france",
        "how much magnesium with my d3",
        # every word of it is dk2's, but it names nothing of the subject
        "how often should i get a blood test for my liver",
    ],
)
def test_the_gate_answers_nothing_off_topic(kb: KnowledgeBase, question: str) -> None:
    index = index_for(kb)
    assert index.search(question).topic is None
    assert index.gate_probability(index.rank(normalise_term(question))) < 0.5


def test_fit_learns_which_signal_tells_right_from_wrong() -> None:
    # Right when the classifier is sure, wrong when it is not; the other signals are noise.
    rows = []
    for step in range(200):
        signals = {name: (step * 7 % 13) / 13 for name in SIGNALS}
        signals["learnt"] = step / 200
        rows.append((signals, step >= 100))
    weights, bias = fit(rows)
    assert set(weights) == set(SIGNALS)
    assert weights["learnt"] > 5 * max(abs(w) for name, w in weights.items() if name != "learnt")
    gate = AnswerGate(weights=weights, bias=bias, probability=0.5)
    sure = bias + sum(w * (0.9 if n == "learnt" else 0.5) for n, w in gate.weights.items())
    unsure = bias + sum(w * (0.1 if n == "learnt" else 0.5) for n, w in gate.weights.items())
    assert sure > 0 > unsure


def test_fitting_rewrites_only_the_gates_weights_and_bias(knowledge_copy: Path) -> None:
    text = (knowledge_copy / "search.yaml").read_text("utf-8")
    written = with_gate(text, {"learnt": 2.5, "lead": -1.0}, -0.75)
    changed = [
        (old, new)
        for old, new in zip(text.splitlines(), written.splitlines(), strict=True)
        if old != new
    ]
    assert [new for _, new in changed] == ["  bias: -0.75", "  weights: {learnt: 2.5, lead: -1.0}"]
    with pytest.raises(SystemExit, match="answer_gate"):
        with_gate(text.replace("answer_gate:", "gate:"), {}, 0.0)
