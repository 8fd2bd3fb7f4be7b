"""One error handler: failures get a private ref the log also has; cooldowns say when to retry."""

from __future__ import annotations

import re

import pytest

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path
from bot.core.model import KnowledgeBase
from bot.discord_layer.embeds import ERROR_COLOUR
from bot.discord_layer.errors import CooldownStore
from tests.discord_layer.helpers import button_ids, embed_text, knowledge, running_dk2
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec


class BrokenHolder(KnowledgeHolder):
    """A knowledge holder that fails while `broken` is set (standing in for any bug)."""

    broken = False

    @property
    def current(self) -> KnowledgeBase:
        if self.broken:
            raise RuntimeError("the knowledge base fell over")
        return super().current


async def test_a_failure_is_a_private_reply_with_the_ref_in_the_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    require_spec()
    holder = BrokenHolder(default_knowledge_path(), knowledge())
    async with FakeDiscord() as fake, running_dk2(fake, holder=holder) as dk2:
        holder.broken = True
        handle = await dk2.command("dose", {"amount": "5000"})
        holder.broken = False
        after = await dk2.command("dose", {"amount": "5000"})
    message = handle.original
    assert message is not None and message.ephemeral
    assert message.embeds[0]["color"] == ERROR_COLOUR
    assert button_ids(message) == []
    match = re.search(r"\(ref ([0-9A-F]{6})\)", embed_text(message))
    assert match is not None
    (record,) = [r for r in caplog.records if f"ref {match[1]}" in r.getMessage()]
    assert record.exc_info is not None
    assert "the knowledge base fell over" in str(record.exc_info[1])
    assert "/dk2 dose" in record.getMessage()
    assert after.original is not None and not after.original.ephemeral  # dk2 carries on


async def test_cooldown_says_when_to_retry_and_autocomplete_is_free() -> None:
    require_spec()
    settings = Settings(
        knowledge_path=default_knowledge_path(), cooldown_rate=2, cooldown_per_seconds=60.0
    )
    async with FakeDiscord() as fake, running_dk2(fake, settings=settings) as dk2:
        for _ in range(3):
            typing = fake.autocomplete("explain", {"term": "k"}, focused="term", group="dk2")
            assert (await (await fake.dispatch_interaction(typing)).response()).type == 8
        first = await dk2.command("about")
        second = await dk2.command("level", {"value": "40"})
        third = await dk2.command("about")
        other_member = await dk2.command("about", user=dk2.moderator)
    assert first.original is not None and not first.original.ephemeral
    assert second.original is not None and not second.original.ephemeral
    assert third.original is not None and third.original.ephemeral
    text = embed_text(third.original)
    assert re.search(r"Try again in (59|60) seconds", text), text
    assert other_member.original is not None and not other_member.original.ephemeral


def test_cooldown_window_slides_and_the_store_is_pruned() -> None:
    now = [0.0]
    store = CooldownStore(2, 10.0, clock=lambda: now[0])
    assert store.hit(1) is None and store.hit(1) is None
    assert store.hit(1) == pytest.approx(10.0)
    now[0] = 4.0
    assert store.hit(1) == pytest.approx(6.0)
    for user in range(2, 1000):
        store.hit(user)
    assert len(store) == 999
    now[0] = 25.0
    assert store.hit(5000) is None  # the first hit after a window prunes everyone idle
    assert len(store) == 1
    now[0] = 30.0
    assert store.hit(5000) is None and store.hit(5000) == pytest.approx(5.0)
