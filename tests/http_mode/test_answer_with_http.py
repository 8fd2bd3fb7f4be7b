"""Apps → "Answer with dk2" through the HTTP endpoint (`python -m bot serve`): the same
reading, select, reply and no-repeats rule as the gateway, as response bodies and REST calls
the local Discord checks against the spec."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from bot.discord_layer.answer_with import MENU_NAME
from tests.e2e.harness import PIN_ID, button_ids, wait_until
from tests.fakediscord import FakeDiscord, Message
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.payloads import CONTEXT_GUILD, through_user_install
from tests.fakediscord.permissions import DEFAULT_EVERYONE, USE_EXTERNAL_APPS
from tests.fakediscord.state import new_snowflake
from tests.http_mode.conftest import Endpoint, running_endpoint


def kb() -> KnowledgeBase:
    knowledge = load_knowledge(default_knowledge_path()).knowledge
    assert knowledge is not None
    return knowledge


@pytest.fixture
async def endpoint(tmp_path: Path) -> AsyncIterator[Endpoint]:
    """The endpoint with the no-repeats rule on (10 minutes, the default)."""
    require_spec()
    async with (
        FakeDiscord() as fake,
        running_endpoint(fake, tmp_path, repeat_window_minutes=10) as running,
    ):
        yield running
        for delivery in running.deliveries:
            assert delivery.spec_errors == [], delivery.body
        assert fake.spec_violations == []


def said(endpoint: Endpoint, text: str) -> Message:
    user = endpoint.fake.world.add_user("asker")
    endpoint.fake.world.add_member(endpoint.fake.guild.id, user)
    return endpoint.fake.world.add_message(endpoint.fake.channel.id, content=text, author=user)


def replies_to(endpoint: Endpoint, message: Message) -> list[Message]:
    return [
        m
        for m in endpoint.fake.world.messages.values()
        if m.message_reference and m.message_reference["message_id"] == str(message.id)
    ]


def posted_bodies(endpoint: Endpoint) -> list[Any]:
    channel = endpoint.fake.channel.id
    return [
        r.json for r in endpoint.fake.requests.matching("POST", rf"/channels/{channel}/messages")
    ]


async def test_a_question_is_posted_as_a_reply_that_pings_nobody(endpoint: Endpoint) -> None:
    asked = said(endpoint, "can I take vitamin D with warfarin")
    delivery = await endpoint.post(endpoint.fake.message_command(asked, MENU_NAME))
    assert delivery.type == 5 and delivery.private
    await wait_until(lambda: replies_to(endpoint, asked))
    (reply,) = replies_to(endpoint, asked)
    assert reply.embeds[0]["title"] == kb().topics["warfarin"].title
    assert button_ids(reply) == [PIN_ID] and reply.mentioned == []
    (body,) = posted_bodies(endpoint)
    assert body["allowed_mentions"] == {"parse": [], "replied_user": False}
    assert body["message_reference"]["message_id"] == str(asked.id)
    assert delivery.handle is not None
    note = await delivery.handle.wait_for_original()
    await wait_until(lambda: "Posted as a reply" in note.content)
    assert f"/{endpoint.fake.channel.id}/{reply.id}" in note.content


async def test_someone_needing_care_now_gets_the_urgent_answer_as_a_reply(
    endpoint: Endpoint,
) -> None:
    asked = said(endpoint, "my toddler just swallowed a whole bottle of my d3 gummies, help")
    delivery = await endpoint.post(endpoint.fake.message_command(asked, MENU_NAME))
    assert delivery.type == 5 and delivery.private
    await wait_until(lambda: replies_to(endpoint, asked))
    (reply,) = replies_to(endpoint, asked)
    embed = reply.embeds[0]
    assert embed["title"] == kb().messages.get("explain.urgent_title")
    assert "call your local emergency number or poison control" in embed["description"]
    assert reply.mentioned == []


async def test_off_topic_is_a_private_nothing(endpoint: Endpoint) -> None:
    asked = said(endpoint, "anyone watching the game tonight?")
    delivery = await endpoint.post(endpoint.fake.message_command(asked, MENU_NAME))
    assert delivery.type == 4 and delivery.private
    assert delivery.embed["title"] == "Nothing curated for this"
    assert posted_bodies(endpoint) == []


async def test_unsure_offers_a_select_and_posts_the_pick(endpoint: Endpoint) -> None:
    asked = said(endpoint, "my level is 30 ng/ml and I take 2000 IU a day")
    delivery = await endpoint.post(endpoint.fake.message_command(asked, MENU_NAME))
    assert delivery.type == 4 and delivery.private
    (row,) = delivery.data["components"]
    (select,) = row["components"]
    values = [option["value"] for option in select["options"]]
    assert "l:30 ng/ml" in values and any(v.startswith("d:2000 iu") for v in values)
    assert delivery.handle is not None and delivery.handle.original is not None
    offer = delivery.handle.original
    pick = await endpoint.post(
        endpoint.fake.select_pick(offer, select["custom_id"], ["l:30 ng/ml"])
    )
    assert pick.type == 6
    await wait_until(lambda: replies_to(endpoint, asked))
    (reply,) = replies_to(endpoint, asked)
    assert reply.embeds[0]["title"].startswith("30 ng/mL")
    await wait_until(lambda: offer.components == [])
    assert "Posted as a reply" in offer.content


async def test_the_same_answer_again_in_the_window_is_private_with_a_link(
    endpoint: Endpoint,
) -> None:
    first = said(endpoint, "does k2 help my bones")
    told = await endpoint.post(endpoint.fake.message_command(first, MENU_NAME))
    assert told.handle is not None
    posted_note = await told.handle.wait_for_original()
    # The clicker is told once the reply is posted and kept for the no-repeats rule.
    await wait_until(lambda: "Posted as a reply" in posted_note.content)
    (posted,) = replies_to(endpoint, first)

    second = said(endpoint, "is vitamin K2 good for bone health?")
    delivery = await endpoint.post(endpoint.fake.message_command(second, MENU_NAME))
    assert delivery.handle is not None
    note = await delivery.handle.wait_for_original()
    link = f"https://discord.com/channels/{endpoint.fake.guild.id}/{endpoint.fake.channel.id}"
    await wait_until(lambda: f"{link}/{posted.id}" in note.content)
    assert note.embeds[0]["title"] == posted.embeds[0]["title"]
    assert replies_to(endpoint, second) == [] and len(posted_bodies(endpoint)) == 1


async def test_a_slash_answer_again_in_the_window_is_private_with_a_link(
    endpoint: Endpoint,
) -> None:
    first = await endpoint.command("explain", {"term": "mgp"})
    assert first.type == 4 and not first.private
    assert first.handle is not None and first.handle.original is not None
    posted = first.handle.original

    def recorded() -> bool:
        # The endpoint learns the posted message's id after its response, then keeps it.
        with contextlib.closing(sqlite3.connect(endpoint.settings.database_path)) as conn:
            return bool(conn.execute("SELECT count(*) FROM answers").fetchone()[0])

    await wait_until(recorded)
    again = await endpoint.command("explain", {"term": "matrix gla protein"})
    assert again.type == 4 and again.private
    link = f"https://discord.com/channels/{endpoint.fake.guild.id}/{endpoint.fake.channel.id}"
    assert f"{link}/{posted.id}" in again.data["content"]
    assert again.embed["title"] == posted.embeds[0]["title"]
    other = await endpoint.command("explain", {"term": "synergy"})
    assert other.type == 4 and not other.private


async def test_in_a_server_without_dk2_the_response_answers_naming_the_message(
    endpoint: Endpoint,
) -> None:
    asked = said(endpoint, "can I take vitamin D with warfarin")
    payload = through_user_install(
        endpoint.fake.message_command(asked, MENU_NAME),
        context=CONTEXT_GUILD,
        guild_id=new_snowflake(),
        channel_id=new_snowflake(),
        member_permissions=DEFAULT_EVERYONE | USE_EXTERNAL_APPS,
    )
    delivery = await endpoint.post(payload)
    assert delivery.type == 4 and not delivery.private
    assert delivery.embed["title"] == kb().topics["warfarin"].title
    assert "components" not in delivery.data  # no Pin button: dk2 couldn't pin there
    link = f"https://discord.com/channels/{payload['guild_id']}/{payload['channel_id']}/{asked.id}"
    assert f"Answering {link}" in delivery.data["content"]
    assert posted_bodies(endpoint) == []
