"""Search quality over realistic queries; prints the accuracy it measured."""

from __future__ import annotations

import pytest

from bot.core.explain import explain_reply
from bot.core.model import KnowledgeBase
from bot.core.search import index_for
from tests.core.search_queries import QUERIES

MIN_ACCURACY = 0.9


def test_search_accuracy(kb: KnowledgeBase, capsys: pytest.CaptureFixture[str]) -> None:
    index = index_for(kb)
    misses = []
    for query, expected in QUERIES:
        found = index.search(query).topic
        if found != expected:
            misses.append(f"{query!r}: expected {expected}, got {found}")
    accuracy = 1 - len(misses) / len(QUERIES)
    with capsys.disabled():
        print(f"\nexplain search accuracy: {accuracy:.1%} over {len(QUERIES)} queries")
        for miss in misses:
            print(f"  miss: {miss}")
    assert len(QUERIES) >= 40
    assert accuracy >= MIN_ACCURACY, misses


@pytest.mark.parametrize(("query", "expected"), [(q, e) for q, e in QUERIES if e is None])
def test_unrelated_questions_never_get_a_confident_answer(
    kb: KnowledgeBase, query: str, expected: None
) -> None:
    reply = explain_reply(kb, query)
    assert reply.data["topic"] is None
    assert len(reply.data["suggestions"]) <= 3


def test_autocomplete_offers_at_most_25_topics(kb: KnowledgeBase) -> None:
    index = index_for(kb)
    assert 0 < len(index.autocomplete("")) <= 25
    assert index.autocomplete("ost")[0].id == "osteocalcin"
    assert index.autocomplete("warf")[0].id == "warfarin"
    assert index.autocomplete("matrix")[0].id == "mgp"
    assert all(len(t.title) <= 100 for t in index.autocomplete("vitamin"))
