"""/dk2 commands end to end: real INTERACTION_CREATE payloads over the fake's gateway, real
discord.py parsing them, dk2's answers checked where Discord would store them."""

from __future__ import annotations

from typing import Any

import discord
import pytest

from bot.config import Settings
from bot.core.commands import Request, run
from bot.core.loader import default_knowledge_path
from bot.core.reply import Reply
from bot.discord_layer.cog import Dk2Cog
from bot.discord_layer.embeds import ERROR_COLOUR
from tests.discord_layer.helpers import (
    PIN_ID,
    Dk2Harness,
    button_ids,
    embed_text,
    knowledge,
    running_dk2,
    wait_until,
)
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec


async def test_commands_are_synced_to_the_dev_guild(dk2: Dk2Harness) -> None:
    command, admin, menu = dk2.fake.commands(dk2.fake.guild.id)
    assert command["name"] == "dk2" and admin["name"] == "dk2-admin"
    assert (menu["name"], menu["type"]) == ("Answer with dk2", 3)  # Apps → on a message
    names = [option["name"] for option in command["options"]]
    assert names == ["dose", "level", "explain", "topics", "about", "help", "pins"]
    assert [option["name"] for option in admin["options"]] == ["reload", "stats"]
    assert dk2.fake.commands() == []  # dev guilds configured: nothing global
    assert dk2.fake.spec_violations == []


@pytest.mark.parametrize("amount", ["5000", "125 mcg", "50000 IU weekly"])
async def test_dose_is_a_public_embed_with_a_pin_button(dk2: Dk2Harness, amount: str) -> None:
    handle = await dk2.command("dose", {"amount": amount, "k2": "100"})
    message = handle.original
    assert message is not None and not message.ephemeral
    (embed,) = message.embeds
    reply = run(knowledge(), Request("dose", {"amount": amount, "k2": "100"}))
    assert embed["title"] == reply.title
    assert reply.gauge is not None and embed["description"].endswith(reply.gauge)
    assert embed["color"] == reply.colour
    assert embed["color"] != ERROR_COLOUR
    assert embed["footer"]["text"].startswith("dk2 is informational")
    assert embed["fields"][-1]["name"] == "Sources"
    # With a K2 amount the cautions close the K2 field ("Vitamin K2 and cautions").
    assert "Vitamin K2 and cautions" in [field["name"] for field in embed["fields"]]
    assert button_ids(message) == [PIN_ID]
    assert message.content == ""
    assert dk2.fake.spec_violations == []


async def test_weekly_dose_is_averaged_per_day(dk2: Dk2Harness) -> None:
    handle = await dk2.command("dose", {"amount": "50000 IU weekly"})
    assert handle.original is not None
    assert "7,143 IU/day" in handle.original.embeds[0]["description"]


async def test_private_answer_is_ephemeral_without_a_pin_button(dk2: Dk2Harness) -> None:
    handle = await dk2.command("level", {"value": "42 ng/mL", "private": True})
    message = handle.original
    assert message is not None and message.ephemeral
    assert "42 ng/mL" in message.embeds[0]["title"]
    assert button_ids(message) == []


async def test_bad_input_is_a_private_red_explanation(dk2: Dk2Harness) -> None:
    handle = await dk2.command("dose", {"amount": "lots", "private": False})
    message = handle.original
    assert message is not None and message.ephemeral  # errors are private even if asked public
    (embed,) = message.embeds
    assert embed["color"] == ERROR_COLOUR
    assert "`/dk2 dose 5000`" in embed["description"] or "5000" in embed["description"]
    assert button_ids(message) == []


async def test_explain_topic_id_and_free_text_question(dk2: Dk2Harness) -> None:
    by_id = await dk2.command("explain", {"term": "mgp"})
    assert by_id.original is not None
    assert by_id.original.embeds[0]["title"] == knowledge().topics["mgp"].title
    question = await dk2.command("explain", {"term": "why take d and k2 together"})
    assert question.original is not None
    assert question.original.embeds[0]["title"] == knowledge().topics["synergy"].title


async def test_explain_value_that_is_no_topic_gets_suggestions_not_an_error(
    dk2: Dk2Harness,
) -> None:
    handle = await dk2.command("explain", {"term": "zzqx-not-a-topic"})
    message = handle.original
    assert message is not None
    assert message.embeds[0]["title"] == "No curated answer"
    assert "/dk2 topics" in embed_text(message)
    # It quotes what the member typed, so only they see it, even when asked public.
    assert message.ephemeral and button_ids(message) == []
    asked_public = await dk2.command("explain", {"term": "zzqx-not-a-topic", "private": False})
    assert asked_public.original is not None and asked_public.original.ephemeral


async def test_autocomplete_offers_topics_as_the_member_types(dk2: Dk2Harness) -> None:
    fake = dk2.fake
    payload = fake.autocomplete("explain", {"term": "mg"}, focused="term", group="dk2")
    callback = await (await fake.dispatch_interaction(payload)).response()
    assert callback.type == 8 and callback.accepted
    assert callback.data is not None
    choices = callback.data["choices"]
    assert choices[0] == {"name": knowledge().topics["mgp"].title, "value": "mgp"}
    # Typed again (by someone else): the same choices, from the body kept for "mg".
    again = fake.autocomplete("explain", {"term": "mg"}, focused="term", group="dk2")
    repeat = await (await fake.dispatch_interaction(again)).response()
    assert repeat.accepted and repeat.data is not None and repeat.data["choices"] == choices
    empty = fake.autocomplete("explain", {"term": ""}, focused="term", group="dk2")
    all_choices = (await (await fake.dispatch_interaction(empty)).response()).data
    assert all_choices is not None
    assert len(all_choices["choices"]) == min(25, len(knowledge().topics))
    assert all(1 <= len(c["name"]) <= 100 for c in all_choices["choices"])
    assert fake.spec_violations == []


async def test_topics_lists_every_topic(dk2: Dk2Harness) -> None:
    handle = await dk2.command("topics")
    messages = [m for m in [handle.original, *handle.followups] if m is not None]
    text = "\n".join(embed_text(m) for m in messages)
    for topic_id in knowledge().topics:
        assert f"`{topic_id}`" in text
    assert all(button_ids(m) == [PIN_ID] for m in messages)


async def test_about_names_sources_version_and_disclaimer(dk2: Dk2Harness) -> None:
    handle = await dk2.command("about")
    assert handle.original is not None
    text = embed_text(handle.original)
    kb = knowledge()
    assert kb.version in text
    assert all(source.name in text for source in kb.sources.values())
    assert "not medical advice" in text


async def test_help_lists_every_command_with_an_example(dk2: Dk2Harness) -> None:
    handle = await dk2.command("help")
    assert handle.original is not None
    text = embed_text(handle.original)
    for example in ("/dk2 dose 5000", "/dk2 level 42 ng/mL", "/dk2 explain mgp", "/dk2 topics"):
        assert example in text
    assert "/dk2 about" in text and "/dk2 help" in text and "/dk2-admin reload" in text
    assert button_ids(handle.original) == [PIN_ID]


async def test_dose_options_as_discord_sends_them_are_read_like_chat(dk2: Dk2Harness) -> None:
    handle = await dk2.command("dose", {"amount": "10000 IU twice a week", "k2": "100 mcg MK-7"})
    assert handle.original is not None
    text = embed_text(handle.original)
    assert "2,857 IU/day" in text and "100 µg/day" in text
    wrong = await dk2.command("dose", {"amount": "2 drops"})
    assert wrong.original is not None and wrong.original.ephemeral
    assert "`amount`" in embed_text(wrong.original) and "`k2`" not in embed_text(wrong.original)


async def test_private_by_default_from_config() -> None:
    require_spec()
    settings = Settings(knowledge_path=default_knowledge_path(), private_by_default=True)
    async with FakeDiscord() as fake, running_dk2(fake, settings=settings) as dk2:
        quiet = await dk2.command("about")
        loud = await dk2.command("about", {"private": False})
    assert quiet.original is not None and quiet.original.ephemeral
    assert loud.original is not None and not loud.original.ephemeral
    assert button_ids(loud.original) == [PIN_ID]


async def test_no_reply_can_ping_anyone(dk2: Dk2Harness) -> None:
    await dk2.command("explain", {"term": "@everyone"})
    await dk2.command("dose", {"amount": "5000"})
    callbacks = dk2.fake.requests.matching("POST", r"/interactions/\d+/[^/]+/callback")
    assert len(callbacks) == 2
    for request in callbacks:
        assert request.json["data"]["allowed_mentions"] == {"parse": []}


async def test_answer_hook_sees_each_reply_and_cannot_break_it(dk2: Dk2Harness) -> None:
    seen: list[tuple[int, str, bool]] = []

    async def on_answer(interaction: discord.Interaction[Any], reply: Reply) -> None:
        seen.append((interaction.user.id, reply.command, reply.ok))
        raise RuntimeError("the usage store is down")

    cog = dk2.bot.get_cog("Dk2Cog")
    assert isinstance(cog, Dk2Cog)
    cog.on_answer = on_answer
    handle = await dk2.command("level", {"value": "30"})
    await dk2.command("level", {"value": "thirty"})
    assert handle.original is not None and not handle.original.ephemeral
    await wait_until(lambda: len(seen) == 2)  # the hook runs just after the reply is sent
    assert seen == [(dk2.member.id, "level", True), (dk2.member.id, "level", False)]


async def test_a_gauge_that_cannot_be_drawn_leaves_the_answer_without_it(
    dk2: Dk2Harness, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: object) -> bytes:
        raise OSError("font file unreadable")

    monkeypatch.setattr("bot.discord_layer.pictures.gauge_png", broken)
    handle = await dk2.command("level", {"value": "17.5"})
    message = handle.original
    assert message is not None and not message.ephemeral
    (embed,) = message.embeds
    assert "image" not in embed and message.attachments == []
    assert "17.5 ng/mL" in embed["description"]  # the text still says it all
    assert "drawing the level gauge failed" in caplog.text
    assert dk2.fake.spec_violations == []
