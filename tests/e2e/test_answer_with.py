"""Apps → "Answer with dk2" on a member's message, and no repeats in a channel, in the real
process against the local Discord.

What a member sees: the answer posted as a reply to the message (pinging nobody, with the Pin
button), the clicker's private "posted" with the link; a private select when dk2 is unsure
and only the pick posted; a private "nothing curated" for an off-topic message. And the same
answer asked for again in a channel within the window (or while the first is pinned) comes
privately with a link to the first, while after the window it is posted again.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from tests.e2e.harness import (
    PIN_ID,
    UNPIN_ID,
    Dk2Session,
    button_ids,
    dk2_session,
    embed_text,
    wait_until,
)
from tests.fakediscord import Channel, FakeDiscord, InteractionHandle, Message, User
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.payloads import (
    CONTEXT_GUILD,
    CONTEXT_PRIVATE_CHANNEL,
    through_user_install,
)
from tests.fakediscord.permissions import (
    DEFAULT_EVERYONE,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    USE_EXTERNAL_APPS,
    Overwrite,
)
from tests.fakediscord.state import new_snowflake

pytestmark = pytest.mark.asyncio(loop_scope="module")

MENU = "Answer with dk2"
WINDOW_MINUTES = 10
KB: KnowledgeBase | None = load_knowledge(default_knowledge_path()).knowledge


def kb() -> KnowledgeBase:
    assert KB is not None
    return KB


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dk2(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Dk2Session]:
    """dk2 with the no-repeats rule on, as an operator runs it by default."""
    require_spec()
    env = {"DK2_REPEAT_WINDOW_MINUTES": str(WINDOW_MINUTES)}
    async with FakeDiscord() as fake:
        # A forum where dk2 may only post in posts (threads), not in the forum itself.
        forum = fake.world.add_forum(fake.guild.id, "questions")
        bot_role = fake.world.bot_role(fake.guild.id)
        forum.overwrites.append(Overwrite(id=bot_role.id, type=0, deny=SEND_MESSAGES))
        async with dk2_session(tmp_path_factory.mktemp("dk2"), env=env, fake=fake) as session:
            yield session
            assert session.fake.spec_violations == [], [
                v.errors for v in session.fake.spec_violations
            ]
            assert session.bot.log_problems() == []


# -- helpers ----------------------------------------------------------------------------------


def new_channel(dk2: Dk2Session) -> int:
    """A fresh text channel in the guild, so each scenario starts with no earlier answers."""
    guild = dk2.fake.guild
    channel = Channel(id=new_snowflake(), guild_id=guild.id, name=f"c{len(guild.channels)}")
    guild.channels[channel.id] = channel
    return channel.id


def said(dk2: Dk2Session, text: str, channel_id: int | None = None) -> Message:
    """A member's message in the channel (the default one unless given)."""
    author = dk2.new_member()
    return dk2.fake.world.add_message(
        channel_id or dk2.fake.channel.id, content=text, author=author
    )


async def answer_with(
    dk2: Dk2Session, message: Message, user: User | None = None
) -> InteractionHandle:
    """`user` (a fresh member: their own cooldown) uses Apps → Answer with dk2 on `message`."""
    payload = dk2.fake.message_command(message, MENU, user=user or dk2.new_member())
    return await dk2.dispatch(payload)


def replies_to(dk2: Dk2Session, message: Message) -> list[Message]:
    return [
        m
        for m in dk2.fake.world.messages.values()
        if m.message_reference and m.message_reference["message_id"] == str(message.id)
    ]


async def the_reply(dk2: Dk2Session, message: Message) -> Message:
    await wait_until(lambda: replies_to(dk2, message))
    (reply,) = replies_to(dk2, message)
    return reply


def posted_bodies(dk2: Dk2Session, channel_id: int) -> list[dict[str, Any]]:
    return [r.json for r in dk2.fake.requests.matching("POST", rf"/channels/{channel_id}/messages")]


def jump(dk2: Dk2Session, channel_id: int, message_id: int) -> str:
    return f"https://discord.com/channels/{dk2.fake.guild.id}/{channel_id}/{message_id}"


async def private_note(handle: InteractionHandle) -> Message:
    """The clicker's private message once dk2 has finished with it (no longer "thinking")."""
    message = await handle.wait_for_original(loaded=True)
    await wait_until(lambda: message.content)
    assert message.ephemeral
    return message


def select_options(message: Message) -> list[dict[str, Any]]:
    (row,) = message.components
    (select,) = row["components"]
    assert select["type"] == 3
    return list(select["options"])


# -- the command is synced with the slash group ---------------------------------------------


async def test_the_message_command_is_synced_beside_the_slash_group(dk2: Dk2Session) -> None:
    commands = dk2.fake.commands(dk2.fake.guild.id)
    kinds = {(command["name"], command["type"]) for command in commands}
    assert (MENU, 3) in kinds and ("dk2", 1) in kinds
    menu = next(command for command in commands if command["name"] == MENU)
    assert menu["description"] == "" and menu["options"] == []
    # Like /dk2: a server install and a member's own, in servers, DMs and group DMs.
    assert sorted(menu["integration_types"]) == [0, 1]
    assert sorted(menu["contexts"]) == [0, 1, 2]


# -- answers posted as replies ---------------------------------------------------------------


async def test_a_question_is_answered_as_a_reply_that_pings_nobody(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    asked = said(dk2, "can I take vitamin D with warfarin", channel)
    handle = await answer_with(dk2, asked)
    callback = await handle.response()
    assert callback.type == 5 and callback.data and callback.data["flags"] & 64  # private
    reply = await the_reply(dk2, asked)
    assert reply.author.id == dk2.fake.bot.id and reply.type == 19
    assert reply.embeds[0]["title"] == kb().topics["warfarin"].title
    assert button_ids(reply) == [PIN_ID]
    # On the wire: a reply to that message, mentioning nobody, its author included.
    (body,) = posted_bodies(dk2, channel)
    assert body["message_reference"]["message_id"] == str(asked.id)
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert reply.mentioned == [] and reply.to_payload()["mentions"] == []
    # The clicker is told where it went, privately.
    note = await private_note(handle)
    assert jump(dk2, channel, reply.id) in note.content


async def test_a_dose_among_chat_words_is_answered_with_its_band(dk2: Dk2Session) -> None:
    asked = said(dk2, "I take 5000 IU of D3 daily with 100mcg K2, is that ok?")
    await answer_with(dk2, asked)
    reply = await the_reply(dk2, asked)
    text = embed_text(reply)
    band = kb().bands["dose"].get("above_ul")  # 5,000 IU a day lies in (4000, 10000]
    assert band is not None and band.label in text
    assert "5,000" in text and "100" in text
    assert reply.mentioned == []


async def test_a_level_is_answered_with_its_band(dk2: Dk2Session) -> None:
    asked = said(dk2, "my 25(OH)D came back at 75 nmol/L, thoughts?")
    await answer_with(dk2, asked)
    reply = await the_reply(dk2, asked)
    # Titled with the value as typed and its band (level.title in messages.yaml).
    assert reply.embeds[0]["title"].startswith("75 nmol/L: ")


async def test_an_off_topic_message_gets_a_private_nothing_and_no_post(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    asked = said(dk2, "anyone watching the game tonight?", channel)
    handle = await answer_with(dk2, asked)
    callback = await handle.response()
    assert callback.type == 4 and callback.data and callback.data["flags"] & 64
    assert callback.data["embeds"][0]["title"] == "Nothing curated for this"
    assert posted_bodies(dk2, channel) == [] and replies_to(dk2, asked) == []


async def test_unsure_offers_a_private_select_and_posts_only_the_pick(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    asked = said(dk2, "is k2 good with my vitamin d", channel)
    clicker = dk2.new_member()
    handle = await answer_with(dk2, asked, clicker)
    callback = await handle.response()
    assert callback.type == 4 and callback.data and callback.data["flags"] & 64
    offer = handle.original
    assert offer is not None and offer.ephemeral
    options = select_options(offer)
    assert 2 <= len(options) <= 3
    assert all(o["label"] == kb().topics[o["value"][2:]].title for o in options)
    assert posted_bodies(dk2, channel) == []  # nothing public before the pick

    chosen = options[1]
    custom_id = offer.components[0]["components"][0]["custom_id"]
    pick = await dk2.dispatch(
        dk2.fake.select_pick(offer, custom_id, [chosen["value"]], user=clicker)
    )
    assert (await pick.response()).type == 6  # the private message stays, updated below
    reply = await the_reply(dk2, asked)
    assert reply.embeds[0]["title"] == chosen["label"]
    assert len(posted_bodies(dk2, channel)) == 1
    await wait_until(lambda: offer.components == [])
    assert jump(dk2, channel, reply.id) in offer.content


async def test_a_pick_dk2_no_longer_offers_is_refused(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    asked = said(dk2, "is k2 good with my vitamin d", channel)
    handle = await answer_with(dk2, asked)
    await handle.response()
    offer = handle.original
    assert offer is not None
    custom_id = offer.components[0]["components"][0]["custom_id"]
    pick = await dk2.dispatch(
        dk2.fake.select_pick(offer, custom_id, ["t:no-such-topic"], user=dk2.new_member())
    )
    assert (await pick.response()).type == 7
    assert "no longer matches" in offer.content and offer.components == []
    assert posted_bodies(dk2, channel) == []


async def test_no_reply_rights_means_the_answer_privately(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    guild = dk2.fake.guild
    bot_role = dk2.fake.world.bot_role(guild.id)
    guild.channels[channel].overwrites.append(
        Overwrite(id=bot_role.id, type=0, allow=0, deny=READ_MESSAGE_HISTORY)
    )
    asked = said(dk2, "can I take vitamin D with warfarin", channel)
    handle = await answer_with(dk2, asked)
    note = await private_note(handle)
    assert "Read Message History" in note.content
    assert note.embeds[0]["title"] == kb().topics["warfarin"].title
    assert posted_bodies(dk2, channel) == []


async def test_in_a_forum_post_the_reply_goes_in_the_post(dk2: Dk2Session) -> None:
    forum = next(c for c in dk2.fake.guild.channels.values() if c.type == 15)
    post = await dk2.fake.open_forum_post(forum.id, "K2 question", user=dk2.new_member())
    asked = said(dk2, "can I take vitamin D with warfarin", post.id)
    await answer_with(dk2, asked)
    reply = await the_reply(dk2, asked)
    assert reply.channel_id == post.id
    assert reply.embeds[0]["title"] == kb().topics["warfarin"].title


# -- no repeats in a channel ------------------------------------------------------------------


async def explain(dk2: Dk2Session, term: str, channel_id: int) -> InteractionHandle:
    payload = dk2.fake.slash_subcommand(
        "dk2", "explain", {"term": term}, user=dk2.new_member(), channel_id=channel_id
    )
    return await dk2.dispatch(payload)


async def recorded(dk2: Dk2Session, message: Message) -> None:
    """Wait until dk2 has kept `message` as posted: it learns the id from Discord's answer to
    its response, so a second question sent at once could be checked before the first is kept
    (two members within milliseconds; both answers are then posted)."""

    def kept() -> bool:
        with contextlib.closing(sqlite3.connect(dk2.bot.workdir / "dk2.sqlite3")) as conn:
            row = conn.execute("SELECT 1 FROM answers WHERE message_id = ?", (message.id,))
            return row.fetchone() is not None

    await wait_until(kept)


def age_answers(dk2: Dk2Session, seconds: float) -> None:
    """Move every recorded answer `seconds` into the past: time passing, for the window."""
    with sqlite3.connect(dk2.bot.workdir / "dk2.sqlite3") as conn:
        conn.execute("UPDATE answers SET at = at - ?", (seconds,))


async def test_a_repeat_within_the_window_is_private_with_a_link(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    first = await explain(dk2, "mgp", channel)
    posted = first.original
    assert posted is not None and not posted.ephemeral and button_ids(posted) == [PIN_ID]
    await recorded(dk2, posted)

    again = await explain(dk2, "matrix gla protein", channel)  # the same topic, other words
    repeat = again.original
    assert repeat is not None and repeat.ephemeral
    assert jump(dk2, channel, posted.id) in repeat.content
    assert repeat.embeds[0]["title"] == posted.embeds[0]["title"]

    # Another channel is not a repeat; nor is another topic here.
    elsewhere = await explain(dk2, "mgp", new_channel(dk2))
    assert elsewhere.original is not None and not elsewhere.original.ephemeral
    other = await explain(dk2, "synergy", channel)
    assert other.original is not None and not other.original.ephemeral


async def test_after_the_window_the_answer_is_posted_again(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    first = await explain(dk2, "osteocalcin", channel)
    assert first.original is not None and not first.original.ephemeral
    await recorded(dk2, first.original)
    age_answers(dk2, WINDOW_MINUTES * 60 + 1)
    later = await explain(dk2, "osteocalcin", channel)
    assert later.original is not None and not later.original.ephemeral
    assert later.original.id != first.original.id


async def test_a_pinned_answer_counts_outside_the_window(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    first = await explain(dk2, "bone-health", channel)
    posted = first.original
    assert posted is not None
    await dk2.click(posted, PIN_ID, user=dk2.people.moderator)
    await wait_until(lambda: button_ids(posted) == [UNPIN_ID])
    age_answers(dk2, 24 * 3600)  # a day later: far outside the window
    again = await explain(dk2, "bone-health", channel)
    repeat = again.original
    assert repeat is not None and repeat.ephemeral
    assert "pinned" in repeat.content and jump(dk2, channel, posted.id) in repeat.content


async def test_answer_with_a_repeat_posts_nothing_and_links_the_first(dk2: Dk2Session) -> None:
    channel = new_channel(dk2)
    first = await explain(dk2, "warfarin", channel)
    assert first.original is not None and not first.original.ephemeral
    await recorded(dk2, first.original)
    asked = said(dk2, "can I take vitamin D with warfarin", channel)
    handle = await answer_with(dk2, asked)
    note = await private_note(handle)
    assert jump(dk2, channel, first.original.id) in note.content
    assert note.embeds[0]["title"] == kb().topics["warfarin"].title
    assert posted_bodies(dk2, channel) == [] and replies_to(dk2, asked) == []


# -- through a member's own install (dk2 is no member where the message is) -------------------


def elsewhere(dk2: Dk2Session, text: str, where: str) -> tuple[Message, dict[str, Any]]:
    """Apps → Answer with dk2 on a message where dk2 was never added: the clicker's DM with
    someone (`dm`) or a server (`server`), reached through the clicker's own install."""
    asked = said(dk2, text)
    payload = dk2.fake.message_command(asked, MENU, user=dk2.new_member())
    if where == "dm":
        return asked, through_user_install(payload, context=CONTEXT_PRIVATE_CHANNEL)
    everyone = DEFAULT_EVERYONE | USE_EXTERNAL_APPS
    moved = through_user_install(
        payload,
        context=CONTEXT_GUILD,
        guild_id=new_snowflake(),
        channel_id=new_snowflake(),
        member_permissions=everyone,
    )
    return asked, moved


@pytest.mark.parametrize("where", ["dm", "server"])
async def test_where_dk2_is_no_member_the_interaction_answers_naming_the_message(
    dk2: Dk2Session, where: str
) -> None:
    asked, payload = elsewhere(dk2, "can I take vitamin D with warfarin", where)
    handle = await dk2.dispatch(payload)
    callback = await handle.response()
    assert callback.type == 4 and callback.data is not None
    assert not callback.data.get("flags", 0) & 64  # public: the member may use their apps here
    answer = handle.original
    assert answer is not None and answer.embeds[0]["title"] == kb().topics["warfarin"].title
    assert button_ids(answer) == []  # dk2 couldn't pin here
    guild = payload.get("guild_id", "@me")
    link = f"https://discord.com/channels/{guild}/{payload['channel_id']}/{asked.id}"
    assert f"Answering {link}" in answer.content and "a server admin adds it" in answer.content
    assert callback.data["allowed_mentions"] == {"parse": []}
    assert replies_to(dk2, asked) == []  # no channel message: the interaction answered
