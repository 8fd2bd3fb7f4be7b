"""The fake behaves like Discord towards a bare discord.py client (no dk2 code involved)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import aiohttp
import discord
import pytest
from discord import app_commands

from . import payloads
from .fixtures import running_client
from .permissions import PIN_MESSAGES, PRIVILEGED_INTENTS
from .server import DEFAULT_BOT_PERMISSIONS, FakeDiscord
from .spec import DiscordSpec, is_valid_command_name


class Bot(discord.Client):
    """A bare client with a command tree, as small as a real bot's shell."""

    def __init__(self) -> None:
        super().__init__(intents=discord.Intents.default(), guild_ready_timeout=0.05)
        self.tree = app_commands.CommandTree(self)

    async def before_identify_hook(self, shard_id: int | None, *, initial: bool = False) -> None:
        # discord.py sleeps 5 s here before re-identifying; tests have no time for that.
        return None


Handler = Callable[[discord.Interaction], Awaitable[None]]


def dose_group(on_dose: Handler) -> app_commands.Group:
    """``/dk2 dose amount:<str>`` with autocomplete on ``amount``."""
    group = app_commands.Group(name="dk2", description="Vitamin D and K2")

    @group.command(name="dose", description="Check a dose")
    async def dose(interaction: discord.Interaction, amount: str) -> None:
        await on_dose(interaction)

    @dose.autocomplete("amount")
    async def amount_choices(
        interaction: discord.Interaction, current: str
    ) -> list[app_commands.Choice[str]]:
        units = ("1000 IU", "2000 IU", "4000 IU")
        return [app_commands.Choice(name=u, value=u) for u in units if u.startswith(current)]

    return group


@pytest.fixture
async def bot(fake_discord: FakeDiscord) -> AsyncIterator[Bot]:
    """A connected, ready client."""
    client = Bot()
    async with running_client(fake_discord, client):
        yield client


async def serve_dose(fake: FakeDiscord, bot: Bot, on_dose: Handler) -> None:
    """Register ``/dk2 dose`` and sync it to the fake's guild."""
    guild = discord.Object(fake.guild.id)
    bot.tree.add_command(dose_group(on_dose), guild=guild)
    await bot.tree.sync(guild=guild)


# -- login and gateway ---------------------------------------------------------------------


async def test_login_and_ready_give_the_client_its_user_and_guild(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    assert bot.user is not None and bot.user.id == fake.bot.id
    assert bot.application_id == fake.application_id
    guild = bot.get_guild(fake.guild.id)
    assert guild is not None and guild.get_channel(fake.channel.id) is not None
    me = guild.me
    assert me is not None and me.guild_permissions.pin_messages
    assert [r.path for r in fake.requests[:2]] == ["/users/@me", "/oauth2/applications/@me"]
    identify = await fake.wait_for_identify()
    assert identify["intents"] & PRIVILEGED_INTENTS == 0
    assert fake.gateway.heartbeats >= 1  # discord.py beats right after HELLO


async def test_wrong_token_is_401_with_plain_json(fake_discord: FakeDiscord) -> None:
    async with aiohttp.ClientSession() as session:
        bad = {"Authorization": "Bot not-the-token"}
        async with session.get(f"{fake_discord.api_base}/users/@me", headers=bad) as resp:
            assert resp.status == 401
            assert resp.headers["Content-Type"] == "application/json"
        good = {"Authorization": f"Bot {fake_discord.token}"}
        async with session.get(f"{fake_discord.api_base}/users/@me", headers=good) as resp:
            assert resp.status == 200
            assert (await resp.json())["id"] == str(fake_discord.bot.id)


async def test_privileged_intents_are_refused_like_discord(fake_discord: FakeDiscord) -> None:
    client = discord.Client(intents=discord.Intents.all())
    with pytest.raises(discord.PrivilegedIntentsRequired):
        async with running_client(fake_discord, client, timeout=5):
            pass


async def test_reconnect_resumes_on_the_resume_url(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    session_id = fake.gateway.session.session_id if fake.gateway.session else None
    await fake.send_reconnect()
    await fake.wait_for_resume()
    assert fake.gateway.connection_paths == ["/gateway/", "/resume/"]
    assert fake.gateway.resume_payloads[-1]["session_id"] == session_id
    assert fake.gateway.ready_count == 1  # resumed, not re-identified


async def test_dropped_connection_resumes_and_replays_missed_events(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    answered = asyncio.Event()

    async def on_dose(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("ok")
        answered.set()

    await serve_dose(fake, bot, on_dose)
    await fake.drop_connection(code=4000)
    # Sent while the bot is away: it must arrive through RESUME's replay.
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    await fake.wait_for_resume()
    assert (await handle.response(timeout=5)).accepted
    await asyncio.wait_for(answered.wait(), 5)


async def test_invalid_session_makes_the_client_identify_again(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    await fake_discord.invalidate_session(resumable=False)
    await fake_discord.wait_until_ready(count=2)
    assert len(fake_discord.gateway.identify_payloads) == 2


# -- commands and interactions -------------------------------------------------------------


async def test_command_sync_is_stored_and_keeps_ids(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord

    async def unused(interaction: discord.Interaction) -> None:
        raise AssertionError("not invoked")

    await serve_dose(fake, bot, unused)
    synced = fake.commands(fake.guild.id)
    assert [c["name"] for c in synced] == ["dk2"]
    assert synced[0]["options"][0]["name"] == "dose"
    first_id = synced[0]["id"]
    fetched = await bot.tree.fetch_commands(guild=discord.Object(fake.guild.id))
    assert [c.id for c in fetched] == [int(first_id)]
    await bot.tree.sync(guild=discord.Object(fake.guild.id))
    assert fake.commands(fake.guild.id)[0]["id"] == first_id
    assert fake.spec_violations == []


async def test_slash_subcommand_round_trip(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    seen: dict[str, Any] = {}

    async def on_dose(interaction: discord.Interaction) -> None:
        seen["amount"] = interaction.namespace.amount
        seen["can_pin"] = interaction.app_permissions.pin_messages
        await interaction.response.send_message("2000 IU is fine", ephemeral=True)
        await interaction.followup.send("source: the article")

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(
        fake.slash_subcommand("dk2", "dose", {"amount": "2000 IU"})
    )
    callback = await handle.response(timeout=5)
    assert callback.type == 4 and callback.accepted
    assert callback.elapsed < 3
    assert seen == {"amount": "2000 IU", "can_pin": True}
    assert handle.original is not None
    assert handle.original.content == "2000 IU is fine" and handle.original.ephemeral
    followups = await handle.wait_for_followups(1)
    assert followups[0].content == "source: the article" and not followups[0].ephemeral
    assert fake.spec_violations == []


async def test_deferred_response_is_finished_by_the_edit(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord

    async def on_dose(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="done thinking")

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    assert (await handle.response()).type == 5
    original = await handle.wait_for_original()
    assert original.content == "done thinking"


async def test_autocomplete_returns_choices(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord

    async def unused(interaction: discord.Interaction) -> None:
        raise AssertionError("not invoked")

    await serve_dose(fake, bot, unused)
    handle = await fake.dispatch_interaction(
        fake.autocomplete("dose", {"amount": "2"}, focused="amount", group="dk2")
    )
    callback = await handle.response(timeout=5)
    assert callback.type == 8
    assert callback.data == {"choices": [{"name": "2000 IU", "value": "2000 IU"}]}
    assert fake.spec_violations == []


async def test_button_click_updates_its_message(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord

    class Reveal(discord.ui.View):
        def __init__(self) -> None:
            super().__init__(timeout=None)

        @discord.ui.button(label="Show sources", custom_id="dk2:sources")
        async def show(
            self, interaction: discord.Interaction, button: discord.ui.Button[Any]
        ) -> None:
            await interaction.response.edit_message(content="sources shown", view=None)

    bot.add_view(Reveal())
    message = fake.world.add_message(
        fake.channel.id,
        content="answer",
        components=[payloads.action_row(payloads.button("dk2:sources", "Show sources"))],
    )
    handle = await fake.dispatch_interaction(fake.button_click(message, "dk2:sources"))
    callback = await handle.response(timeout=5)
    assert callback.type == 7
    assert message.content == "sources shown" and message.components == []
    assert fake.spec_violations == []


async def test_clicks_and_autocomplete_carry_the_members_name_and_roles(
    fake_discord: FakeDiscord,
) -> None:
    fake = fake_discord
    role = fake.world.add_role(fake.guild.id, "pinners", PIN_MESSAGES)
    mod = fake.world.add_user("mod")
    fake.world.add_member(fake.guild.id, mod, [role.id])
    message = fake.world.add_message(fake.channel.id, content="answer")
    for payload in (
        fake.button_click(message, "dk2:pin:pin", user=mod),
        fake.autocomplete("explain", {"term": "mg"}, "term", group="dk2", user=mod),
        fake.slash_subcommand("dk2", "about", user=mod),
    ):
        member = payload["member"]
        assert member["user"]["username"] == "mod"
        assert member["roles"] == [str(role.id)]
        assert int(member["permissions"]) & PIN_MESSAGES


async def test_late_first_response_is_unknown_interaction(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    release = asyncio.Event()
    errors: list[int] = []

    async def on_dose(interaction: discord.Interaction) -> None:
        await release.wait()
        try:
            await interaction.response.send_message("too late")
        except discord.NotFound as exc:
            errors.append(exc.code)

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    fake.clock.advance(3.5)  # the handler is "slow" without the test sleeping
    release.set()
    callback = await handle.response(timeout=5)
    assert (callback.status, callback.error_code) == (404, 10062)
    async with asyncio.timeout(5):
        while not errors:
            await asyncio.sleep(0.01)
    assert errors == [10062]


async def test_second_callback_is_already_acknowledged(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord

    async def on_dose(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    await handle.response()
    url = f"{fake.api_base}/interactions/{handle.id}/{handle.token}/callback"
    async with aiohttp.ClientSession() as session, session.post(url, json={"type": 5}) as resp:
        assert resp.status == 400
        assert (await resp.json())["code"] == 40060


async def test_interaction_token_expires_after_15_minutes(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    responded = asyncio.Event()
    keep: list[discord.Interaction] = []

    async def on_dose(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        keep.append(interaction)
        responded.set()

    await serve_dose(fake, bot, on_dose)
    await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    await asyncio.wait_for(responded.wait(), 5)
    fake.clock.advance(15 * 60 + 1)
    with pytest.raises(discord.HTTPException) as raised:
        await keep[0].followup.send("much later")
    assert (raised.value.status, raised.value.code) == (401, 50027)


# -- pins ----------------------------------------------------------------------------------


async def test_pin_needs_pin_messages(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    fake.world.set_bot_permissions(fake.guild.id, DEFAULT_BOT_PERMISSIONS & ~PIN_MESSAGES)
    stored = fake.world.add_message(fake.channel.id, content="pin me")
    with pytest.raises(discord.Forbidden) as raised:
        await bot.http.pin_message(fake.channel.id, stored.id, reason="keep it")
    assert raised.value.code == 50013
    assert not stored.pinned
    request = fake.requests.matching("PUT", r"/channels/\d+/messages/pins/\d+")[-1]
    assert request.audit_log_reason == "keep it"


async def test_pin_unknown_message_and_idempotent_pin(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    with pytest.raises(discord.NotFound) as raised:
        await bot.http.pin_message(fake.channel.id, 123)
    assert raised.value.code == 10008
    stored = fake.world.add_message(fake.channel.id, content="pin me")
    channel = bot.get_channel(fake.channel.id)
    assert isinstance(channel, discord.TextChannel)
    await channel.get_partial_message(stored.id).pin()
    await channel.get_partial_message(stored.id).pin()  # already pinned: still fine
    pins = [m async for m in channel.pins()]
    assert [m.id for m in pins] == [stored.id]


async def test_pin_limit_is_30003(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    for n in range(250):
        fake.world.add_message(fake.channel.id, content=f"pin {n}", pinned=True)
    extra = fake.world.add_message(fake.channel.id, content="one too many")
    with pytest.raises(discord.HTTPException) as raised:
        await bot.http.pin_message(fake.channel.id, extra.id)
    assert (raised.value.status, raised.value.code) == (400, 30003)


# -- failures and the spec ------------------------------------------------------------------


async def test_rate_limit_with_via_is_retried_by_discord_py(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    fake.rate_limit("GET", r"/channels/\d+", times=1, retry_after=0.05)
    channel = await bot.fetch_channel(fake.channel.id)
    assert channel.id == fake.channel.id
    statuses = [r.status for r in fake.requests.matching("GET", r"/channels/\d+")]
    assert statuses == [429, 200]


async def test_injected_server_error_reaches_the_client(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    # 503 is not one of the statuses discord.py retries after sleeping, so this stays fast.
    fake_discord.inject("GET", r"/channels/\d+", status=503)
    with pytest.raises(discord.DiscordServerError):
        await bot.fetch_channel(fake_discord.channel.id)
    assert (await bot.fetch_channel(fake_discord.channel.id)).id == fake_discord.channel.id


async def test_body_breaking_the_spec_is_rejected_and_recorded(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    fake = fake_discord
    bad = [{"name": "Bad Name", "description": "x" * 101, "type": 1}]
    with pytest.raises(discord.HTTPException) as raised:
        await bot.http.bulk_upsert_guild_commands(fake.application_id, fake.guild.id, bad)
    assert (raised.value.status, raised.value.code) == (400, 50035)
    (violation,) = fake.spec_violations
    assert violation.operation_id == "bulk_set_guild_application_commands"
    assert any("description" in e for e in violation.errors)
    assert any("Bad Name" in e for e in violation.errors)
    assert fake.commands(fake.guild.id) == []


async def test_too_long_reply_is_a_spec_violation(fake_discord: FakeDiscord, bot: Bot) -> None:
    fake = fake_discord
    failures: list[int] = []

    async def on_dose(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            failures.append(exc.code)

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    async with asyncio.timeout(5):
        while not failures:
            await asyncio.sleep(0.01)
    assert failures == [50035]
    assert fake.spec_violations[0].operation_id == "create_interaction_response"
    assert handle.original is None


def test_spec_matches_literal_segments_first(discord_spec: DiscordSpec) -> None:
    original = discord_spec.match("PATCH", "/webhooks/1/tok/messages/@original")
    assert original is not None
    assert original.operation_id == "update_original_webhook_message"
    assert discord_spec.validate_request("GET", "/not/a/discord/route", {"x": 1}) == []


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("dose", True),
        ("vitamin-d_k2", True),
        ("ดี", True),
        ("खुराक", True),
        ("Dose", False),
        ("two words", False),
        ("", False),
        ("x" * 33, False),
    ],
)
def test_command_name_rule(name: str, valid: bool) -> None:
    assert is_valid_command_name(name) is valid


# -- payload builders without a server -----------------------------------------------------


def test_builders_make_payloads_discord_py_parses() -> None:
    client = discord.Client(intents=discord.Intents.default())
    state = client._connection
    # What READY would have set: the bot's own user.
    state.user = discord.ClientUser(state=state, data=payloads.user_payload(1, "bot"))  # type: ignore[arg-type]
    payload = payloads.slash_subcommand(
        application_id=1,
        guild_id=2,
        channel_id=3,
        user_id=4,
        group="dk2",
        subcommand="dose",
        options={"amount": "5", "daily": True},
        member_permissions=0,
        app_permissions=PIN_MESSAGES,
    )
    interaction: discord.Interaction[Any] = discord.Interaction(
        data=payload,  # type: ignore[arg-type]
        state=state,
    )
    assert interaction.type is discord.InteractionType.application_command
    assert interaction.user.id == 4 and interaction.guild_id == 2
    assert interaction.app_permissions.pin_messages
    assert not interaction.permissions.pin_messages
    assert payload["data"]["options"][0]["options"][1] == {
        "type": payloads.OPTION_BOOLEAN,
        "name": "daily",
        "value": True,
    }


# -- file uploads ------------------------------------------------------------------------------

PNG_1x1 = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


async def answer_with_file(
    fake: FakeDiscord, bot: Bot, send: Callable[[discord.Interaction], Awaitable[None]]
) -> tuple[Any, list[int]]:
    """Dispatch /dk2 dose to a handler that sends a file; the handle and any error codes."""
    failures: list[int] = []

    async def on_dose(interaction: discord.Interaction) -> None:
        try:
            await send(interaction)
        except discord.HTTPException as exc:
            failures.append(exc.code)

    await serve_dose(fake, bot, on_dose)
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "dose", {"amount": "1"}))
    async with asyncio.timeout(5):
        while handle.original is None and not failures:
            await asyncio.sleep(0.01)
    return handle, failures


class StringIdFile(discord.File):
    """The attachment id as the spec types it (a snowflake string)."""

    def to_dict(self, index: int) -> dict[str, Any]:
        return {**super().to_dict(index), "id": str(index)}


async def test_an_upload_shown_in_an_embed_is_stored_like_discord(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    import io

    async def send(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="gauge").set_image(url="attachment://g.png")
        file = StringIdFile(io.BytesIO(PNG_1x1), filename="g.png", description="a dot")
        await interaction.response.send_message(embed=embed, file=file)

    handle, failures = await answer_with_file(fake_discord, bot, send)
    assert failures == [] and fake_discord.spec_violations == []
    (request,) = fake_discord.requests.matching("POST", r"/interactions/\d+/[^/]+/callback")
    assert request.multipart and [u.field for u in request.uploads] == ["files[0]"]
    assert request.uploads[0].data == PNG_1x1
    (attachment,) = handle.original.attachments
    assert attachment["filename"] == "g.png" and attachment["size"] == len(PNG_1x1)
    assert (attachment["width"], attachment["height"]) == (1, 1)
    assert attachment["description"] == "a dot"
    # The embed shows the stored file, as Discord rewrites attachment:// URLs.
    assert handle.original.embeds[0]["image"]["url"] == attachment["url"]


async def test_an_embed_naming_a_file_not_uploaded_is_refused(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    import io

    async def send(interaction: discord.Interaction) -> None:
        embed = discord.Embed(title="gauge").set_image(url="attachment://other.png")
        file = StringIdFile(io.BytesIO(PNG_1x1), filename="g.png")
        await interaction.response.send_message(embed=embed, file=file)

    handle, failures = await answer_with_file(fake_discord, bot, send)
    assert failures == [50035] and handle.original is None
    (violation,) = fake_discord.spec_violations
    assert any("attachment://other.png" in error for error in violation.errors)


async def test_an_integer_attachment_id_breaks_the_spec(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    import io

    async def send(interaction: discord.Interaction) -> None:
        file = discord.File(io.BytesIO(PNG_1x1), filename="g.png")  # sends {"id": 0}
        await interaction.response.send_message("see file", file=file)

    _, failures = await answer_with_file(fake_discord, bot, send)
    assert failures == [50035]
    assert any("attachments/0/id" in e for e in fake_discord.spec_violations[0].errors)


async def test_a_file_over_the_attachment_size_limit_is_413(
    fake_discord: FakeDiscord, bot: Bot
) -> None:
    import io

    big = PNG_1x1 + bytes(payloads.DEFAULT_ATTACHMENT_SIZE_LIMIT)

    async def send(interaction: discord.Interaction) -> None:
        await interaction.response.send_message(file=StringIdFile(io.BytesIO(big), "big.png"))

    handle, failures = await answer_with_file(fake_discord, bot, send)
    assert failures == [40005] and handle.original is None


async def test_an_endpoint_answering_with_multipart_is_refused_like_discord(
    fake_discord: FakeDiscord,
) -> None:
    """Discord takes an HTTP interaction response only as JSON: files in a multipart response
    make the interaction fail (discord-api-docs issue 5933)."""
    from aiohttp import web
    from nacl.signing import SigningKey

    from .outgoing import post_interaction

    async def multipart(request: web.Request) -> web.Response:
        form = aiohttp.FormData(quote_fields=False)
        form.add_field("payload_json", '{"type": 4, "data": {"content": "hi"}}')
        form.add_field("files[0]", b"\x89PNG", filename="gauge.png")
        writer = form()
        return web.Response(body=writer, content_type="multipart/form-data")

    app = web.Application()
    app.router.add_post("/interactions", multipart)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        payload = fake_discord.slash_subcommand("dk2", "about")
        delivery = await post_interaction(
            fake_discord, f"http://127.0.0.1:{port}/interactions", payload, SigningKey.generate()
        )
    finally:
        await runner.cleanup()
    assert delivery.status == 200
    assert any("not a JSON interaction response" in error for error in delivery.spec_errors)
    assert delivery.handle is not None and delivery.handle.original is None
