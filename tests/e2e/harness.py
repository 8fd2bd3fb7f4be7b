"""The real dk2 process against the local Discord: start it, talk to it, stop it, read its log.

dk2 runs exactly as an operator starts it: ``python -m bot run`` in the repository, configured
only through the environment (``DISCORD_TOKEN``, ``DK2_DISCORD_API_BASE``,
``DK2_DISCORD_GATEWAY_URL``, ``DK2_DEV_GUILD_IDS``, ``DK2_DATABASE_PATH``, ...; the no-repeats
rule off unless a test turns it on). The local
Discord (:class:`tests.fakediscord.FakeDiscord`) runs in the test process, so tests keep full
control of it: they dispatch interactions, inject faults and read what Discord would show.

The shortest use, in a test module (see ``tests/e2e/conftest.py`` for the fixtures)::

    pytestmark = pytest.mark.asyncio(loop_scope="module")

    async def test_about(dk2: Dk2Session) -> None:      # one bot process per module
        handle = await dk2.command("about")               # typed by a fresh plain member
        assert handle.original is not None and handle.original.embeds[0]["title"] == "About dk2"
        assert dk2.bot.log_problems() == []               # no traceback, token never logged

Building blocks, for a scenario that needs its own process or world:

- :func:`add_people` puts a plain member, a moderator (Pin Messages through a role) and a
  role moderator (only the configured moderator role) into the fake's guild. Do it before
  the bot connects, so its GUILD_CREATE carries them.
- :class:`BotProcess` is one ``python -m bot run`` process: :meth:`~BotProcess.start` waits
  (bounded) for login, command sync and ``on_ready``; :meth:`~BotProcess.stop` sends SIGTERM
  and kills after a bounded wait; :meth:`~BotProcess.restart`; the log (stderr, to a file in
  the work directory) via :meth:`~BotProcess.log`, :meth:`~BotProcess.mark`,
  :meth:`~BotProcess.wait_for_log` and :meth:`~BotProcess.log_problems`.
- :func:`dk2_session` starts a fake, the people and a bot together and always cleans up.
- :func:`answered_once` asserts dk2's rule for one interaction: exactly one response,
  accepted by Discord, within its 3 seconds.

Every wait here is bounded; every process started here is killed in a ``finally``.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import re
import signal
import sys
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.discord_layer.helpers import button_ids, embed_text, group_of
from tests.fakediscord import FakeDiscord, InteractionCallback, InteractionHandle, Message, User
from tests.fakediscord.permissions import PIN_MESSAGES

__all__ = [
    "CALLBACK_TIMEOUT",
    "PIN_ID",
    "REPO",
    "START_TIMEOUT",
    "STOP_TIMEOUT",
    "UNPIN_ID",
    "BotProcess",
    "Dk2Session",
    "People",
    "Stopped",
    "add_people",
    "answered_once",
    "bot_environment",
    "button_ids",
    "callback_statuses",
    "dk2_session",
    "embed_text",
    "peak_memory_kib",
    "private_text",
    "wait_until",
]

REPO = Path(__file__).resolve().parents[2]
PIN_ID = "dk2:pin:pin"
UNPIN_ID = "dk2:pin:unpin"

START_TIMEOUT = 30.0  # spawn → login → sync → gateway → on_ready (2 s of it is discord.py's)
STOP_TIMEOUT = 10.0  # the limit for a clean SIGTERM shutdown
CALLBACK_TIMEOUT = 10.0  # dispatch → the bot's first callback (Discord allows 3 s; slack for CI)

# The line dk2 logs from on_ready; the harness treats it as "serving".
READY_LINE = re.compile(r"connected as \S+ \(\d+\), in \d+ guild")
# Signs of trouble a healthy run never prints.
_PROBLEMS = (
    re.compile(r"^Traceback \(most recent call last\)", re.M),
    re.compile(r"Task exception was never retrieved"),
    re.compile(r"Unclosed client session|Unclosed connector"),
)


async def wait_until(predicate: Callable[[], object], timeout: float = CALLBACK_TIMEOUT) -> None:
    """Poll ``predicate()`` until it is truthy; ``TimeoutError`` after ``timeout`` seconds."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


def peak_memory_kib(pid: int) -> int | None:
    """A live process's peak resident memory (``VmHWM`` in /proc), in KiB; None if unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.M)
    return int(match[1]) if match else None


def bot_environment(fake: FakeDiscord, workdir: Path, **extra: str) -> dict[str, str]:
    """The environment an operator would give dk2 to run against ``fake``.

    Inherited ``DK2_*`` variables and ``DISCORD_TOKEN`` are dropped so nothing from the
    developer's shell leaks in; a ``config.yaml`` lying in the clone is shadowed by an empty
    config file (dk2 would otherwise read it from its start directory). ``extra`` adds or
    overrides ``DK2_*`` settings.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("DK2_") and key != "DISCORD_TOKEN"
    }
    env.update(
        DISCORD_TOKEN=fake.token,
        DK2_DISCORD_API_BASE=fake.api_base,
        DK2_DISCORD_GATEWAY_URL=fake.gateway_url,
        DK2_DEV_GUILD_IDS=str(fake.guild.id),
        DK2_DATABASE_PATH=str(workdir / "dk2.sqlite3"),
        DK2_KNOWLEDGE_PATH=str(REPO / "knowledge"),
        # Scenarios ask the same question in one channel again and again; the no-repeats
        # rule would answer all but the first privately. Its own tests turn it on.
        DK2_REPEAT_WINDOW_MINUTES="0",
        PYTHONDONTWRITEBYTECODE="1",
    )
    if (REPO / "config.yaml").exists():
        empty = workdir / "empty-config.yaml"
        empty.write_text("{}\n")
        env["DK2_CONFIG"] = str(empty)
    env.update(extra)
    return env


@dataclass(frozen=True)
class Stopped:
    """How a bot process ended: its exit code and how long it took after the signal."""

    code: int
    seconds: float


class BotProcess:
    """One ``python -m bot run`` process talking to ``fake``; its stderr goes to ``log_path``.

    Restarts append to the same log; use :meth:`mark` and ``since=`` to read one run's part.
    """

    def __init__(
        self,
        fake: FakeDiscord,
        workdir: Path,
        *,
        env: Mapping[str, str] | None = None,
        command: tuple[str, ...] = ("-m", "bot", "run"),
    ) -> None:
        self.fake = fake
        self.workdir = workdir
        self.env = bot_environment(fake, workdir, **dict(env or {}))
        self.command = command
        self.log_path = workdir / "dk2.log"
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    # -- lifecycle ---------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.returncode is None

    @property
    def pid(self) -> int:
        """The live process's id."""
        if self.process is None:
            raise RuntimeError("the bot has not been started")
        return self.process.pid

    async def spawn(self) -> None:
        """Start the process without waiting for anything (see :meth:`start`)."""
        if self.running:
            raise RuntimeError("the bot is already running")
        self.workdir.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self.process = await asyncio.create_subprocess_exec(
                sys.executable,
                *self.command,
                cwd=REPO,
                env=self.env,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )
        self.starts += 1

    async def start(self, *, timeout: float = START_TIMEOUT) -> None:
        """Start dk2 and wait until it has logged in, synced, identified and logged on_ready.

        Raises ``AssertionError`` (with the log) if it exits first, ``TimeoutError`` if it
        isn't ready in ``timeout`` seconds; the process is killed in both cases.
        """
        gateway = self.fake.gateway
        ready_before = gateway.ready_count
        mark = self.mark()
        await self.spawn()
        try:
            async with asyncio.timeout(timeout):
                while not (
                    gateway.ready_count > ready_before and READY_LINE.search(self.log(mark))
                ):
                    if not self.running:
                        raise AssertionError(
                            f"dk2 exited with {self.returncode} before it was ready:\n"
                            + self.log(mark)
                        )
                    await asyncio.sleep(0.02)
        except BaseException:
            await self.kill()
            raise

    async def stop(
        self, sig: signal.Signals = signal.SIGTERM, timeout: float = STOP_TIMEOUT
    ) -> Stopped:
        """Send ``sig`` and wait for the exit; killed (and ``TimeoutError``) after ``timeout``."""
        process = self.process
        if process is None or process.returncode is not None:
            raise RuntimeError("the bot is not running")
        started = time.monotonic()
        process.send_signal(sig)
        try:
            code = await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            await self.kill()
            raise
        return Stopped(code, time.monotonic() - started)

    async def restart(self, *, timeout: float = START_TIMEOUT) -> Stopped:
        """SIGTERM, then start again; returns how the first run ended."""
        stopped = await self.stop()
        await self.start(timeout=timeout)
        return stopped

    async def kill(self) -> None:
        """SIGKILL the process if it is alive, and reap it (bounded)."""
        process = self.process
        if process is None or process.returncode is not None:
            return
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(process.wait(), 5)

    @property
    def returncode(self) -> int | None:
        """The exit code once the process has ended."""
        return None if self.process is None else self.process.returncode

    def peak_memory_kib(self) -> int | None:
        """The live process's peak resident memory in KiB (``VmHWM``)."""
        return peak_memory_kib(self.pid) if self.running else None

    # -- the log -----------------------------------------------------------------------------

    def log(self, since: int = 0) -> str:
        """Everything the process (all its runs) wrote to stderr, from offset ``since``."""
        try:
            with self.log_path.open("rb") as fh:
                fh.seek(since)
                return fh.read().decode("utf-8", "replace")
        except FileNotFoundError:
            return ""

    def mark(self) -> int:
        """The log's current end, to read only what comes after it with ``since=``."""
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    async def wait_for_log(
        self, pattern: str | re.Pattern[str], *, since: int = 0, timeout: float = CALLBACK_TIMEOUT
    ) -> re.Match[str]:
        """Wait until the log (from ``since``) matches ``pattern`` (a plain string is literal)."""
        regex = pattern if isinstance(pattern, re.Pattern) else re.compile(re.escape(pattern))
        try:
            async with asyncio.timeout(timeout):
                while (match := regex.search(self.log(since))) is None:
                    await asyncio.sleep(0.02)
        except TimeoutError:
            raise AssertionError(
                f"no log line matching {regex.pattern!r} within {timeout} s:\n{self.log(since)}"
            ) from None
        return match

    def log_problems(self, since: int = 0) -> list[str]:
        """What should never be in a healthy log: tracebacks, unretrieved task errors, unclosed
        sessions, and the bot token itself."""
        text = self.log(since)
        problems = [m[0] for regex in _PROBLEMS for m in regex.finditer(text)]
        if self.fake.token in text:
            problems.append("the bot token appears in the log")
        return problems


# -- the people in the guild ------------------------------------------------------------------


@dataclass(frozen=True)
class People:
    """Who clicks and types in the fake's guild."""

    member: User  # no special rights
    moderator: User  # Pin Messages through a role
    role_moderator: User  # holds only the configured moderator role
    moderator_role_id: int  # give it to dk2 as DK2_MODERATOR_ROLE_IDS
    pin_role_id: int


def add_people(fake: FakeDiscord) -> People:
    """Add a moderator and a role moderator (and use the fake's own member) in its guild."""
    world, guild = fake.world, fake.guild
    pin_role = world.add_role(guild.id, "pinners", PIN_MESSAGES)
    named_role = world.add_role(guild.id, "dk2 moderators", 0)
    moderator = world.add_user("mod")
    world.add_member(guild.id, moderator, [pin_role.id])
    role_moderator = world.add_user("rolemod")
    world.add_member(guild.id, role_moderator, [named_role.id])
    return People(fake.user, moderator, role_moderator, named_role.id, pin_role.id)


_member_numbers = itertools.count(1)


@dataclass
class Dk2Session:
    """A running dk2 process, the fake it talks to, and the people who use it."""

    fake: FakeDiscord
    bot: BotProcess
    people: People
    members: list[User] = field(default_factory=list)

    def new_member(self, name: str | None = None) -> User:
        """A fresh plain member (its own cooldown window), added to the guild."""
        user = self.fake.world.add_user(name or f"member{next(_member_numbers)}")
        self.fake.world.add_member(self.fake.guild.id, user)
        self.members.append(user)
        return user

    async def dispatch(
        self, payload: dict[str, Any], *, timeout: float = CALLBACK_TIMEOUT
    ) -> InteractionHandle:
        """Send one INTERACTION_CREATE and wait for the bot's first callback."""
        handle = await self.fake.dispatch_interaction(payload)
        await handle.response(timeout=timeout)
        return handle

    async def command(
        self,
        subcommand: str,
        options: dict[str, object] | None = None,
        *,
        user: User | None = None,
        timeout: float = CALLBACK_TIMEOUT,
    ) -> InteractionHandle:
        """``/dk2 <subcommand> ...`` (``/dk2-admin`` for reload and stats) typed by ``user``
        (default: a fresh plain member)."""
        payload = self.fake.slash_subcommand(
            group_of(subcommand), subcommand, options, user=user or self.new_member()
        )
        return await self.dispatch(payload, timeout=timeout)

    async def autocomplete(
        self,
        subcommand: str,
        options: dict[str, object],
        focused: str,
        *,
        user: User | None = None,
    ) -> InteractionCallback:
        """Autocomplete for ``/dk2 <subcommand>`` while ``focused`` is typed; the callback."""
        payload = self.fake.autocomplete(
            subcommand, options, focused, group="dk2", user=user or self.people.member
        )
        handle = await self.dispatch(payload)
        return await handle.response()

    async def click(
        self, message: Message, custom_id: str, *, user: User, timeout: float = CALLBACK_TIMEOUT
    ) -> InteractionHandle:
        """``user`` clicks the button ``custom_id`` on ``message``."""
        payload = self.fake.button_click(message, custom_id, user=user)
        return await self.dispatch(payload, timeout=timeout)


async def private_text(handle: InteractionHandle, timeout: float = CALLBACK_TIMEOUT) -> str:
    """The text of the private (ephemeral) message the interaction's user was shown: the
    response itself, or the first ephemeral follow-up."""

    def private() -> Message | None:
        original = handle.original
        if original is not None and original.ephemeral and original.embeds:
            return original
        return next((m for m in handle.followups if m.ephemeral), None)

    await wait_until(private, timeout)
    message = private()
    assert message is not None
    return embed_text(message)


@contextlib.asynccontextmanager
async def dk2_session(
    workdir: Path,
    *,
    env: Mapping[str, str] | None = None,
    fake: FakeDiscord | None = None,
) -> AsyncIterator[Dk2Session]:
    """A fake (started here unless given), people, and a ready dk2 process; all cleaned up.

    dk2 gets ``DK2_MODERATOR_ROLE_IDS`` for the role moderator unless ``env`` sets it.
    """
    async with contextlib.AsyncExitStack() as stack:
        if fake is None:
            fake = await stack.enter_async_context(FakeDiscord())
        people = add_people(fake)
        settings = {"DK2_MODERATOR_ROLE_IDS": str(people.moderator_role_id), **dict(env or {})}
        bot = BotProcess(fake, workdir, env=settings)
        try:
            await bot.start()
            yield Dk2Session(fake, bot, people)
        finally:
            if bot.running:
                with contextlib.suppress(TimeoutError):
                    await bot.stop()
            await bot.kill()


# -- the rule: every interaction gets exactly one response within Discord's 3 seconds ---------

RESPONSE_DEADLINE = 3.0  # Discord's window for the first response


def callback_statuses(fake: FakeDiscord, interaction_id: int) -> list[int]:
    """What the fake answered to each callback dk2 sent for the interaction, in order."""
    route = rf"/interactions/{interaction_id}/[^/]+/callback"
    return [r.status for r in fake.requests.matching("POST", route)]


async def answered_once(
    fake: FakeDiscord, handle: InteractionHandle, *, settle: float = 0.2
) -> InteractionCallback:
    """Assert that dk2 answered ``handle`` exactly once, accepted, inside 3 s; the callback.

    ``settle`` is how long to keep watching for a second (wrong) callback.
    """
    callback = await handle.response(timeout=CALLBACK_TIMEOUT)
    assert callback.accepted, callback
    assert callback.elapsed <= RESPONSE_DEADLINE, f"answered after {callback.elapsed:.2f} s"
    await asyncio.sleep(settle)
    statuses = callback_statuses(fake, handle.id)
    assert len(statuses) == 1, f"{len(statuses)} callbacks for one interaction: {statuses}"
    return callback
