"""Read an evaluation part and score a search against it.

A part is a YAML list of questions, each with the topic a curator wants dk2 to answer or
`refuse`. Several spellings of an entry are accepted, since the parts are written by
different people: `{q: ..., topic: ...}`, `{question: ..., expected: ...}`, `[question, topic]`,
or one mapping of question to topic. A topic may be a list: any of them is right. The first
is the writer's; topics after it were added by a second annotator who did not see dk2's
answers (`first_labels` scores by the writer's alone).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

EVAL_DIR = Path(__file__).resolve().parent
# Ranking may be tuned on every tuning file; the held-back files are for reporting only, and
# may not be in the repository yet (their authors write them apart from the tuning): whatever
# reads them must say so and carry on. Each is measured once, on the commit its message
# names; several are held back together when measured on the same commit with no tuning
# between. Once reported, and before the next round of tuning, they join the tuning files.
TUNING_FILES = tuple(sorted(EVAL_DIR.glob("tuning*.yaml")))
HELDBACK_FILES = tuple(sorted(EVAL_DIR.glob("heldback*.yaml")))
REFUSE = "refuse"
_QUESTION_KEYS = ("q", "question", "text", "query", "input")
_LABEL_KEYS = ("topic", "topics", "expected", "label", "answer", "id")
_REFUSE_WORDS = {REFUSE, "refused", "none", "null", "", "off-topic", "no-answer", "no answer"}


@dataclass(frozen=True, slots=True)
class Question:
    text: str
    topics: frozenset[str]  # empty: dk2 must refuse
    first: str | None = None  # the first topic listed: the writer's label

    @property
    def refuse(self) -> bool:
        return not self.topics


class EvalFormatError(ValueError):
    """An evaluation file dk2's bench can't read; says where, never what the entry holds."""


def _label(value: Any, where: str) -> list[str]:
    values = value if isinstance(value, list) else [value]
    topics: list[str] = []
    for item in values:
        if item is None or (isinstance(item, str) and item.strip().lower() in _REFUSE_WORDS):
            continue
        if not isinstance(item, str):
            raise EvalFormatError(f"{where}: the label is not a topic id")
        topics.append(item.strip())
    return topics


def _entry(raw: Any, where: str) -> Question:
    if isinstance(raw, list | tuple) and len(raw) == 2:
        text, label = raw
    elif isinstance(raw, dict):
        text = next((raw[key] for key in _QUESTION_KEYS if key in raw), None)
        label = next((raw[key] for key in _LABEL_KEYS if key in raw), REFUSE)
    else:
        raise EvalFormatError(f"{where}: not a question with its label")
    if not isinstance(text, str):
        raise EvalFormatError(f"{where}: no question text")
    return _question(text, _label(label, where))


def _question(text: str, topics: list[str]) -> Question:
    return Question(text, frozenset(topics), topics[0] if topics else None)


def load_part(path: Path) -> list[Question]:
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle)
    if isinstance(data, dict):
        for key in ("questions", "items", "entries", "cases"):
            if isinstance(data.get(key), list):
                data = data[key]
                break
        else:
            return [
                _question(str(text), _label(label, f"{path.name}: entry {index}"))
                for index, (text, label) in enumerate(data.items(), 1)
            ]
    if not isinstance(data, list):
        raise EvalFormatError(f"{path.name}: expected a list of questions")
    return [_entry(raw, f"{path.name}: entry {index}") for index, raw in enumerate(data, 1)]


def load_parts(paths: Iterable[Path]) -> list[Question]:
    """The questions of several parts, in order."""
    return [question for path in paths for question in load_part(path)]


def first_labels(questions: Iterable[Question]) -> list[Question]:
    """The questions with their first label alone, as their writers labelled them."""
    return [_question(q.text, [q.first] if q.first else []) for q in questions]


@dataclass
class Score:
    """How a search did on one part."""

    total: int = 0
    on_topic: int = 0  # questions with a topic
    right: int = 0  # answered with (one of) the labelled topics, or refused when it should be
    right_on_topic: int = 0
    wrong: int = 0  # a confident answer with a topic the label does not name
    off_topic: int = 0
    refused_off_topic: int = 0
    refused_on_topic: int = 0  # honest refusals where a topic exists
    suggested: int = 0  # of those, the right topic was among the suggestions
    misses: Counter[str] = field(default_factory=Counter)  # per labelled topic, tuning only
    missed: list[tuple[str, str, str]] = field(default_factory=list)

    def rate(self, count: int, of: int) -> float:
        return count / of if of else 1.0

    @property
    def accuracy(self) -> float:
        return self.rate(self.right, self.total)

    @property
    def wrong_rate(self) -> float:
        return self.rate(self.wrong, self.total)

    @property
    def refusal_rate(self) -> float:
        return self.rate(self.refused_off_topic, self.off_topic)


Search = Callable[[str], tuple[str | None, tuple[str, ...]]]


def score(search: Search, questions: Iterable[Question]) -> Score:
    result = Score()
    for question in questions:
        found, suggestions = search(question.text)
        result.total += 1
        if question.refuse:
            result.off_topic += 1
            if found is None:
                result.right += 1
                result.refused_off_topic += 1
            else:
                result.wrong += 1
                result.misses[REFUSE] += 1
                result.missed.append((question.text, REFUSE, found))
            continue
        result.on_topic += 1
        label = "/".join(sorted(question.topics))
        if found in question.topics:
            result.right += 1
            result.right_on_topic += 1
        elif found is None:
            result.refused_on_topic += 1
            result.suggested += bool(question.topics & set(suggestions))
            result.misses[label] += 1
            result.missed.append((question.text, label, f"none {list(suggestions)}"))
        else:
            result.wrong += 1
            result.misses[label] += 1
            result.missed.append((question.text, label, found))
    return result
