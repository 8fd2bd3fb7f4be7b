"""The Pin / Unpin button on public answers, working across restarts.

The button's state lives in its `custom_id` (`dk2:pin:pin` or `dk2:pin:unpin`) and the
message it acts on is the one it is attached to, so a click on an answer posted before a
restart is still understood. Clicks are routed here by dk2's intake (`intake.Intake`),
which matches the custom_id against `PIN_TEMPLATE` and calls `pin_click`; any other id is
"out of date". Only messages dk2 wrote are pinned.

Every click is checked at that moment: the member must be allowed to pin in that channel
(`permissions.may_pin`). Every outcome is logged, and every failure is explained privately.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Final, Literal

import discord

from bot.config import Settings
from bot.core.model import Messages
from bot.discord_layer.embeds import error_embed
from bot.discord_layer.errors import report_failure, send_private
from bot.discord_layer.permissions import bot_can_pin, may_pin
from bot.discord_layer.texts import messages_of

__all__ = [
    "CUSTOM_ID_PREFIX",
    "PIN_LIMIT",
    "PIN_TEMPLATE",
    "PinAction",
    "PinButton",
    "pin_click",
    "pin_view",
]

log = logging.getLogger(__name__)

CUSTOM_ID_PREFIX: Final = "dk2:pin:"
PIN_LIMIT_CODE: Final = 30003
UNKNOWN_MESSAGE_CODE: Final = 10008

PinAction = Literal["pin", "unpin"]

PIN_LIMIT: Final = 250  # Discord's pins per channel (it was 50 until 2026)

# The custom ids dk2's button carries; anything else is out of date (see `intake`).
PIN_TEMPLATE: Final = re.compile(r"dk2:pin:(?P<action>pin|unpin)")


def _private(messages: Messages, key: str, **values: str) -> discord.Embed:
    """The private embed for one way a click can end (`pin.<key>` in messages.yaml)."""
    return error_embed(messages.get(f"pin.{key}.title"), messages.get(f"pin.{key}.text", **values))


class PinButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]],
    template=PIN_TEMPLATE,
):
    """📌 Pin (or Unpin) the answer this button sits on; moderators only."""

    def __init__(self, action: PinAction = "pin") -> None:
        label = "Pin" if action == "pin" else "Unpin"
        style = discord.ButtonStyle.secondary
        super().__init__(
            discord.ui.Button(
                label=label, emoji="📌", style=style, custom_id=f"{CUSTOM_ID_PREFIX}{action}"
            )
        )
        self.action: PinAction = action

    @classmethod
    async def from_custom_id(
        cls,
        interaction: discord.Interaction[Any],
        item: discord.ui.Item[Any],
        match: re.Match[str],
        /,
    ) -> PinButton:
        return cls("unpin" if match["action"] == "unpin" else "pin")

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await pin_click(interaction, self.action)


async def pin_click(interaction: discord.Interaction[Any], action: PinAction) -> None:
    """One click on a Pin (or Unpin) button; any failure is logged with a ref and told."""
    try:
        settings = getattr(interaction.client, "settings", None)
        if not isinstance(settings, Settings):
            raise RuntimeError("the Pin button needs a client with dk2 settings")
        await toggle_pin(interaction, action, settings)
    except Exception as exc:
        await report_failure(interaction, exc)


_VIEWS: dict[PinAction, tuple[asyncio.AbstractEventLoop, discord.ui.View]] = {}


def pin_view(action: PinAction = "pin") -> discord.ui.View:
    """The view a public answer is sent with: one Pin (or Unpin) button.

    Clicks reach `pin_click` through dk2's intake (matched by custom_id), so
    the view needs no bookkeeping in discord.py's view store. One view per action, stopped
    so discord.py skips that bookkeeping on every send, serves every answer; building a
    view per answer was a measurable share of dk2's time per interaction under load.
    """
    loop = asyncio.get_running_loop()
    cached = _VIEWS.get(action)
    if cached is not None and cached[0] is loop:
        return cached[1]
    view = discord.ui.View(timeout=None)
    view.add_item(PinButton(action))
    view.stop()
    _VIEWS[action] = (loop, view)
    return view


def _describe(interaction: discord.Interaction[Any], message: discord.Message) -> str:
    user = interaction.user
    return (
        f"message {message.id} in channel {message.channel.id} "
        f"(guild {interaction.guild_id}) by {user} ({user.id})"
    )


async def toggle_pin(
    interaction: discord.Interaction[Any], action: PinAction, settings: Settings
) -> None:
    """Handle one click: check the clicker, pin or unpin, flip the button or explain why not."""
    messages = messages_of(interaction)
    message = interaction.message
    if message is None:
        await send_private(interaction, _private(messages, "no_message"))
        return
    where = _describe(interaction, message)
    if not may_pin(interaction, settings):
        log.info("%s refused: not a moderator (%s)", action, where)
        await send_private(interaction, _private(messages, "not_moderator"))
        return
    me = interaction.client.user
    if me is None or message.author.id != me.id:
        # A forged click can name any message; dk2 pins only what it wrote itself.
        log.warning(
            "%s refused: not a dk2 message, author %s (%s)", action, message.author.id, where
        )
        await send_private(interaction, _private(messages, "not_dk2"))
        return
    if action == "pin" and message.pinned:
        log.info("pin: already pinned (%s)", where)
        await interaction.response.edit_message(view=pin_view("unpin"))
        await send_private(interaction, _private(messages, "already_pinned"))
        return
    if action == "unpin" and not message.pinned:
        log.info("unpin: not pinned (%s)", where)
        await interaction.response.edit_message(view=pin_view("pin"))
        await send_private(interaction, _private(messages, "already_unpinned"))
        return
    if not bot_can_pin(interaction):
        log.warning("%s impossible: dk2 lacks Pin Messages (%s)", action, where)
        await send_private(interaction, _private(messages, "bot_lacks_permission"))
        return

    # The pin is a call to Discord that a rate limit or a retried server error can stretch past
    # the 3 seconds Discord allows for the first response. Acknowledge the click first (a
    # deferred update: the answer stays as it is), then pin, then flip the button or explain.
    await interaction.response.defer()
    user = interaction.user
    reason = f"{'Pinned' if action == 'pin' else 'Unpinned'} by {user} ({user.id}) via dk2"
    try:
        if action == "pin":
            await message.pin(reason=reason)
        else:
            await message.unpin(reason=reason)
    except discord.Forbidden as exc:
        log.warning("%s forbidden by Discord (code %s, %s)", action, exc.code, where)
        await send_private(interaction, _private(messages, "bot_lacks_permission"))
        return
    except discord.NotFound as exc:
        log.info("%s: message not found (code %s, %s)", action, exc.code, where)
        await send_private(interaction, _private(messages, "deleted"))
        return
    except discord.HTTPException as exc:
        if exc.code == PIN_LIMIT_CODE:
            log.info("pin: channel pin limit reached (%s)", where)
            await send_private(interaction, _private(messages, "pin_limit", limit=str(PIN_LIMIT)))
        else:
            log.warning("%s failed: HTTP %s code %s (%s)", action, exc.status, exc.code, where)
            embed = _private(messages, "discord_error", action=action, status=str(exc.status))
            await send_private(interaction, embed)
        return
    log.info("%s: done (%s)", "pinned" if action == "pin" else "unpinned", where)
    repeats = getattr(interaction.client, "repeats", None)
    if repeats is not None:  # a pinned answer counts as already posted for as long as it is
        await repeats.pinned(interaction.guild_id, message.channel.id, message.id, action == "pin")
    try:
        await interaction.edit_original_response(
            view=pin_view("unpin" if action == "pin" else "pin")
        )
    except discord.HTTPException as exc:
        # The pin itself worked; only the button is stale, and a click on it says so.
        log.warning(
            "%s done but the button wasn't updated: HTTP %s code %s (%s)",
            action,
            exc.status,
            exc.code,
            where,
        )
    except Exception as exc:  # the connection closing under it: the pin still stands
        log.warning("%s done but the button wasn't updated: %r (%s)", action, exc, where)
