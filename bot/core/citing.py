"""Turning cited texts into reply lines with their sources named."""

from __future__ import annotations

from collections.abc import Iterable

from bot.core.model import Cited, KnowledgeBase


def unique(items: Iterable[str]) -> list[str]:
    """Items in first-seen order, each once."""
    return list(dict.fromkeys(items))


def labelled_lines(kb: KnowledgeBase, items: Iterable[tuple[str, tuple[str, ...]]]) -> str:
    """Bullet lines of (text, source ids), each labelled with its sources' names."""
    lines = []
    for text, refs in items:
        names = ", ".join(kb.source_name(ref) for ref in refs)
        lines.append(f"• {text} ({names})" if names else f"• {text}")
    return "\n".join(lines)


def caution_lines(kb: KnowledgeBase, caution_ids: Iterable[str]) -> str:
    cautions = [kb.cautions[caution_id] for caution_id in unique(caution_ids)]
    return labelled_lines(kb, ((caution.text, caution.refs) for caution in cautions))


def source_names(
    kb: KnowledgeBase, cited: Iterable[Cited], ref_ids: Iterable[str] = ()
) -> tuple[str, ...]:
    """The sources a reply leans on, named once each: the article's sections first."""
    cited = list(cited)
    sections = [
        kb.messages.get("explain.source_article", section=item.section)
        for item in cited
        if item.section
    ]
    refs = [ref for item in cited for ref in item.refs] + list(ref_ids)
    quoted_article = any(item.quotes and not item.section for item in cited)
    names = [kb.source_name(ref) for ref in refs if ref != "article"]
    if ("article" in refs or quoted_article) and not sections:
        names.insert(0, kb.source_name("article"))
    return tuple(unique(sections + names))
