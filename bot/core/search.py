"""Find the topic a member means: exact names, then typos, then plain-language questions.

Stages, most certain first:
1. the whole term is a topic id, alias or title;
2. the whole term is one of those with a typo (rapidfuzz ratio);
3. a question saying someone may need urgent care now (search.yaml's `urgent`: a child who
   swallowed a bottle, "should i go to the er"; and `bot.core.urgent`'s rule: ten or more
   pills taken, pills a pet or a child ate) gets the urgent-care message, never a topic,
   not even a caution; a question that names something dk2 does not cover (another
   supplement, a request to diagnose) is not answered; nor is one that names nothing of its
   subject (vitamin D or K, calcium, their units, forms, medicines, the article:
   search.yaml's subject_words, or only everyday ones such as "deficiency" beside a word dk2
   doesn't know), unless dk2 knows every word of it and both readings agree closely or the
   classifier is sure of its topic; such a question gets suggestions at most;
4. any other question is ranked with BM25 (bm25s) over each topic's names, keywords and
   curated example questions, plus a smaller share of BM25 over its answer's prose; the
   question's slang and brand names are read as the topics' words (synonyms), its words
   stemmed (Snowball) and typos corrected, and a topic's aliases and
   multi-word keywords found whole in it add a bonus by rarity, and so does an amount it
   names that a topic prints ("600 iu", "20 ng/ml", a dose in µg as the same dose in IU);
   two units, or two amounts one the other converted ("is 1000 iu = 25 ug"), in a question
   naming at most one vitamin ask for a conversion; a question naming one vitamin only
   counts the topics about the other for less; the closeness of its meaning
   to each topic's nearest name or example question (an embedding model) is added. It is
   answered only when enough of its words are known, its meaning is close enough to the best
   topic's nearest example, and either that topic clearly beats the runner-up (by a larger
   lead when meaning alone puts another topic clearly closer, by a smaller one when words
   alone rank it first too and meaning alone among its first few), or words alone and
   meaning alone both rank it first, or the classifier (learnt from members' questions,
   `bot.core.classifier`) rates it likely enough, or, for a question naming the subject,
   the answer gate (a logistic regression over these same signals, learnt from the tuning
   questions the rules left unanswered) rates its best topic right likely enough; never
   when the classifier rates the question one to refuse.
Anything less certain gets up to three suggestions instead of a confident wrong answer.
Autocomplete ranks with the same scores.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from functools import lru_cache

import bm25s
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.core.classifier import TopicClassifier
from bot.core.embedding import Embedder, shipped_embedder
from bot.core.model import KnowledgeBase, Topic
from bot.core.urgent import swallowed_many
from bot.core.wording import (
    AMOUNT,
    Rewrites,
    Vocabulary,
    Word,
    ages_as_words,
    asked_part,
    conversion_units,
    levels_with_unit,
    normalise_term,
)

OFF_TOPIC = "off-topic"  # the classifier's class for questions no topic may answer

# How often each field's words count in a topic's document: names say most about a topic,
# then its keywords and curated example questions.
_FIELD_REPEATS = (("title", 3), ("names", 3), ("keywords", 2), ("examples", 2))
# The answer's prose is ranked separately and counts for less: it names neighbouring topics'
# words in passing ("calcium from food" in the vitamin D answer), but it also holds the
# article's and references' own words that no name or example repeats.
_PROSE_FIELDS = ("short", "long")
_PROSE_WEIGHT = 0.5
# What a multi-word name or keyword found whole in the question adds, per unit of its idf.
_PHRASE_WEIGHT = 0.5
# The coverage of a question dk2 knows every word of (less a rounding error).
_ALL_KNOWN = 1.0 - 1e-9


# An amount in a vitamin's units ("4000 iu", "100mcg", "18 ng/ml") says a question is about
# vitamin D or K, though search reads the amount itself as one placeholder.
_VITAMIN_AMOUNT = re.compile(r"\d\s?k?\s?(?:iu|ius|ui|mcg|µg|ug|ng|nmol)\b")

# A figure as the topics print it and members type it, in a normalised text ("4,000 iu",
# "100 µg", "20 ng ml", "10k iu"): its number and its unit.
_FIGURE = re.compile(
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?) ?(k)? ?"
    r"(ius|iu|ui|units|mcg|µg|ug|micrograms|microgram|mg|ng|nmol)\b"
)
_FIGURE_UNITS = {"ius": "iu", "ui": "iu", "units": "iu", "mcg": "µg", "ug": "µg"}
_FIGURE_UNITS |= {"micrograms": "µg", "microgram": "µg"}
# The units of an amount taken and of a blood level, as figures() names them.
_DOSE_UNITS, _LEVEL_UNITS = frozenset({"iu", "µg", "mg"}), frozenset({"ng", "nmol"})


def _amounts(text: str) -> list[tuple[int, int, float, str]]:
    """Each amount a normalised text names: where it starts and ends, its number and unit."""
    amounts = []
    for match in _FIGURE.finditer(text):
        number, thousands, unit = match.groups()
        value = float(number.replace(",", "")) * (1000 if thousands else 1)
        amounts.append((match.start(), match.end(), value, _FIGURE_UNITS.get(unit, unit)))
    return amounts


def figures(text: str) -> frozenset[tuple[float, str]]:
    """The amounts a normalised text names, each as (number, unit): "4,000 iu" and "4k iu"
    are (4000.0, "iu"), "100 mcg" and "100 µg" are (100.0, "µg")."""
    return frozenset((value, unit) for _, _, value, unit in _amounts(text))


# A dose in µg or mg as the same dose in IU (1 µg = 40 IU): a topic printing "4,000 IU (100 µg)"
# prints one amount, not two, and a member who quotes it in either unit quotes that amount.
_IN_IU = {"µg": 40.0, "mg": 40_000.0}


def same_amounts(found: frozenset[tuple[float, str]]) -> frozenset[tuple[float, str]]:
    """The figures with each dose in µg or mg written in IU: (100.0, "µg") is (4000.0, "iu");
    blood levels stay as they are."""
    return frozenset(
        (value * _IN_IU[unit], "iu") if unit in _IN_IU else (value, unit) for value, unit in found
    )


# How many of the first unit make one of the second, for the conversions the units topic gives
# (1 µg of vitamin D = 40 IU, 1 mg = 40,000 IU; 1 ng/mL = 2.496 nmol/L, which labs and members
# round to 2.5), and the unit words a conversion question between them names.
_CONVERSIONS = (
    ("iu", "µg", 40.0, 0.0, ("iu", "mcg")),
    ("iu", "mg", 40_000.0, 0.0, ("iu", "mg")),
    ("nmol", "ng", 2.496, 0.02, ("nmol", "ng")),
)


def equivalent_units(text: str) -> list[str]:
    """The units of two amounts in a normalised text one of which is the other converted
    ("is 1000 iu = 25 ug", "how is 1 mcg related to 40 iu", "50 nmol is 20 ng"): the text
    asks about the conversion, though it names no unit alone. None for amounts that don't
    convert into each other ("5000 iu with 100 mcg"), nor for two joined by "and", "with" or
    "plus", which are taken together ("4000 iu and 100 mcg": D3 and K2)."""
    amounts = _amounts(text)
    for first, second, factor, slack, words in _CONVERSIONS:
        for big_start, big_end, big, big_unit in amounts:
            for small_start, small_end, small, small_unit in amounts:
                between = text[min(big_end, small_end) : max(big_start, small_start)]
                if (
                    (big_unit, small_unit) == (first, second)
                    and small > 0
                    and abs(big / small - factor) <= factor * slack + 1e-9
                    and _TOGETHER.search(between) is None
                ):
                    return list(words)
    return []


# Words that join two amounts taken together rather than one converted into the other.
_TOGETHER = re.compile(r"\b(?:and|with|plus|n)\b")


# An amount in IU or a blood level names vitamin D: vitamin K is measured in µg only.
_D_AMOUNT = re.compile(r"\d\s?k?\s?(?:iu|ius|ui|ng|nmol)\b")


@dataclass(frozen=True, slots=True)
class SearchResult:
    topic: str | None
    how: str  # "exact", "fuzzy", "question", "urgent", "out-of-scope" or "none"
    score: float
    suggestions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Ranking:
    """A question's topics by score, best first, and how much of the question dk2 knows."""

    ranked: tuple[tuple[str, float], ...]
    coverage: float
    out_of_scope: bool
    word_score: float = 0.0  # the best topic's score from words alone
    named: frozenset[str] = frozenset()  # topics whose title or an alias stands in it whole
    # Per topic: its id, its score from words (BM25 and phrases) and the closeness of the
    # question's meaning to its nearest name or example question (0 without a model).
    signals: tuple[tuple[str, float, float], ...] = ()
    on_subject: bool = True  # it names vitamin D or K, calcium, their units, forms or drugs
    off_topic: float = 0.0  # the classifier's probability that no topic may answer it
    learnt: float = 0.0  # the classifier's probability for the best topic
    urgent: bool = False  # someone may need urgent care: out of scope, with its own message

    @property
    def lead(self) -> float:
        """How far the best topic leads the runner-up, as a share of its score."""
        best = self.ranked[0][1] if self.ranked else 0.0
        second = self.ranked[1][1] if len(self.ranked) > 1 else 0.0
        return (best - second) / best if best > 0 else 0.0

    @property
    def similarity(self) -> float:
        """How close the question's meaning is to the best topic's nearest example."""
        if not self.ranked:
            return 0.0
        best = self.ranked[0][0]
        return next((meaning for t, _, meaning in self.signals if t == best), 0.0)

    def contested(self, gap: float) -> bool:
        """Whether meaning alone puts another topic than the best one first, closer to the
        question by more than `gap`."""
        if not self.ranked or not self.signals:
            return False
        closest = max(meaning for _, _, meaning in self.signals)
        return closest - self.similarity > gap

    def words_first(self, meaning_rank: int) -> bool:
        """Whether words alone rank the best topic first too, and meaning alone puts it among
        its first `meaning_rank` topics."""
        if not self.ranked or not self.signals:
            return False
        best = self.ranked[0][0]
        by_words = max(self.signals, key=lambda signal: signal[1])[0]
        if by_words != best:
            return False
        closer = sum(1 for _, _, meaning in self.signals if meaning > self.similarity)
        return closer < meaning_rank

    @property
    def agreed(self) -> bool:
        """Whether words alone and meaning alone both rank the best topic first."""
        if not self.ranked or not self.signals:
            return False
        by_words = max(self.signals, key=lambda signal: signal[1])[0]
        by_meaning = max(self.signals, key=lambda signal: signal[2])[0]
        return by_words == by_meaning == self.ranked[0][0]


def fuse(
    ranking: Ranking, meaning_weight: float, learnt: Sequence[float] = (), learnt_weight: float = 0
) -> Ranking:
    """The ranking's topics ordered by their fused score: words decide which topics are in
    play and weigh 1 at best; meaning adds its similarity times `meaning_weight`, so a
    question worded unlike any example still finds its topic; then each topic in play gains
    the classifier's probability for it (`learnt`, in the signals' order) times
    `learnt_weight`."""
    top = ranking.word_score
    if top <= 0:
        return ranking
    ranked = [
        (topic_id, words / top + meaning_weight * max(meaning, 0.0), probability)
        for (topic_id, words, meaning), probability in zip(
            ranking.signals, learnt or [0.0] * len(ranking.signals), strict=True
        )
    ]
    fused = [
        (t, score + learnt_weight * probability, probability)
        for t, score, probability in ranked
        if score > 0
    ]
    fused.sort(key=lambda item: (-item[1], item[0]))
    best = fused[0][2] if fused else 0.0  # the classifier's probability for the best topic
    return replace(ranking, ranked=tuple((t, score) for t, score, _ in fused), learnt=best)


class _Bm25:
    """BM25 scores of every topic for a question's stems. bm25s computes each word's score in
    each document when it indexes them (its sparse `scores` matrix, one column per word);
    with a few dozen topics, reading a question's columns in Python is several times faster
    than bm25s' own numpy query path."""

    def __init__(self, documents: list[list[str]], k1: float, b: float, weight: float) -> None:
        index = bm25s.BM25(k1=k1, b=b)
        index.index(documents, show_progress=False)
        matrix = index.scores
        data, rows, starts = (matrix[key].tolist() for key in ("data", "indices", "indptr"))
        self.postings: dict[str, list[tuple[int, float]]] = {
            word: [(rows[i], weight * data[i]) for i in range(starts[column], starts[column + 1])]
            for word, column in index.vocab_dict.items()
            if column + 1 < len(starts)  # bm25s' placeholder for an empty text has none
        }

    def add(self, scores: list[float], stems: Iterable[str]) -> None:
        for stem in set(stems):
            for position, score in self.postings.get(stem, ()):
                scores[position] += score


def _without_amounts(words: list[Word]) -> str:
    """The question as the meaning model reads it: like word matching, without its amounts
    ("is 25 ng/ml insufficient" is about deficiency, not units)."""
    return " ".join(word.typed for word in words if word.stem != AMOUNT)


def _idf(documents: list[list[str]]) -> dict[str, float]:
    """BM25's idf of every word of the documents."""
    counts = Counter(word for document in documents for word in set(document))
    total = len(documents)
    return {word: math.log(1 + (total - n + 0.5) / (n + 0.5)) for word, n in counts.items()}


def _ngrams(sequence: Sequence[str], longest: int) -> set[tuple[str, ...]]:
    """Every run of up to `longest` consecutive words of the sequence."""
    runs: set[tuple[str, ...]] = set()
    for size in range(1, min(longest, len(sequence)) + 1):
        # the shortest of the `size` slices ends the runs: zip stops there, not strictly
        runs.update(zip(*(sequence[start:] for start in range(size)), strict=False))
    return runs


@lru_cache(maxsize=4)
def _vectors(embedder: Embedder, texts: tuple[str, ...]) -> npt.NDArray[np.float32]:
    """The embeddings of `texts`, kept for the next reload (read only): a curator's edit to an
    answer, a band or a message changes no name, example or member's question."""
    return embedder.embed(list(texts))


@lru_cache(maxsize=2)
def _learnt(
    embedder: Embedder,
    classes: tuple[str, ...],
    passages: tuple[str, ...],
    asked: tuple[str, ...],
    labels: tuple[int, ...],
) -> TopicClassifier:
    """The classifier learnt from the topics' `passages` and the members' questions `asked`,
    labelled with `labels` (positions in `classes`), kept for the next reload: training is
    most of the time a reload takes."""
    vectors = np.vstack([_vectors(embedder, passages), _vectors(embedder, asked)])
    return TopicClassifier(classes, vectors, labels)


class _Meaning:
    """How close a question's meaning is to each topic: the best cosine similarity between
    its embedding and those of the topic's title, aliases, keywords and example questions;
    and, with questions to learn from, the classifier's probability for each topic."""

    def __init__(
        self,
        embedder: Embedder,
        passages: list[tuple[str, list[str]]],
        questions: Mapping[str, Sequence[str]] | None = None,
        off_topic: Sequence[str] = (),
    ) -> None:
        self.embedder = embedder
        texts = tuple(text for _, texts in passages for text in texts)
        self.vectors = _vectors(embedder, texts)
        sizes = [len(texts) for _, texts in passages]
        self.starts = np.cumsum([0, *sizes[:-1]])
        self.classifier: TopicClassifier | None = None
        if questions is not None:
            # Each topic a class, and off-topic questions one more, after them.
            ids = [topic_id for topic_id, _ in passages]
            asked = [(ids.index(t), q) for t, qs in questions.items() if t in ids for q in qs]
            asked += [(len(ids), question) for question in off_topic]
            labels = [i for i, size in enumerate(sizes) for _ in range(size)]
            self.classifier = _learnt(
                embedder,
                (*ids, OFF_TOPIC),
                texts,
                tuple(q for _, q in asked),
                (*labels, *(i for i, _ in asked)),
            )

    def read(self, question: str, whole: str) -> tuple[list[float], list[float]]:
        """Per topic, the similarity of `question` to its nearest passage; and the classifier's
        probability per topic, then for off-topic, for the `whole` question, its amounts too
        (empty without a classifier): it learnt from whole questions. Both are the question's
        words as typed, so without an amount they are one text, embedded once."""
        learns = self.classifier is not None and whole != question
        vector, *asked = self.embedder.embed([question, whole] if learns else [question])
        per_passage = self.vectors @ vector
        similar = list(np.maximum.reduceat(per_passage, self.starts).tolist())
        if self.classifier is None:
            return similar, []
        return similar, self.classifier.probabilities(asked[0] if asked else vector)


class TopicIndex:
    """Everything search needs, computed once per loaded knowledge base."""

    def __init__(self, kb: KnowledgeBase, embedder: Embedder | None = None) -> None:
        self.kb = kb
        self.settings = settings = kb.search
        self.rewrites = Rewrites(settings.synonyms)
        self.names: dict[str, str] = {}
        for topic in kb.topics.values():
            for name in (topic.id, topic.title, *topic.aliases):
                self.names.setdefault(normalise_term(name), topic.id)
        self.name_list = list(self.names)
        # bands/level.yaml when search.yaml points some of its bands to topics, and those topics
        self.levels = kb.bands.get("level") if settings.level_topics else None
        self.level_topics = frozenset(settings.level_topics.values())
        self.topic_ids = list(kb.topics)
        fields = {topic.id: self._fields(topic) for topic in kb.topics.values()}
        self.vocabulary = Vocabulary(
            [
                *(text for topic_fields in fields.values() for text in topic_fields.values()),
                *settings.subject_words,
                *settings.urgent,  # at the usual similarity: "siezures" is still urgent
            ],
            settings.stopwords,
            settings.word_similarity,
            settings.amount_units,
            embedder.whole_words if embedder is not None else frozenset(),
            # out-of-scope words too, so that "magnesum" is still read as magnesium
            (settings.out_of_scope, settings.refusing_word_similarity),
        )
        documents = [self._document(fields[t], _FIELD_REPEATS) for t in self.topic_ids]
        prose = [self._document(fields[t], [(f, 1) for f in _PROSE_FIELDS]) for t in self.topic_ids]
        self.scorers = (
            _Bm25(documents, settings.k1, settings.b, 1.0),
            _Bm25(prose, settings.k1, settings.b, _PROSE_WEIGHT),
        )
        # Both scorers' scores of each stem for every topic, summed, as one row per stem:
        # a question's word scores are the sum of its stems' rows (one numpy call).
        stems = sorted({word for scorer in self.scorers for word in scorer.postings})
        self.stem_row = {word: row for row, word in enumerate(stems)}
        self.stem_matrix: npt.NDArray[np.float64] = np.zeros((len(stems), len(self.topic_ids)))
        for scorer in self.scorers:
            for word, postings in scorer.postings.items():
                for position, score in postings:
                    self.stem_matrix[self.stem_row[word], position] += score
        total = len(documents)
        # How telling a word is, the rarer among the topics the more: among their names and
        # examples for the phrase bonus, among everything they say for coverage.
        self.idf = _idf(documents)
        self.coverage_idf = _idf(
            [[*names, *text] for names, text in zip(documents, prose, strict=True)]
        )
        self.unknown_idf = math.log(1 + (total + 0.5) / 0.5)
        # A topic's aliases named anywhere in the question, and its multi-word keywords, each
        # worth more the rarer its words: phrase -> [(topic id, weight)].
        self.phrases: dict[tuple[str, ...], list[tuple[str, float]]] = {}
        self.named_in: dict[tuple[str, ...], set[str]] = {}
        for topic in kb.topics.values():
            named = {self._phrase(name) for name in (topic.title, *topic.aliases)} - {()}
            for phrase in named:
                self.named_in.setdefault(phrase, set()).add(topic.id)
            named |= {p for name in topic.keywords if len(p := self._phrase(name)) > 1}
            for phrase in named:
                weight = _PHRASE_WEIGHT * (1.0 + sum(self.idf.get(word, 0.0) for word in phrase))
                self.phrases.setdefault(phrase, []).append((topic.id, weight))
        self.longest_phrase = max(map(len, self.phrases), default=0)
        self.phrase_set, self.named_set = frozenset(self.phrases), frozenset(self.named_in)
        self.out_of_scope, self.urgent = map(self._stems, (settings.out_of_scope, settings.urgent))
        self.subject = self._stems(settings.subject_words)
        # "no blood thinners", "not on warfarin": a negation, then a safety-first topic's name.
        self.negations = self._stems(settings.negations)
        self.safety_names = frozenset(
            phrase
            for phrase, topics in self.named_in.items()
            if not topics.isdisjoint(settings.safety_first)
        )
        # The subject words that are everyday health words too ("deficiency", "fracture"):
        # alone beside a word dk2 doesn't know, they name something else's.
        self.everyday_subject = self._stems(settings.everyday_subject_words)
        # The phrases asking about a dose and those naming a blood level (as stems), and the
        # topics each kind of question counts for less.
        doses = settings.dose_questions
        self.dose_words = self._stems(doses.words if doses else ())
        self.level_words = self._stems(doses.level_words if doses else ())
        self.not_for_doses = frozenset(doses.topics if doses else ())
        self.not_for_levels = frozenset(doses.dose_topics if doses else ())
        # Per vitamin, the phrases naming it (as stems) and the topics about it alone.
        self.vitamins = {
            name: (self._stems(scope.words), frozenset(scope.topics))
            for name, scope in settings.vitamins.items()
        }
        # The figures each topic prints, with their idf among the topics: a member who quotes
        # "600 iu" or "20 ng/ml" has most likely read it in that topic's source. (figure_weight
        # is applied when a question is ranked, so that the bench may vary it.)
        printed: dict[tuple[float, str], set[str]] = {}
        for topic_id, topic_fields in fields.items():
            for figure in same_amounts(figures(normalise_term(" ".join(topic_fields.values())))):
                printed.setdefault(figure, set()).add(topic_id)
        self.figures = {
            figure: (
                frozenset(topics),
                math.log(1 + (total - len(topics) + 0.5) / (len(topics) + 0.5)),
            )
            for figure, topics in printed.items()
        }
        self.order = sorted(kb.topics.values(), key=lambda t: (t.group, t.title))
        self.meaning: _Meaning | None = None
        if settings.meaning_weight > 0 and embedder is not None:
            self.meaning = _Meaning(
                embedder,
                [
                    (t.id, [t.title, *t.aliases, *t.keywords, *t.examples])
                    for t in kb.topics.values()
                ],
                kb.questions if settings.classifier_weight > 0 else None,
                kb.off_topic,
            )

    def _stems(self, phrases: Iterable[str]) -> frozenset[tuple[str, ...]]:
        """search.yaml's words and phrases as they are matched among a question's runs of
        stems: read as typed (no typo correction), those with no words left dropped."""
        read = self.vocabulary.read
        stems = (tuple(word.stem for word in read(text, correct=False)) for text in phrases)
        return frozenset(stems) - {()}

    def _phrase(self, text: str) -> tuple[str, ...]:
        """A name's words as they are matched in a question: stems, amounts as one mark."""
        return tuple(word.stem for word in self.vocabulary.read(text))

    @staticmethod
    def _fields(topic: Topic) -> dict[str, str]:
        return {
            "title": topic.title,
            "names": " ".join((topic.id.replace("-", " "), *topic.aliases)),
            "keywords": " ".join(topic.keywords),
            "examples": " ".join(topic.examples),
            "short": topic.short,
            "long": topic.long,
        }

    def _document(self, fields: dict[str, str], repeats: Iterable[tuple[str, int]]) -> list[str]:
        document: list[str] = []
        for name, times in repeats:
            content = [w.stem for w in self.vocabulary.read(fields[name]) if not w.stopword]
            document.extend(content * times)
        return document

    # -- searching ------------------------------------------------------------------------

    def search(self, query: str) -> SearchResult:
        term = normalise_term(query)
        if not term:
            return SearchResult(None, "none", 0.0, ())
        named = self._named(term)
        if named is not None:
            return named
        ranking = self.rank(term)
        result = self._decide(ranking)
        if result.suggestions and ranking.off_topic < self.settings.off_topic_probability:
            return self._asked(query, result)
        return result

    def _asked(self, query: str, unsure: SearchResult) -> SearchResult:
        """A post whose story drowns its question ("My GP in Leeds never mentioned K2, the
        shop had three kinds and I got lost. What forms does K2 come in?"): answered when the
        sentences that ask, ranked alone, answer with the whole post's first suggestion, the
        two readings agreeing. Only after the whole post passed the urgent, out-of-scope and
        off-topic checks: the story still decides whether dk2 may answer at all."""
        asked = asked_part(query)
        term = normalise_term(asked) if asked is not None else ""
        if not term:
            return unsure
        result = self._decide(self.rank(term))
        agreed = result.how == "question" and result.topic == unsure.suggestions[0]
        return result if agreed else unsure

    def _named(self, term: str) -> SearchResult | None:
        """The topic whose id, alias or title the whole term is, exactly or with a typo."""
        if term in self.names:
            return SearchResult(self.names[term], "exact", 100.0, ())
        if len(term.split()) <= 4:
            match = process.extractOne(
                term, self.name_list, scorer=fuzz.ratio, score_cutoff=self.settings.alias_similarity
            )
            if match:
                return SearchResult(self.names[match[0]], "fuzzy", float(match[1]), ())
        return None

    def _decide(self, ranking: Ranking) -> SearchResult:
        """An answer when the ranking is certain enough, else suggestions; none when dk2
        knows under half of what coverage asks for an answer (the suggestions would rest on
        a stray word: "zzqx-not-a-topic" is not about cautions)."""
        if ranking.out_of_scope:
            return SearchResult(None, "urgent" if ranking.urgent else "out-of-scope", 0.0, ())
        if not ranking.ranked:
            return SearchResult(None, "none", 0.0, ())
        best_id, best = ranking.ranked[0]
        if ranking.coverage < self.settings.min_coverage / 2:
            return SearchResult(None, "none", best, ())
        suggestions = tuple(topic for topic, _ in ranking.ranked[: self.settings.max_suggestions])
        if ranking.off_topic >= self.settings.off_topic_probability:
            # Like the questions no topic may answer (changing a prescription, a diagnosis),
            # even one naming a blood thinner: suggestions, never an answer.
            return SearchResult(None, "none", best, suggestions)
        first = [t for t in suggestions if t in ranking.named and t in self.settings.safety_first]
        if len(first) == 1 and ranking.on_subject:
            # A member who names their blood thinner, pregnancy or condition gets that
            # caution, whatever else the question asks: safety outranks the rest.
            return SearchResult(first[0], "question", dict(ranking.ranked)[first[0]], ())
        if self.confident(ranking) or self.gated(ranking):
            return SearchResult(best_id, "question", best, ())
        return SearchResult(None, "none", best, suggestions)

    def confident(self, ranking: Ranking) -> bool:
        """Whether the best topic is certain enough to answer with, rather than suggest."""
        if not ranking.ranked or ranking.out_of_scope:
            return False
        settings = self.settings
        if not ranking.on_subject:
            # "what dosage do most ppl use" names no vitamin, but every word of it is dk2's
            # and both readings agree closely: in a vitamin D and K2 channel that is dosing.
            # "how much protein per day" is not close enough to any example. "in a nutshell
            # what does the post conclude" is like many members' questions on the summary.
            return ranking.coverage >= _ALL_KNOWN and (
                (ranking.agreed and ranking.similarity >= settings.unnamed_subject_similarity)
                or ranking.learnt >= settings.unnamed_subject_probability
            )
        if ranking.coverage < settings.min_coverage or (
            self.meaning is not None and ranking.similarity < settings.min_similarity
        ):
            return False
        if ranking.agreed and ranking.similarity >= settings.agreed_similarity:
            return True  # two independent readings name the same topic
        if ranking.learnt >= settings.answer_probability:
            return True  # so like members' questions on it that the lead hardly matters
        margin = settings.min_margin
        if settings.contested_margin is not None and ranking.contested(settings.contest_gap):
            margin = settings.contested_margin
        if settings.words_first_margin is not None and ranking.words_first(
            settings.words_first_meaning_rank
        ):
            # Words and the fused score name the same topic and meaning does not put it far
            # down: a smaller lead will do, contested or not.
            margin = min(margin, settings.words_first_margin)
        return ranking.word_score >= settings.min_question_score and ranking.lead >= margin

    def gate_signals(self, ranking: Ranking) -> dict[str, float]:
        """What the answer gate reads of a ranked question (search.yaml's answer_gate)."""
        settings = self.settings
        return {
            "learnt": ranking.learnt,
            "lead": ranking.lead,
            "similarity": ranking.similarity,
            "coverage": ranking.coverage,
            "agreed": float(ranking.agreed),
            "words_first": float(ranking.words_first(settings.words_first_meaning_rank)),
            "contested": float(ranking.contested(settings.contest_gap)),
            "off_topic": ranking.off_topic,
            "word_score": ranking.word_score,
            "best": ranking.ranked[0][1] if ranking.ranked else 0.0,
        }

    def gated(self, ranking: Ranking) -> bool:
        """Whether the answer gate answers a question the rules only suggest topics for."""
        gate = self.settings.answer_gate
        return gate is not None and self.gate_probability(ranking) >= gate.probability

    @staticmethod
    def gate_reads(ranking: Ranking) -> bool:
        """Whether the answer gate may answer a ranking at all: only one that names dk2's
        subject. Not "how often should i get a blood test for my liver": every word of it is
        dk2's, and the gate rated testing 0.995 likely when it read such questions too."""
        return bool(ranking.ranked) and not ranking.out_of_scope and ranking.on_subject

    def gate_probability(self, ranking: Ranking) -> float:
        """How likely the answer gate rates the best topic right (0 without a gate, and for
        a question that names nothing of the subject)."""
        gate = self.settings.answer_gate
        if gate is None or not self.gate_reads(ranking):
            return 0.0
        signals = self.gate_signals(ranking)
        odds = gate.bias + sum(weight * signals[name] for name, weight in gate.weights.items())
        return 1.0 / (1.0 + math.exp(-max(min(odds, 50.0), -50.0)))

    def rank(self, term: str) -> Ranking:
        """Every topic that shares a word with the question, best first."""
        many_swallowed = swallowed_many(term)
        term = levels_with_unit(self.rewrites.apply(term))
        words = self.vocabulary.read(ages_as_words(term))
        found = _ngrams([word.stem for word in words], self.longest_phrase)
        units: list[str] = []
        if len(self._vitamins_named(found)) < 2:
            units = conversion_units(term) or equivalent_units(term)
        if units:
            # Two units named ("how many iu is 50 mcg"), or two amounts one of which is the
            # other converted ("is 1000 iu = 25 ug"), ask for a conversion: the units count as
            # words, though in an amount they say only how much. Not when the question names
            # both vitamins: "the usual mcg of k2 to go with 2000 iu of d" pairs two doses.
            words += self.vocabulary.read(" ".join(units), correct=False)
            found = _ngrams([word.stem for word in words], self.longest_phrase)
        content = [word for word in words if not word.stopword]
        coverage = self._coverage(content)
        if many_swallowed or not self.urgent.isdisjoint(found):
            return Ranking((), coverage, True, urgent=True)  # before any topic, even a caution
        if not self.out_of_scope.isdisjoint(found):
            return Ranking((), coverage, True)  # never answered nor suggested: nothing to rank
        denied = self._denied([word.stem for word in words], found)
        if denied:
            words = [word for position, word in enumerate(words) if position not in denied]
            content = [word for word in words if not word.stopword]
            found = _ngrams([word.stem for word in words], self.longest_phrase)
        rows = [self.stem_row[s] for s in {w.stem for w in content} if s in self.stem_row]
        totals = self.stem_matrix[rows].sum(axis=0).tolist()
        scores = dict(zip(self.topic_ids, totals, strict=True))
        for phrase in found & self.phrase_set:  # a few of a long question's hundreds of runs
            for topic_id, weight in self.phrases[phrase]:
                scores[topic_id] += weight
        named_figures = figures(term)
        for figure in same_amounts(named_figures):
            topics, idf = self.figures.get(figure, ((), 0.0))
            for topic_id in topics:
                scores[topic_id] += self.settings.figure_weight * idf
        if max(scores.values(), default=0.0) <= 0:
            return Ranking((), coverage, False)
        similar, learnt = (
            self.meaning.read(_without_amounts(words), " ".join(word.typed for word in words))
            if self.meaning is not None
            else ([0.0] * len(self.topic_ids), [])
        )
        asides = (
            self._set_aside(found, term),
            self._levels_aside(named_figures),
            self._doses_aside(found, named_figures),
        )
        for aside, keep in asides:
            for position, topic_id in enumerate(self.topic_ids):
                if topic_id in aside:
                    scores[topic_id] *= keep
                    similar[position] *= keep
        word_score = max(scores.values())
        signals = tuple(
            (topic_id, scores[topic_id], similarity)
            for topic_id, similarity in zip(self.topic_ids, similar, strict=True)
        )
        named = frozenset(t for phrase in found & self.named_set for t in self.named_in[phrase])
        on_subject = self._on_subject(found, term, content)
        off_topic = learnt.pop() if learnt else 0.0  # the last class: questions to refuse
        ranking = Ranking((), coverage, False, word_score, named, signals, on_subject, off_topic)
        if self.meaning is None:
            return fuse(ranking, 0.0)
        weights = self.settings.meaning_weight, learnt, self.settings.classifier_weight
        return fuse(ranking, *weights)

    def _on_subject(self, found: set[tuple[str, ...]], term: str, content: list[Word]) -> bool:
        """Whether a question (its runs of stems `found`, its normalised `term`, its content
        words) names dk2's subject: a subject word, or an amount in a vitamin's units. Not when
        the only subject words it names are everyday ones and it holds a word dk2 doesn't
        know: "how to treat a vitamin deficiency in plants", "best exercise for bone density"
        are about something dk2 has no words for."""
        if not self.subject or _VITAMIN_AMOUNT.search(term) is not None:
            return True
        named = self.subject & found
        if not named:
            return False
        return not named <= self.everyday_subject or all(word.known for word in content)

    def _denied(self, stems: list[str], found: set[tuple[str, ...]]) -> set[int]:
        """The positions of each negation and the safety-first name right after it ("no blood
        thinners", "not on any anticoagulants"): a member who says the caution is not theirs
        is not asking about it, and its name must not answer for them. The longest name
        first. (`found`, the question's runs of stems, tells at once whether it negates.)"""
        denied: set[int] = set()
        if self.negations.isdisjoint(found) or self.safety_names.isdisjoint(found):
            return denied
        for start in range(len(stems)):
            for negation in self.negations:
                end = start + len(negation)
                if tuple(stems[start:end]) != negation:
                    continue
                for size in range(self.longest_phrase, 0, -1):
                    if tuple(stems[end : end + size]) in self.safety_names:
                        denied.update(range(start, end + size))
                        break
        return denied

    def _vitamins_named(self, found: set[tuple[str, ...]]) -> set[str]:
        """search.yaml's vitamins a question names, from its runs of stems `found` ("5000 iu
        d3 with 100 mcg k2": both)."""
        return {
            name for name, (phrases, _) in self.vitamins.items() if not phrases.isdisjoint(found)
        }

    def _levels_aside(self, named: frozenset[tuple[float, str]]) -> tuple[frozenset[str], float]:
        """The topics of search.yaml's `level_topics` that the blood levels a question names
        point away from, and what they keep of their scores: "is my level of 7 dangerous" falls
        in the deficient band, so it is not a toxicity question, whatever "dangerous" says."""
        table, topics = self.levels, self.settings.level_topics
        pointed = set()
        for value, unit in named:
            if table is not None and unit in ("ng", "nmol"):
                level = Decimal(str(value))
                band = table.find(level) if unit == "ng" else table.find_nmol(level)
                if band is not None and band.id in topics:
                    pointed.add(topics[band.id])
        return (self.level_topics - pointed if pointed else frozenset()), self.settings.level_weight

    def _doses_aside(
        self, found: set[tuple[str, ...]], named: frozenset[tuple[float, str]]
    ) -> tuple[frozenset[str], float]:
        """The topics a question counts for less, and what they keep of their scores: those a
        dose question does not ask for (blood-level targets, the article's overview) when it
        asks how much to take and names no blood level ("my doctor says 600 iu, the article
        1000-4000, who's right" is a dose question, though sources disagree there too); those
        on doses alone when it names a blood level in ng/mL or nmol/L and no dose ("is 200
        ng/ml dangerous" is not asking whether a dose is)."""
        doses = self.settings.dose_questions
        if doses is None:
            return frozenset(), 1.0
        units = {unit for _, unit in named}
        dose = not self.dose_words.isdisjoint(found) or not units.isdisjoint(_DOSE_UNITS)
        level_amount = not units.isdisjoint(_LEVEL_UNITS)
        if dose and not level_amount and self.level_words.isdisjoint(found):
            return self.not_for_doses, doses.weight
        if level_amount and not dose:
            return self.not_for_levels, doses.weight
        return frozenset(), doses.weight

    def _set_aside(self, found: set[tuple[str, ...]], term: str) -> tuple[frozenset[str], float]:
        """The topics a question counts for less, and what they keep of their scores: another
        vitamin's topics when it names one vitamin only; when it names several, the topics on
        one vitamin alone ("if d raises calcium, what does k2 add" is not vitamin D's overview)."""
        if len(self._vitamins_named(found)) > 1:
            settings = self.settings
            return frozenset(settings.both_vitamins_aside), settings.both_vitamins_weight
        return self.other_vitamins_topics(found, term), self.settings.other_vitamin_weight

    def other_vitamins_topics(self, found: set[tuple[str, ...]], term: str) -> frozenset[str]:
        """The topics about another vitamin alone, when the question (its runs of stems
        `found`, its normalised `term`) names exactly one of search.yaml's vitamins: "is there
        an upper limit for k2" is not asking for vitamin D's. None when it names several or
        none. An amount in IU or a blood level ("2000iu", "18 ng/ml") names vitamin D."""
        named = self._vitamins_named(found)
        if "d" in self.vitamins and _D_AMOUNT.search(term) is not None:
            named.add("d")
        if len(named) != 1:
            return frozenset()
        (only,) = named
        ownside = self.vitamins[only][1]
        return (
            frozenset(
                topic
                for name, (_, topics) in self.vitamins.items()
                if name != only
                for topic in topics
            )
            - ownside
        )

    def _coverage(self, content: list[Word]) -> float:
        """How much of the question dk2 knows, each word weighed by how much it says (its
        idf): a word no topic uses says the most, so "recommend a good laptop" is mostly
        unknown. A word known only by correcting a typo counts half."""
        if not content:
            return 0.0
        total = known = 0.0
        for word in content:
            weight = (
                self.coverage_idf.get(word.stem, self.unknown_idf)
                if word.known
                else self.unknown_idf
            )
            total += weight
            if word.known:
                known += weight * (0.5 if word.corrected else 1.0)
        return known / total

    # -- autocomplete ---------------------------------------------------------------------

    def autocomplete(self, partial: str, limit: int = 25) -> list[Topic]:
        """Topics for a partially typed term, best first, at most `limit`: names that start
        with it, then the topics explain would answer or suggest for it, then names that
        resemble it."""
        term = normalise_term(partial)
        topics = self.kb.topics
        if not term:
            return self.order[:limit]
        ranked: dict[str, float] = {}

        def offer(topic_id: str, score: float) -> None:
            ranked[topic_id] = max(ranked.get(topic_id, 0.0), score)

        for name, topic_id in self.names.items():
            if name.startswith(term):
                offer(topic_id, 300.0 - len(name) / 100)
            elif f" {term}" in f" {name}":
                offer(topic_id, 250.0)
        ranking = self.rank(term)
        result = self._named(term) or self._decide(ranking)
        if result.topic is not None:
            offer(result.topic, 275.0)
        if ranking.ranked and not ranking.out_of_scope:
            top = ranking.ranked[0][1]
            for topic_id, score in ranking.ranked:
                offer(topic_id, 100.0 + 100.0 * score / top)
        for name, score, _ in process.extract(
            term, self.name_list, scorer=fuzz.WRatio, limit=None, score_cutoff=60
        ):
            offer(self.names[name], float(score))
        best = sorted(ranked.items(), key=lambda item: (-item[1], item[0]))
        return [topics[topic_id] for topic_id, _ in best[:limit]]


@lru_cache(maxsize=4)
def index_for(kb: KnowledgeBase) -> TopicIndex:
    """The search index of a loaded knowledge base, built once, with the packaged embedding
    model when search.yaml gives meaning a weight."""
    return TopicIndex(kb, shipped_embedder() if kb.search.meaning_weight > 0 else None)
