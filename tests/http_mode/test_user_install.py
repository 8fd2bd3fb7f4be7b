"""The HTTP endpoint (`python -m bot serve`) where dk2 came through a member's own install:
the same answers as the gateway gives there (no Pin button, the add-to-server line, private
where the server disallows external apps), and no Pin or reload for such a server."""

from __future__ import annotations

from tests.fakediscord.payloads import CONTEXT_GUILD, through_user_install
from tests.fakediscord.permissions import MANAGE_GUILD, PIN_MESSAGES
from tests.http_mode.conftest import Endpoint
from tests.http_mode.test_endpoint import EPHEMERAL, components

PIN_ID = "dk2:pin:pin"


def add_to_server_line(content: object, application_id: int) -> bool:
    return (
        isinstance(content, str)
        and "a server admin adds it" in content
        and f"<https://discord.com/oauth2/authorize?client_id={application_id}&" in content
    )


async def test_in_a_dm_no_pin_button_and_the_add_to_server_line(endpoint: Endpoint) -> None:
    fake = endpoint.fake
    payload = fake.user_install_subcommand("dk2", "explain", {"term": "mgp"}, where="dm")
    delivery = await endpoint.post(payload)
    assert delivery.status == 200 and delivery.type == 4
    assert delivery.embed["title"] == "Matrix Gla protein (MGP)"
    assert components(delivery.data) == []
    assert not delivery.data.get("flags", 0) & EPHEMERAL
    assert add_to_server_line(delivery.data.get("content"), fake.application_id)
    assert delivery.data["allowed_mentions"] == {"parse": []}


async def test_in_a_server_without_dk2_disallowing_external_apps_the_answer_is_private(
    endpoint: Endpoint,
) -> None:
    fake = endpoint.fake
    open_server = await endpoint.post(
        fake.user_install_subcommand("dk2", "level", {"value": "42"}, where="server")
    )
    closed_server = await endpoint.post(
        fake.user_install_subcommand(
            "dk2", "level", {"value": "42"}, where="server", use_external_apps=False
        )
    )
    for delivery in (open_server, closed_server):
        assert components(delivery.data) == []
        assert add_to_server_line(delivery.data.get("content"), fake.application_id)
    assert not open_server.data.get("flags", 0) & EPHEMERAL
    assert closed_server.data["flags"] & EPHEMERAL


async def test_a_server_with_dk2_still_gets_the_pin_button_for_the_same_question(
    endpoint: Endpoint,
) -> None:
    fake = endpoint.fake
    await endpoint.post(fake.user_install_subcommand("dk2", "explain", {"term": "mk7"}))
    here = await endpoint.command("explain", {"term": "mk7"})
    assert components(here.data) == [PIN_ID]
    assert "content" not in here.data


async def test_pin_and_reload_are_refused_from_a_server_without_dk2(endpoint: Endpoint) -> None:
    fake = endpoint.fake
    answer = fake.world.add_message(fake.channel.id, embeds=[{"title": "an answer"}])
    elsewhere = fake.guild.id + 1
    click = through_user_install(
        fake.button_click(answer, PIN_ID, user=endpoint.people.moderator),
        context=CONTEXT_GUILD,
        guild_id=elsewhere,
        member_permissions=PIN_MESSAGES,
    )
    refused = await endpoint.post(click)
    assert refused.data["flags"] & EPHEMERAL and "moderator" in str(refused.embed).lower()
    reload = through_user_install(
        fake.slash_subcommand("dk2-admin", "reload"),
        context=CONTEXT_GUILD,
        guild_id=elsewhere,
        member_permissions=MANAGE_GUILD,
    )
    not_reloaded = await endpoint.post(reload)
    assert not_reloaded.data["flags"] & EPHEMERAL
    assert "only moderators" in str(not_reloaded.embed).lower()
    assert fake.requests.matching("PUT", r"/channels/\d+/messages/pins/\d+") == []


async def test_a_topic_button_under_a_forum_post_shows_the_answer_privately(
    endpoint: Endpoint,
) -> None:
    fake = endpoint.fake
    offer = fake.world.add_message(fake.channel.id, content="an offer under a forum post")
    shown = await endpoint.click(offer, "dk2:topic:mgp")
    assert shown.type == 4 and shown.data["flags"] & EPHEMERAL
    assert shown.embed["title"] == "Matrix Gla protein (MGP)"
    gone = await endpoint.click(offer, "dk2:topic:gone")
    assert gone.data["flags"] & EPHEMERAL and "out of date" in str(gone.embed)
