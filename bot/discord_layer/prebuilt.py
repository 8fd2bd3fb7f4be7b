"""Answers whose request body is built once and sent many times.

`interaction.response.send_message` rebuilds the body on every call (each embed's dict, the
view's components, the mentions rule) and then builds a `Message` from Discord's reply that
dk2 never reads. For the answers dk2 keeps (the same question asked again), the body is built
once, with discord.py's own `interaction_message_response_params`, and sent through the same
webhook adapter `send_message` uses. It is sent without `with_response` (Discord's callback
takes it as optional): Discord then answers 204 with no body, where `send_message` asks for the
whole message back and decodes it. Measured in bench/bench_scaling.py.

An answer with a picture is built once with its upload as well: the JSON part (embed, button,
attachment entry) is kept, and each send carries a fresh `File` over the same PNG bytes
(`with_upload`), since a file is read as it is sent. So is explain's list of suggestions for
what has been typed so far (`choices_params`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import discord
from discord import app_commands
from discord.http import MultipartParameters, Route
from discord.webhook.async_ import (
    async_context,
    interaction_message_response_params,
    interaction_response_params,
)

__all__ = ["choices_params", "message_params", "send_prebuilt", "with_upload"]

_MESSAGE = discord.InteractionResponseType.channel_message
_CHOICES = discord.InteractionResponseType.autocomplete_result
_WITH_RESPONSE = {"with_response": "1"}  # the same query discord.py sends


def message_params(
    embed: discord.Embed,
    *,
    private: bool,
    view: discord.ui.View | None,
    file: discord.File | None = None,
) -> MultipartParameters:
    """The body of a first answer (type 4) with one embed, private or with `view`, and with
    `file` uploaded when given (then a multipart body: see `with_upload`)."""
    flags = discord.MessageFlags._from_value(0)
    flags.ephemeral = private
    return interaction_message_response_params(
        type=_MESSAGE.value,
        embed=embed,
        view=discord.utils.MISSING if view is None else view,
        flags=flags if private else discord.utils.MISSING,
        allowed_mentions=discord.AllowedMentions.none(),
        file=discord.utils.MISSING if file is None else file,
    )


def choices_params(choices: Sequence[app_commands.Choice[str]]) -> MultipartParameters:
    """The body of an autocomplete answer (type 8) offering `choices`."""
    return interaction_response_params(
        type=_CHOICES.value, data={"choices": [choice.to_dict() for choice in choices]}
    )


def with_upload(params: MultipartParameters, file: discord.File) -> MultipartParameters:
    """`params`, built once by `message_params` with an upload, now carrying `file` (a fresh
    file of the same name, over the same bytes): the JSON part is reused as it is."""
    if not params.multipart or len(params.multipart) != 2:
        raise ValueError("with_upload needs a body built with exactly one file")
    head, upload = params.multipart
    return MultipartParameters(
        payload=None, multipart=[head, {**upload, "value": file.fp}], files=[file]
    )


async def send_prebuilt(
    interaction: discord.Interaction[Any],
    params: MultipartParameters,
    kind: discord.InteractionResponseType = _MESSAGE,
    *,
    want_id: bool = False,
) -> int | None:
    """Send `params` as the interaction's first response (of type `kind`), as `send_message`
    or `autocomplete` does (the same adapter, so the same retries and rate-limit handling).
    Discord is asked for the message back only with `want_id` (the no-repeats rule keeps the
    id of a public answer); then its id is given, else None."""
    response = interaction.response
    if response.is_done():
        raise discord.InteractionResponded(interaction)
    http = interaction._state.http
    route = Route(
        "POST",
        "/interactions/{webhook_id}/{webhook_token}/callback",
        webhook_id=interaction.id,
        webhook_token=interaction.token,
    )
    body: dict[str, Any] = (
        {"multipart": params.multipart, "files": params.files}
        if params.files
        else {"payload": params.payload}
    )
    data = await async_context.get().request(
        route,
        session=interaction._session,
        proxy=http.proxy,
        proxy_auth=http.proxy_auth,
        params=_WITH_RESPONSE if want_id else None,
        **body,
    )
    response._response_type = kind
    made = data.get("interaction") if isinstance(data, dict) else None
    return discord.utils._get_as_snowflake(made, "response_message_id") if made else None
