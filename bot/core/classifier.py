"""Which topic a question's meaning belongs to, learnt from labelled questions.

A softmax regression over sentence embeddings (`bot.core.embedding`): each topic's title,
aliases, keywords and example questions, and the members' questions of `questions.yaml`, are
the training data; a question's probability per topic is what search adds to its fused score.
Where nearest-example similarity asks "which single example is this most like", the classifier
weighs every labelled question at once, so wording that many members use for one topic counts
for it even when no example says it that way. Trained with numpy when an index is built
(about 0.1 s for 3,000 questions): there is nothing to download and nothing to keep in step.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
from threadpoolctl import threadpool_limits

from bot.core.embedding import Vectors

# Chosen by cross-validation over the tuning files (bench/bench_explain_eval.py scores each
# file against a classifier that never saw it): full-batch gradient descent converges in
# these steps at this rate; 300 steps at 0.5 scored the same, 30 at 5 a question less.
_STEPS = 60
_RATE = 2.5
_SCALE = 10.0  # unit vectors times this: the logits' range, so probabilities can be sharp
_DECAY = 1e-3  # weight decay: keeps rare words from deciding alone


class TopicClassifier:
    """Probabilities over `topic_ids` (in that order) for a question's embedding."""

    def __init__(self, topic_ids: Sequence[str], vectors: Vectors, labels: Sequence[int]) -> None:
        self.topic_ids = tuple(topic_ids)
        count, dimensions = vectors.shape
        inputs = vectors * np.float32(_SCALE)
        targets = np.zeros((count, len(self.topic_ids)), dtype=np.float32)
        targets[np.arange(count), np.asarray(labels, dtype=np.int64)] = 1.0
        self.weights = np.zeros((dimensions, len(self.topic_ids)), dtype=np.float32)
        self.bias = np.zeros(len(self.topic_ids), dtype=np.float32)
        # On one BLAS thread. The products are small (4,000 questions by 256 by 26 topics):
        # OpenBLAS's second thread saved little on an idle 2-core machine (0.42 against
        # 0.47 s an index build) and cost much on a busy one, waiting for a core at each of
        # the 120 products (1.25 against 0.5 s). One thread also learns the same weights
        # whatever the number of cores: OpenBLAS's default, a thread per core, summed in an
        # order that depended on it (the answers were the same).
        with threadpool_limits(limits=1, user_api="blas"):
            for _ in range(_STEPS if count else 0):
                error = (_softmax(inputs @ self.weights + self.bias) - targets) / count
                self.weights -= _RATE * (inputs.T @ error + _DECAY * self.weights)
                self.bias -= _RATE * error.sum(axis=0)
        self.weights *= np.float32(_SCALE)  # so a unit vector is read without scaling it

    def probabilities(self, vector: Vectors) -> list[float]:
        """Per topic, how likely the question (one unit vector) belongs to it; all zeros for
        a question with no tokens."""
        if not vector.any():
            return [0.0] * len(self.topic_ids)
        probabilities: list[float] = _softmax(vector @ self.weights + self.bias).tolist()
        return probabilities


def _softmax(logits: npt.NDArray[Any]) -> npt.NDArray[Any]:
    shifted: npt.NDArray[Any] = np.exp(logits - logits.max(axis=-1, keepdims=True))
    shifted /= shifted.sum(axis=-1, keepdims=True)
    return shifted
