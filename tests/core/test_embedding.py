"""The embedding model search uses: found inside the installed package, loaded and used with
no network at all, and what it adds to the ranking."""

from __future__ import annotations

import dataclasses
import importlib.machinery
import socket
import sys
from pathlib import Path

import numpy as np
import pytest
from safetensors.numpy import save_file
from tokenizers import Tokenizer

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
    open_question = "what is the max d3 a person can take"
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


def test_a_texts_vector_is_the_same_alone_or_in_a_batch_and_when_repeated() -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    texts = ["vitamin", "vitamin vitamin", "how much k2 with 5000 iu", "a", "a a"]
    batch = embedder.embed(texts)
    assert batch.dtype == np.float32
    for text, row in zip(texts, batch, strict=True):
        (alone,) = embedder.embed([text])
        assert np.allclose(alone, row, atol=1e-6)
    # Only the words count (no start-of-text token): saying a word twice means the same.
    assert np.allclose(batch[0], batch[1], atol=1e-6)
    assert np.allclose(batch[3], batch[4], atol=1e-6)
    assert not np.allclose(batch[0], batch[2], atol=1e-2)
    assert embedder.embed([]).shape == (0, embedder.dimensions)


def test_whole_words_are_word_starts_only_lowercased() -> None:
    embedder = shipped_embedder()
    assert embedder is not None
    words = embedder.whole_words
    assert {"francisco", "gpu", "vit"} <= words  # "▁Francisco", "▁GPU", "▁vit"
    # Pieces that only continue a word ("xelles" in Bruxelles, "amin" in vitamin) are not.
    assert not {"xelles", "indows", "amin", "▁vit", "Francisco"} & words


def _tiny_model(tmp_path: Path, rows: int, vectors: dict[str, list[float]]) -> tuple[Path, Path]:
    """The shipped tokenizer with a 2-dimensional table of `rows` rows: zero except the
    tokens named in `vectors`."""
    files = model_files()
    assert files is not None
    tokenizer = Tokenizer.from_file(str(files[0]))
    table = np.zeros((rows, 2), dtype=np.float16)
    for token, vector in vectors.items():
        table[tokenizer.token_to_id(token)] = vector
    weights = tmp_path / "weights.safetensors"
    save_file({"embedding.weight": table}, str(weights))
    return files[0], weights


def test_a_vector_is_the_normalised_sum_of_its_tokens(tmp_path: Path) -> None:
    vectors: dict[str, list[float]] = {"▁a": [3, 0], "▁b": [0, 4], "▁c": [0.25, 0]}
    embedder = Embedder(*_tiny_model(tmp_path, 32000, vectors))
    assert embedder.dimensions == 2
    ab, a, b, c, neither, empty = embedder.embed(["a b", "a", "b", "c", "d", ""])
    assert np.allclose(ab, [0.6, 0.8])  # (3, 4) / 5
    assert np.allclose(a, [1, 0]) and np.allclose(b, [0, 1])
    assert np.allclose(c, [1, 0])  # a short sum is lengthened to 1 too
    assert not neither.any() and not empty.any()  # only tokens with no vector, or none
    (ab_alone,) = embedder.embed(["a b"])
    assert np.allclose(ab_alone, [0.6, 0.8])


def test_a_table_shorter_than_the_tokenizer_is_refused(tmp_path: Path) -> None:
    with pytest.raises(
        ValueError, match=r"^the tokenizer has more tokens than the embedding table has rows$"
    ):
        Embedder(*_tiny_model(tmp_path, 31999, {}))


def test_a_damaged_model_file_leaves_search_to_words(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = model_files()
    assert files is not None
    broken = tmp_path / "weights.safetensors"
    broken.write_bytes(b"not a safetensors file")
    monkeypatch.setattr(embedding, "model_files", lambda: (files[0], broken))
    shipped_embedder.cache_clear()
    try:
        assert shipped_embedder() is None
        assert "cannot load the wordllama model (" in caplog.text
        assert "search ranks by words alone" in caplog.text
    finally:
        shipped_embedder.cache_clear()


@pytest.mark.parametrize("present", [(), ("tokenizer",), ("weights",)])
def test_the_model_files_are_found_only_when_both_are_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, present: tuple[str, ...]
) -> None:
    package = tmp_path / "wordllama"
    paths = {
        "tokenizer": package / "tokenizers" / "l2_supercat_tokenizer_config.json",
        "weights": package / "weights" / "l2_supercat_256.safetensors",
    }
    for name in present:
        paths[name].parent.mkdir(parents=True)
        paths[name].write_text("{}", encoding="utf-8")
    spec = importlib.machinery.ModuleSpec("wordllama", None, is_package=True)
    spec.submodule_search_locations = [str(package)]
    monkeypatch.setattr(embedding.importlib.util, "find_spec", lambda name: spec)
    assert model_files() is None
    for name in {"tokenizer", "weights"} - set(present):
        paths[name].parent.mkdir(parents=True)
        paths[name].write_text("{}", encoding="utf-8")
    assert model_files() == (paths["tokenizer"], paths["weights"])


def test_a_package_without_a_folder_has_no_model_files(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = importlib.machinery.ModuleSpec("wordllama", None)  # a module, not a package
    monkeypatch.setattr(embedding.importlib.util, "find_spec", lambda name: spec)
    assert model_files() is None
