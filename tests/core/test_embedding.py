"""The embedding model search uses: found inside the installed package, loaded and used with
no network at all, and what it adds to the ranking."""

from __future__ import annotations

import dataclasses
import socket
import sys

import numpy as np
import pytest

from bot.core import embedding
from bot.core.embedding import Embedder, model_files, shipped_embedder
from bot.core.model import KnowledgeBase
from bot.core.search import TopicIndex, index_for


def _no_network(*args: object, **kwargs: object) -> None:
    raise OSError("network use in a test that must work offline")


def test_the_model_loads_and_embeds_with_the_network_cut(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(socket.socket, "connect", _no_network)
    monkeypatch.setattr(socket, "getaddrinfo", _no_network)
    monkeypatch.setattr(socket, "create_connection", _no_network)
    files = model_files()
    assert files is not None
    embedder = Embedder(*files)
    vectors = embedder.embed(["how much vitamin d should i take", "k2 and warfarin"])
    assert vectors.shape == (2, embedder.dimensions)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # wordllama's own modules (which download and reconfigure logging) are never imported
    assert "wordllama.wordllama" not in sys.modules


def test_close_meanings_are_closer_than_unrelated_ones() -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    dose, also_dose, weather = embedder.embed(
        ["how much vitamin d should i take", "what dose of d3 per day", "weather in paris"]
    )
    assert dose @ also_dose > dose @ weather + 0.2


def test_a_text_without_tokens_is_a_zero_vector() -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    (vector,) = embedder.embed([""])
    assert not vector.any()


def test_without_the_model_files_search_ranks_by_words_alone(
    kb: KnowledgeBase, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setattr(embedding.importlib.util, "find_spec", lambda name: None)
    shipped_embedder.cache_clear()
    try:
        assert model_files() is None
        assert shipped_embedder() is None
        assert "ranks by words alone" in caplog.text
        index = TopicIndex(kb, None)
        assert index.meaning is None
        assert index.search("coumadin").topic == "warfarin"
        assert index.search("can i take k2 if i'm on warfarin").topic == "warfarin"
    finally:
        shipped_embedder.cache_clear()


def test_meaning_settles_questions_words_alone_leave_open_or_get_wrong(
    kb: KnowledgeBase,
) -> None:
    words_only, full = TopicIndex(kb, None), index_for(kb)
    open_question = "whats the most d3 i can take"
    assert words_only.search(open_question).topic is None
    assert full.search(open_question).topic == "upper-limit"
    misread = "how much vitamin k should i get a day"  # "how much" pulls words to dosing
    assert words_only.rank(misread).ranked[0][0] == "dosing"
    assert words_only.search(misread).topic != "k-intake"
    assert full.search(misread).topic == "k-intake"


def test_a_zero_meaning_weight_never_loads_the_model(kb: KnowledgeBase) -> None:
    off = dataclasses.replace(kb, search=kb.search.model_copy(update={"meaning_weight": 0.0}))
    assert index_for(off).meaning is None
    assert index_for(kb).meaning is not None


def test_the_models_whole_words_are_everyday_words_not_typos() -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    words = embedder.whole_words
    assert {"weather", "last", "deal", "bread", "through"} <= words
    assert not {"protien", "vitamn", "warfrin", "osteocalcn", "calcuim"} & words
    assert all(word == word.lower() and word.isalpha() for word in words)
