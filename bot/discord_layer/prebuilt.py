"""Answers whose request body is built once and sent many times.

`interaction.response.send_message` rebuilds the body on every call (each embed's dict, the
view's components, the mentions rule) and then builds a `Message` from Discord's reply that
dk2 never reads. For the answers dk2 keeps (the same question asked again), the body is built
once, with discord.py's own `interaction_message_response_params`, and sent through the same
webhook adapter `send_message` uses. Measured in bench/bench_scaling.py.

Only for bodies without files: a `File` is consumed by sending it.
"""

from __future__ import annotations

from typing import Any

import discord
from discord.http import MultipartParameters
from discord.webhook.async_ import async_context, interaction_message_response_params

__all__ = ["message_params", "send_prebuilt"]

_MESSAGE = discord.InteractionResponseType.channel_message


def message_params(
    embed: discord.Embed, *, private: bool, view: discord.ui.View | None
) -> MultipartParameters:
    """The body of a first answer (type 4) with one embed, private or with `view`."""
    flags = discord.MessageFlags._from_value(0)
    flags.ephemeral = private
    return interaction_message_response_params(
        type=_MESSAGE.value,
        embed=embed,
        view=discord.utils.MISSING if view is None else view,
        flags=flags if private else discord.utils.MISSING,
        allowed_mentions=discord.AllowedMentions.none(),
    )


async def send_prebuilt(
    interaction: discord.Interaction[Any], params: MultipartParameters
) -> int | None:
    """Send `params` as the interaction's first response, like `send_message` does; the id
    of the message it made (None when Discord didn't say)."""
    response = interaction.response
    if response.is_done():
        raise discord.InteractionResponded(interaction)
    http = interaction._state.http
    data = await async_context.get().create_interaction_response(
        interaction.id,
        interaction.token,
        session=interaction._session,
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        params=params,
    )
    response._response_type = _MESSAGE
    made = data.get("interaction") if isinstance(data, dict) else None
    return discord.utils._get_as_snowflake(made, "response_message_id") if made else None
