"""`python -m bot serve`: start the endpoint, one process or `--workers N` on one port.

Each worker is a whole, independent endpoint (its own knowledge, cache, REST session and
database connection); with several, the kernel spreads connections over them (SO_REUSEPORT).
Several machines go behind any HTTP load balancer the same way: nothing is kept between
requests that another process would need, except what the shared database holds.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import multiprocessing
import os
import signal
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final, TextIO

import aiohttp
from aiohttp import web

from bot import eventloop
from bot.config import ConfigError, Settings, load_settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import load_knowledge
from bot.discord_layer.repeats import Repeats
from bot.http.declared import DeclaredCommands
from bot.http.gauge_links import GaugeLinks, endpoint_url
from bot.http.handler import InteractionHandler
from bot.http.rest import DiscordRest
from bot.http.server import DatabaseCheck, Endpoint
from bot.http.verify import SignatureCheck
from bot.logs import settings_lines, setup_logging
from bot.scaling import Shared
from bot.signals import stop_on_signals
from bot.usage.schema import connect

__all__ = ["MAX_WORKERS", "command_definitions", "serve_http"]

log = logging.getLogger(__name__)

EXIT_OK: Final = 0
EXIT_FAILED: Final = 1
EXIT_BAD_KNOWLEDGE: Final = 2
MAX_WORKERS: Final = 64
USAGE_CLOSE_TIMEOUT: Final = 2.0
APPLICATION_TIMEOUT: Final = 10.0
# How often a worker looks whether its serve process is still there.
PARENT_CHECK_SECONDS: Final = 1.0


async def command_definitions(settings: Settings, holder: KnowledgeHolder) -> list[dict[str, Any]]:
    """The commands `python -m bot sync` sends, as JSON: built by the gateway bot's own set-up,
    so the endpoint answers exactly what is synced."""
    from bot.discord_layer.app import Dk2Bot

    quiet = settings.model_copy(update={"watch_knowledge": False})
    bot = Dk2Bot(quiet, holder, record_usage=False)
    try:
        await bot.setup_hook()
        return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]
    finally:
        await bot.close()


async def gauge_links(
    settings: Settings, rest: DiscordRest, token: str | None
) -> GaugeLinks | None:
    """Links for the gauges when Discord reports the application's Interactions Endpoint
    URL (see `bot.http.gauge_links`); None (gauges uploaded with each answer) otherwise."""
    if not settings.http_pictures or token is None:
        return None
    try:
        async with asyncio.timeout(APPLICATION_TIMEOUT):
            result = await rest.request("GET", "/oauth2/applications/@me", None)
    except TimeoutError:
        log.warning("gauges are uploaded with each answer: Discord did not say the endpoint URL")
        return None
    url = endpoint_url(result.body) if result.ok else None
    if url is None:
        why = "no Interactions Endpoint URL is set" if result.ok else f"HTTP {result.status}"
        log.info("gauges are uploaded with each answer (%s)", why)
        return None
    log.info("gauges are linked from the Interactions Endpoint URL, %s", url)
    return GaugeLinks(url, token)


def _sqlite_check(path: Path) -> DatabaseCheck:
    def probe() -> str | None:
        if not path.exists():
            return None if os.access(path.parent, os.W_OK) else f"can't create {path}"
        try:
            conn = connect(path, read_only=True)
            try:
                conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            finally:
                conn.close()
        except sqlite3.Error as exc:
            return f"can't read {path}: {exc}"
        return None

    async def check() -> str | None:
        return await asyncio.to_thread(probe)

    return check


async def run_endpoint(
    settings: Settings,
    holder: KnowledgeHolder,
    *,
    stop: asyncio.Event,
    reuse_port: bool = False,
    listening: Callable[[int], None] | None = None,
) -> int:
    """Serve until `stop` is set; `listening` is told the port once it is open (useful with
    http_port 0). The settings must have a public key."""
    if settings.public_key is None:
        raise ValueError("serving needs the application's public key")
    token = settings.token.get_secret_value() if settings.token is not None else None
    shared = Shared(settings, holder)
    shared.start()
    definitions = await command_definitions(settings, holder)
    async with aiohttp.ClientSession() as session:
        rest = DiscordRest(session, settings.discord_api_base, token)
        links = await gauge_links(settings, rest, token)
        handler = InteractionHandler(
            holder,
            settings,
            DeclaredCommands(definitions),
            rest,
            usage=shared.usage,
            cooldown=shared.cooldown,
            on_reload=shared.reloaded,
            repeats=Repeats(shared.answers, settings.repeat_window_minutes),
            links=links,
        )
        endpoint = Endpoint(
            handler,
            SignatureCheck(settings.public_key.get_secret_value()),
            holder,
            database=(
                shared.database_problem
                if shared.postgres is not None
                else _sqlite_check(settings.database_path)
            ),
        )
        runner = web.ServerRunner(endpoint.server(), handle_signals=False)
        await runner.setup()
        try:
            site = web.TCPSite(
                runner, settings.http_host, settings.http_port, reuse_port=reuse_port or None
            )
            await site.start()
            port = int(runner.addresses[0][1])
            log.info(
                "listening on http://%s:%d/interactions (pid %d)",
                settings.http_host,
                port,
                os.getpid(),
            )
            if listening is not None:
                listening(port)
            # Everything loaded so far (knowledge, discord.py, the caches' first entries) lives
            # as long as the process: keep the garbage collector from walking it again and again.
            gc.freeze()
            await stop.wait()
            log.info("stopping: finishing answers in progress")
        finally:
            await runner.cleanup()
            await endpoint.finish()
            await shared.close(timeout=USAGE_CLOSE_TIMEOUT)
    return EXIT_OK


def _prepare(settings: Settings, knowledge_path: Path, err: TextIO) -> KnowledgeHolder | int:
    if settings.public_key is None:
        print(
            "dk2: set DK2_PUBLIC_KEY to the application's public key (General Information page "
            "of the developer portal) to serve interactions over HTTP",
            file=err,
        )
        return EXIT_FAILED
    if settings.token is None:
        print(
            "dk2: set DISCORD_TOKEN too: the Pin button and /dk2 pins call Discord as the bot",
            file=err,
        )
        return EXIT_FAILED
    setup_logging(settings.log_level, settings.token.get_secret_value())
    result = load_knowledge(knowledge_path)
    if result.knowledge is None:
        print(f"dk2: the knowledge base in {knowledge_path} is invalid:", file=err)
        for problem in result.problems:
            print(f"  {problem}", file=err)
        return EXIT_BAD_KNOWLEDGE
    return KnowledgeHolder(knowledge_path, result.knowledge)


async def _stop_when_orphaned(parent: int, stop: asyncio.Event) -> None:
    """A worker whose `serve --workers` process is gone (killed with SIGKILL, which can't be
    forwarded) stops like on SIGTERM, instead of answering on with no one to stop it."""
    while os.getppid() == parent:
        await asyncio.sleep(PARENT_CHECK_SECONDS)
    log.warning("the serve process (pid %d) is gone: stopping this worker", parent)
    stop.set()


def _serve_one(
    settings: Settings,
    knowledge_path: Path,
    err: TextIO,
    reuse_port: bool,
    parent: int | None = None,
) -> int:
    prepared = _prepare(settings, knowledge_path, err)
    if isinstance(prepared, int):
        return prepared
    for line in settings_lines(settings):
        log.info("setting %s", line)
    if settings.forum_channel_ids:
        # New forum posts arrive only over the gateway, which this mode never opens.
        log.warning("forum_channel_ids is set, but only `python -m bot run` sees new forum posts")

    async def main() -> int:
        stop = asyncio.Event()
        orphaned = asyncio.create_task(_stop_when_orphaned(parent, stop)) if parent else None
        with stop_on_signals(stop):
            try:
                return await run_endpoint(settings, prepared, stop=stop, reuse_port=reuse_port)
            except OSError as exc:
                log.error("can't listen on %s:%d: %s", settings.http_host, settings.http_port, exc)
                return EXIT_FAILED
            finally:
                if orphaned is not None:
                    orphaned.cancel()

    try:
        return eventloop.run(main())
    except KeyboardInterrupt:
        return EXIT_OK


def _worker(config_path: Path | None, knowledge_path: Path, parent: int) -> None:
    """One of `--workers N`: reads its own settings (a token can't be pickled across)."""
    import sys

    try:
        settings = load_settings(config_path, os.environ, knowledge_path)  # as --knowledge
    except ConfigError as exc:
        print(f"dk2: {exc}", file=sys.stderr)
        raise SystemExit(EXIT_FAILED) from None
    raise SystemExit(_serve_one(settings, knowledge_path, sys.stderr, True, parent))


def serve_http(
    settings: Settings,
    knowledge_path: Path,
    err: TextIO,
    *,
    workers: int = 1,
    config_path: Path | None = None,
) -> int:
    """`python -m bot serve [--workers N]`. Returns an exit code."""
    if workers == 1:
        return _serve_one(settings, knowledge_path, err, reuse_port=False)
    if settings.http_port == 0:
        print("dk2: --workers needs a fixed http_port (they all listen on it)", file=err)
        return EXIT_FAILED
    prepared = _prepare(settings, knowledge_path, err)  # fail here, not N times over
    if isinstance(prepared, int):
        return prepared
    context = multiprocessing.get_context("spawn")
    children = [
        context.Process(
            target=_worker, args=(config_path, knowledge_path, os.getpid()), name=f"dk2-http-{n}"
        )
        for n in range(workers)
    ]
    for child in children:
        child.start()
    log.info("started %d workers on port %d", workers, settings.http_port)

    def forward(signum: int, frame: object) -> None:
        for child in children:
            if child.pid is not None and child.is_alive():
                os.kill(child.pid, signal.SIGTERM)

    previous = {sig: signal.signal(sig, forward) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        for child in children:
            child.join()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    codes = [child.exitcode or 0 for child in children]
    return max(codes, default=EXIT_OK)
