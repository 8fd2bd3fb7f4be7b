"""Cross-validation of /dk2 explain's answer rule over the tuning data.

The answer rule's settings (meaning weight, least word score, margin, coverage, least
closeness of meaning, agreement of words and meaning, the smaller lead that answers when words
alone name the best topic too and meaning puts it among its first few, and what a topic about
the other vitamin keeps when a question names one vitamin only) are chosen on the tuning
questions; a
score measured on the same questions flatters them. So the tuning questions are shuffled and
split into folds: for each fold, the settings that do best on the other folds (right answers
minus ten times the confident wrong ones) are measured on that fold alone. The mean over the
folds, for several shuffles, estimates how the rule does on questions it was not tuned on.
Then file by file: each tuning file scored with the settings chosen on the other files. Both
estimates flatter: the topics' example questions, the stopwords and the out-of-scope list were
written while looking at the tuning files' misses, and no fold undoes that (the last
held-back part scored 77.5 % where cross-validation said 92.5 %, the one after 88.7 % where it
said 91.5 %). Then the settings in search.yaml, and the ones chosen on all the tuning data,
side by side.

Only the tuning files are read, never the held-back part.
Run: .venv/bin/python bench/bench_explain_cv.py [--folds 5] [--shuffles 3]
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.search import Ranking, SearchResult, TopicIndex, fuse, index_for
from bot.core.wording import normalise_term
from tests.core.eval.evalset import TUNING_FILES, Question, load_part

GRID: dict[str, Sequence[float]] = {
    "meaning_weight": (1.0, 2.0),
    "min_question_score": (0.3, 0.6),
    "min_margin": (0.1, 0.15),
    # 0.2 does better on the tuning files, but lets through off-topic questions that share a
    # subject word (search.yaml): held at the shipped 0.35 so the estimate is of the shipped rule
    "min_coverage": (0.35,),
    "contested_margin": (0.2, 0.3),
    "contest_gap": (0.03, 0.06),
    "min_similarity": (0.3, 0.4, 0.5),
    "agreed_similarity": (0.5, 0.7, 1.01),  # 1.01: never answer on agreement alone
    # a question naming nothing of the subject, every word known, both readings agreeing
    "unnamed_subject_similarity": (0.7, 0.8, 2.0),  # 2.0: never answered
    # words alone and the fused score naming the same topic, meaning putting it among its
    # first few: the lead that answers then (1.01: never a smaller one than min_margin)
    "words_first_margin": (0.02, 0.05, 1.01),
    "words_first_meaning_rank": (2, 3),
}
# Settings that change the ranking itself, not only the rule read from it: each value ranks
# every question again.
RANK_GRID: dict[str, Sequence[float]] = {
    "other_vitamin_weight": (1.0, 0.7, 0.5),
    "figure_weight": (0.0, 1.0),
}
WRONG_COST = 10  # a confident wrong answer costs as much as ten refusals


def _outcome(result: SearchResult, question: Question) -> int:
    """1 right, 0 refused where a topic exists, -1 confidently wrong."""
    if question.refuse:
        return 1 if result.topic is None else -1
    if result.topic in question.topics:
        return 1
    return 0 if result.topic is None else -1


def _fused(
    rankings: list[Ranking | SearchResult], meaning_weight: float
) -> list[Ranking | SearchResult]:
    """Each ranking ordered by its fused score (computed once per meaning weight, not once
    per combination of the other settings)."""
    return [r if isinstance(r, SearchResult) else fuse(r, meaning_weight) for r in rankings]


def _outcomes(
    index: TopicIndex, questions: list[Question], fused: list[Ranking | SearchResult]
) -> list[int]:
    out = []
    for question, ranking in zip(questions, fused, strict=True):
        if isinstance(ranking, SearchResult):  # a name, or nothing to rank
            out.append(_outcome(ranking, question))
            continue
        out.append(_outcome(index._decide(ranking), question))
    return out


def _rates(values: list[int]) -> tuple[float, float]:
    return values.count(1) / len(values), values.count(-1) / len(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shuffles", type=int, default=3)
    args = parser.parse_args()
    kb = load_knowledge(default_knowledge_path()).knowledge
    assert kb is not None, "the knowledge base does not load: run python -m bot check"
    index = index_for(kb)
    shipped = index.settings
    parts = [(path.name, load_part(path)) for path in TUNING_FILES]
    questions = [question for _, part in parts for question in part]
    # which file each question comes from: the files are written by different people
    files = [name for name, part in parts for _ in part]
    grid = {**RANK_GRID, **GRID}
    combos: list[dict[str, Any]] = [
        dict(zip(grid, values, strict=True)) for values in itertools.product(*grid.values())
    ]
    rankings: dict[tuple[float, ...], list[Ranking | SearchResult]] = {}
    shipped_values = tuple(getattr(shipped, key) for key in RANK_GRID)
    for values in {*itertools.product(*RANK_GRID.values()), shipped_values}:
        index.settings = shipped.model_copy(update=dict(zip(RANK_GRID, values, strict=True)))
        ranked: list[Ranking | SearchResult] = []
        for question in questions:
            term = normalise_term(question.text)
            named = index._named(term) if term else SearchResult(None, "none", 0.0, ())
            ranked.append(named or index.rank(term))
        rankings[values] = ranked
    fused: dict[tuple[tuple[float, ...], float], list[Ranking | SearchResult]] = {}

    def fused_for(values: tuple[float, ...], meaning_weight: float) -> list[Ranking | SearchResult]:
        if (values, meaning_weight) not in fused:
            fused[values, meaning_weight] = _fused(rankings[values], meaning_weight)
        return fused[values, meaning_weight]

    table = []  # per combination, each question's outcome
    for combo in combos:
        index.settings = shipped.model_copy(update=combo)
        values = tuple(combo[key] for key in RANK_GRID)
        table.append(_outcomes(index, questions, fused_for(values, combo["meaning_weight"])))
    index.settings = shipped
    shipped_outcomes = _outcomes(
        index, questions, fused_for(shipped_values, shipped.meaning_weight)
    )

    # Each combination's gain per question: 1 right, 0 refused, -WRONG_COST confidently wrong.
    gains = np.array(table, dtype=np.int64)
    gains[gains == -1] = -WRONG_COST

    def best_for(members: list[int]) -> int:
        """The combination doing best on these questions (the first of equals)."""
        return int(np.argmax(gains[:, members].sum(axis=1)))

    print(f"{len(questions)} tuning questions, {len(combos)} settings, {args.folds} folds")
    right_cv, wrong_cv, chosen = [], [], []
    for shuffle in range(args.shuffles):
        order = list(range(len(questions)))
        random.Random(shuffle).shuffle(order)
        folds = [order[f :: args.folds] for f in range(args.folds)]
        held_out: list[int] = []
        for f, fold in enumerate(folds):
            train = [i for g, other in enumerate(folds) if g != f for i in other]
            best = best_for(train)
            chosen.append(best)
            held_out.extend(table[best][i] for i in fold)
        right, wrong = _rates(held_out)
        right_cv.append(right)
        wrong_cv.append(wrong)
        print(f"  shuffle {shuffle}: right {right:.1%}, confidently wrong {wrong:.1%}")
    print(
        f"cross-validated: right {sum(right_cv) / len(right_cv):.1%}, confidently wrong "
        f"{sum(wrong_cv) / len(wrong_cv):.1%} (mean of {args.shuffles} shuffles)"
    )
    # Each file scored with the settings chosen on the others: a file is written by one
    # person, so this is nearer to a held-back part than random folds, whose questions share
    # their authors (and their ways of putting things) with the questions tuned on.
    right_files, wrong_files = [], []
    for name, _ in parts:
        train = [i for i, file in enumerate(files) if file != name]
        held = [i for i, file in enumerate(files) if file == name]
        best = best_for(train)
        right, wrong = _rates([table[best][i] for i in held])
        right_files.append(right)
        wrong_files.append(wrong)
        print(f"  {name} on the others' settings: right {right:.1%}, confidently wrong {wrong:.1%}")
    print(
        f"file by file: right {sum(right_files) / len(parts):.1%}, confidently wrong "
        f"{sum(wrong_files) / len(parts):.1%} (mean of {len(parts)} files)"
    )
    everything = list(range(len(questions)))
    best = best_for(everything)
    right, wrong = _rates(shipped_outcomes)
    print(f"search.yaml's settings on all tuning questions: right {right:.1%}, wrong {wrong:.1%}")
    right, wrong = _rates(table[best])
    print(f"best on all tuning questions: right {right:.1%}, wrong {wrong:.1%}: {combos[best]}")
    picks: dict[int, int] = {}
    for c in chosen:
        picks[c] = picks.get(c, 0) + 1
    print("settings chosen per fold (times):")
    for c, times in sorted(picks.items(), key=lambda item: -item[1])[:5]:
        print(f"  {times:>2} x {combos[c]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
