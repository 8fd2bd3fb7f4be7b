"""dk2 added to a member's own account (a user install), used where no server added it: the
member's DM with dk2, a group DM, and a server dk2 was never invited to.

What a member notices there: the answer is the same curated answer, but with no Pin button
(dk2 is no member there and couldn't pin), one line saying how a server adds dk2, and, in a
server that doesn't let the member's own apps answer publicly, a private answer. The real dk2
process runs against the local Discord, which sends these interactions as Discord does
(`authorizing_integration_owners` naming only the user's install, and `context`).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.e2e.harness import (
    PIN_ID,
    Dk2Session,
    answered_once,
    button_ids,
    embed_text,
    private_text,
)
from tests.fakediscord import InteractionHandle, Message
from tests.fakediscord.payloads import CONTEXT_GUILD, through_user_install
from tests.fakediscord.permissions import MANAGE_GUILD, PIN_MESSAGES

pytestmark = pytest.mark.asyncio(loop_scope="module")

SYNC_ROUTE = r"/applications/\d+/guilds/\d+/commands"
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
GUILD_INSTALL, USER_INSTALL = 0, 1


async def ask_elsewhere(
    dk2: Dk2Session,
    subcommand: str,
    options: dict[str, object] | None = None,
    *,
    where: str,
    use_external_apps: bool = True,
) -> InteractionHandle:
    payload = dk2.fake.user_install_subcommand(
        "dk2",
        subcommand,
        options,
        user=dk2.new_member(),
        where=where,
        use_external_apps=use_external_apps,
    )
    handle = await dk2.dispatch(payload)
    await answered_once(dk2.fake, handle)
    return handle


def add_to_server_link(message: Message, application_id: int) -> dict[str, list[str]]:
    """The server invite in the message's line on how a server adds dk2, as query values."""
    assert "a server admin adds it" in message.content
    start = message.content.index("<https://") + 1
    link = message.content[start : message.content.index(">", start)]
    assert link.startswith("https://discord.com/oauth2/authorize?")
    query = parse_qs(urlsplit(link).query)
    assert query["client_id"] == [str(application_id)]
    return query


def first_body(dk2: Dk2Session, handle: InteractionHandle) -> dict[str, Any]:
    (callback,) = dk2.fake.requests.matching("POST", rf"/interactions/{handle.id}/[^/]+/callback")
    assert isinstance(callback.json, dict)
    return callback.json


# -- the command list -------------------------------------------------------------------------


async def test_dk2_is_installable_to_accounts_and_usable_in_dms_the_admin_command_is_not(
    dk2: Dk2Session,
) -> None:
    (sync,) = dk2.fake.requests.matching("PUT", SYNC_ROUTE)
    assert sync.status == 200  # the fake validates the body against Discord's OpenAPI spec
    by_name = {command["name"]: command for command in sync.json}
    assert sorted(by_name["dk2"]["integration_types"]) == [GUILD_INSTALL, USER_INSTALL]
    assert sorted(by_name["dk2"]["contexts"]) == [GUILD, BOT_DM, PRIVATE_CHANNEL]
    assert by_name["dk2-admin"]["integration_types"] == [GUILD_INSTALL]
    assert by_name["dk2-admin"]["contexts"] == [GUILD]


# -- answers where dk2 is no member -----------------------------------------------------------


async def test_in_a_dm_the_answer_has_no_pin_button_and_says_how_a_server_adds_dk2(
    dk2: Dk2Session,
) -> None:
    handle = await ask_elsewhere(dk2, "explain", {"term": "mgp"}, where="dm")
    message = handle.original
    assert message is not None and not message.ephemeral  # the member's own DM: public is fine
    assert message.embeds[0]["title"] == "Matrix Gla protein (MGP)"
    assert "not medical advice" in embed_text(message)
    assert button_ids(message) == []
    query = add_to_server_link(message, dk2.fake.application_id)
    assert query["scope"] == ["bot applications.commands"] and query["integration_type"] == ["0"]
    assert first_body(dk2, handle)["data"]["allowed_mentions"] == {"parse": []}


async def test_in_a_group_dm_too(dk2: Dk2Session) -> None:
    handle = await ask_elsewhere(dk2, "level", {"value": "42 ng/mL"}, where="group_dm")
    message = handle.original
    assert message is not None and not message.ephemeral
    assert "42" in embed_text(message)
    assert button_ids(message) == []
    add_to_server_link(message, dk2.fake.application_id)
    assert first_body(dk2, handle)["data"]["allowed_mentions"] == {"parse": []}


async def test_in_a_server_without_dk2_no_pin_button_and_the_add_to_server_line(
    dk2: Dk2Session,
) -> None:
    handle = await ask_elsewhere(dk2, "dose", {"amount": "5000", "k2": "100"}, where="server")
    message = handle.original
    assert message is not None and not message.ephemeral  # the member may use external apps
    assert "5,000 IU" in embed_text(message)
    assert button_ids(message) == []
    add_to_server_link(message, dk2.fake.application_id)
    # Discord lets a user-installed app mention everyone there: dk2 still mentions nobody.
    assert first_body(dk2, handle)["data"]["allowed_mentions"] == {"parse": []}


async def test_a_server_that_disallows_external_apps_gets_a_private_answer(
    dk2: Dk2Session,
) -> None:
    handle = await ask_elsewhere(
        dk2, "explain", {"term": "mgp"}, where="server", use_external_apps=False
    )
    message = handle.original
    assert message is not None and message.ephemeral  # as Discord requires there
    assert message.embeds[0]["title"] == "Matrix Gla protein (MGP)"
    assert button_ids(message) == []
    add_to_server_link(message, dk2.fake.application_id)


async def test_a_mistake_is_private_and_carries_no_invite(dk2: Dk2Session) -> None:
    """The add-to-server line belongs under answers, not under "check your input"."""
    handle = await ask_elsewhere(dk2, "level", {"value": "lots"}, where="dm")
    message = handle.original
    assert message is not None and message.ephemeral
    assert button_ids(message) == [] and message.content == ""


async def test_every_page_of_a_long_answer_leaves_the_pin_button_out(dk2: Dk2Session) -> None:
    handle = await ask_elsewhere(dk2, "topics", where="dm")
    original = handle.original
    assert original is not None and button_ids(original) == []
    add_to_server_link(original, dk2.fake.application_id)
    for page in handle.followups:
        assert button_ids(page) == [] and not page.content


async def test_the_same_question_in_a_server_with_dk2_still_has_its_pin_button(
    dk2: Dk2Session,
) -> None:
    """The answer dk2 keeps for a repeated question is not the one for elsewhere."""
    elsewhere = await ask_elsewhere(dk2, "explain", {"term": "vitamin k2"}, where="dm")
    assert elsewhere.original is not None and button_ids(elsewhere.original) == []
    here = await dk2.command("explain", {"term": "vitamin k2"})
    assert here.original is not None and button_ids(here.original) == [PIN_ID]
    assert here.original.content == ""  # no add-to-server line where dk2 already is


# -- moderators' powers stay with servers that added dk2 ---------------------------------------


async def test_a_pin_click_from_a_server_without_dk2_is_refused(dk2: Dk2Session) -> None:
    fake = dk2.fake
    answer = fake.world.add_message(fake.channel.id, embeds=[{"title": "an answer"}])
    moderator = dk2.new_member("elsewhere-mod")
    click = fake.button_click(answer, PIN_ID, user=moderator)
    # A moderator of another server, where dk2 came only through their own install.
    payload = through_user_install(
        click, context=CONTEXT_GUILD, guild_id=fake.guild.id + 1, member_permissions=PIN_MESSAGES
    )
    handle = await dk2.dispatch(payload)
    assert "moderator" in (await private_text(handle)).lower()
    assert not answer.pinned
    assert fake.requests.matching("PUT", r"/channels/\d+/messages/pins/\d+") == []


async def test_an_admin_of_a_server_without_dk2_cannot_reload_it(dk2: Dk2Session) -> None:
    fake = dk2.fake
    payload = fake.slash_subcommand("dk2-admin", "reload", user=dk2.new_member("other-admin"))
    forged = through_user_install(
        payload,
        context=CONTEXT_GUILD,
        guild_id=fake.guild.id + 1,
        member_permissions=MANAGE_GUILD,
    )
    mark = dk2.bot.mark()
    handle = await dk2.dispatch(forged)
    text = await private_text(handle)
    assert "moderator" in text.lower() or "manage server" in text.lower()
    assert "reloaded" not in dk2.bot.log(mark).lower()


async def test_the_log_stays_clean(dk2: Dk2Session) -> None:
    assert dk2.bot.log_problems() == []
    assert dk2.fake.spec_violations == []
