"""The Pin button on dk2's answers, clicked in the real process: who may pin, Unpin, and every
way Discord can refuse or stall the pin (no permission, full channel, deleted message, a rate
limit, a server error). Each test checks what the clicker sees and what the channel holds.
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import (
    PIN_ID,
    UNPIN_ID,
    Dk2Session,
    button_ids,
    embed_text,
    private_text,
    wait_until,
)
from tests.fakediscord import DEFAULT_BOT_PERMISSIONS, Message
from tests.fakediscord.payloads import action_row, button
from tests.fakediscord.permissions import PIN_MESSAGES

pytestmark = pytest.mark.asyncio(loop_scope="module")

PIN_ROUTE = r"/channels/\d+/messages/pins/\d+"


async def answer(dk2: Dk2Session) -> Message:
    """A fresh public answer carrying the Pin button."""
    handle = await dk2.command("dose", {"amount": "2000"})
    message = handle.original
    assert message is not None and button_ids(message) == [PIN_ID]
    return message


def pin_calls(dk2: Dk2Session, message: Message, method: str = "PUT") -> int:
    route = rf"/channels/\d+/messages/pins/{message.id}"
    return len(dk2.fake.requests.matching(method, route))


async def shows(message: Message, custom_id: str) -> None:
    """Wait until the answer's button is ``custom_id`` (dk2 edits it after the pin call)."""
    await wait_until(lambda: button_ids(message) == [custom_id])


async def test_moderator_pins_then_unpins(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    mod = dk2.people.moderator
    click = await dk2.click(message, PIN_ID, user=mod)
    assert (await click.response()).accepted
    await shows(message, UNPIN_ID)
    assert message.pinned
    assert "Sources" in embed_text(message)  # the answer itself is untouched
    (put,) = dk2.fake.requests.matching("PUT", rf"/channels/\d+/messages/pins/{message.id}")
    assert put.audit_log_reason == f"Pinned by mod ({mod.id}) via dk2"
    assert message in dk2.fake.world.pins(dk2.fake.channel.id)

    unclick = await dk2.click(message, UNPIN_ID, user=mod)
    assert (await unclick.response()).accepted
    await shows(message, PIN_ID)
    assert not message.pinned
    assert unclick.followups == []  # success needs no words: the button says it
    assert dk2.fake.spec_violations == []


async def test_configured_moderator_role_may_pin(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    await dk2.click(message, PIN_ID, user=dk2.people.role_moderator)
    await shows(message, UNPIN_ID)
    assert message.pinned


async def test_member_is_told_privately_and_nothing_is_pinned(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    click = await dk2.click(message, PIN_ID, user=dk2.people.member)
    assert "Only moderators can pin" in await private_text(click)
    assert not message.pinned and button_ids(message) == [PIN_ID]
    assert pin_calls(dk2, message) == 0


async def test_bot_without_pin_messages_explains_what_to_grant(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    fake = dk2.fake
    fake.world.set_bot_permissions(fake.guild.id, DEFAULT_BOT_PERMISSIONS & ~PIN_MESSAGES)
    try:
        click = await dk2.click(message, PIN_ID, user=dk2.people.moderator)
        assert "doesn't have the **Pin Messages** permission" in await private_text(click)
    finally:
        fake.world.set_bot_permissions(fake.guild.id, DEFAULT_BOT_PERMISSIONS)
    assert not message.pinned and button_ids(message) == [PIN_ID]
    assert pin_calls(dk2, message) == 0  # dk2 knew from the interaction, without asking


async def test_discord_refusing_the_pin_is_explained(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    body = {"code": 50013, "message": "Missing Permissions"}
    dk2.fake.inject("PUT", PIN_ROUTE, status=403, body=body)
    click = await dk2.click(message, PIN_ID, user=dk2.people.moderator)
    assert "Pin Messages" in await private_text(click)
    assert not message.pinned and button_ids(message) == [PIN_ID]


async def test_a_full_channel_says_so(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    fake = dk2.fake
    already = len(fake.world.pins(fake.channel.id))
    filler = [
        fake.world.add_message(fake.channel.id, content=f"old {n}", pinned=True)
        for n in range(250 - already)
    ]
    try:
        click = await dk2.click(message, PIN_ID, user=dk2.people.moderator)
        assert "maximum of 250 pinned messages" in await private_text(click)
        assert (await click.response()).accepted
    finally:
        for old in filler:
            old.deleted = True
    assert not message.pinned and button_ids(message) == [PIN_ID]


async def test_a_deleted_answer_says_so(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    message.deleted = True  # deleted while the moderator's client still showed it
    click = await dk2.click(message, PIN_ID, user=dk2.people.moderator)
    assert "has been deleted" in await private_text(click)


async def test_a_stale_pin_button_on_a_pinned_answer_offers_unpin(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    mod = dk2.people.moderator
    await dk2.click(message, PIN_ID, user=mod)
    await shows(message, UNPIN_ID)
    message.components = [action_row(button(PIN_ID, "Pin"))]  # another client's stale view
    click = await dk2.click(message, PIN_ID, user=mod)
    assert "already pinned" in await private_text(click)
    assert button_ids(message) == [UNPIN_ID]
    assert pin_calls(dk2, message) == 1


async def test_a_rate_limited_pin_still_gets_its_reply(dk2: Dk2Session) -> None:
    """Discord answers the pin with 429; the wait runs past the 3-second window. dk2 has
    acknowledged the click before pinning, so the pin lands and the button flips anyway."""
    message = await answer(dk2)
    fake = dk2.fake
    fake.rate_limit("PUT", PIN_ROUTE, retry_after=0.2)
    handle = await fake.dispatch_interaction(
        fake.button_click(message, PIN_ID, user=dk2.people.moderator)
    )
    await wait_until(lambda: pin_calls(dk2, message) >= 1)
    fake.clock.advance(3.5)  # the rate limit "took" longer than Discord's deadline
    callback = await handle.response()
    assert callback.accepted, callback
    await shows(message, UNPIN_ID)
    assert message.pinned and pin_calls(dk2, message) == 2  # the 429, then the retry
    await dk2.bot.wait_for_log("responded with 429")


async def test_a_retried_server_error_pins(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    dk2.fake.inject("PUT", PIN_ROUTE, status=502)  # discord.py retries 500/502/504 itself
    await dk2.click(message, PIN_ID, user=dk2.people.moderator)
    await shows(message, UNPIN_ID)
    assert message.pinned and pin_calls(dk2, message) == 2


async def test_a_server_error_that_isnt_retried_is_explained_and_logged(dk2: Dk2Session) -> None:
    message = await answer(dk2)
    mark = dk2.bot.mark()
    body = {"code": 0, "message": "503: Service Unavailable"}
    dk2.fake.inject("PUT", PIN_ROUTE, status=503, body=body)
    click = await dk2.click(message, PIN_ID, user=dk2.people.moderator)
    assert "(HTTP 503)" in await private_text(click)
    assert not message.pinned and button_ids(message) == [PIN_ID]
    await dk2.bot.wait_for_log("pin failed: HTTP 503", since=mark)


async def test_a_forged_click_on_someone_elses_message_pins_nothing(dk2: Dk2Session) -> None:
    """A client can put dk2's button id on any message id; dk2 pins only its own answers."""
    fake = dk2.fake
    theirs = fake.world.add_message(
        fake.channel.id,
        content="my own post",
        author=dk2.people.member,
        components=[action_row(button(PIN_ID, "Pin"))],
    )
    click = await dk2.click(theirs, PIN_ID, user=dk2.people.moderator)
    assert "only pins and unpins its own answers" in await private_text(click)
    assert not theirs.pinned
    assert pin_calls(dk2, theirs) == 0


async def test_the_log_has_no_traceback(dk2: Dk2Session) -> None:
    assert dk2.bot.log_problems() == []
    assert dk2.fake.spec_violations == []
