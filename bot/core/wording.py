"""The words of a member's question as search sees them: tokens, stems, corrected typos.

Stemming is Snowball's English stemmer (PyStemmer), so "arteries", "artery" and "arterial"
meet at one stem. A word that is not in the knowledge base's vocabulary is corrected to the
closest vocabulary word when rapidfuzz finds one similar enough ("osteocalsin" reads as
"osteocalcin"); short words are never corrected, since one letter changes their meaning.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import Stemmer
from rapidfuzz import fuzz, process

# A word; digits grouped or with decimals ("5,000", "1.25") stay one number.
_WORD = re.compile(r"[a-z0-9µ]+(?:[-'][a-z0-9]+|(?<=\d)[.,]\d+)*")
# A number, or a range of two typed with a hyphen ("2000-3000", members' "1000-2000iu").
_NUMBER = re.compile(r"\d[\d.,]*(?:-\d[\d.,]*)?")
# What an amount's words become in the question: one placeholder, matching no topic's words.
AMOUNT = "#"
# Words shorter than this are only ever taken as typed.
_MIN_CORRECTABLE = 4
# Corrections remembered before the memory starts over: members can type endless new words.
_MAX_REMEMBERED = 4096
# Endings that make another form of a word ("cooking", "spreads", "charged", "slipping"):
# a form of an everyday word is an everyday word too.
_ENDINGS = ("ing", "ed", "es", "s", "er", "ers")
_STEMMER = Stemmer.Stemmer("english")


# K2's forms as members write them, "mk-7", "mk 7", "mk_7" or "mk7", are one word: read apart,
# the number would be an amount and "mk 7" the same words as "mk 4".
_MK_FORM = re.compile(r"\bmk[\s_-]*([47])\b")


def tokens(text: str) -> list[str]:
    """Lowercased words, with the Greek mu folded into the micro sign and K2's forms
    written one way ("mk7")."""
    folded = _MK_FORM.sub(r"mk\1", text.lower().replace("μ", "µ").replace("’", "'"))
    return _WORD.findall(folded)


def normalise_term(text: str) -> str:
    return " ".join(tokens(text))


# Where a sentence ends: ".", "?" or "!" (or several, "??") before a space; not inside "1.25".
_SENTENCE_END = re.compile(r"(?<=[.?!])\s+")


def asked_part(text: str) -> str | None:
    """Of a member's post of several sentences, the sentences that ask (those holding a "?")
    when some do not, else its last sentence: in "I'm 40 and take 1000 IU. My GP never
    mentioned K2. Do I need it?" the story is context and the last sentence the question.
    None for one sentence: there is nothing to set aside."""
    sentences = [sentence for sentence in _SENTENCE_END.split(text.strip()) if sentence]
    if len(sentences) < 2:
        return None
    asking = [sentence for sentence in sentences if "?" in sentence]
    return " ".join(asking) if asking and len(asking) < len(sentences) else sentences[-1]


class Rewrites:
    """Members' own words read as the words the topics use: "w/o" as "without", "bloods" as
    "blood test", a blood thinner's brand name as "blood thinner" (search.yaml's synonyms).
    Keys and values are normalised like a question, and a key matches whole words only, the
    longest key first ("w o" before "w")."""

    def __init__(self, synonyms: Mapping[str, str]) -> None:
        self.pairs = {
            key: normalise_term(value)
            for typed, value in synonyms.items()
            if (key := normalise_term(typed))
        }
        keys = sorted(self.pairs, key=lambda key: (-len(key), key))
        self.pattern = (
            re.compile(r"(?<!\S)(?:" + "|".join(map(re.escape, keys)) + r")(?!\S)")
            if keys
            else None
        )

    def apply(self, term: str) -> str:
        """A normalised term with each member's word or phrase replaced, once, left to right."""
        if self.pattern is None:
            return term
        return self.pattern.sub(lambda match: self.pairs[match.group(0)], term)


# Spellings of the units a conversion question names, by unit.
_UNIT_SPELLINGS = {
    "iu": "iu", "ius": "iu", "ui": "iu", "units": "iu", "unit": "iu",
    "mcg": "mcg", "µg": "mcg", "ug": "mcg", "microgram": "mcg", "micrograms": "mcg",
    "mg": "mg", "milligram": "mg", "milligrams": "mg",
    "ng": "ng", "ng/ml": "ng", "nmol": "nmol", "nmol/l": "nmol",
}  # fmt: skip
_UNIT_AFTER_NUMBER = re.compile(r"^\d[\d.,]*(?:-\d[\d.,]*)?([^\d.,].*)$")
_UNIT_NAMES = "|".join(map(re.escape, sorted(_UNIT_SPELLINGS, key=len, reverse=True)))
# A figure asked for in two units at once ("what level is toxic, in ng/ml and nmol", "the
# recommended amount in iu and in micrograms"): the question is the figure's, not a conversion.
_UNIT_NAME = rf"(?:{_UNIT_NAMES})(?: ml| l)?"  # "ng/ml" is normalised as "ng ml"
_IN_BOTH_UNITS = re.compile(
    rf"(?<!\S)in (?:both )?{_UNIT_NAME} (?:and|&) (?:in )?{_UNIT_NAME}(?!\S)"
)


def conversion_units(term: str) -> list[str]:
    """The units a normalised term asks to convert between: two or more distinct units, at
    least one of them named on its own rather than as an amount's unit ("how many iu is 50
    mcg", "75 nmol/l in ng/ml"); none for "5000 iu d3 with 100 mcg k2", nor for a figure asked
    for in both ("the rda in iu and mcg")."""
    if _IN_BOTH_UNITS.search(term):
        return []
    named: list[str] = []
    alone = False
    previous = ""
    for token in term.split():
        glued = _UNIT_AFTER_NUMBER.match(token)
        unit = _UNIT_SPELLINGS.get(glued.group(1) if glued else token)
        if unit is not None:
            alone = alone or not (glued or _NUMBER.fullmatch(previous))
            if unit not in named:
                named.append(unit)
        previous = token
    return named if alone and len(named) > 1 else []


# An age as members type it: "70 year old", "70-year-old", "5 yr old", "28yo", "6 months old".
_AGE = re.compile(r"\b(\d{1,3})[ -]?(?:(?:years?|yrs?|yr)[ -]old|yo|(months?|weeks?)[ -]old)\b")
ADULT_AGE = 18


def ages_as_words(term: str) -> str:
    """A normalised term with each age written as who it is: "child" under 18 years,
    "baby" in months or weeks, "adult" from 18. The words "years old" alone say child to
    search (a topic's alias), so "my 70 year old mum" must not read as a question on
    children."""

    def word(match: re.Match[str]) -> str:
        if match.group(2):
            return "baby"
        return "adult" if int(match.group(1)) >= ADULT_AGE else "child"

    return _AGE.sub(word, term)


# A blood level typed as a bare number after the words that report one ("my level is 18",
# "result came back at 17", "my number was 18", "vit d of 9"): labs and doctors give the
# number, and a member quotes it without its unit. Only a level, result, reading or number
# that is the member's own or the lab's ("my", "the", "lab"...) or opens the question: another
# measure's ("my egfr number is 55", "heart rate reading", "my son is level 3 in swimming") is
# not vitamin D's. Not a number with a unit, an age, a share, a count or a frequency ("my
# level is 18 ng/ml", "my result was 18 months ago", "vit d of 50 every day"), a range,
# "25 oh d" (the test's name), nor above 150 (in nmol/l, most likely, which the ranges in
# ng/ml don't hold).
_LEVEL_WORDS = (
    r"(?:(?:^|\b(?:my|the|your|his|her|their|our|a|lab|test|latest|last|recent|d|d3) )"
    r"(?:levels?|results?|reading|number)|\bvit d|\bvitamin d)"
)
_LEVEL_LINKS = (
    r"(?: (?:is|was|were|of|at|says|said|came|back|showed|shows|just|only|now|like|about))*"
)
_NOT_A_LEVEL = (
    r"(?![\d.,-])(?! ?(?:%|percent|years?|yrs?|yr|yo|months?|mo|weeks?|wks?|days?|hours?|hrs?|"
    r"mins?|minutes|times|x|k|oh|iu|ius|ui|units?|mcg|ug|µg|mg|micrograms?|ng|nmol|pg|pmol|"
    r"drops?|pills?|caps|capsules?|softgels?|tablets?|a day|daily|a week|weekly|every|each|per|once|twice)\b)"
)
_BARE_LEVEL = re.compile(rf"({_LEVEL_WORDS}{_LEVEL_LINKS} )(\d{{1,3}}(?:\.\d+)?){_NOT_A_LEVEL}")
HIGHEST_BARE_LEVEL = 150


def levels_with_unit(term: str) -> str:
    """A normalised term with each blood level typed as a bare number ("my level is 18")
    given the unit ng/ml, so that search reads it as a level, like "my level is 18 ng/ml"."""

    def level(match: re.Match[str]) -> str:
        if float(match.group(2)) > HIGHEST_BARE_LEVEL:
            return match.group(0)
        return f"{match.group(1)}{match.group(2)} ng ml"

    return _BARE_LEVEL.sub(level, term)


def stem(word: str) -> str:
    """The stem of one lowercased word ("arteries" -> "arteri"); a possessive 's goes first."""
    return str(_STEMMER.stemWord(word.removesuffix("'s")))


@dataclass(frozen=True, slots=True)
class Word:
    typed: str
    stem: str  # the stem search uses: the typed word's, or the corrected word's
    stopword: bool
    known: bool  # the stem is in the vocabulary
    corrected: bool  # known only through a typo correction


class Vocabulary:
    """Every word the topics use, and what a member's words stand for among them."""

    def __init__(
        self,
        texts: Iterable[str],
        stopwords: frozenset[str],
        similarity: float,
        amount_units: frozenset[str] = frozenset(),
        common_words: frozenset[str] = frozenset(),
        refusing: tuple[Iterable[str], float] = ((), 100.0),
    ) -> None:
        self.stopwords = stopwords
        # Everyday English words ("weather", "last", "deal"): never read as a typo of a
        # vocabulary word ("whether", "least", "ideal") they happen to resemble.
        self.common_words = common_words
        self.similarity = similarity
        self.amount_units = amount_units
        words = {word for text in texts for word in tokens(text)}
        # Words only the phrases that refuse a question use ("bleeds", "lens", "horse"), none
        # of `texts`: a typed word is read as one only at `refusing`'s stricter similarity,
        # since reading "Leeds" or "leans" so would refuse a question on the subject.
        phrases, self.refusing_similarity = refusing
        self.refusing = frozenset(w for text in phrases for w in tokens(text)) - words
        words |= self.refusing
        self.stems = frozenset(stem(word) for word in words)
        self._long_words = sorted(word for word in words if len(word) >= _MIN_CORRECTABLE)
        self._held = frozenset(words) | stopwords
        self._by_length: dict[int, list[str]] = {}
        self._corrections: dict[str, str | None] = {}
        self._words: dict[tuple[str, bool], Word] = {}  # a typed word as read before

    def _candidates(self, size: int) -> list[str]:
        """The vocabulary words long or short enough to reach the similarity with a word of
        `size` letters. rapidfuzz's ratio is 1 - distance / (sum of lengths), and the
        distance is at least the difference in length, so the rest can never match."""
        if size not in self._by_length:
            slack = 1 - self.similarity / 100
            low, high = size * (1 - slack) / (1 + slack), size * (1 + slack) / (1 - slack)
            self._by_length[size] = [w for w in self._long_words if low <= len(w) <= high]
        return self._by_length[size]

    def everyday(self, word: str) -> bool:
        """Whether `word` is an everyday word or a form of one: "cooking" is "cook" and an
        ending, so it is never read as a typo of "choking". A form of a word the vocabulary
        or the stopwords hold is not: "basics" is still read as "basic"."""
        if word in self.common_words:
            return True
        for ending in _ENDINGS:
            base = word.removesuffix(ending)
            if base == word or len(base) < 3:
                continue
            doubled = len(base) > 3 and base[-1] == base[-2]  # "slipping" is "slip"
            bases = {base, base + "e", base[:-1] if doubled else base}
            if bases & self.common_words and not bases & self._held:
                return True
        return False

    def correction(self, word: str) -> str | None:
        """The vocabulary word a typed word is a typo of, or None."""
        if word in self._corrections:
            return self._corrections[word]
        if len(word) < _MIN_CORRECTABLE or self.everyday(word):
            return None
        match = process.extractOne(
            word, self._candidates(len(word)), scorer=fuzz.ratio, score_cutoff=self.similarity
        )
        if match and match[0] in self.refusing and match[1] < self.refusing_similarity:
            match = None
        if len(self._corrections) >= _MAX_REMEMBERED:
            self._corrections.clear()
        self._corrections[word] = match[0] if match else None
        return self._corrections[word]

    def forget_corrections(self) -> None:
        self._corrections.clear()
        self._words.clear()

    def _is_amount(self, word: str, after_number: bool) -> bool:
        """A number ("600", "5,000", "10k", "5000iu") or a unit right after one."""
        if after_number and word in self.amount_units:
            return True
        match = _NUMBER.match(word)
        return match is not None and (
            match.end() == len(word) or word[match.end() :] in self.amount_units
        )

    def read(self, text: str, *, correct: bool = True) -> list[Word]:
        """Each word of `text` in order, stemmed, typos corrected (unless not `correct`),
        stopwords marked. A hyphenated word the vocabulary lacks is read as the word its
        parts make together ("osteo-calcin"), else as its parts ("25-hydroxyvitamin" as
        "25 hydroxyvitamin"). An amount ("600 iu", "12 ng/ml") is one placeholder that no
        topic's words match: it says how much, not what about, so "is 12 ng/ml low" is not a
        question on units."""
        out: list[Word] = []
        for typed in tokens(text):
            if self._is_amount(typed, bool(out) and out[-1].stem == AMOUNT):
                if not (out and out[-1].stem == AMOUNT):
                    out.append(Word(typed, AMOUNT, True, False, False))
                continue
            if (typed, correct) in self._words:  # members use the same words again and again
                out.append(self._words[typed, correct])
            elif "-" in typed and typed not in self.stopwords and stem(typed) not in self.stems:
                joined = typed.replace("-", "")
                if stem(joined) in self.stems:  # "osteo-calcin" is osteocalcin
                    out.append(Word(typed, stem(joined), False, True, False))
                else:
                    out.extend(self.read(typed.replace("-", " "), correct=correct))
            else:
                if len(self._words) >= _MAX_REMEMBERED:
                    self._words.clear()
                out.append(self._words.setdefault((typed, correct), self._word(typed, correct)))
        return out

    def _word(self, typed: str, correct: bool) -> Word:
        """One word that is not an amount, as `read` reads it."""
        if typed in self.stopwords:
            return Word(typed, stem(typed), True, False, False)
        stemmed = stem(typed)
        if stemmed in self.stems:
            return Word(typed, stemmed, False, True, False)
        corrected = self.correction(typed) if correct else None
        if corrected is None:
            return Word(typed, stemmed, False, False, False)
        return Word(typed, stem(corrected), False, True, True)
