"""The evaluation files' reading and scoring: a second annotator's topics count as right, and
scoring by the writer's label alone does not count them."""

from __future__ import annotations

from pathlib import Path

from tests.core.eval.evalset import first_labels, load_part, score


def test_an_added_topic_is_right_and_the_writers_label_alone_is_not(tmp_path: Path) -> None:
    part = tmp_path / "part.yaml"
    part.write_text(
        '- q: "upper limit for babies"\n  topic: [children, upper-limit]\n'
        '- q: "best laptop"\n  topic: refuse\n',
        encoding="utf-8",
    )
    questions = load_part(part)
    assert [q.first for q in questions] == ["children", None]

    def answers_upper_limit(text: str) -> tuple[str | None, tuple[str, ...]]:
        return ("upper-limit", ()) if "babies" in text else (None, ())

    both = score(answers_upper_limit, questions)
    assert (both.right_on_topic, both.wrong, both.refused_off_topic) == (1, 0, 1)
    writers = score(answers_upper_limit, first_labels(questions))
    assert (writers.right_on_topic, writers.wrong, writers.refused_off_topic) == (0, 1, 1)
