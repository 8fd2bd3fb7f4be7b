"""FakeDiscord: the REST API and the gateway on one local aiohttp server, with test controls."""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import Any

from aiohttp import web

from . import payloads
from .clock import FakeClock
from .faults import Fault
from .gateway import DEFAULT_HEARTBEAT_INTERVAL_MS, Gateway
from .interactions import CALLBACK_DEADLINE_S, InteractionHandle, InteractionRecord
from .permissions import (
    DEFAULT_EVERYONE,
    EMBED_LINKS,
    PIN_MESSAGES,
    READ_MESSAGE_HISTORY,
    SEND_MESSAGES,
    SEND_MESSAGES_IN_THREADS,
    USE_EXTERNAL_APPS,
    VIEW_CHANNEL,
)
from .recording import RequestLog, SpecViolation
from .rest import API_PREFIX, MAX_REQUEST_BYTES, RestApi
from .spec import SPEC_ENV_VAR, DiscordSpec, default_spec_path
from .state import Channel, Guild, Message, User, World, new_snowflake

# What a bot invited with sensible scopes has: read, write, embed, pin, post in threads.
DEFAULT_BOT_PERMISSIONS = (
    VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | READ_MESSAGE_HISTORY
    | PIN_MESSAGES
    | SEND_MESSAGES_IN_THREADS
)


class FakeDiscord:
    """A local stand-in for Discord's API v10: ``async with FakeDiscord() as fake: ...``.

    On entry it listens on 127.0.0.1 (a free port unless ``port`` is given) and exposes
    ``api_base`` and ``gateway_url``. The default world has one guild (``fake.guild``) with one
    text channel (``fake.channel``), the bot (with ``bot_permissions``) and a regular member
    (``fake.user``) who "types" the interactions built by :meth:`slash_subcommand` and friends.
    """

    def __init__(
        self,
        *,
        world: World | None = None,
        bot_permissions: int = DEFAULT_BOT_PERMISSIONS,
        validate_spec: bool = True,
        spec_path: Path | None = None,
        heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_INTERVAL_MS,
        callback_deadline: float = CALLBACK_DEADLINE_S,
        clock: FakeClock | None = None,
        port: int = 0,
    ) -> None:
        self.world = world or World()
        if not self.world.guilds:
            guild = self.world.add_guild(bot_permissions=bot_permissions)
            self.world.add_member(guild.id, self.world.add_user("tester"))
        self.clock = clock or FakeClock()
        spec = self._load_spec(spec_path) if validate_spec else None
        self.rest = RestApi(
            self.world,
            clock=self.clock,
            spec=spec,
            events=self._dispatch_event,
            callback_deadline=callback_deadline,
        )
        self.gateway = Gateway(
            self.world,
            resume_url=lambda: f"ws://127.0.0.1:{self.port}/resume/",
            heartbeat_interval_ms=heartbeat_interval_ms,
        )
        self._requested_port = port
        self.port = 0
        self._runner: web.AppRunner | None = None

    @staticmethod
    def _load_spec(spec_path: Path | None) -> DiscordSpec:
        path = spec_path or default_spec_path()
        if not path.is_file():
            raise FileNotFoundError(
                f"Discord's OpenAPI spec is not at {path}; set {SPEC_ENV_VAR} to its path, "
                "or pass validate_spec=False"
            )
        return DiscordSpec.load(path)

    # -- lifecycle -----------------------------------------------------------------------------

    async def start(self) -> None:
        """Start listening (what ``async with`` does on entry)."""
        # Large enough for uploads past Discord's size limit, so the fake can refuse them itself.
        app = web.Application(client_max_size=MAX_REQUEST_BYTES)
        app.add_subapp(API_PREFIX, self.rest.build_app())
        app.router.add_get("/gateway/", self.gateway.handle)
        app.router.add_get("/resume/", self.gateway.handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self._requested_port)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        """Close open sockets and stop listening."""
        await self.gateway.close_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        for record in self.rest.interactions.values():
            if not record.callback_future.done():
                record.callback_future.cancel()

    async def __aenter__(self) -> FakeDiscord:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- where and who -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def api_base(self) -> str:
        """The value for ``discord.http.Route.BASE`` / ``DK2_DISCORD_API_BASE``."""
        return f"{self.base_url}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The value for ``DiscordWebSocket.DEFAULT_GATEWAY`` / ``DK2_DISCORD_GATEWAY_URL``."""
        return f"ws://127.0.0.1:{self.port}/gateway/"

    @property
    def token(self) -> str:
        """The only bot token the fake accepts."""
        return self.world.application.token

    @property
    def application_id(self) -> int:
        """The application's id (equal to the bot user's id, as for modern bots)."""
        return self.world.application.id

    @property
    def bot(self) -> User:
        """The bot user."""
        return self.world.bot

    @property
    def guild(self) -> Guild:
        """The first guild."""
        return next(iter(self.world.guilds.values()))

    @property
    def channel(self) -> Channel:
        """The first channel of the first guild."""
        return next(iter(self.guild.channels.values()))

    @property
    def user(self) -> User:
        """The first non-owner, non-bot member of the first guild."""
        skip = {self.world.owner.id, self.world.bot.id}
        return next(m.user for uid, m in self.guild.members.items() if uid not in skip)

    # -- what happened -------------------------------------------------------------------------

    @property
    def requests(self) -> RequestLog:
        """Every REST request so far, oldest first."""
        return self.rest.requests

    @property
    def spec_violations(self) -> list[SpecViolation]:
        """Request bodies refused for breaking Discord's spec (a test usually wants none)."""
        return self.rest.spec_violations

    def commands(self, guild_id: int | None = None) -> list[dict[str, Any]]:
        """The commands synced globally, or to ``guild_id``."""
        app = self.world.application
        return app.global_commands if guild_id is None else app.guild_commands.get(guild_id, [])

    # -- scripted trouble ----------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        *,
        status: int = 500,
        times: int = 1,
        body: Any = None,
    ) -> Fault:
        """Answer the next ``times`` requests matching ``method`` (or "*") and ``path_regex``
        (full match on the path after ``/api/v10``) with ``status`` instead of serving them."""
        return self.rest.faults.add(
            Fault(
                method=method.upper(),
                path=re.compile(path_regex),
                status=status,
                times=times,
                body=body,
            )
        )

    def rate_limit(
        self,
        method: str,
        path_regex: str,
        *,
        times: int = 1,
        retry_after: float = 0.05,
        is_global: bool = False,
    ) -> Fault:
        """Answer the next ``times`` matching requests with a proper Discord 429."""
        fault = Fault(
            method=method.upper(),
            path=re.compile(path_regex),
            status=429,
            times=times,
            retry_after=retry_after,
            is_global=is_global,
        )
        return self.rest.faults.add(fault)

    # -- gateway controls ----------------------------------------------------------------------

    async def wait_for_identify(self, count: int = 1, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the ``count``-th IDENTIFY; returns its ``d`` (token, intents, ...)."""
        return await self.gateway.wait_for_identify(count, timeout)

    async def wait_until_ready(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until READY and the GUILD_CREATEs of the ``count``-th session were sent."""
        await self.gateway.wait_until_ready(count, timeout)

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the ``count``-th RESUMED was sent."""
        await self.gateway.wait_for_resume(count, timeout)

    async def send_reconnect(self) -> None:
        """Op 7 RECONNECT; discord.py reconnects to ``resume_gateway_url`` and RESUMEs."""
        await self.gateway.send_reconnect()

    async def drop_connection(self, *, code: int = 4000, abrupt: bool = False) -> None:
        """Close the bot's socket (4000 is resumable), or cut it if ``abrupt``."""
        await self.gateway.drop_connection(code=code, abrupt=abrupt)

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Op 9; see :meth:`Gateway.invalidate_session` about discord.py's 5-second wait."""
        await self.gateway.invalidate_session(resumable=resumable)

    async def _dispatch_event(self, event: str, data: dict[str, Any]) -> None:
        await self.gateway.dispatch(event, data)

    # -- interactions --------------------------------------------------------------------------

    async def dispatch_interaction(self, payload: dict[str, Any]) -> InteractionHandle:
        """Send INTERACTION_CREATE and start its 3-second and 15-minute clocks."""
        if self.gateway.session is None:
            raise RuntimeError("no gateway session: the bot has not identified yet")
        loop = asyncio.get_running_loop()
        record = InteractionRecord(
            payload=payload, dispatched_at=self.clock.now(), callback_future=loop.create_future()
        )
        self.rest.register(record)
        await self.gateway.dispatch("INTERACTION_CREATE", payload)
        return InteractionHandle(record)

    def _context(self, user: User | None, channel_id: int | None) -> dict[str, Any]:
        channel = self.world.find_channel(channel_id) if channel_id else self.channel
        if channel is None:
            raise KeyError(f"unknown channel {channel_id}")
        user = user or self.user
        guild = self.world.guilds[channel.guild_id]
        member = guild.members.get(user.id)
        return {
            "application_id": self.application_id,
            "guild_id": guild.id,
            "channel_id": channel.id,
            "user_id": user.id,
            "member_permissions": guild.permissions_in(channel.id, user.id),
            "app_permissions": guild.permissions_in(channel.id, self.bot.id),
            # The invoking member as Discord sends it: their own name and every role they hold.
            "username": user.username,
            "role_ids": tuple(member.role_ids) if member else (),
        }

    def _command_id(self, name: str, guild_id: int, kind: int = 1) -> int | None:
        for command in [*self.commands(guild_id), *self.commands()]:
            if command["name"] == name and command.get("type", 1) == kind:
                return int(command["id"])
        return None

    def slash_subcommand(
        self,
        group: str,
        subcommand: str,
        options: dict[str, object] | None = None,
        *,
        user: User | None = None,
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        """``/group subcommand ...`` by ``user`` (default :attr:`user`), with the permissions
        the world gives them; the command id is the synced one when there is one."""
        ctx = self._context(user, channel_id)
        return payloads.slash_subcommand(
            group=group,
            subcommand=subcommand,
            options=options,
            command_id=self._command_id(group, ctx["guild_id"]),
            **ctx,
        )

    def slash_command(
        self,
        name: str,
        options: dict[str, object] | None = None,
        *,
        user: User | None = None,
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        """A top-level ``/name ...`` command, like :meth:`slash_subcommand`."""
        ctx = self._context(user, channel_id)
        return payloads.slash_command(
            name=name, options=options, command_id=self._command_id(name, ctx["guild_id"]), **ctx
        )

    def autocomplete(
        self,
        command: str,
        options: dict[str, object],
        focused: str,
        *,
        group: str | None = None,
        user: User | None = None,
        channel_id: int | None = None,
    ) -> dict[str, Any]:
        """Autocomplete for option ``focused`` of ``command`` (a subcommand if ``group``)."""
        ctx = self._context(user, channel_id)
        return payloads.autocomplete(
            group=group,
            command=command,
            options=options,
            focused=focused,
            command_id=self._command_id(group or command, ctx["guild_id"]),
            **ctx,
        )

    def message_command(
        self, message: Message, name: str, *, user: User | None = None
    ) -> dict[str, Any]:
        """Apps → ``name`` on a stored ``message``, used by ``user`` (default :attr:`user`)
        in the message's channel; the command id is the synced message command's."""
        ctx = self._context(user, message.channel_id)
        payload = payloads.message_command(
            name=name,
            message=message.to_payload(),
            command_id=self._command_id(name, ctx["guild_id"], payloads.COMMAND_MESSAGE),
            **ctx,
        )
        channel = self.world.find_channel(message.channel_id)
        if channel is not None:  # the channel as it is (a thread in a forum post, say)
            payload["channel"] = channel.to_payload()
        return payload

    def select_pick(
        self, message: Message, custom_id: str, values: list[str], *, user: User | None = None
    ) -> dict[str, Any]:
        """``user`` picks ``values`` in the select ``custom_id`` of a stored ``message``."""
        ctx = self._context(user, message.channel_id)
        return payloads.select_pick(
            custom_id=custom_id, values=values, message=message.to_payload(), **ctx
        )

    def user_install_subcommand(
        self,
        group: str,
        subcommand: str,
        options: dict[str, object] | None = None,
        *,
        user: User | None = None,
        where: str = "dm",
        use_external_apps: bool = True,
    ) -> dict[str, Any]:
        """``/group subcommand ...`` by ``user`` through their own install of the app: in
        their DM with the bot (``where="dm"``), a group DM (``"group_dm"``), or a server the
        bot was never added to (``"server"``), where the member may or may not have Use
        External Apps."""
        ctx = self._context(user, None)
        payload = payloads.slash_subcommand(
            group=group,
            subcommand=subcommand,
            options=options,
            command_id=self._command_id(group, ctx["guild_id"]),
            **ctx,
        )
        if where == "server":
            # A server dk2 isn't in: ids the world (and so the bot) has never seen.
            everyone = DEFAULT_EVERYONE | (USE_EXTERNAL_APPS if use_external_apps else 0)
            return payloads.through_user_install(
                payload,
                context=payloads.CONTEXT_GUILD,
                guild_id=new_snowflake(),
                channel_id=new_snowflake(),
                member_permissions=everyone,
            )
        context = {"dm": payloads.CONTEXT_BOT_DM, "group_dm": payloads.CONTEXT_PRIVATE_CHANNEL}
        return payloads.through_user_install(payload, context=context[where])

    async def open_forum_post(
        self, forum_id: int, title: str, *, user: User | None = None
    ) -> Channel:
        """``user`` opens a post titled ``title`` in forum ``forum_id``: the thread is made and
        THREAD_CREATE (``newly_created``) is sent, as Discord does for a new post."""
        thread = self.world.add_thread(forum_id, title, user or self.user)
        await self.gateway.dispatch("THREAD_CREATE", {**thread.to_payload(), "newly_created": True})
        return thread

    def button_click(
        self, message: Message, custom_id: str, *, user: User | None = None
    ) -> dict[str, Any]:
        """A click on button ``custom_id`` of a stored ``message`` by ``user`` (default
        :attr:`user`), carrying their name, roles and permissions in that channel."""
        ctx = self._context(user, message.channel_id)
        return payloads.button_click(custom_id=custom_id, message=message.to_payload(), **ctx)


@contextlib.contextmanager
def patched_discord_urls(api_base: str, gateway_url: str) -> Iterator[None]:
    """Point discord.py's REST base and default gateway at the fake, restoring them after."""
    import discord.gateway
    import discord.http
    import yarl

    old_base = discord.http.Route.BASE
    old_gateway = discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    discord.http.Route.BASE = api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE = old_base
        discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = old_gateway
