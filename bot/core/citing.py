"""Turning cited texts into reply lines with their sources named."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TypeVar

from bot.core.model import Cited, KnowledgeBase
from bot.core.reply import SourceRef

T = TypeVar("T")


def unique(items: Iterable[T]) -> list[T]:
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


def source_refs(
    kb: KnowledgeBase, cited: Iterable[Cited], ref_ids: Iterable[str] = ()
) -> tuple[SourceRef, ...]:
    """The sources a reply leans on, once each: the article's sections first."""
    cited = list(cited)
    sections = [("article", item.section) for item in cited if item.section]
    refs = [ref for item in cited for ref in item.refs] + list(ref_ids)
    quoted_article = any(item.quotes and not item.section for item in cited)
    others: list[tuple[str, str | None]] = [(ref, None) for ref in refs if ref != "article"]
    if ("article" in refs or quoted_article) and not sections:
        others.insert(0, ("article", None))
    return tuple(_source_ref(kb, ref, section) for ref, section in unique(sections + others))


def _source_ref(kb: KnowledgeBase, source_id: str, section: str | None) -> SourceRef:
    source = kb.sources.get(source_id)
    title = kb.source_name(source_id)
    label = kb.messages.get("explain.source_article", section=section) if section else title
    citation = source.citation if source else None
    return SourceRef(id=source_id, title=title, section=section, citation=citation, label=label)


def unnamed(sources: Iterable[SourceRef], text: str) -> tuple[SourceRef, ...]:
    """The sources with those `text` already names beside its lines ("(IOM 2011)",
    "(NIH ODS, Schurgers 2007)") unlabelled, so the sources line names each source once: it
    keeps the article and what the unlabelled lines lean on (the reply's JSON keeps all)."""
    # Every "(...)" beside a line, "(" between them: a label without "(" (no group holds one)
    # is in this text exactly when it is inside one group.
    return _unnamed_in(sources, "(".join(_LABELS.findall(text)))


def unnamed_by_parts(
    sources: Iterable[SourceRef], parts: Iterable[str]
) -> tuple[tuple[SourceRef, ...], tuple[str, ...]]:
    """`unnamed` as far as `parts` decide it for any text that holds each of them (as
    written, in any order, with anything between them): the sources with those the parts
    name unlabelled, and the labels still open, which the rest of a text might name. A
    "(...)" group inside one part is a group of any text holding the part (no parenthesis in
    it, so nothing around it can join it to another), so the rest can name more, never fewer;
    and a label it names is in its text. So for a text holding none of the open labels (as
    `label in text` tells), the sources returned are final."""
    beside = "(".join(group for part in parts for group in _LABELS.findall(part))
    kept = _unnamed_in(sources, beside)
    return kept, tuple(source.label for source in kept if source.label and _nameable(source))


def _unnamed_in(sources: Iterable[SourceRef], beside: str) -> tuple[SourceRef, ...]:
    kept = []
    for source in sources:  # a plain loop: every dose and level reply passes here
        label = source.label
        named = label and source.id != "article" and label in beside and "(" not in label
        kept.append(_unlabelled(source) if named else source)
    return tuple(kept)


def _nameable(source: SourceRef) -> bool:
    """Whether a text can name `source` beside a line, as `_unnamed_in` tests it: the
    article is always kept in the sources line, and no group holds a label with "(" in it."""
    label = source.label
    return label is not None and label != "" and source.id != "article" and "(" not in label


def _without_label(source: SourceRef) -> SourceRef:
    return source._replace(label=None)


# A reply's sources are a few per knowledge base, and copying a named tuple costs more than
# looking the copy up; the copy depends on nothing but the value, so it can't go stale.
# (Wrapped, not decorated: mutation testing leaves decorated functions alone.)
_unlabelled = lru_cache(maxsize=256)(_without_label)


# A source label beside a line: "(IOM 2011)", "(NIH ODS, Schurgers 2007, Int J Gen Med 2016)".
_LABELS = re.compile(r"\(([^()]+)\)")
