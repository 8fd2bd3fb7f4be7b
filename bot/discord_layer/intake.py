"""Where Discord's interactions enter dk2: each one is read, routed and answered exactly once.

discord.py parses INTERACTION_CREATE inside its gateway loop, so an exception there (a
`guild_id` that is not a number) ends the connection and dk2 with it; and what it can't route
(a button dk2 doesn't have, a modal dk2 never sent, a Pin click without its message, a click
with no `data`) it drops without a reply, which the member sees as "This interaction failed".

`Intake.receive` takes that event over (installed as the state's INTERACTION_CREATE parser):

- a payload missing what dk2 needs to answer (`payload_problem`), or one discord.py can't
  build an `Interaction` from, is logged with an error ref and answered with a private
  apology quoting it, from the few fields an answer needs;
- commands and autocomplete go to the command tree, a Pin click to the Pin button, a
  topic button (under a forum post) to `forum.topic_click`, and
  anything else (unknown or stale custom ids, other component types, modal submits) gets
  "this button is out of date";
- every handler runs as a tracked task (`InFlight`), so a shutdown can let them finish;
  while shutting down, new interactions are told to try again in a moment.

Nothing raised here reaches discord.py's gateway loop.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine, Mapping
from typing import TYPE_CHECKING, Any, Final

import discord
from discord.state import ConnectionState

from bot.discord_layer.embeds import error_embed
from bot.discord_layer.errors import (
    ensure_answered,
    failure_embed,
    new_ref,
    send_private,
)
from bot.discord_layer.forum import TOPIC_TEMPLATE, topic_click
from bot.discord_layer.texts import messages_of
from bot.discord_layer.views import PIN_TEMPLATE, pin_click

if TYPE_CHECKING:
    from bot.discord_layer.errors import Dk2Tree

__all__ = ["InFlight", "Intake", "payload_problem"]

log = logging.getLogger(__name__)

_COMMAND: Final = 2
_COMPONENT: Final = 3
_AUTOCOMPLETE: Final = 4
_MODAL_SUBMIT: Final = 5
_BUTTON: Final = 2
_SNOWFLAKE_MAX: Final = 2**64


class InFlight:
    """The interaction handlers still running, so a shutdown can wait for them."""

    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[None]] = set()

    def __len__(self) -> int:
        return len(self._tasks)

    def spawn(self, work: Coroutine[Any, Any, None], name: str) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(work, name=name)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def drain(self, timeout: float) -> int:
        """Wait (at most `timeout` s) until every handler, including ones started meanwhile,
        has finished; returns how many are still running."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self._tasks:
            left = deadline - loop.time()
            if left <= 0:
                break
            await asyncio.wait(set(self._tasks), timeout=left)
        return len(self._tasks)


def _snowflake(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return 0 < value < _SNOWFLAKE_MAX
    return (
        isinstance(value, str)
        and value.isascii()
        and value.isdigit()
        and 0 < int(value[:21]) < _SNOWFLAKE_MAX
    )


def payload_problem(data: object) -> str | None:
    """Why dk2 can't handle this INTERACTION_CREATE as sent, or None when it can.

    Checks what dk2 reads itself (who asked, where, what was asked); everything else is
    discord.py's to parse, and a failure there is caught as well.
    """
    if not isinstance(data, Mapping):
        return f"the payload is {type(data).__name__}, not an object"
    for key in ("id", "application_id"):
        if not _snowflake(data.get(key)):
            return f"{key} is not a Discord id"
    token = data.get("token")
    if not isinstance(token, str) or not token:
        return "no token"
    kind = data.get("type")
    if isinstance(kind, bool) or kind not in (_COMMAND, _COMPONENT, _AUTOCOMPLETE, _MODAL_SUBMIT):
        return f"interaction type {kind!r} is not one dk2 handles"
    if data.get("guild_id") is not None and not _snowflake(data.get("guild_id")):
        return "guild_id is not a Discord id"
    if data.get("channel_id") is not None and not _snowflake(data.get("channel_id")):
        return "channel_id is not a Discord id"
    member = data.get("member")
    who = member.get("user") if isinstance(member, Mapping) else data.get("user")
    if not isinstance(who, Mapping) or not _snowflake(who.get("id")):
        return "it names neither a member nor a user"
    inner = data.get("data")
    if not isinstance(inner, Mapping):
        return "it has no data"
    if kind in (_COMMAND, _AUTOCOMPLETE) and not isinstance(inner.get("name"), str):
        return "the command has no name"
    if kind in (_COMPONENT, _MODAL_SUBMIT) and not isinstance(inner.get("custom_id"), str):
        return "it has no custom_id"
    if kind == _COMPONENT and (
        isinstance(inner.get("component_type"), bool)
        or not isinstance(inner.get("component_type"), int)
    ):
        return "it has no component_type"
    return None


def _minimal_payload(data: object, application_id: int | None) -> dict[str, Any] | None:
    """The least an answer needs (id, token, type), or None when even that is missing."""
    if not isinstance(data, Mapping) or not _snowflake(data.get("id")):
        return None
    token = data.get("token")
    if not isinstance(token, str) or not token:
        return None
    kind = data.get("type")
    if isinstance(kind, bool) or kind not in (_COMMAND, _COMPONENT, _AUTOCOMPLETE, _MODAL_SUBMIT):
        kind = _COMMAND  # a message reply is what most types accept
    app = data.get("application_id")
    return {
        "id": str(data["id"]),
        "type": kind,
        "token": token,
        "version": 1,
        "application_id": str(app) if _snowflake(app) else str(application_id or 0),
        "attachment_size_limit": 0,
    }


def _describe(data: object) -> str:
    if not isinstance(data, Mapping):
        return "an interaction"
    return f"interaction {str(data.get('id'))[:24]!r} (type {str(data.get('type'))[:8]!r})"


class Intake:
    """dk2's handler for INTERACTION_CREATE; see the module's docstring."""

    def __init__(self, client: discord.Client, tree: Dk2Tree) -> None:
        self.client = client
        self.tree = tree
        self.inflight = InFlight()
        self.draining = False

    def install(self, state: ConnectionState[Any]) -> None:
        """Make this the parser discord.py calls for every INTERACTION_CREATE."""
        state.parsers["INTERACTION_CREATE"] = self.receive

    @property
    def _state(self) -> ConnectionState[Any]:
        return self.client._connection

    def receive(self, data: Any) -> None:
        """Handle one INTERACTION_CREATE; never raises."""
        try:
            self._receive(data)
        except Exception as exc:
            ref = new_ref()
            log.error("dk2 could not handle %s (ref %s)", _describe(data), ref, exc_info=exc)
            self._apologise(data, ref)

    def _receive(self, data: Any) -> None:
        problem = payload_problem(data)
        if problem is not None:
            ref = new_ref()
            log.warning("can't read %s: %s (ref %s)", _describe(data), problem, ref)
            self._apologise(data, ref)
            return
        try:
            interaction: discord.Interaction[Any] = discord.Interaction(
                data=data, state=self._state
            )
        except Exception as exc:
            ref = new_ref()
            log.warning("discord.py can't read %s: %r (ref %s)", _describe(data), exc, ref)
            log.debug("where discord.py failed (ref %s)", ref, exc_info=exc)
            self._apologise(data, ref)
            return
        if self.draining:
            self.inflight.spawn(_restarting(interaction), "dk2-restarting")
            return
        kind = interaction.type
        if kind in (
            discord.InteractionType.application_command,
            discord.InteractionType.autocomplete,
        ):
            self.inflight.spawn(self.tree.handle(interaction), "dk2-command")
        elif kind is discord.InteractionType.component:
            self.inflight.spawn(_component(interaction, data["data"]), "dk2-component")
        else:
            self.inflight.spawn(_out_of_date(interaction), "dk2-out-of-date")
        try:  # discord.py's own event, for listeners; the handler above already answers
            self.client.dispatch("interaction", interaction)
        except Exception:
            log.exception("an on_interaction listener failed for interaction %s", interaction.id)

    def _apologise(self, data: Any, ref: str) -> None:
        """Answer a payload dk2 couldn't read: privately, with the ref from the log."""
        minimal = _minimal_payload(data, self.client.application_id)
        if minimal is None:
            log.warning("%s can't be answered either: no usable id and token", _describe(data))
            return
        try:
            interaction: discord.Interaction[Any] = discord.Interaction(
                data=minimal,  # type: ignore[arg-type]
                state=self._state,
            )
        except Exception:
            log.exception("can't answer %s (ref %s)", _describe(data), ref)
            return
        self.inflight.spawn(_apology(interaction, ref), "dk2-apology")


async def _apology(interaction: discord.Interaction[Any], ref: str) -> None:
    await send_private(interaction, failure_embed(interaction, ref))


async def _restarting(interaction: discord.Interaction[Any]) -> None:
    try:
        messages = messages_of(interaction)
        embed = error_embed(
            messages.get("failure.restarting_title"), messages.get("failure.restarting")
        )
    except Exception:
        embed = error_embed("dk2 is restarting", "Try again in a minute.")
    await send_private(interaction, embed)


async def _out_of_date(interaction: discord.Interaction[Any]) -> None:
    data: Mapping[str, Any] = interaction.data or {}
    log.info(
        "out-of-date component %r (type %s, component type %s) from user %s",
        str(data.get("custom_id"))[:100],
        interaction.type.value,
        data.get("component_type"),
        interaction.user.id,
    )
    try:
        messages = messages_of(interaction)
        embed = error_embed(
            messages.get("failure.button_outdated_title"), messages.get("failure.button_outdated")
        )
    except Exception as exc:
        ref = new_ref()
        log.error("can't word the out-of-date reply (ref %s)", ref, exc_info=exc)
        embed = failure_embed(interaction, ref)
    await send_private(interaction, embed)


async def _component(interaction: discord.Interaction[Any], data: Mapping[str, Any]) -> None:
    custom_id = data.get("custom_id")
    text = custom_id if isinstance(custom_id, str) and data.get("component_type") == _BUTTON else ""
    if match := PIN_TEMPLATE.fullmatch(text):
        await pin_click(interaction, "unpin" if match["action"] == "unpin" else "pin")
    elif match := TOPIC_TEMPLATE.fullmatch(text):
        await topic_click(interaction, match["topic"])
    else:
        await _out_of_date(interaction)
        return
    await ensure_answered(interaction)
