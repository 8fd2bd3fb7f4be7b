"""Find the topic a member means: exact names, then typos, then plain-language questions.

Three stages, most certain first:
1. the whole term is a topic id, alias or title;
2. the whole term is one of those with a typo (rapidfuzz ratio);
3. a question: its words are scored against every topic (BM25 over the topic's names,
   keywords and answers, typed words corrected against the vocabulary), and answered only
   when the best topic covers the question's words and clearly beats the runner-up.
Anything less certain gets suggestions instead of a confident wrong answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz import fuzz, process

from bot.core.model import KnowledgeBase, Topic

_WORD = re.compile(r"[a-z0-9µ]+(?:[-'][a-z0-9]+)*")
_K1 = 1.2
# How much a word counts for a topic by where it stands in the topic.
_FIELD_WEIGHTS = (("title", 3.0), ("names", 3.0), ("keywords", 3.0), ("short", 1.0), ("long", 0.5))
# What each word of a curated multi-word name or keyword found as a phrase adds.
_PHRASE_BONUS = 1.0
# Typo corrections remembered per index before the memory starts over.
_MAX_CORRECTIONS = 4096
# A question must have at least this share of its words known for an answer; a word known
# only through typo correction counts half.
_MIN_COVERAGE = 0.6


@dataclass(frozen=True, slots=True)
class SearchResult:
    topic: str | None
    how: str  # "exact", "fuzzy", "question" or "none"
    score: float
    suggestions: tuple[str, ...]


def stem(word: str) -> str:
    """A light stemmer: enough that "arteries" finds "artery" and "doses" finds "dose"."""
    word = word.removesuffix("'s")
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower().replace("μ", "µ"))


def words(text: str, stopwords: frozenset[str] = frozenset()) -> list[str]:
    """The stemmed words of `text`, leaving out stopwords (checked before stemming)."""
    return [stem(word) for word in tokens(text) if word not in stopwords]


def normalise_term(text: str) -> str:
    return " ".join(_WORD.findall(text.lower().replace("μ", "µ")))


class TopicIndex:
    """Everything search needs, computed once per loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.settings = kb.search
        self.names: dict[str, str] = {}
        for topic in kb.topics.values():
            for name in (topic.id, topic.title, *topic.aliases):
                self.names.setdefault(normalise_term(name), topic.id)
        self.name_list = list(self.names)
        self.weights: dict[str, dict[str, float]] = {}
        for topic in kb.topics.values():
            self.weights[topic.id] = self._topic_weights(topic)
        doc_freq: Counter[str] = Counter()
        for weights in self.weights.values():
            doc_freq.update(weights.keys())
        total = len(kb.topics)
        self.idf = {
            word: math.log((total - count + 0.5) / (count + 0.5) + 1)
            for word, count in doc_freq.items()
        }
        self.vocabulary = sorted(self.idf)
        self.long_words = [word for word in self.vocabulary if len(word) >= 4]
        # Multi-word names and keywords, matched as phrases in a question.
        self.phrases: dict[str, list[tuple[str, ...]]] = {
            topic.id: [
                phrase
                for name in (topic.title, *topic.aliases, *topic.keywords)
                if len(phrase := tuple(words(name))) > 1
            ]
            for topic in kb.topics.values()
        }
        self._corrections: dict[str, str | None] = {}
        self.order = sorted(kb.topics.values(), key=lambda t: (t.group, t.title))

    def _topic_weights(self, topic: Topic) -> dict[str, float]:
        fields = {
            "title": topic.title,
            "names": " ".join((topic.id.replace("-", " "), *topic.aliases)),
            "keywords": " ".join(topic.keywords),
            "short": topic.short,
            "long": topic.long,
        }
        weights: defaultdict[str, float] = defaultdict(float)
        for field_name, weight in _FIELD_WEIGHTS:
            for word in words(fields[field_name], self.settings.stopwords):
                weights[word] += weight
        return dict(weights)

    def _known(self, word: str) -> str | None:
        """The vocabulary word a typed word stands for, allowing a typo in longer words."""
        if word in self.idf:
            return word
        if len(word) < 4:
            return None
        if word in self._corrections:
            return self._corrections[word]
        match = process.extractOne(
            word, self.long_words, scorer=fuzz.ratio, score_cutoff=self.settings.word_similarity
        )
        if len(self._corrections) >= _MAX_CORRECTIONS:
            self._corrections.clear()  # bounded: members can type endless new words
        self._corrections[word] = match[0] if match else None
        return self._corrections[word]

    def search(self, query: str) -> SearchResult:
        term = normalise_term(query)
        if not term:
            return SearchResult(None, "none", 0.0, ())
        if term in self.names:
            return SearchResult(self.names[term], "exact", 100.0, ())
        if len(term.split()) <= 4:
            match = process.extractOne(
                term, self.name_list, scorer=fuzz.ratio, score_cutoff=self.settings.alias_similarity
            )
            if match:
                return SearchResult(self.names[match[0]], "fuzzy", float(match[1]), ())
        return self._question(term)

    def _question(self, term: str) -> SearchResult:
        content = words(term, self.settings.stopwords)
        if not content:
            return SearchResult(None, "none", 0.0, ())
        known = [self._known(word) for word in content]
        matched = [word for word in known if word is not None]
        coverage = sum(
            1.0 if typed == word else 0.5
            for typed, word in zip(content, known, strict=True)
            if word
        ) / len(content)
        sequence = self._corrected(term)
        scores: dict[str, float] = {}
        for topic_id, weights in self.weights.items():
            score = 0.0
            for word in set(matched):
                tf = weights.get(word, 0.0)
                if tf:
                    score += self.idf[word] * tf * (_K1 + 1) / (tf + _K1)
            score += _PHRASE_BONUS * self._phrase_hits(topic_id, sequence)
            if score:
                scores[topic_id] = score
        ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
        suggestions = tuple(topic for topic, _ in ranked[: self.settings.max_suggestions])
        if not ranked:
            return SearchResult(None, "none", 0.0, ())
        best_id, best = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        confident = (
            best >= self.settings.min_question_score
            and (best - second) / best >= self.settings.min_margin
            and coverage >= _MIN_COVERAGE
        )
        if confident:
            return SearchResult(best_id, "question", best, ())
        return SearchResult(None, "none", best, suggestions)

    def _phrase_hits(self, topic_id: str, sequence: list[str]) -> float:
        """The weight of the topic's multi-word names that stand as phrases in the question:
        rare words count, stopwords and words every topic has barely do."""
        hits = 0.0
        for phrase in self.phrases[topic_id]:
            size = len(phrase)
            if any(
                tuple(sequence[i : i + size]) == phrase for i in range(len(sequence) - size + 1)
            ):
                hits += 1.0 + sum(self.idf.get(word, 0.0) for word in phrase)
        return hits

    def _corrected(self, term: str) -> list[str]:
        """The question's stemmed words in order, typos corrected, stopwords kept."""
        out = []
        for token in tokens(term):
            word = stem(token)
            if token not in self.settings.stopwords:
                word = self._known(word) or word
            out.append(word)
        return out

    def autocomplete(self, partial: str, limit: int = 25) -> list[Topic]:
        """Topics for a partially typed term, best first, at most `limit`."""
        term = normalise_term(partial)
        topics = self.kb.topics
        if not term:
            return self.order[:limit]
        ranked: dict[str, float] = {}
        for name, topic_id in self.names.items():
            if name.startswith(term):
                score = 200.0 - len(name) / 100
            elif f" {term}" in f" {name}":
                score = 150.0
            else:
                continue
            ranked[topic_id] = max(ranked.get(topic_id, 0.0), score)
        for name, score, _ in process.extract(
            term, self.name_list, scorer=fuzz.WRatio, limit=None, score_cutoff=60
        ):
            topic_id = self.names[name]
            ranked[topic_id] = max(ranked.get(topic_id, 0.0), float(score))
        if len(ranked) < limit:
            result = self.search(term)
            for found in (result.topic, *result.suggestions):
                if found and found not in ranked:
                    ranked[found] = 1.0
        best = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))
        return [topics[topic_id] for topic_id, _ in best[:limit]]


@lru_cache(maxsize=4)
def index_for(kb: KnowledgeBase) -> TopicIndex:
    """The search index of a loaded knowledge base, built once."""
    return TopicIndex(kb)
