"""New posts in a forum channel listed in `forum_channel_ids`, with the real dk2 process.

A member opens a post; Discord sends THREAD_CREATE with the post's title (no privileged
intent: dk2 never reads the post's text). When dk2 is confident a curated answer fits the
title, one short message appears in the post with that answer as a button, and a click shows
the answer to whoever clicked. When it is unsure, the post gets nothing from dk2.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.e2e.harness import (
    Dk2Session,
    answered_once,
    button_ids,
    dk2_session,
    embed_text,
    private_text,
    wait_until,
)
from tests.fakediscord import Channel, FakeDiscord, Message
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.permissions import SEND_MESSAGES_IN_THREADS, Overwrite

pytestmark = pytest.mark.asyncio(loop_scope="module")

THREAD_MESSAGES = r"/channels/\d+/messages"


class Forums:
    """The forums of the module's guild: `listed` and `muted` are in forum_channel_ids
    (dk2 may not post in `muted`), `unlisted` is not."""

    def __init__(self, fake: FakeDiscord) -> None:
        world, guild = fake.world, fake.guild
        self.listed = world.add_forum(guild.id, "vitamin-questions")
        self.unlisted = world.add_forum(guild.id, "off-topic")
        self.muted = world.add_forum(guild.id, "read-only")
        bot_role = world.bot_role(guild.id)
        self.muted.overwrites.append(Overwrite(bot_role.id, 0, deny=SEND_MESSAGES_IN_THREADS))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def forum(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Dk2Session, Forums]]:
    require_spec()
    async with FakeDiscord() as fake:
        forums = Forums(fake)  # before dk2 connects: its GUILD_CREATE carries them
        listed = f"{forums.listed.id},{forums.muted.id}"
        workdir = tmp_path_factory.mktemp("dk2-forum")
        async with dk2_session(
            workdir, env={"DK2_FORUM_CHANNEL_IDS": listed}, fake=fake
        ) as session:
            yield session, forums
            assert fake.spec_violations == []


async def open_post(session: Dk2Session, forum: Channel, title: str) -> tuple[Channel, str]:
    """A fresh member opens a post; returns it and dk2's log line about it."""
    mark = session.bot.mark()
    thread = await session.fake.open_forum_post(forum.id, title, user=session.new_member())
    match = await session.bot.wait_for_log(f"post {thread.id} in forum {forum.id}", since=mark)
    line_end = session.bot.log(mark).find("\n", match.start())
    return thread, session.bot.log(mark)[match.start() : line_end]


def dk2_messages(session: Dk2Session, thread: Channel) -> list[Message]:
    bot = session.fake.bot.id
    return [m for m in session.fake.world.messages_in(thread.id) if m.author.id == bot]


async def test_a_confident_title_gets_one_message_with_the_answer_as_a_button(
    forum: tuple[Dk2Session, Forums],
) -> None:
    session, forums = forum
    thread, line = await open_post(session, forums.listed, "What does MGP do?")
    await wait_until(lambda: dk2_messages(session, thread))
    (offer,) = dk2_messages(session, thread)
    assert "curated answer" in offer.content and "not medical advice" in offer.content
    assert button_ids(offer) == ["dk2:topic:mgp"]
    (row,) = offer.components
    assert [button["label"] for button in row["components"]] == ["Matrix Gla protein (MGP)"]
    (posted,) = session.fake.requests.matching("POST", rf"/channels/{thread.id}/messages")
    assert posted.json["allowed_mentions"] == {"parse": []}  # the asker is not pinged
    assert "offered mgp" in line

    # Anyone reading the post clicks: the curated answer, shown to them alone.
    reader = session.new_member("reader")
    handle = await session.click(offer, "dk2:topic:mgp", user=reader)
    await answered_once(session.fake, handle)
    answer = handle.original
    assert answer is not None and answer.ephemeral
    assert answer.embeds[0]["title"] == "Matrix Gla protein (MGP)"
    assert "not medical advice" in embed_text(answer)
    assert dk2_messages(session, thread) == [offer]  # nothing more in the post itself


@pytest.mark.parametrize(
    "title",
    [
        "Should I take K2 with my vitamin D3?",  # dk2 would only suggest topics for this
        "Help with my sourdough starter",  # nothing curated
        "magnesium dosage?",  # out of scope
    ],
)
async def test_an_unsure_title_gets_nothing(forum: tuple[Dk2Session, Forums], title: str) -> None:
    session, forums = forum
    thread, line = await open_post(session, forums.listed, title)
    assert "no answer offered" in line
    assert dk2_messages(session, thread) == []
    assert session.fake.requests.matching("POST", rf"/channels/{thread.id}/messages") == []


async def test_a_forum_not_listed_is_left_alone(forum: tuple[Dk2Session, Forums]) -> None:
    session, forums = forum
    unlisted = await session.fake.open_forum_post(forums.unlisted.id, "What does MGP do?")
    # Events are handled in order: once the next post is answered, the first was seen.
    listed, _ = await open_post(session, forums.listed, "MGP")
    await wait_until(lambda: dk2_messages(session, listed))
    assert dk2_messages(session, unlisted) == []
    assert f"post {unlisted.id}" not in session.bot.log()


async def test_without_send_messages_in_threads_dk2_says_so_in_its_log_only(
    forum: tuple[Dk2Session, Forums],
) -> None:
    session, forums = forum
    thread, line = await open_post(session, forums.muted, "What does MGP do?")
    assert "lacks Send Messages in Threads" in line
    assert session.fake.requests.matching("POST", rf"/channels/{thread.id}/messages") == []


async def test_a_button_for_a_topic_that_is_gone_says_it_is_out_of_date(
    forum: tuple[Dk2Session, Forums],
) -> None:
    session, forums = forum
    fake = session.fake
    old = fake.world.add_message(
        forums.listed.id,
        content="an offer from an older knowledge base",
        components=[
            {
                "type": 1,
                "components": [
                    {"type": 2, "style": 1, "label": "Gone", "custom_id": "dk2:topic:gone"}
                ],
            }
        ],
    )
    handle = await session.click(old, "dk2:topic:gone", user=session.new_member())
    await answered_once(fake, handle)
    assert "out of date" in await private_text(handle)


async def test_the_log_stays_clean(forum: tuple[Dk2Session, Forums]) -> None:
    session, _ = forum
    assert session.bot.log_problems() == []
