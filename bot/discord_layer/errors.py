"""The one place failures become friendly private replies, and the per-user cooldown.

Any exception in a command ends in `Dk2Tree.on_error`: the member gets a private "something
went wrong (ref 1A2B3C)" and the log gets the traceback with the same ref, so a report in
chat can be matched to its log line. A cooldown hit is not a failure: it says when to retry.
"""

from __future__ import annotations

import logging
import math
import secrets
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Any, Final

import discord
from discord import app_commands

from bot.core.model import Messages
from bot.discord_layer.embeds import error_embed
from bot.discord_layer.signature import (
    OutOfRange,
    focused_without_suggestions,
    option_problems,
    out_of_range,
)
from bot.discord_layer.texts import messages_of

__all__ = [
    "FAILURE_TITLE",
    "CooldownStore",
    "Dk2Tree",
    "OnCooldown",
    "OptionOutOfRange",
    "ensure_answered",
    "failure_embed",
    "new_ref",
    "report_failure",
    "send_private",
]

log = logging.getLogger(__name__)

# Used only when the knowledge base itself can't be read (the failure may be that very
# thing); every other text comes from knowledge/messages.yaml.
FAILURE_TITLE: Final = "Something went wrong"
FAILURE_FALLBACK: Final = "dk2 couldn't answer that (ref {ref}). The problem has been logged."


def new_ref() -> str:
    """A short id that ties a member's error message to its log line."""
    return secrets.token_hex(3).upper()


class CooldownStore:
    """At most `rate` uses per `per` seconds for each key (a user id), in a sliding window.

    Keys whose last use is older than `per` carry no information, so they are pruned (at most
    once per window, in one pass), and the store holds only members active in the last window.
    """

    def __init__(
        self, rate: int, per: float, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if rate < 1 or per <= 0:
            raise ValueError("a cooldown needs rate ≥ 1 and per > 0")
        self.rate = rate
        self.per = per
        self._clock = clock
        self._uses: dict[int, deque[float]] = {}
        self._last_prune = clock()

    def __len__(self) -> int:
        return len(self._uses)

    def hit(self, key: int) -> float | None:
        """Record a use by `key`; None when allowed, else seconds until the next is allowed."""
        now = self._clock()
        if now - self._last_prune >= self.per:
            self.prune(now)
        uses = self._uses.get(key)
        if uses is None:
            uses = self._uses[key] = deque()
        while uses and uses[0] <= now - self.per:
            uses.popleft()
        if len(uses) >= self.rate:
            return max(uses[0] + self.per - now, 0.0)
        uses.append(now)
        return None

    def prune(self, now: float | None = None) -> None:
        """Forget every key with no use inside the window."""
        now = self._clock() if now is None else now
        stale = [key for key, uses in self._uses.items() if not uses or uses[-1] <= now - self.per]
        for key in stale:
            del self._uses[key]
        self._last_prune = now


class OptionOutOfRange(app_commands.CheckFailure):
    """A number option outside what the command declares (Discord's client enforces the
    declared range, but a payload can carry anything)."""

    def __init__(self, problem: OutOfRange) -> None:
        super().__init__(f"option {problem.name!r} out of range: {problem.value!r}")
        self.problem = problem


class OnCooldown(app_commands.CheckFailure):
    """A member used dk2 more often than the cooldown allows."""

    def __init__(self, retry_after: float, rate: int, per: float) -> None:
        super().__init__(f"on cooldown for {retry_after:.1f} s")
        self.retry_after = retry_after
        self.rate = rate
        self.per = per


def cooldown_message(messages: Messages, error: OnCooldown) -> str:
    seconds = max(1, math.ceil(error.retry_after))
    values = {"rate": str(error.rate), "per": f"{error.per:g}"}
    if seconds == 1:
        return messages.get("cooldown.text_one", **values)
    return messages.get("cooldown.text", seconds=str(seconds), **values)


def failure_embed(interaction: discord.Interaction[Any], ref: str) -> discord.Embed:
    """The private "something went wrong (ref …)" embed."""
    try:
        messages = messages_of(interaction)
        return error_embed(messages.get("failure.title"), messages.get("failure.text", ref=ref))
    except Exception:  # the knowledge base is what failed: say so plainly, never raise here
        return error_embed(FAILURE_TITLE, FAILURE_FALLBACK.format(ref=ref))


# Set in `interaction.extras` once dk2 has tried to answer, even if the attempt failed: the
# last-resort reply (`ensure_answered`) must not make it two.
ATTEMPTED: Final = "dk2_answer_attempted"


async def send_private(interaction: discord.Interaction[Any], embed: discord.Embed) -> None:
    """Answer privately, as the first response or as a follow-up, whichever is still open.

    Autocomplete can't show a message: it gets an empty list of choices instead. An
    interaction that has expired, or a connection closing under it, can't be answered; that
    is logged, never raised.
    """
    interaction.extras[ATTEMPTED] = True
    try:
        if interaction.type is discord.InteractionType.autocomplete:
            if not interaction.response.is_done():
                await interaction.response.autocomplete([])
        elif interaction.response.is_done():
            await interaction.followup.send(embed=embed, ephemeral=True)
        else:
            await interaction.response.send_message(embed=embed, ephemeral=True)
    except discord.HTTPException as exc:
        log.warning(
            "could not answer interaction %s privately: %s %s", interaction.id, exc.status, exc
        )
    except Exception as exc:  # the session closing at shutdown, a connection error, ...
        log.warning("could not answer interaction %s privately: %r", interaction.id, exc)


async def ensure_answered(interaction: discord.Interaction[Any]) -> None:
    """The last line of the rule "every interaction gets a response": if a handler ended
    without answering (or trying to), answer now, with a logged ref."""
    if interaction.response.is_done() or interaction.extras.get(ATTEMPTED):
        return
    if interaction.type is discord.InteractionType.autocomplete:
        await send_private(interaction, discord.Embed())
        return
    ref = new_ref()
    log.error("%s ended without a reply (ref %s)", _where(interaction), ref)
    await send_private(interaction, failure_embed(interaction, ref))


def _where(interaction: discord.Interaction[Any]) -> str:
    try:
        command = interaction.command
    except Exception:  # data too broken to name a command
        command = None
    if command is not None:
        return f"/{command.qualified_name}"
    data: dict[str, Any] = dict(interaction.data or {})
    return str(data.get("custom_id") or data.get("name") or interaction.type.name)


async def report_failure(interaction: discord.Interaction[Any], error: BaseException) -> str:
    """Log `error` with a new ref and tell the member privately; returns the ref."""
    ref = new_ref()
    original = getattr(error, "original", None)
    cause = original if isinstance(original, BaseException) else error
    log.error(
        "%s failed for user %s in guild %s (ref %s)",
        _where(interaction),
        getattr(interaction.user, "id", None),
        interaction.guild_id,
        ref,
        exc_info=(type(cause), cause, cause.__traceback__),
    )
    await send_private(interaction, failure_embed(interaction, ref))
    return ref


class Dk2Tree(app_commands.CommandTree[Any]):
    """The command tree with dk2's cooldown check and its one error handler."""

    cooldown: CooldownStore | None = None
    # Counted across processes (PostgreSQL); `cooldown` is used when this is None.
    shared_cooldown: Callable[[int], Awaitable[float | None]] | None = None

    async def interaction_check(self, interaction: discord.Interaction[Any], /) -> bool:
        problems = option_problems(interaction)
        if problems and isinstance(interaction.command, app_commands.Command):
            # An older (or forged) command: answered like an unknown one, never run with it.
            log.info("%s sent with options dk2 doesn't declare: %s", _where(interaction), problems)
            raise app_commands.CommandSignatureMismatch(interaction.command)
        if focused_without_suggestions(interaction) and isinstance(
            interaction.command, app_commands.Command
        ):
            # Autocomplete for an option that has none: no choices, quietly.
            raise app_commands.CommandSignatureMismatch(interaction.command)
        wrong = out_of_range(interaction)
        if wrong is not None:
            raise OptionOutOfRange(wrong)
        # Autocomplete runs on every keystroke; only submitted commands count.
        if (
            self.cooldown is None
            or interaction.type is not discord.InteractionType.application_command
        ):
            return True
        if self.shared_cooldown is not None:
            retry_after = await self.shared_cooldown(interaction.user.id)
        else:
            retry_after = self.cooldown.hit(interaction.user.id)
        if retry_after is not None:
            raise OnCooldown(retry_after, self.cooldown.rate, self.cooldown.per)
        return True

    async def handle(self, interaction: discord.Interaction[Any]) -> None:
        """Run a command or autocomplete interaction (what discord.py's `_from_interaction`
        schedules), catching everything, and make sure it is answered once."""
        try:
            try:
                await self._call(interaction)
            except app_commands.AppCommandError as error:
                await self._dispatch_error(interaction, error)
        except Exception as exc:
            await report_failure(interaction, exc)
        await ensure_answered(interaction)

    async def on_error(
        self, interaction: discord.Interaction[Any], error: app_commands.AppCommandError, /
    ) -> None:
        try:
            embed = self._explain(interaction, error)
        except Exception as exc:  # can't even word it: report that as the failure
            await report_failure(interaction, exc)
            return
        if embed is None:
            await report_failure(interaction, error)
        else:
            await send_private(interaction, embed)

    @staticmethod
    def _explain(
        interaction: discord.Interaction[Any], error: app_commands.AppCommandError
    ) -> discord.Embed | None:
        """The private reply for an error that isn't a failure of dk2's; None for one that is."""
        if isinstance(error, OnCooldown):
            log.info("user %s is on cooldown (%.1f s)", interaction.user.id, error.retry_after)
            messages = messages_of(interaction)
            return error_embed(messages.get("cooldown.title"), cooldown_message(messages, error))
        if isinstance(error, OptionOutOfRange):
            wrong = error.problem
            log.info("%s: %s", _where(interaction), error)
            messages = messages_of(interaction)
            return error_embed(
                messages.get("failure.out_of_range_title"),
                messages.get(
                    "failure.out_of_range",
                    option=wrong.name,
                    min=_number(wrong.minimum),
                    max=_number(wrong.maximum),
                ),
            )
        if interaction.type is discord.InteractionType.autocomplete:
            log.info("autocomplete with no suggestions: %s (%s)", _where(interaction), error)
            return discord.Embed()  # send_private answers autocomplete with no choices
        if isinstance(error, app_commands.CommandNotFound | app_commands.CommandSignatureMismatch):
            log.warning("stale command used: %s (%s)", _where(interaction), error)
            messages = messages_of(interaction)
            return error_embed(
                messages.get("failure.outdated_title"), messages.get("failure.outdated")
            )
        return None


def _number(value: float | None) -> str:
    if value is None:
        return "any"
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"
