"""Write `knowledge/questions.yaml` from the tuning part: each on-topic question under its
writer's topic (the first label), and the questions to refuse under `off_topic`, for search's
classifier to learn from. The held-back part never goes in. Run after a held-back set joins the tuning files:

    .venv/bin/python -m tests.core.eval.to_knowledge

tests/core/test_eval_questions.py fails while the knowledge file and the tuning files differ.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.core.eval.evalset import REFUSE, TUNING_FILES, load_part

KNOWLEDGE_FILE = Path(__file__).resolve().parents[3] / "knowledge" / "questions.yaml"
HEADER = """\
# yaml-language-server: $schema=schema/questions.schema.json
# Questions as forum members write them, each under the topic that answers it, and under
# off_topic those dk2 must not answer (other subjects, a diagnosis, changing a prescribed
# treatment): search's classifier learns from them (and from each topic's title, aliases,
# keywords and examples) which words and meanings go with which topic, or with none. They
# are never shown to anyone.
# Written by `python -m tests.core.eval.to_knowledge` from the evaluation's tuning part
# (tests/core/eval/tuning*.yaml, the writer's label); edit those files, not this one. The
# held-back part is never here: bench/bench_explain_eval.py scores the tuning part by
# cross-validation, each file against a classifier that never learnt it.
"""


def questions_text(paths: tuple[Path, ...] = TUNING_FILES) -> str:
    by_topic: dict[str, list[str]] = {}  # REFUSE: the questions dk2 must not answer
    for path in paths:
        for question in load_part(path):
            text = " ".join(question.text.split())
            if text not in by_topic.setdefault(question.first or REFUSE, []):
                by_topic[question.first or REFUSE].append(text)
    refused = by_topic.pop(REFUSE, [])
    lines = [HEADER.rstrip("\n"), "questions:"]
    for topic_id in sorted(by_topic):
        lines += [f"  {topic_id}:", *_items(by_topic[topic_id], "    ")]
    lines += ["off_topic:", *_items(refused, "  ")]
    return "\n".join(lines) + "\n"


def _items(texts: list[str], indent: str) -> list[str]:
    return [f"{indent}- {json.dumps(text, ensure_ascii=False)}" for text in texts]


if __name__ == "__main__":
    KNOWLEDGE_FILE.write_text(questions_text(), encoding="utf-8")
    print(f"wrote {KNOWLEDGE_FILE}")
