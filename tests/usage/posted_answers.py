"""The same scenarios for both stores of posted answers (SQLite here, PostgreSQL in
tests/pg_store): what a repeat check finds, and what pruning keeps."""

from __future__ import annotations

from bot.core.repeats import PostedAnswer
from bot.usage.log import AnswerLog

T0 = 1_700_000_000.0
CHANNEL = 1_300_000_000_000_000_001
OTHER_CHANNEL = 1_300_000_000_000_000_002
GUILD = 1_300_000_000_000_000_100


def posted(message_id: int, key: str, at: float, *, channel: int = CHANNEL) -> PostedAnswer:
    return PostedAnswer(GUILD, channel, message_id, key, at)


def pin(message_id: int, pinned: bool = True) -> PostedAnswer:
    """What the Pin button notes: which message, where, and pinned or not (no key)."""
    return PostedAnswer(GUILD, CHANNEL, message_id, "", T0, pinned)


async def finds_the_newest_same_answer_in_the_channel(store: AnswerLog) -> None:
    await store.record_answer(posted(11, "explain:mgp", T0 - 500))
    await store.record_answer(posted(12, "explain:mgp", T0 - 100))
    await store.record_answer(posted(13, "explain:synergy", T0 - 50))
    await store.record_answer(posted(14, "explain:mgp", T0 - 10, channel=OTHER_CHANNEL))
    found = await store.earlier_answer(CHANNEL, "explain:mgp", T0 - 600)
    assert found == posted(12, "explain:mgp", T0 - 100)
    # Outside the window: nothing; another key or channel never counts.
    assert await store.earlier_answer(CHANNEL, "explain:mgp", T0 - 99) is None
    assert await store.earlier_answer(CHANNEL, "dose:moderate", T0 - 600) is None
    assert (await store.earlier_answer(OTHER_CHANNEL, "explain:mgp", T0 - 600)) == posted(
        14, "explain:mgp", T0 - 10, channel=OTHER_CHANNEL
    )
    # Recording the same message twice (a retried call) keeps one row, the first.
    await store.record_answer(posted(12, "explain:mgp", T0))
    again = await store.earlier_answer(CHANNEL, "explain:mgp", T0 - 600)
    assert again is not None and again.at == T0 - 100


async def a_pinned_answer_counts_whatever_its_age(store: AnswerLog) -> None:
    # Outside any window but under a day old: the writer prunes unpinned rows older than a day,
    # and an older one could be pruned before the pin below arrives.
    old = posted(21, "level:sufficient", T0 - 3_600)
    await store.record_answer(old)
    await store.record_answer(posted(22, "level:sufficient", T0 - 5))
    assert await store.earlier_answer(CHANNEL, "level:sufficient", T0 - 60) == posted(
        22, "level:sufficient", T0 - 5
    )
    await store.set_pinned(pin(21))
    # The pinned one is the better link: it stays where it is.
    found = await store.earlier_answer(CHANNEL, "level:sufficient", T0 - 60)
    assert found is not None and (found.message_id, found.pinned) == (21, True)
    assert await store.earlier_answer(CHANNEL, "level:sufficient", T0) is not None
    await store.set_pinned(pin(21, pinned=False))
    assert await store.earlier_answer(CHANNEL, "level:sufficient", T0) is None


async def a_pin_noted_before_the_answers_record_still_counts(store: AnswerLog) -> None:
    # A moderator pins within moments of the answer, before its record is written.
    await store.set_pinned(pin(31))
    assert await store.earlier_answer(CHANNEL, "explain:synergy", 0) is None  # no answer yet
    await store.record_answer(posted(31, "explain:synergy", T0 - 40 * 86_400))
    found = await store.earlier_answer(CHANNEL, "explain:synergy", T0)
    assert found is not None and (found.message_id, found.pinned) == (31, True)
