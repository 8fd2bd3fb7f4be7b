"""What a member's message asks, for "Answer with dk2": a dose, a blood level or a question.

A message is chat, not a command: "I take 5000 IU of D3 daily with 100mcg K2, is that ok?"
carries a dose among other words, "my 25(OH)D came back at 28 ng/ml" a level. The amounts are
found as runs of amount tokens (`bot.core.tokens`: numbers, units, frequencies, labels) in
each sentence; a run counts only with a unit or a label, so "I'm 35" or "3 years" is not a
dose. The runs, re-joined, are read by the same readers the slash commands use, and what they
read is what the slash command would answer. With no amount, the message is a question for
the same search `/dk2 explain` uses.

The result is one answer when dk2 is sure, a few choices when it is not (two readings, a
reading next to a safety topic, a question search can only suggest for), and nothing when the
message is not about what dk2 covers. A message saying someone may need care now gets the
urgent-care answer alone, whatever else it holds. Each choice fits a Discord select option
(label and value at most 100 characters); `request_for_choice` turns a value back into the
request, so the choice needs no memory between the click that offered it and the pick.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final, Literal

from bot.core.amounts import InputError, parse_level, read_dose
from bot.core.commands import Request
from bot.core.model import KnowledgeBase
from bot.core.sanitize import clean
from bot.core.search import index_for
from bot.core.tokens import Token, tokenize
from bot.core.urgent import swallowed_many
from bot.core.wording import normalise_term

__all__ = [
    "CHOICE_LIMIT",
    "Choice",
    "MessageReading",
    "read_message",
    "request_for_choice",
]

CHOICE_LIMIT: Final = 100  # Discord's limit on a select option's label and value
Kind = Literal["dose", "level", "question", "unsure", "off-topic", "urgent"]
_READING_KIND: Final[dict[str, Kind]] = {"dose": "dose", "level": "level"}

# Tokens that belong to an amount as members write it: "2 x 5000 IU of D3 twice a week",
# "1000-2000 IU", "k2 mk-7 100 mcg", "<10 ng/ml", "25(oh)d 75 nmol/l".
_DOSE_KINDS: Final = frozenset(
    {"num", "unit", "freq", "d3", "d2", "k2", "mk4", "form", "range", "times", "below", "above"}
)
_LEVEL_KINDS: Final = frozenset({"num", "unit", "levelname", "below", "above"})
# What makes a run of those an amount rather than a stray number.
_DOSE_MARKS: Final = frozenset({"unit", "d3", "d2", "k2", "mk4"})
_LEVEL_MARKS: Final = frozenset({"unit", "levelname"})
_SENTENCE: Final = re.compile(r"(?<=[!?;])\s*|(?<=\.)\s+|\n+")
_PREFIX: Final = {"dose": "d:", "level": "l:", "explain": "t:"}
_OPTION: Final = {"dose": "amount", "level": "value", "explain": "term"}
# The term of the one answer to a message saying someone may need care now: search.yaml's
# `urgent` phrases hold it, so `/dk2 explain urgent care` is the same reply and a select
# value for it needs nothing remembered.
URGENT_TERM: Final = "urgent care"


@dataclass(frozen=True, slots=True)
class Choice:
    """One answer dk2 could give: the request, what a select shows for it, its select value."""

    request: Request
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class MessageReading:
    """What the message asks: `kind`, and the answer (one choice) or the choices to pick from
    (several when `unsure`; none when `off-topic`)."""

    kind: Kind
    choices: tuple[Choice, ...]


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE.split(text) if part and part.strip()]


def _runs(tokens: tuple[Token, ...], kinds: frozenset[str], marks: frozenset[str]) -> list[str]:
    """The text of each maximal run of amount tokens that holds a number and a mark."""
    runs: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind in kinds:
            runs[-1].append(token)
        elif runs[-1]:
            runs.append([])
    kept = []
    for run in runs:
        found = {token.kind for token in run}
        if "num" in found and found & marks:
            kept.append(" ".join(token.text for token in run))
    return kept


def _dose_texts(kb: KnowledgeBase, sentence: str) -> list[str]:
    """The dose amounts in a sentence, each as text `/dk2 dose` reads: all its amount runs
    together ("5000 iu of d3 daily" and "100 mcg k2" are one dose with K2), or, when they
    don't read as one dose, each run that reads alone."""
    runs = _runs(tokenize(sentence, kb.units, "dose"), _DOSE_KINDS, _DOSE_MARKS)
    if not runs:
        return []
    together = " ".join(runs)
    if len(runs) > 1 and _reads_as_dose(kb, together):
        return [together]
    return [run for run in runs if _reads_as_dose(kb, run)]


def _reads_as_dose(kb: KnowledgeBase, text: str) -> bool:
    reading = read_dose(text, None, kb.units)
    return not isinstance(reading, InputError) and reading.d.unit_given


def _level_texts(kb: KnowledgeBase, sentence: str) -> list[str]:
    runs = _runs(tokenize(sentence, kb.units, "level"), _LEVEL_KINDS, _LEVEL_MARKS)
    return [run for run in runs if not isinstance(parse_level(run, kb.units), InputError)]


def _reading_choice(kb: KnowledgeBase, command: str, text: str) -> Choice | None:
    value = _PREFIX[command] + text
    if len(value) > CHOICE_LIMIT or len(text) > kb.units.max_input_chars:
        return None
    label = kb.messages.get(f"answer_with.{command}_choice", text=text)
    return Choice(Request(command, {_OPTION[command]: text}), _fit(label), value)


def _topic_choice(kb: KnowledgeBase, topic_id: str) -> Choice:
    return _explain_choice(topic_id, kb.topics[topic_id].title)


def _explain_choice(term: str, label: str) -> Choice:
    """`/dk2 explain <term>`, labelled `label`; its select value is the term itself."""
    return Choice(Request("explain", {"term": term}), _fit(label), _PREFIX["explain"] + term)


def _fit(label: str) -> str:
    label = clean(label, CHOICE_LIMIT)
    return label if label.strip() else "…"


def _question_text(kb: KnowledgeBase, text: str) -> str:
    """The part of the message search reads: all of it when short enough, else its last
    question that fits, else its start."""
    limit = kb.units.max_input_chars
    if len(text) <= limit:
        return text
    questions = [s for s in _sentences(text) if s.endswith("?") and len(s) <= limit]
    if questions:
        return questions[-1]
    # Cut at the last space or line break, so no word is read cut short.
    words = text[:limit].rsplit(None, 1)
    return words[0] if words else ""


def _urgent(kb: KnowledgeBase) -> MessageReading:
    """Someone may need care now: where to find it, alone; no dose or level is read."""
    title = kb.messages.get("explain.urgent_title")
    return MessageReading("urgent", (_explain_choice(URGENT_TERM, title),))


def read_message(kb: KnowledgeBase, text: str) -> MessageReading:
    """What `text` asks (see the module's docstring); never raises for any text."""
    # The whole message is looked at first, not only the question searched: "I took 100 pills
    # of my d3" may come long before the question a long post ends with.
    if swallowed_many(normalise_term(text)):
        return _urgent(kb)
    question = _question_text(kb, text)
    index = index_for(kb)
    result = index.search(question) if normalise_term(question) else None
    if result is not None and result.how == "urgent":
        return _urgent(kb)
    readings: list[Choice] = []
    for sentence in _sentences(text):
        found = [
            *(_reading_choice(kb, "dose", t) for t in _dose_texts(kb, sentence)),
            *(_reading_choice(kb, "level", t) for t in _level_texts(kb, sentence)),
        ]
        for choice in found:
            if choice is not None and choice.value not in {c.value for c in readings}:
                readings.append(choice)
    topic = result.topic if result is not None else None
    limit = kb.search.max_suggestions
    if len(readings) == 1:
        if topic is not None and topic in kb.search.safety_first:
            # Safety outranks brevity: the caution the member named is offered beside the dose.
            return MessageReading("unsure", (readings[0], _topic_choice(kb, topic)))
        return MessageReading(_READING_KIND[readings[0].request.command], (readings[0],))
    if readings:
        # At most `limit + 1` choices, and the topic the message names is never the one cut:
        # a member asking about warfarin beside four doses still gets warfarin offered.
        extra = [_topic_choice(kb, topic)] if topic is not None else []
        return MessageReading("unsure", tuple([*readings[: limit + 1 - len(extra)], *extra]))
    if result is None or result.how == "out-of-scope":
        return MessageReading("off-topic", ())
    if topic is not None:
        return MessageReading("question", (_topic_choice(kb, topic),))
    if result.suggestions and index.rank(normalise_term(question)).coverage >= (
        kb.search.min_coverage
    ):
        # Enough of the message is in dk2's words for its suggestions to be worth a choice.
        return MessageReading(
            "unsure", tuple(_topic_choice(kb, t) for t in result.suggestions[:limit])
        )
    return MessageReading("off-topic", ())


def request_for_choice(kb: KnowledgeBase, value: str) -> Request | None:
    """The request a select value stands for; None for a value dk2 never offers (a topic
    since removed, a forged value)."""
    for command, prefix in _PREFIX.items():
        if not value.startswith(prefix):
            continue
        rest = value[len(prefix) :]
        if not rest or len(value) > CHOICE_LIMIT:
            return None
        if command == "explain" and rest not in kb.topics and rest != URGENT_TERM:
            return None
        return Request(command, {_OPTION[command]: rest})
    return None
