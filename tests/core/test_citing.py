"""How replies name their sources (bot.core.citing): each source once, the article's
sections first, labels as the sources line shows them, and sources already named beside a
line left out of that line. Names and citations come from knowledge/sources.yaml, the label
templates from messages.yaml ("article section “{section}”")."""

from __future__ import annotations

import re
from dataclasses import dataclass

from hypothesis import example, given, settings
from hypothesis import strategies as st

from bot.core.citing import labelled_lines, source_refs, unnamed, unnamed_by_parts
from bot.core.model import KnowledgeBase
from bot.core.reply import SourceRef

ARTICLE = '"Vitamin D and Vitamin K2: Are They Better Together?", forum post by eazy (knowledge/article.md)'
IOM = (
    "Institute of Medicine, Dietary Reference Intakes for Calcium and Vitamin D, 2011 "
    "(National Academies Press, record 13050)"
)
NIH = "NIH Office of Dietary Supplements, Vitamin K fact sheet"


@dataclass(frozen=True)
class Item:
    """A cited text, as bands, topics and cautions are."""

    text: str = "t"
    section: str | None = None
    quotes: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()


def test_bullets_name_every_source_of_their_line(kb: KnowledgeBase) -> None:
    lines = [("Upper limit: 4,000 IU/day.", ("iom-2011", "nih-ods")), ("No source here.", ())]
    assert labelled_lines(kb, lines) == (
        "• Upper limit: 4,000 IU/day. (IOM 2011, NIH ODS)\n• No source here."
    )


def test_article_sections_come_first_then_each_source_once(kb: KnowledgeBase) -> None:
    cited = [
        Item(section="Practical Recommendations", refs=("iom-2011",)),
        Item(section="Conclusion", refs=("iom-2011", "nih-ods")),
    ]
    # "article" among the ids adds nothing: its sections are named already.
    assert source_refs(kb, cited, ["nih-ods", "article"]) == (
        SourceRef(
            "article",
            "the source article",
            "Practical Recommendations",
            ARTICLE,
            "article section “Practical Recommendations”",
        ),
        SourceRef(
            "article", "the source article", "Conclusion", ARTICLE, "article section “Conclusion”"
        ),
        SourceRef("iom-2011", "IOM 2011", None, IOM, "IOM 2011"),
        SourceRef("nih-ods", "NIH ODS", None, NIH, "NIH ODS"),
    )


def test_the_article_without_a_section_is_named_first(kb: KnowledgeBase) -> None:
    whole = SourceRef("article", "the source article", None, ARTICLE, "the source article")
    iom = SourceRef("iom-2011", "IOM 2011", None, IOM, "IOM 2011")
    # A caution leaning on the article (its id among the refs), with no section quoted.
    assert source_refs(kb, [], ["iom-2011", "article"]) == (whole, iom)
    # A text quoting the article without naming a section.
    assert source_refs(kb, [Item(quotes=("q",), refs=("iom-2011",))]) == (whole, iom)
    # Neither: the article is not a source of this reply.
    assert source_refs(kb, [Item(refs=("iom-2011",))]) == (iom,)
    assert source_refs(kb, [Item(quotes=("q",), section="Conclusion")])[0].section == "Conclusion"


def test_sources_named_beside_lines_are_left_out_of_the_sources_line() -> None:
    text = "• Upper limit: 4,000 IU/day. (IOM 2011)\n• Warfarin (NIH ODS, Schurgers 2007)\n• x (the source article)"
    sources = (
        SourceRef("article", "the source article", None, ARTICLE, "the source article"),
        SourceRef("iom-2011", "IOM 2011", None, IOM, "IOM 2011"),
        SourceRef("schurgers-2007", "Schurgers 2007", None, None, "Schurgers 2007"),
        SourceRef("demay-2024", "Endocrine Society 2024", None, None, "Endocrine Society 2024"),
        SourceRef("nih-ods", "NIH ODS", None, NIH, None),
    )
    labels = [source.label for source in unnamed(sources, text)]
    # The article is always kept; the Endocrine Society is named on no line.
    assert labels == ["the source article", None, None, "Endocrine Society 2024", None]
    assert [source.citation for source in unnamed(sources, text)] == [ARTICLE, IOM, None, None, NIH]


def test_a_label_with_a_parenthesis_is_never_taken_as_named_beside_a_line() -> None:
    # No "(...)" beside a line can hold a parenthesis, so such a label stays in the line,
    # even where it could be read across two of them.
    odd = SourceRef("odd", "Odd (2019", None, None, "Odd (2019")
    text = "• A line (see Odd )(2019) and (Odd (2019))"
    assert unnamed((odd,), text) == (odd,)


@settings(max_examples=300)
@example("(a)(b)", ["a(b", "b"])
@example("(a)) b)", ["a)", "b)"])
@example("(aX)(Xb)", ["XX", "X(X"])  # nothing but a "(" between two groups
@given(
    st.text(alphabet="ab ()\n,", max_size=40),
    st.lists(st.text(alphabet="ab ()", min_size=1, max_size=4), max_size=4),
)
def test_a_source_is_unlabelled_exactly_when_a_parenthesised_group_holds_its_label(
    text: str, labels: list[str]
) -> None:
    sources = tuple(SourceRef(f"s{n}", label, None, None, label) for n, label in enumerate(labels))
    groups = re.findall(r"\(([^()]+)\)", text)
    expected = [None if any(label in group for group in groups) else label for label in labels]
    assert [source.label for source in unnamed(sources, text)] == expected


@settings(max_examples=400)
@example(["(IOM 2011)"], ["", "x"], ["IOM 2011"])
@example(["(a"], ["b)", ""], ["a\nb"])  # a group across two parts: the parts alone can't tell
@example(["(a)"], ["(b)"], ["a", "b"])  # "b" named only between the parts
@given(
    st.lists(st.text(alphabet="ab ()\n", max_size=12), min_size=1, max_size=4),
    st.lists(st.text(alphabet="ab ()\n", max_size=8), min_size=1, max_size=5),
    st.lists(st.text(alphabet="ab ()", min_size=1, max_size=4), max_size=4),
)
def test_parts_decide_the_sources_line_of_a_text_holding_them_but_not_their_open_labels(
    parts: list[str], between: list[str], labels: list[str]
) -> None:
    """What the parts alone name stays named in any text holding them (with anything
    between, before and after); the labels they leave open are those no group of one part
    holds, and a text holding none of them has the parts' sources line."""
    sources = tuple(SourceRef(f"s{n}", label, None, None, label) for n, label in enumerate(labels))
    kept, still_open = unnamed_by_parts(sources, parts)
    pieces = [piece for n, part in enumerate(parts) for piece in (between[n % len(between)], part)]
    text = "".join([*pieces, between[-1]])
    whole = unnamed(sources, text)
    groups = [group for part in parts for group in re.findall(r"\(([^()]+)\)", part)]
    assert list(still_open) == [
        label for label in labels if "(" not in label and not any(label in g for g in groups)
    ]
    # What the parts name stays named in the whole text.
    named = [mine.label is None for mine in kept]
    assert all(real.label is None for real, by_parts in zip(whole, named, strict=True) if by_parts)
    if not any(label in text for label in still_open):
        assert kept == whole
