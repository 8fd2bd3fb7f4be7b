"""Fit search's answer gate (search.yaml's `answer_gate`) on the tuning part, and write its
weights into `knowledge/search.yaml`:

    .venv/bin/python -m tests.core.eval.fit_gate

The gate is a logistic regression over what search knows of a ranked question (the signals
of `TopicIndex.gate_signals`: the classifier's probability, the lead, the closeness of meaning,
how much of it dk2 knows...), learnt from the tuning questions that the rules alone only
suggest topics for: right when the first suggestion is one of the question's topics, wrong
otherwise, a question to refuse included. Each question is ranked by an index whose
classifier never learnt its file (as the bench scores them), so the gate learns how far to
trust rankings of questions the classifier has not seen. The held-back part is never read.
Run after `to_knowledge`, whenever the tuning part or search's settings change; the
threshold (`probability`) is the curators' choice, by the bench's cross-validation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import get_args

import numpy as np

from bot.core.embedding import shipped_embedder
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import GateSignal, KnowledgeBase
from bot.core.search import TopicIndex
from bot.core.wording import normalise_term
from tests.core.eval.evalset import TUNING_FILES, Question, load_parts

SEARCH_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "search.yaml"
SIGNALS: tuple[str, ...] = get_args(GateSignal)
# Full-batch gradient descent on standardised signals: converged well before these steps
# (3,000 at 0.5 and 6,000 at 0.25 learn the same weights to two decimals).
_STEPS = 3000
_RATE = 0.5
_DECAY = 1e-3

Row = tuple[dict[str, float], bool]  # a question's signals, and whether its best topic is right


def index_without(kb: KnowledgeBase, part: Sequence[Question]) -> TopicIndex:
    """An index whose classifier never learnt the questions of one tuning file, `part`, and
    without the answer gate (so each question the rules only suggest for can be read)."""
    held = {" ".join(question.text.split()) for question in part}
    questions = {t: tuple(q for q in qs if q not in held) for t, qs in kb.questions.items()}
    off_topic = tuple(q for q in kb.off_topic if q not in held)
    search = kb.search.model_copy(update={"answer_gate": None})
    kb = replace(kb, questions=questions, off_topic=off_topic, search=search)
    return TopicIndex(kb, shipped_embedder())


def gate_rows(index: TopicIndex, questions: Sequence[Question]) -> list[Row]:
    """The questions an index without the gate only suggests topics for, and that the gate
    may read: their signals, and whether the first suggestion is right."""
    rows = []
    for question in questions:
        result = index.search(question.text)
        if result.how != "none" or not result.suggestions:
            continue
        ranking = index.rank(normalise_term(question.text))
        if index.gate_reads(ranking) and ranking.ranked[0][0] == result.suggestions[0]:
            rows.append((index.gate_signals(ranking), ranking.ranked[0][0] in question.topics))
    return rows


def fit(rows: Sequence[Row]) -> tuple[dict[str, float], float]:
    """Weights per signal and a bias, on the signals' own scale."""
    inputs = np.array([[signals[name] for name in SIGNALS] for signals, _ in rows], dtype=float)
    right = np.array([float(is_right) for _, is_right in rows])
    mean, spread = inputs.mean(axis=0), inputs.std(axis=0)
    spread[spread == 0] = 1.0  # a signal that never varies here learns nothing
    scaled = (inputs - mean) / spread
    weights, bias = np.zeros(len(SIGNALS)), 0.0
    for _ in range(_STEPS if rows else 0):
        error = 1.0 / (1.0 + np.exp(-(scaled @ weights + bias))) - right
        weights -= _RATE * (scaled.T @ error / len(rows) + _DECAY * weights)
        bias -= _RATE * float(error.mean())
    raw = weights / spread
    return dict(zip(SIGNALS, raw.round(4).tolist(), strict=True)), round(
        bias - float(raw @ mean), 4
    )


def with_gate(text: str, weights: dict[str, float], bias: float) -> str:
    """search.yaml's text with the answer gate's `weights` and `bias` lines replaced."""
    shown = ", ".join(f"{name}: {weight}" for name, weight in weights.items())
    for key, value in (("weights", f"{{{shown}}}"), ("bias", str(bias))):
        pattern = re.compile(rf"^(answer_gate:\n(?:  .*\n)*?  {key}: ).*$", re.MULTILINE)
        text, count = pattern.subn(lambda found, new=value: found.group(1) + new, text, count=1)
        if count != 1:
            raise SystemExit(f"{SEARCH_FILE}: no `{key}:` line under `answer_gate:`")
    return text


def main() -> None:
    kb = load_knowledge(default_knowledge_path()).knowledge
    assert kb is not None, "the knowledge base does not load: run python -m bot check"
    rows: list[Row] = []
    for path in TUNING_FILES:
        part = load_parts((path,))
        rows += gate_rows(index_without(kb, part), part)
    weights, bias = fit(rows)
    SEARCH_FILE.write_text(with_gate(SEARCH_FILE.read_text("utf-8"), weights, bias), "utf-8")
    print(f"wrote {SEARCH_FILE}: the gate learnt from {len(rows)} questions")


if __name__ == "__main__":
    main()
