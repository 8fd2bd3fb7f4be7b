"""Answers whose request body is built once and sent many times, as bytes.

`interaction.response.send_message` rebuilds the body on every call (each embed's dict, the
view's components, the mentions rule, the JSON text; for an upload, aiohttp's FormData over a
fresh file) and then builds a `Message` from Discord's reply that dk2 never reads. For the
answers dk2 keeps (the same question asked again), the body is built once, with discord.py's
own `interaction_message_response_params`, turned into the exact bytes of the request (JSON,
or for an answer with a picture the multipart body of `bot.discord_layer.multipart`, the
picture as `files[0]`), and each send posts those bytes to the interaction's callback over
discord.py's own HTTP session. Measured in bench/bench_scaling.py.

It is sent without `with_response` (Discord's callback takes it as optional): Discord then
answers 204 with no body, where `send_message` asks for the whole message back and decodes
it. So is explain's list of suggestions for what has been typed so far (`choices_body`).
A rate limit is waited out and a server error retried, a few times, as discord.py does for
its own callbacks; any other refusal raises discord.py's own errors.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import discord
from discord import app_commands
from discord.http import MultipartParameters, Route, json_or_text
from discord.webhook.async_ import interaction_message_response_params, interaction_response_params

from bot.discord_layer.multipart import FilePart, join_multipart

__all__ = [
    "Prebuilt",
    "choices_body",
    "json_body",
    "message_params",
    "send_prebuilt",
    "upload_body",
]

log = logging.getLogger(__name__)

_MESSAGE = discord.InteractionResponseType.channel_message
_CHOICES = discord.InteractionResponseType.autocomplete_result
_WITH_RESPONSE: Final = {"with_response": "1"}  # the same query discord.py sends
_JSON: Final = "application/json"
ATTEMPTS: Final = 5
SERVER_ERROR_WAIT: Final = 1.0  # seconds, then twice as long more each time


@dataclass(frozen=True, slots=True)
class Prebuilt:
    """A request body as it goes over the wire, and its Content-Type."""

    body: bytes
    content_type: str


def message_params(
    embed: discord.Embed,
    *,
    private: bool,
    view: discord.ui.View | None,
    file: discord.File | None = None,
) -> MultipartParameters:
    """discord.py's parameters for a first answer (type 4) with one embed, private or with
    `view`, and with `file` uploaded when given (then the JSON is its `payload_json`)."""
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


def json_body(params: MultipartParameters) -> Prebuilt:
    """The JSON body of `params` built without a file."""
    if params.files or params.payload is None:
        raise ValueError("json_body needs parameters built without files")
    return Prebuilt(_dumps(params.payload), _JSON)


def upload_body(params: MultipartParameters, files: Sequence[FilePart]) -> Prebuilt:
    """The multipart body of `params` built with files (their attachment entries are in its
    JSON), carrying `files`' bytes as `files[n]`."""
    if not params.multipart or len(params.multipart) != len(files) + 1:
        raise ValueError("upload_body needs parameters built with the same files")
    payload = params.multipart[0]["value"]
    joined = join_multipart(str(payload).encode("utf-8"), files)
    return Prebuilt(joined.body, joined.content_type)


def choices_body(choices: Sequence[app_commands.Choice[str]]) -> Prebuilt:
    """The body of an autocomplete answer (type 8) offering `choices`."""
    params = interaction_response_params(
        type=_CHOICES.value, data={"choices": [choice.to_dict() for choice in choices]}
    )
    return json_body(params)


async def send_prebuilt(
    interaction: discord.Interaction[Any],
    prebuilt: Prebuilt,
    kind: discord.InteractionResponseType = _MESSAGE,
    *,
    want_id: bool = False,
) -> int | None:
    """Send `prebuilt` as the interaction's first response (of type `kind`). Discord is asked
    for the message back only with `want_id` (the no-repeats rule keeps the id of a public
    answer); then its id is given, else None."""
    response = interaction.response
    if response.is_done():
        raise discord.InteractionResponded(interaction)
    http = interaction._state.http
    url = f"{Route.BASE}/interactions/{interaction.id}/{interaction.token}/callback"
    headers = {"Content-Type": prebuilt.content_type}
    data: Any = None
    for attempt in range(ATTEMPTS):
        async with interaction._session.request(
            "POST",
            url,
            data=prebuilt.body,
            headers=headers,
            params=_WITH_RESPONSE if want_id else None,
            proxy=http.proxy,
            proxy_auth=http.proxy_auth,
        ) as reply:
            data = await json_or_text(reply)
            if 200 <= reply.status < 300:
                break
            last = attempt == ATTEMPTS - 1
            if reply.status == 429 and not last and isinstance(data, dict):
                wait = float(data.get("retry_after") or 1.0)
                log.warning(
                    "the answer to interaction %s is rate limited. Retrying in %.2f seconds.",
                    interaction.id,
                    wait,
                )
                await asyncio.sleep(wait)
                continue
            if reply.status >= 500 and not last:
                await asyncio.sleep(SERVER_ERROR_WAIT * (1 + 2 * attempt))
                continue
            if reply.status == 403:
                raise discord.Forbidden(reply, data)
            if reply.status == 404:
                raise discord.NotFound(reply, data)
            if reply.status >= 500:
                raise discord.DiscordServerError(reply, data)
            raise discord.HTTPException(reply, data)
    response._response_type = kind
    made = data.get("interaction") if isinstance(data, dict) else None
    return discord.utils._get_as_snowflake(made, "response_message_id") if made else None


def _dumps(payload: dict[str, Any]) -> bytes:
    """JSON as discord.py writes it (compact, ASCII)."""
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=True).encode("ascii")
