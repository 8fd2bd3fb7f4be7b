"""How well /dk2 explain understands members' questions, on the tuning and held-back parts.

For each part: accuracy (the right topic, or a refusal where dk2 must refuse), the rate of
confident wrong answers, and the share of off-topic questions refused, with the right and wrong
rates again by each question's first label alone (its writer's; a second annotator, blind to
dk2's answers, added the topics after it that answer the question as well); then, for the tuning
part only, what was missed per topic. The tuning part is every tuning*.yaml file, measured
as a whole and file by file (each file has one author); the held-back part (heldback*.yaml,
as a whole and, when there are several, file by file) is for reporting, never for tuning;
until its author has committed it, the bench says it is missing and measures the tuning
part alone. Without --part only the tuning part is measured: the held-back part is measured
once, on purpose. The tuning part is cross-validated: each file is scored by a classifier and
an answer gate (search.yaml's answer_gate, fitted again without it) that never learnt it.

Run: .venv/bin/python bench/bench_explain_eval.py [--part tuning|heldback|both] [--misses]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.search import TopicIndex, index_for
from tests.core.eval.evalset import (
    HELDBACK_FILES,
    TUNING_FILES,
    Question,
    Score,
    first_labels,
    load_parts,
    score,
)
from tests.core.eval.fit_gate import Row, fit, gate_rows, index_without

# The tuning part as a whole, then each of its files (each written by one person), so a
# change that helps one author's questions and hurts another's shows.
PARTS = {
    "tuning": TUNING_FILES,
    **{path.name: (path,) for path in TUNING_FILES},
    "heldback": HELDBACK_FILES,
    **{path.name: (path,) for path in HELDBACK_FILES},
}
# The held-back part as a whole, then each of its files when there are several.
HELD = ["heldback", *(path.name for path in HELDBACK_FILES if len(HELDBACK_FILES) > 1)]
TARGETS = "targets (held-back): right ≥ 95 %, confidently wrong ≤ 1 %, off-topic refused 100 %"


def _row(name: str, values: list[str]) -> str:
    return f"{name:<26}" + "".join(f"{value:>17}" for value in values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    # The held-back part is measured on purpose and once (then it joins the tuning data), so
    # `make bench` and a bare run measure the tuning part only.
    parser.add_argument("--part", choices=["tuning", "heldback", "both"], default="tuning")
    parser.add_argument("--misses", action="store_true", help="list each tuning miss")
    args = parser.parse_args()
    files = [path.name for path in TUNING_FILES]
    names = {
        "tuning": ["tuning", *files],
        "heldback": HELD,
        "both": ["tuning", *files, *HELD],
    }[args.part]
    kb = load_knowledge(default_knowledge_path()).knowledge
    assert kb is not None, "the knowledge base does not load: run python -m bot check"
    shipped = index_for(kb)
    # Each question is searched by its own file's fold; held-back questions by dk2 as shipped.
    fold_of: dict[str, TopicIndex] = {}
    folds: dict[Path, TopicIndex] = {}
    rows: dict[Path, list[Row]] = {}
    for path in TUNING_FILES:
        part = load_parts((path,))
        folds[path] = fold = index_without(kb, part)
        rows[path] = gate_rows(fold, part) if kb.search.answer_gate else []
        fold_of.update((question.text, fold) for question in part)
    for path, fold in folds.items():
        # The answer gate too is learnt without the file it scores. (An index reads its
        # settings at each search, so the fold's gate can be set after the fold is built.)
        if kb.search.answer_gate is not None:
            weights, bias = fit([row for other in folds if other != path for row in rows[other]])
            gate = kb.search.answer_gate.model_copy(update={"weights": weights, "bias": bias})
            fold.settings = kb.search.model_copy(update={"answer_gate": gate})

    def search(text: str) -> tuple[str | None, tuple[str, ...]]:
        result = fold_of.get(text, shipped).search(text)
        return result.topic, result.suggestions

    scores: dict[str, Score] = {}
    firsts: dict[str, Score] = {}  # scored by each question's first label alone
    latencies: dict[str, list[float]] = {}
    for name in names:
        missing = [path.name for path in PARTS[name] if not path.exists()]
        if missing or not PARTS[name]:
            print(
                f"{name} part: {', '.join(missing) or 'no files'} not in the repository yet "
                "(its author commits it when it is written); not measured"
            )
            continue
        questions: list[Question] = load_parts(PARTS[name])
        unknown = sum(1 for q in questions if not q.topics <= set(kb.topics))
        if unknown:
            print(f"{name}: {unknown} labels name no topic of this knowledge base (counted wrong)")
        scores[name] = score(search, questions)
        firsts[name] = score(search, first_labels(questions))
        samples = []
        for question in questions:
            start = time.perf_counter_ns()
            shipped.search(question.text)
            samples.append((time.perf_counter_ns() - start) / 1000)
        latencies[name] = sorted(samples)
    if not scores:
        # only an absent part asked for: said above, and not a failure of the bench
        print("nothing to measure")
        return 0
    parts = list(scores)
    print(_row("", parts))
    print(_row("questions", [str(scores[p].total) for p in parts]))
    print(_row("right (all)", [f"{scores[p].accuracy:.1%}" for p in parts]))
    print(
        _row(
            "right topic (on-topic)",
            [f"{scores[p].rate(scores[p].right_on_topic, scores[p].on_topic):.1%}" for p in parts],
        )
    )
    print(_row("confidently wrong", [f"{scores[p].wrong_rate:.1%}" for p in parts]))
    on_first = [firsts[p].rate(firsts[p].right_on_topic, firsts[p].on_topic) for p in parts]
    print(_row(" right topic, first label", [f"{rate:.1%}" for rate in on_first]))
    print(_row(" wrong, first label", [f"{firsts[p].wrong_rate:.1%}" for p in parts]))
    print(_row("off-topic refused", [f"{scores[p].refusal_rate:.1%}" for p in parts]))
    print(
        _row(
            "on-topic refused",
            [
                f"{scores[p].rate(scores[p].refused_on_topic, scores[p].on_topic):.1%}"
                for p in parts
            ],
        )
    )
    print(
        _row(
            " of which suggested right",
            [f"{scores[p].suggested}/{scores[p].refused_on_topic}" for p in parts],
        )
    )
    print(
        _row(
            "search median / p99 µs",
            [
                f"{statistics.median(latencies[p]):.0f} / {latencies[p][int(len(latencies[p]) * 0.99) - 1]:.0f}"
                for p in parts
            ],
        )
    )
    print(TARGETS)
    print(
        "tuning files: cross-validated, each scored without its own questions in the classifier "
        "and the answer gate"
    )
    tuning = scores.get("tuning")
    if tuning is not None:
        if tuning.misses:
            print(
                "tuning misses per topic: "
                + ", ".join(f"{t} {n}" for t, n in sorted(tuning.misses.items()))
            )
        if args.misses:
            for text, label, found in tuning.missed:
                print(f"  {text!r}: want {label}, got {found}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
