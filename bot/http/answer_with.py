"""Apps → "Answer with dk2" over HTTP interactions: what the gateway's
`bot.discord_layer.answer_with` does, as response bodies and REST calls.

The first response is a body: a private "nothing curated", a private select of top matches,
or "thinking" (a deferred update for a pick). The reply itself is posted once that body has
gone, with `POST /channels/{id}/messages` (a `message_reference` to the member's message,
mentioning nobody, the author included), then the clicker's private message says where it
went. The same core reads the message, the same embeds render the answer, and the same answer
log keeps the no-repeats rule across both transports.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Awaitable, Callable
from typing import Any, Final

import discord

from bot.core.commands import Request, run
from bot.core.holder import KnowledgeHolder
from bot.core.message_reading import read_message, request_for_choice
from bot.core.model import KnowledgeBase
from bot.core.repeats import jump_url
from bot.discord_layer.answer_with import answer_outside, choice_view
from bot.discord_layer.embeds import error_embed, reply_embed
from bot.discord_layer.install import Placement, placement
from bot.discord_layer.pictures import without_picture
from bot.discord_layer.repeats import Repeats
from bot.discord_layer.usage_hook import usage_event
from bot.http.incoming import Incoming
from bot.http.responses import (
    DEFERRED_UPDATE,
    EPHEMERAL,
    MESSAGE,
    NO_MENTIONS,
    UPDATE_MESSAGE,
    deferred_message,
    encode,
    message_data,
    pin_components,
    response,
)
from bot.http.rest import DiscordRest
from bot.usage.log import UsageLog

__all__ = ["HttpAnswerWith"]

log = logging.getLogger(__name__)

After = Callable[[], Awaitable[None]]
_REPLY_RIGHTS: Final = discord.Permissions(
    send_messages=True, read_message_history=True, embed_links=True
).value
_NO_ONE: Final[dict[str, Any]] = {"parse": [], "replied_user": False}


class HttpAnswerWith:
    """The message command and its select, for the HTTP endpoint."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        rest: DiscordRest,
        repeats: Repeats,
        usage: UsageLog | None = None,
    ) -> None:
        self.holder = holder
        self.rest = rest
        self.repeats = repeats
        self.usage = usage

    async def menu(self, incoming: Incoming) -> tuple[bytes, After | None]:
        """The first response to Apps → Answer with dk2, and what to do after it."""
        kb = self.holder.current
        messages = kb.messages
        text = incoming.target_text or ""
        if incoming.target_id is None or not text.strip():
            return self._private(kb, "answer_with.no_text"), None
        reading = read_message(kb, text)
        log.info(
            "answer with dk2 on message %s in channel %s by user %s: %s",
            incoming.target_id,
            incoming.channel_id,
            incoming.user_id,
            reading.kind,
        )
        if reading.kind == "off-topic":
            return self._private(kb, "answer_with.off_topic"), None
        if reading.kind == "unsure":
            view = choice_view(
                incoming.target_id, reading.choices, messages.get("answer_with.choose_placeholder")
            )
            data = {
                "content": messages.get("answer_with.choose"),
                "components": view.to_components(),
                "flags": EPHEMERAL,
                "allowed_mentions": NO_MENTIONS,
            }
            return encode(response(MESSAGE, data)), None
        request, target = reading.choices[0].request, incoming.target_id
        where = placement(incoming.guild_id, incoming.installed_guild_id, incoming.permissions)
        if not where.in_server:
            return await self._answer_here(incoming, kb, request, target, where), None
        return encode(deferred_message(private=True)), lambda: self._post(
            incoming, kb, request, target
        )

    async def pick(self, incoming: Incoming, message_id: int) -> tuple[bytes, After | None]:
        """A pick from the select: acknowledged at once, posted after."""
        kb = self.holder.current
        values = incoming.values
        request = request_for_choice(kb, values[0]) if len(values) == 1 else None
        if request is None:
            log.info("answer with dk2: a pick dk2 no longer offers (%r)", list(values)[:2])
            data = {"content": kb.messages.get("answer_with.expired"), "components": []}
            return encode(response(UPDATE_MESSAGE, data)), None
        where = placement(incoming.guild_id, incoming.installed_guild_id, incoming.permissions)
        if not where.in_server:
            # The pick's private message says so; the answer is a message of its own.
            answer = await self._answer_here(incoming, kb, request, message_id, where)
            data = json.loads(answer)["data"]

            async def follow() -> None:
                await self.rest.followup(incoming.application_id, incoming.token, data)

            said = {"content": kb.messages.get("answer_with.answered"), "components": []}
            return encode(response(UPDATE_MESSAGE, said)), follow
        return encode(response(DEFERRED_UPDATE)), lambda: self._post(
            incoming, kb, request, message_id
        )

    async def _answer_here(
        self,
        incoming: Incoming,
        kb: KnowledgeBase,
        request: Request,
        message_id: int,
        where: Placement,
    ) -> bytes:
        """Where dk2 is no member (a member's own install): the interaction itself answers,
        naming the message, with no Pin button and the line on how a server adds dk2; private
        where Discord allows nothing else, or when the answer is already in the channel."""
        reply = run(kb, request)
        messages = kb.messages
        earlier = await self.repeats.earlier(incoming.channel_id, reply)
        application_id = incoming.application_id
        embed, content, private = answer_outside(
            messages,
            reply,
            None if earlier is None else self.repeats.note(messages, earlier),
            where,
            jump_url(incoming.guild_id, incoming.channel_id or 0, message_id),
            int(application_id) if application_id.isdigit() else None,
        )
        if self.usage is not None:
            self.usage.record_nowait(usage_event(reply, guild_id=incoming.guild_id))
        # No record for the no-repeats rule: the message's id comes only after this body.
        return encode(response(MESSAGE, message_data([embed], private=private, content=content)))

    def _private(self, kb: KnowledgeBase, key: str) -> bytes:
        messages = kb.messages
        embed = error_embed(messages.get("answer_with.off_topic_title"), messages.get(key))
        return encode(response(MESSAGE, message_data([embed], private=True)))

    async def _post(
        self, incoming: Incoming, kb: KnowledgeBase, request: Request, message_id: int
    ) -> None:
        reply = run(kb, request)
        embed = reply_embed(reply)
        if reply.picture is not None:  # a JSON body carries no upload: the gauge stays in words
            embed = without_picture(embed)
        messages = kb.messages
        channel_id = incoming.channel_id
        earlier = await self.repeats.earlier(channel_id, reply)
        if earlier is not None:
            log.info("answer with dk2: a repeat in channel %s", channel_id)
            await self._tell(incoming, self.repeats.note(messages, earlier), embed)
        elif channel_id is None or incoming.app_permissions & _REPLY_RIGHTS != _REPLY_RIGHTS:
            log.info("answer with dk2: can't reply in channel %s", channel_id)
            await self._tell(incoming, messages.get("answer_with.cannot_reply"), embed)
        else:
            reference = {
                "message_id": str(message_id),
                "channel_id": str(channel_id),
                "fail_if_not_exists": False,
            }
            if incoming.guild_id is not None:
                reference["guild_id"] = str(incoming.guild_id)
            body = {
                "embeds": [embed.to_dict()],
                "components": pin_components("pin"),
                "allowed_mentions": _NO_ONE,
                "message_reference": reference,
            }
            result = await self.rest.request("POST", f"/channels/{channel_id}/messages", body)
            sent = result.body.get("id") if isinstance(result.body, dict) else None
            if not result.ok or not isinstance(sent, str) or not sent.isdigit():
                log.warning(
                    "answer with dk2: Discord refused the reply in channel %s (HTTP %s, code %s)",
                    channel_id,
                    result.status,
                    result.code,
                )
                await self._tell(incoming, messages.get("answer_with.cannot_reply"), embed)
            else:
                await self.repeats.posted(incoming.guild_id, channel_id, int(sent), reply)
                link = jump_url(incoming.guild_id, channel_id, int(sent))
                await self._tell(incoming, messages.get("answer_with.posted", link=link), None)
        if self.usage is not None:
            self.usage.record_nowait(usage_event(reply, guild_id=incoming.guild_id))

    async def _tell(self, incoming: Incoming, note: str, embed: discord.Embed | None) -> None:
        """The clicker's private message (the "thinking" one, or the select) says `note`."""
        data = {
            "content": note,
            "embeds": [embed.to_dict()] if embed is not None else [],
            "components": [],
            "allowed_mentions": NO_MENTIONS,
        }
        result = await self.rest.edit_original(incoming.application_id, incoming.token, data)
        if not result.ok:
            log.warning("answer with dk2: couldn't tell the clicker (HTTP %s)", result.status)
