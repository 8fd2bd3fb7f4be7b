"""Pinning answers with the Pin button: who may, what happens, and every way it can fail."""

from __future__ import annotations

import pytest

from tests.discord_layer.helpers import (
    PIN_ID,
    UNPIN_ID,
    Dk2Harness,
    button_ids,
    embed_text,
    wait_until,
)
from tests.e2e.harness import private_text
from tests.fakediscord import DEFAULT_BOT_PERMISSIONS, Message
from tests.fakediscord.payloads import action_row, button
from tests.fakediscord.permissions import MANAGE_GUILD, PIN_MESSAGES

PIN_ROUTE = r"/channels/\d+/messages/pins/\d+"


async def public_answer(dk2: Dk2Harness) -> Message:
    handle = await dk2.command("dose", {"amount": "2000"})
    assert handle.original is not None and button_ids(handle.original) == [PIN_ID]
    return handle.original


async def flipped_to(answer: Message, custom_id: str) -> None:
    """Wait for the button to flip: dk2 acknowledges the click first, pins, then edits it."""
    await wait_until(lambda: button_ids(answer) == [custom_id])


async def test_moderator_pins_and_the_button_turns_into_unpin(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert (await click.response()).type == 6  # acknowledged at once, before the pin call
    await flipped_to(answer, UNPIN_ID)
    assert answer.pinned
    assert answer.embeds and "Sources" in embed_text(answer)  # the answer is untouched
    (put,) = dk2.fake.requests.matching("PUT", PIN_ROUTE)
    assert put.audit_log_reason == f"Pinned by mod ({dk2.moderator.id}) via dk2"

    unclick = await dk2.click(answer, UNPIN_ID, user=dk2.moderator)
    assert (await unclick.response()).type == 6
    await flipped_to(answer, PIN_ID)
    assert not answer.pinned
    (delete,) = dk2.fake.requests.matching("DELETE", PIN_ROUTE)
    assert delete.audit_log_reason == f"Unpinned by mod ({dk2.moderator.id}) via dk2"
    assert dk2.fake.spec_violations == []


async def test_configured_moderator_role_may_pin(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    await dk2.click(answer, PIN_ID, user=dk2.role_moderator)
    await flipped_to(answer, UNPIN_ID)
    assert answer.pinned


async def test_member_without_the_right_is_told_privately_and_nothing_is_pinned(
    dk2: Dk2Harness,
) -> None:
    answer = await public_answer(dk2)
    click = await dk2.click(answer, PIN_ID, user=dk2.member)
    assert "Only moderators can pin" in await private_text(click)
    assert not answer.pinned and button_ids(answer) == [PIN_ID]
    assert dk2.fake.requests.matching("PUT", PIN_ROUTE) == []


async def test_permission_is_checked_at_each_click(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    (role_id,) = dk2.fake.guild.members[dk2.moderator.id].role_ids
    dk2.fake.guild.roles[role_id].permissions = 0  # the role lost Pin Messages a moment ago
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert "Only moderators" in await private_text(click)
    assert not answer.pinned


async def test_bot_lacking_pin_messages_explains_it(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    fake = dk2.fake
    fake.world.set_bot_permissions(fake.guild.id, DEFAULT_BOT_PERMISSIONS & ~PIN_MESSAGES)
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert "doesn't have the **Pin Messages** permission" in await private_text(click)
    assert not answer.pinned and button_ids(answer) == [PIN_ID]


async def test_discord_refusing_the_pin_is_explained(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    body = {"code": 50013, "message": "Missing Permissions"}
    dk2.fake.inject("PUT", PIN_ROUTE, status=403, body=body)
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert "Pin Messages" in await private_text(click)
    assert not answer.pinned


async def test_full_channel_says_so(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    for n in range(250):
        dk2.fake.world.add_message(dk2.fake.channel.id, content=f"old {n}", pinned=True)
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert "maximum of 250 pinned messages" in await private_text(click)
    assert not answer.pinned and button_ids(answer) == [PIN_ID]


async def test_deleted_message_says_so(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    payload_before_delete = answer
    answer.deleted = True
    click = await dk2.click(payload_before_delete, PIN_ID, user=dk2.moderator)
    assert "has been deleted" in await private_text(click)


async def test_already_pinned_says_so_and_offers_unpin(dk2: Dk2Harness) -> None:
    answer = await public_answer(dk2)
    await dk2.click(answer, PIN_ID, user=dk2.moderator)
    await flipped_to(answer, UNPIN_ID)
    # A second moderator clicks a stale "Pin" (their client still showed it).
    answer.components = [action_row(button(PIN_ID, "Pin"))]
    click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    assert (await click.response()).type == 7
    assert button_ids(answer) == [UNPIN_ID]
    (notice,) = await click.wait_for_followups(1)
    assert notice.ephemeral and "already pinned" in embed_text(notice)
    assert len(dk2.fake.requests.matching("PUT", PIN_ROUTE)) == 1


async def test_button_from_before_a_restart_still_works(dk2: Dk2Harness) -> None:
    # A message this process never sent, carrying dk2's button: as after a restart.
    fake = dk2.fake
    old = fake.world.add_message(
        fake.channel.id,
        embeds=[{"title": "an older answer", "description": "from yesterday"}],
        components=[action_row(button(PIN_ID, "Pin"))],
    )
    await dk2.click(old, PIN_ID, user=dk2.moderator)
    await flipped_to(old, UNPIN_ID)
    assert old.pinned


@pytest.mark.parametrize("custom_id", [PIN_ID, UNPIN_ID])
async def test_custom_ids_are_namespaced_and_short(custom_id: str) -> None:
    assert custom_id.startswith("dk2:") and len(custom_id) <= 100


async def test_pin_failure_inside_dk2_gets_a_ref(
    dk2: Dk2Harness, caplog: pytest.LogCaptureFixture
) -> None:
    answer = await public_answer(dk2)
    settings = dk2.bot.settings
    dk2.bot.settings = None  # type: ignore[assignment]  # a bug: the button can't find them
    try:
        click = await dk2.click(answer, PIN_ID, user=dk2.moderator)
    finally:
        dk2.bot.settings = settings
    text = await private_text(click)
    ref = text.split("(ref ")[1].split(")")[0]
    await wait_until(lambda: any(f"ref {ref}" in r.getMessage() for r in caplog.records))
    assert not answer.pinned


async def test_manage_server_alone_does_not_pin(dk2: Dk2Harness) -> None:
    """Discord wouldn't let a member with only Manage Server pin; neither does dk2."""
    world, guild = dk2.fake.world, dk2.fake.guild
    managers = world.add_role(guild.id, "managers", MANAGE_GUILD)
    manager = world.add_user("manager")
    world.add_member(guild.id, manager, [managers.id])
    answer = await public_answer(dk2)
    click = await dk2.click(answer, PIN_ID, user=manager)
    assert "Only moderators can pin" in await private_text(click)
    assert not answer.pinned
    assert dk2.fake.requests.matching("PUT", PIN_ROUTE) == []
