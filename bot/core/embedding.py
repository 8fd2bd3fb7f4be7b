"""Sentence embeddings for search, from the small model that ships inside the wordllama wheel.

WordLlama's model is a table of token embeddings (16 MB) and a tokenizer file, both inside the
installed package. dk2 reads those two files itself and averages a text's token vectors,
which is all WordLlama's `embed` does: nothing is downloaded, ever. (WordLlama's own loader
looks for the tokenizer under a folder name the wheel doesn't use and then fetches it from
the internet, and importing wordllama reconfigures the root logger; dk2 does neither.)
"""

from __future__ import annotations

import importlib.util
import logging
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from safetensors.numpy import load_file
from tokenizers import Tokenizer

log = logging.getLogger(__name__)

_PACKAGE = "wordllama"
_TOKENIZER = Path("tokenizers") / "l2_supercat_tokenizer_config.json"
_WEIGHTS = Path("weights") / "l2_supercat_256.safetensors"
_TENSOR = "embedding.weight"
_WORD_START = "▁"  # SentencePiece's mark of a token that starts a word

Vectors = npt.NDArray[np.float32]
# Up to this many texts are tokenized one per call, more in one batch (see Embedder.embed).
_ONE_BY_ONE = 4


class Embedder:
    """Unit-length vectors for texts: the mean of their tokens' embeddings."""

    def __init__(self, tokenizer_file: Path, weights_file: Path) -> None:
        self.tokenizer = Tokenizer.from_file(str(tokenizer_file))
        # Shipped as float16 (16 MB); held as float32 (33 MB), since summing float32 rows is
        # about three times faster and explain must answer within a millisecond.
        self.table = load_file(str(weights_file))[_TENSOR].astype(np.float32)
        self.dimensions = int(self.table.shape[1])
        if self.tokenizer.get_vocab_size() > self.table.shape[0]:
            raise ValueError("the tokenizer has more tokens than the embedding table has rows")

    @cached_property
    def whole_words(self) -> frozenset[str]:
        """The lowercased words the tokenizer holds as one token each, with their leading
        space: the model's commonest words ("weather", "deal"). A typo ("protien") or a rare
        word splits into pieces, so it is not among them. Read once per model (about 30 ms):
        a reloaded knowledge base builds its index again, the model stays."""
        return frozenset(
            token[1:].lower()
            for token in self.tokenizer.get_vocab()
            if token.startswith(_WORD_START) and token[1:].isalpha()
        )

    def embed(self, texts: list[str]) -> Vectors:
        """One unit vector per text (all zeros for a text with no tokens). The mean of the
        token vectors points the same way as their sum, so the sum is normalised."""
        out = np.zeros((len(texts), self.dimensions), dtype=np.float32)
        # Only the token ids are read: the fast batch call skips the character offsets (a
        # quarter of a question's tokenizing time). A question's one or two texts go one per
        # call: a batch is spread over the tokenizer's thread pool, whose start-up costs more
        # than the work (43 µs against 11 for two short questions; 82 against 43 for two long
        # posts); an index's thousands go in one batch, which the pool does speed up.
        encode = self.tokenizer.encode_batch_fast
        encodings = (
            encode(texts, add_special_tokens=False)
            if len(texts) > _ONE_BY_ONE
            else [encode([text], add_special_tokens=False)[0] for text in texts]
        )
        for row, encoding in enumerate(encodings):
            if encoding.ids:
                vector = self.table[encoding.ids].sum(axis=0)
                length = float(np.sqrt(vector @ vector))
                if length > 0:
                    out[row] = vector / length
        return out


def model_files() -> tuple[Path, Path] | None:
    """The tokenizer and weights inside the installed wordllama package, found without
    importing it; None when the package or either file is missing."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(next(iter(spec.submodule_search_locations)))
    tokenizer, weights = root / _TOKENIZER, root / _WEIGHTS
    return (tokenizer, weights) if tokenizer.is_file() and weights.is_file() else None


@lru_cache(maxsize=1)
def shipped_embedder() -> Embedder | None:
    """The packaged model, loaded once per process; None (and a warning) if it can't be,
    in which case search ranks by words alone."""
    files = model_files()
    if files is None:
        log.warning("the wordllama model files are not installed: search ranks by words alone")
        return None
    try:
        return Embedder(*files)
    except Exception as exc:  # a damaged install must not stop dk2 answering
        log.warning("cannot load the wordllama model (%s): search ranks by words alone", exc)
        return None
