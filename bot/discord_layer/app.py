"""Running dk2 in Discord: the bot, command sync, and a clean start and stop.

`run_bot` is what `python -m bot run` (and `make run`) calls with a token; `sync_once` is
`python -m bot sync`. Both log in with `Client.login`/`connect` rather than `Client.run`, so
discord.py never installs its own log handler and every line goes through dk2's
token-redacting one (`bot.logs.setup_logging`).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO, cast

import aiohttp
import discord
import discord.gateway
import discord.http
import yarl
from discord.ext import commands

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import load_knowledge
from bot.core.reply import Reply
from bot.core.watch import watch_knowledge
from bot.discord_layer.admin_cog import Dk2AdminCog
from bot.discord_layer.answer_with import AnswerWithCog
from bot.discord_layer.cog import AnswerHook, Dk2Cog
from bot.discord_layer.errors import CooldownStore, Dk2Tree
from bot.discord_layer.forum import ForumWatcher
from bot.discord_layer.intake import Intake
from bot.discord_layer.repeats import Repeats
from bot.discord_layer.usage_hook import usage_recorder
from bot.logs import settings_lines, setup_logging
from bot.scaling import Shared
from bot.signals import stop_on_signals
from bot.usage.log import UsageLog

__all__ = [
    "SHUTDOWN_TIMEOUT",
    "Dk2Bot",
    "apply_discord_urls",
    "bot_intents",
    "discord_urls",
    "run_bot",
    "serve",
    "sync_commands",
    "sync_once",
]

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_BAD_KNOWLEDGE = 2
SHUTDOWN_TIMEOUT = 5.0
USAGE_CLOSE_TIMEOUT = 2.0  # within SHUTDOWN_TIMEOUT, which also covers the disconnect


def bot_intents() -> discord.Intents:
    """Guilds only: slash commands and buttons arrive without any intent, and the guild cache
    (channels, roles) lets dk2 recognise moderator roles. Nothing privileged."""
    intents = discord.Intents.none()
    intents.guilds = True
    return intents


class Dk2Bot(commands.Bot):
    """The dk2 client: the `/dk2` cog, the Pin button, the cooldown and the error handler,
    the usage log (`usage`, None when `record_usage` is off) and the knowledge watcher
    (when `settings.watch_knowledge`)."""

    def __init__(
        self,
        settings: Settings,
        holder: KnowledgeHolder,
        *,
        on_answer: AnswerHook | None = None,
        record_usage: bool = True,
        **options: Any,
    ) -> None:
        # dk2 has no voice features; don't warn at every start about voice libraries.
        discord.VoiceClient.warn_nacl = False
        discord.VoiceClient.warn_dave = False
        super().__init__(
            # No message intents, so a prefix never fires; commands.Bot needs one anyway.
            command_prefix=commands.when_mentioned,
            help_command=None,
            intents=bot_intents(),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=Dk2Tree,
            **options,
        )
        self.settings = settings
        self.holder = holder
        self.on_answer = on_answer
        self.dk2_tree.cooldown = CooldownStore(
            settings.cooldown_rate, settings.cooldown_per_seconds
        )
        # Every INTERACTION_CREATE goes through dk2's own intake: read, routed, answered once.
        self.intake = Intake(self, self.dk2_tree)
        self.intake.install(self._connection)
        # Constructing the store never fails or touches the disk; a bad path only means
        # warnings later, never a bot that can't answer.
        # With `database_url`, usage, cooldowns and reloads are shared through PostgreSQL.
        self.shared: Shared | None = Shared(settings, holder) if record_usage else None
        self.usage: UsageLog | None = self.shared.usage if self.shared is not None else None
        if self.shared is not None and self.shared.postgres is not None:
            self.dk2_tree.shared_cooldown = self.shared.cooldown
        # No repeats in a channel: the posted answers live beside the usage log.
        self.repeats = Repeats(
            self.shared.answers if self.shared is not None else None,
            settings.repeat_window_minutes,
        )
        self._watcher: asyncio.Task[None] | None = None

    @property
    def dk2_tree(self) -> Dk2Tree:
        return cast(Dk2Tree, self.tree)

    async def setup_hook(self) -> None:
        hook = self.on_answer
        if self.usage is not None:
            await asyncio.to_thread(_make_parent, self.usage.path)
        if self.shared is not None:
            self.shared.start()
        if self.usage is not None:
            hook = _both(usage_recorder(self.usage), self.on_answer)
        await self.add_cog(
            Dk2Cog(
                self.holder, self.settings, on_answer=hook, usage=self.usage, repeats=self.repeats
            )
        )
        await self.add_cog(
            AnswerWithCog(
                self.tree,
                self.holder,
                self.repeats,
                on_answer=hook,
                pictures=self.settings.gateway_pictures,
            )
        )
        await self.add_cog(
            Dk2AdminCog(
                self.holder,
                self.settings,
                usage=self.usage,
                on_reload=self.shared.reloaded if self.shared is not None else None,
            )
        )
        await self.add_cog(ForumWatcher(self.holder, self.settings))
        # Pin clicks, including on answers sent before a restart, are routed by `self.intake`
        # from the button's custom_id alone.
        if self.settings.watch_knowledge and self._watcher is None:
            self._watcher = asyncio.create_task(
                watch_knowledge(self.holder), name="dk2-knowledge-watch"
            )

    async def drain(self, timeout: float = SHUTDOWN_TIMEOUT) -> int:
        """Stop taking new interactions (they are told dk2 is restarting) and wait, at most
        `timeout` s, for those in flight; returns how many are still running."""
        self.intake.draining = True
        running = len(self.intake.inflight)
        if running:
            log.info("stopping: finishing %d interaction(s) in flight", running)
        left = await self.intake.inflight.drain(timeout)
        if left:
            log.warning("stopping with %d interaction(s) unfinished after %.0f s", left, timeout)
        return left

    async def close(self) -> None:
        """Stop watching, close the Discord connection, then write what usage is queued."""
        if self._watcher is not None:
            self._watcher.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watcher
            self._watcher = None
        try:
            await super().close()
        finally:
            if self.shared is not None:
                await self.shared.close(timeout=USAGE_CLOSE_TIMEOUT)

    async def on_ready(self) -> None:
        log.info(
            "connected as %s (%s), in %d guild(s)",
            self.user,
            self.user.id if self.user else "?",
            len(self.guilds),
        )


# What a network that doesn't reach Discord raises (refused, no route, DNS, timeouts).
UNREACHABLE = (aiohttp.ClientError, OSError, TimeoutError)


def unreachable(exc: BaseException) -> str:
    """One line for an API that can't be reached, naming where dk2 tried."""
    detail = str(exc) or type(exc).__name__
    return f"can't reach Discord at {discord.http.Route.BASE} ({detail}); check the network"


def _make_parent(path: Path) -> None:
    """Create the usage database's folder if it is missing; failing is only a warning."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        log.warning("can't create %s for the usage log (%s); dk2 answers anyway", path.parent, exc)


def _both(first: AnswerHook, second: AnswerHook | None) -> AnswerHook:
    """One answer hook calling `first`, then `second` (when there is one)."""
    if second is None:
        return first

    async def hook(interaction: discord.Interaction[Any], reply: Reply) -> None:
        try:
            await first(interaction, reply)
        finally:
            await second(interaction, reply)

    return hook


def discord_urls() -> tuple[str, str]:
    """discord.py's current REST base and gateway URL."""
    return discord.http.Route.BASE, str(discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY)


def apply_discord_urls(settings: Settings) -> None:
    """Point discord.py at `discord_api_base` / `discord_gateway_url` (a local stand-in in
    tests; Discord itself by default). Must happen before login."""
    discord.http.Route.BASE = settings.discord_api_base
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(settings.discord_gateway_url)
    if settings.discord_api_base != Settings.model_fields["discord_api_base"].default:
        log.warning("using Discord API at %s", settings.discord_api_base)
    if settings.discord_gateway_url != Settings.model_fields["discord_gateway_url"].default:
        log.warning("using Discord gateway at %s", settings.discord_gateway_url)


def _describe_sync(synced: Sequence[discord.app_commands.AppCommand]) -> str:
    parts = []
    for command in synced:
        subs = [
            o.name for o in command.options if isinstance(o, discord.app_commands.AppCommandGroup)
        ]
        if command.type is discord.AppCommandType.message:
            parts.append(f"Apps → {command.name}")  # a menu on messages, not a slash command
            continue
        parts.append(f"/{command.name}" + (f" ({', '.join(subs)})" if subs else ""))
    return ", ".join(parts) or "no commands"


async def sync_commands(bot: Dk2Bot, guild_ids: Sequence[int]) -> list[str]:
    """Sync the command tree to `guild_ids` (instant), or globally when there are none (can
    take up to an hour to show). Returns one line per scope; a failing guild is reported and
    skipped, a failing global sync raises."""
    lines: list[str] = []
    if not guild_ids:
        synced = await bot.tree.sync()
        lines.append(f"synced globally: {_describe_sync(synced)}")
        log.info(lines[-1])
        return lines
    for guild_id in guild_ids:
        guild = discord.Object(guild_id)
        bot.tree.copy_global_to(guild=guild)
        try:
            synced = await bot.tree.sync(guild=guild)
        except discord.Forbidden:
            lines.append(
                f"guild {guild_id}: not synced; dk2 isn't in that server or was invited without "
                "the applications.commands scope (use `python -m bot invite`)"
            )
            log.error(lines[-1])
            continue
        except discord.HTTPException as exc:
            lines.append(f"guild {guild_id}: not synced; Discord said {exc.status}: {exc.text}")
            log.error(lines[-1])
            continue
        lines.append(f"synced to guild {guild_id}: {_describe_sync(synced)}")
        log.info(lines[-1])
    return lines


async def _close(bot: Dk2Bot, connect: asyncio.Task[None] | None) -> None:
    await bot.drain(SHUTDOWN_TIMEOUT)
    try:
        await asyncio.wait_for(bot.close(), SHUTDOWN_TIMEOUT)
    except TimeoutError:
        log.warning("closing the connection took over %.0f s; stopping anyway", SHUTDOWN_TIMEOUT)
    if connect is not None and not connect.done():
        connect.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await asyncio.wait_for(connect, SHUTDOWN_TIMEOUT)


async def serve(
    bot: Dk2Bot,
    token: str,
    *,
    stop: asyncio.Event | None = None,
    guild_ids: Sequence[int] | None = None,
) -> int:
    """Log in, sync commands, and serve until `stop` is set (SIGTERM/SIGINT set it too) or
    the connection ends for good. Returns an exit code."""
    stop = stop or asyncio.Event()
    guilds = bot.settings.dev_guild_ids if guild_ids is None else guild_ids
    connect: asyncio.Task[None] | None = None
    with stop_on_signals(stop):
        try:
            await bot.login(token)
            from bot.discord_layer.shards import syncs_commands

            if syncs_commands(bot):
                await sync_commands(bot, guilds)
            else:
                log.info("not syncing commands: the process running shard 0 does")
            # Everything loaded so far (knowledge, search index, discord.py) lives as long as
            # the process: keep the garbage collector from walking it again and again (a full
            # collection of it took ~40 ms; the bench saw ~10% of the gateway's CPU in GC).
            gc.freeze()
            connect = asyncio.create_task(bot.connect(), name="dk2-gateway")
            stopper = asyncio.create_task(stop.wait(), name="dk2-stop")
            await asyncio.wait({connect, stopper}, return_when=asyncio.FIRST_COMPLETED)
            stopper.cancel()
            if connect.done():
                connect.result()  # raises why the connection ended
                return EXIT_OK
            log.info("stopping: closing the connection to Discord")
            return EXIT_OK
        except discord.LoginFailure:
            log.error("Discord refused the token: check DISCORD_TOKEN (Bot page, Reset Token)")
            return EXIT_FAILED
        except discord.PrivilegedIntentsRequired:
            log.error("Discord refused a privileged intent dk2 should not be asking for")
            return EXIT_FAILED
        except (discord.HTTPException, discord.GatewayNotFound, discord.ConnectionClosed) as exc:
            log.error("lost Discord: %s", exc)
            return EXIT_FAILED
        except UNREACHABLE as exc:
            log.error(unreachable(exc))
            return EXIT_FAILED
        finally:
            await _close(bot, connect)
            log.info("dk2 stopped")


def _prepare(
    settings: Settings, knowledge_path: Path, err: TextIO
) -> tuple[str, KnowledgeHolder] | int:
    """Logging, knowledge and URLs: what both `run` and `sync` need. An int is an exit code."""
    if settings.token is None:
        print("dk2: set DISCORD_TOKEN to the bot token from the developer portal", file=err)
        return EXIT_FAILED
    token = settings.token.get_secret_value()
    setup_logging(settings.log_level, token)
    for line in settings_lines(settings):
        log.info("setting %s", line)
    result = load_knowledge(knowledge_path)
    if result.knowledge is None:
        print(f"dk2: the knowledge base in {knowledge_path} is invalid:", file=err)
        for problem in result.problems:
            print(f"  {problem}", file=err)
        return EXIT_BAD_KNOWLEDGE
    apply_discord_urls(settings)
    return token, KnowledgeHolder(knowledge_path, result.knowledge)


def run_bot(settings: Settings, knowledge_path: Path, err: TextIO) -> int:
    """`python -m bot run` with a token: serve until SIGTERM/SIGINT. Returns an exit code."""
    prepared = _prepare(settings, knowledge_path, err)
    if isinstance(prepared, int):
        return prepared
    token, holder = prepared

    async def main() -> int:
        from bot.discord_layer.shards import make_bot

        return await serve(make_bot(settings, holder), token)

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:  # a second Ctrl-C while shutting down
        return EXIT_OK


def sync_once(
    settings: Settings,
    knowledge_path: Path,
    guild_ids: Sequence[int] | None,
    out: TextIO,
    err: TextIO,
) -> int:
    """`python -m bot sync`: log in over REST only, sync, print what happened, exit."""
    prepared = _prepare(settings, knowledge_path, err)
    if isinstance(prepared, int):
        return prepared
    token, holder = prepared
    guilds = settings.dev_guild_ids if guild_ids is None else tuple(guild_ids)

    async def main() -> int:
        bot = Dk2Bot(settings, holder, record_usage=False)
        try:
            await bot.login(token)
            lines = await sync_commands(bot, guilds)
        except discord.LoginFailure:
            print("dk2: Discord refused the token; check DISCORD_TOKEN", file=err)
            return EXIT_FAILED
        except discord.HTTPException as exc:
            print(f"dk2: sync failed: Discord said {exc.status}: {exc.text}", file=err)
            return EXIT_FAILED
        except UNREACHABLE as exc:
            print(f"dk2: {unreachable(exc)}", file=err)
            return EXIT_FAILED
        finally:
            await bot.close()
        for line in lines:
            print(line, file=out)
        return EXIT_FAILED if any("not synced" in line for line in lines) else EXIT_OK

    return asyncio.run(main())
