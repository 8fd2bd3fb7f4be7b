"""The live knowledge base and its reloads, as a curator sees them: what went live, what was
added, removed or changed, and where each problem is when a reload is refused."""

from __future__ import annotations

from pathlib import Path

from bot.core.checks import Problem
from bot.core.dose import dose_reply
from bot.core.holder import KnowledgeHolder, problem_lines
from bot.core.level import level_reply
from bot.core.loader import load_knowledge
from bot.core.reply import render_text
from bot.core.search import index_for

MGP_SHORT_START = "Matrix Gla protein (MGP) is one of the proteins vitamin K2 activates."
NEW_SHORT_START = "MGP is a protein that vitamin K2 switches on."


def _holder(folder: Path) -> KnowledgeHolder:
    first = load_knowledge(folder).knowledge
    assert first is not None
    return KnowledgeHolder(folder, first)


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _copy_topic(folder: Path, new_id: str) -> None:
    """mgp.yaml under another id (with no aliases, which must stay unique)."""
    text = (folder / "topics" / "mgp.yaml").read_text(encoding="utf-8")
    text = text.replace("id: mgp", f"id: {new_id}").replace(
        "aliases: [matrix gla protein, matrix gla, mgp protein, mgp]", "aliases: []"
    )
    (folder / "topics" / f"{new_id}.yaml").write_text(text, encoding="utf-8")


def test_an_edited_topic_goes_live_and_is_named_as_changed(knowledge_copy: Path) -> None:
    holder = _holder(knowledge_copy)
    before = holder.current
    _edit(knowledge_copy / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)

    outcome = holder.reload_report()

    assert outcome.ok and outcome.previous is before
    assert holder.current is outcome.current is outcome.result.knowledge
    assert holder.current is not before
    assert holder.current.topics["mgp"].short.startswith(NEW_SHORT_START)
    assert outcome.changed == ("mgp",)
    assert outcome.added == () and outcome.removed == ()
    # The search index of what went live was built before the swap, not by the first question.
    hits = index_for.cache_info().hits
    index_for(holder.current)
    assert index_for.cache_info().hits == hits + 1


def test_added_then_removed_topics_are_named_in_order(knowledge_copy: Path) -> None:
    holder = _holder(knowledge_copy)
    _copy_topic(knowledge_copy, "zz-copy")
    _copy_topic(knowledge_copy, "aa-copy")

    outcome = holder.reload_report()

    assert outcome.ok
    assert outcome.added == ("aa-copy", "zz-copy")
    assert outcome.removed == () and outcome.changed == ()
    assert set(holder.current.topics) - set(outcome.previous.topics) == {"aa-copy", "zz-copy"}

    (knowledge_copy / "topics" / "zz-copy.yaml").unlink()
    (knowledge_copy / "topics" / "aa-copy.yaml").unlink()
    outcome = holder.reload_report()
    assert outcome.removed == ("aa-copy", "zz-copy")
    assert outcome.added == () and outcome.changed == ()


def test_an_unchanged_folder_reloads_with_nothing_to_name(knowledge_copy: Path) -> None:
    holder = _holder(knowledge_copy)
    before = holder.current
    result = holder.reload()
    assert result.ok and result.knowledge is holder.current is not before
    outcome = holder.reload_report()
    assert outcome.previous is result.knowledge
    assert (outcome.added, outcome.removed, outcome.changed) == ((), (), ())


def test_an_invalid_change_is_refused_and_the_old_knowledge_stays(knowledge_copy: Path) -> None:
    holder = _holder(knowledge_copy)
    before = holder.current
    _edit(knowledge_copy / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT_START)
    _copy_topic(knowledge_copy, "mgp-copy")
    _edit(knowledge_copy / "topics" / "mgp.yaml", "group: How", "group: [How")

    outcome = holder.reload_report()

    assert not outcome.ok and outcome.result.knowledge is None
    assert holder.current is before and outcome.current is before
    # Nothing of the refused folder is reported as live.
    assert (outcome.added, outcome.removed, outcome.changed) == ((), (), ())
    lines = problem_lines(outcome.result.problems, knowledge_copy)
    assert "topics/mgp.yaml:5: invalid YAML" in lines[0]
    assert holder.reload().knowledge is None


def test_problem_lines_are_relative_to_the_folder_or_whole_outside_it(tmp_path: Path) -> None:
    root = tmp_path / "knowledge"
    problems = (
        Problem(root / "topics" / "mgp.yaml", 7, "quote not found"),
        Problem(tmp_path / "elsewhere.yaml", 0, "outside"),
    )
    assert problem_lines(problems, root) == [
        "topics/mgp.yaml:7: quote not found",
        f"{tmp_path / 'elsewhere.yaml'}:0: outside",
    ]
    assert problem_lines((), root) == []


def test_dose_and_level_replies_after_a_reload_say_what_the_reloaded_knowledge_says(
    knowledge_copy: Path,
) -> None:
    # Dose and level replies keep what depends only on the knowledge (band texts, sources,
    # K2 forms, the fixed parts of a dose reply) from one reply to the next: a reload must
    # not answer from the knowledge it replaced.
    holder = _holder(knowledge_copy)
    before = holder.current
    dose, named_form = ("5000 IU weekly", "100 mcg"), ("5000 IU weekly", "100 mcg menaqfour")
    old = [render_text(dose_reply(before, *args)) for args in (dose, named_form)]
    old_level = render_text(level_reply(before, "105 nmol/L"))
    assert "(NIH ODS, Schurgers 2007" in old[0] and "Article: Many take" in old[0]
    assert "set aside “menaqfour”" in old[1] and "(IOM 2011)" in old_level
    _edit(knowledge_copy / "sources.yaml", "name: NIH ODS", "name: NIH K sheet")
    _edit(knowledge_copy / "sources.yaml", "name: IOM 2011", "name: IOM report 2011")
    _edit(knowledge_copy / "messages.yaml", '"Article: {text}"', '"The article: {text}"')
    _edit(knowledge_copy / "messages.yaml", "k2_cautions: Vitamin K2 and", "k2_cautions: K2 and")
    # A new spelling of MK-4, read past as a K2 word and named as the form.
    units = knowledge_copy / "units.yaml"
    _edit(units, "of vitamin k2]", "of vitamin k2, menaqfour]")
    _edit(
        units, "menaquinone-4, menatetrenone, of mk-4]", "menaquinone-4, menatetrenone, menaqfour]"
    )

    assert holder.reload_report().ok
    new_dose, new_form = (render_text(dose_reply(holder.current, *a)) for a in (dose, named_form))
    new_level = render_text(level_reply(holder.current, "105 nmol/L"))

    assert "(NIH K sheet, Schurgers 2007" in new_dose and "NIH ODS" not in new_dose
    assert "The article: Many take" in new_dose and "\n-- K2 and cautions --\n" in new_dose
    assert "menaqfour" not in new_form and holder.current.cautions["mk-4"].text in new_form
    assert "(IOM report 2011)" in new_level and "(IOM 2011)" not in new_level
    # The knowledge replaced still answers as it did (a request that read it keeps it).
    assert [render_text(dose_reply(before, *args)) for args in (dose, named_form)] == old
    assert render_text(level_reply(before, "105 nmol/L")) == old_level
