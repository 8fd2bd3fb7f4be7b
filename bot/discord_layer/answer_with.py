"""Apps → "Answer with dk2" on a member's message: dk2 posts its answer as a reply to it.

The message's text comes with the interaction (`data.resolved.messages`), so no message
content intent is needed. `bot.core.message_reading` decides what it asks, with the core the
slash commands use:

- a dose, a level or a question dk2 is sure about: the answer is posted as a reply to the
  message, with the Pin button, mentioning nobody (the author is not pinged either), and the
  member who clicked gets a private "posted" with the link;
- unsure: the clicker gets a private select of the top matches (`dk2:answer:<message id>`),
  and only their pick is posted; the select's values carry the request itself, so a pick
  needs nothing remembered (and works on any process);
- someone who may need care now ("my toddler swallowed a bottle of d3"): the urgent-care
  answer is posted as a reply, like a question's, whatever dose the message names;
- off-topic, or no text: a private "nothing curated for this", nothing public.

Before posting, the no-repeats rule (`repeats.Repeats`) is asked like for `/dk2` answers.
Where dk2 can't post a reply (no Send Messages or Read Message History in the channel), the
clicker gets the answer privately and is told why. Where dk2 is no member at all (reached
through a member's own install: a DM, a server that never added dk2), the interaction itself
answers, naming the message with a link, with no Pin button and the line on how a server adds
dk2 (`install`), privately where Discord allows nothing else.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from typing import Any, Final

import discord
from discord import app_commands
from discord.ext import commands

from bot.core.commands import Request, run
from bot.core.holder import KnowledgeHolder
from bot.core.message_reading import Choice, read_message, request_for_choice
from bot.core.model import KnowledgeBase, Messages
from bot.core.repeats import jump_url
from bot.core.reply import Reply
from bot.discord_layer.cog import AnswerHook
from bot.discord_layer.embeds import error_embed, reply_embed
from bot.discord_layer.errors import new_ref, report_failure, send_private
from bot.discord_layer.install import Placement, add_to_server_line, placement_of
from bot.discord_layer.pictures import picture_file, with_pictures, without_picture
from bot.discord_layer.repeats import Repeats
from bot.discord_layer.views import pin_view

__all__ = [
    "ANSWER_TEMPLATE",
    "MENU_NAME",
    "AnswerWithCog",
    "answer_outside",
    "answer_pick",
    "choice_view",
]

log = logging.getLogger(__name__)

MENU_NAME: Final = "Answer with dk2"
CUSTOM_ID_PREFIX: Final = "dk2:answer:"
# The select offered when dk2 is unsure: the message to reply to is in its custom_id.
ANSWER_TEMPLATE: Final = re.compile(r"dk2:answer:(?P<message>[0-9]{1,20})")
COG_NAME: Final = "dk2 answer with"


def answer_outside(
    messages: Messages,
    reply: Reply,
    repeat_note: str | None,
    where: Placement,
    link: str,
    application_id: int | None,
) -> tuple[discord.Embed, str, bool]:
    """The answer where dk2 is no member (both transports): its embed (no picture: the
    interaction's own answer carries no upload), its text and whether it is private. It
    names the message answered (`link`) and how a server adds dk2; or, when the same answer
    is already in the channel (`repeat_note`), says that, privately."""
    embed = reply_embed(reply)
    if reply.picture is not None:
        embed = without_picture(embed)
    if repeat_note is not None:
        return embed, repeat_note, True
    lines = [messages.get("answer_with.answering", link=link)]
    if application_id is not None:
        lines.append(add_to_server_line(messages, application_id))
    return embed, "\n".join(lines), where.private_only


def choice_view(message_id: int, choices: Sequence[Choice], placeholder: str) -> discord.ui.View:
    """The private select of top matches for the message `message_id`."""
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id=f"{CUSTOM_ID_PREFIX}{message_id}",
        placeholder=placeholder[:150],
        options=[discord.SelectOption(label=c.label, value=c.value) for c in choices[:25]],
    )
    view = discord.ui.View(timeout=None)
    view.add_item(select)
    view.stop()  # picks are routed by dk2's intake from the custom_id, not by this view
    return view


class _Reference(discord.MessageReference):
    """A reply's reference with its ids as strings, the way Discord's API describes
    snowflakes (discord.py sends numbers, which its OpenAPI spec doesn't allow)."""

    def to_dict(self) -> Any:
        data = dict(super().to_dict())
        return {k: str(v) if k.endswith("_id") and v is not None else v for k, v in data.items()}

    to_message_reference_dict = to_dict


def _can_reply(interaction: discord.Interaction[Any]) -> bool:
    """Whether dk2 may post a reply with an embed in the interaction's channel (a thread,
    such as a forum post, takes Send Messages in Threads)."""
    perms = interaction.app_permissions
    in_thread = isinstance(interaction.channel, discord.Thread)
    send = perms.send_messages_in_threads if in_thread else perms.send_messages
    return send and perms.read_message_history and perms.embed_links


class AnswerWithCog(commands.Cog, name=COG_NAME):
    """The "Answer with dk2" message command and the pick from its select."""

    def __init__(
        self,
        tree: app_commands.CommandTree[Any],
        holder: KnowledgeHolder,
        repeats: Repeats,
        on_answer: AnswerHook | None = None,
        *,
        pictures: bool = True,
    ) -> None:
        self.tree = tree
        self.holder = holder
        self.repeats = repeats
        self.on_answer = on_answer
        self.pictures = pictures  # the gauge picture with a dose or level answer
        # Like /dk2: usable through a member's own install too (DMs, servers without dk2).
        self.menu = app_commands.ContextMenu(
            name=MENU_NAME,
            callback=self.answer_with,
            allowed_installs=app_commands.AppInstallationType(guild=True, user=True),
            allowed_contexts=app_commands.AppCommandContext(
                guild=True, dm_channel=True, private_channel=True
            ),
        )

    async def cog_load(self) -> None:
        self.tree.add_command(self.menu)

    async def cog_unload(self) -> None:
        self.tree.remove_command(self.menu.name, type=self.menu.type)

    async def answer_with(
        self, interaction: discord.Interaction[Any], message: discord.Message
    ) -> None:
        kb = self.holder.current
        messages = kb.messages
        if not message.content.strip():
            log.info("answer with dk2 on message %s: no text", message.id)
            title = messages.get("answer_with.off_topic_title")
            await send_private(interaction, error_embed(title, messages.get("answer_with.no_text")))
            return
        reading = read_message(kb, message.content)
        log.info(
            "answer with dk2 on message %s in channel %s by user %s: %s",
            message.id,
            interaction.channel_id,
            interaction.user.id,
            reading.kind,
        )
        if reading.kind == "off-topic":
            embed = error_embed(
                messages.get("answer_with.off_topic_title"), messages.get("answer_with.off_topic")
            )
            await send_private(interaction, embed)
        elif reading.kind == "unsure":
            view = choice_view(
                message.id, reading.choices, messages.get("answer_with.choose_placeholder")
            )
            await interaction.response.send_message(
                content=messages.get("answer_with.choose"), view=view, ephemeral=True
            )
        else:
            await self.post(interaction, kb, reading.choices[0].request, message.id)

    async def pick(
        self, interaction: discord.Interaction[Any], message_id: int, values: Sequence[str]
    ) -> None:
        """The clicker picked one of the select's answers: post it."""
        kb = self.holder.current
        request = request_for_choice(kb, values[0]) if len(values) == 1 else None
        if request is None:
            log.info("answer with dk2: a pick dk2 no longer offers (%r)", list(values)[:2])
            expired = kb.messages.get("answer_with.expired")
            await interaction.response.edit_message(content=expired, view=None)
            return
        await self.post(interaction, kb, request, message_id)

    async def post(
        self,
        interaction: discord.Interaction[Any],
        kb: KnowledgeBase,
        request: Request,
        message_id: int,
    ) -> None:
        """Post the answer to `request` as a reply to the message, unless it is a repeat or
        dk2 can't post here; then the clicker gets it privately, and is told why."""
        where = placement_of(interaction)
        if not where.in_server:
            await self._answer_here(interaction, kb, request, message_id, where)
            return
        # A pick keeps its private message (a deferred update); a first click "thinks".
        picked = interaction.type is discord.InteractionType.component
        if picked:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=True, thinking=True)
        reply = with_pictures(run(kb, request), self.pictures)
        embed = reply_embed(reply)
        messages = kb.messages
        earlier = await self.repeats.earlier(interaction.channel_id, reply)
        channel = interaction.channel
        if earlier is not None:
            log.info("answer with dk2: a repeat in channel %s", interaction.channel_id)
            await self._tell(interaction, self.repeats.note(messages, earlier), embed, reply)
        elif not _can_reply(interaction) or not isinstance(channel, discord.abc.Messageable):
            log.info("answer with dk2: can't reply in channel %s", interaction.channel_id)
            await self._tell(interaction, messages.get("answer_with.cannot_reply"), embed, reply)
        else:
            sent = await self._reply(interaction, kb, channel, message_id, embed, reply)
            if sent is None:
                note = messages.get("answer_with.cannot_reply")
                await self._tell(interaction, note, embed, reply)
            else:
                await self.repeats.posted(interaction.guild_id, channel.id, sent.id, reply)
                posted = messages.get("answer_with.posted", link=sent.jump_url)
                await self._tell(interaction, posted, None, reply)
        await self._answered(interaction, reply)

    async def _answered(self, interaction: discord.Interaction[Any], reply: Reply) -> None:
        if self.on_answer is not None:
            try:
                await self.on_answer(interaction, reply)
            except Exception:
                log.exception("on_answer hook failed (ref %s)", new_ref())

    async def _answer_here(
        self,
        interaction: discord.Interaction[Any],
        kb: KnowledgeBase,
        request: Request,
        message_id: int,
        where: Placement,
    ) -> None:
        """Where dk2 is no member (a member's own install): it can't post a reply, so the
        interaction itself answers, naming the message it answers, with no Pin button and the
        line on how a server adds dk2; private where Discord allows nothing else, or when the
        same answer is already in the channel."""
        reply = run(kb, request)
        messages = kb.messages
        earlier = await self.repeats.earlier(interaction.channel_id, reply)
        embed, content, private = answer_outside(
            messages,
            reply,
            None if earlier is None else self.repeats.note(messages, earlier),
            where,
            jump_url(interaction.guild_id, interaction.channel_id or 0, message_id),
            interaction.application_id,
        )
        log.info(
            "answer with dk2 outside a server with dk2 (channel %s): %s",
            interaction.channel_id,
            "private" if private else "public",
        )
        mentions = discord.AllowedMentions.none()
        posted: int | None = None
        if interaction.type is discord.InteractionType.component:
            # The pick's private message stays; the answer is a message of its own.
            await interaction.response.edit_message(
                content=messages.get("answer_with.answered"), view=None
            )
            sent = await interaction.followup.send(
                content=content,
                embed=embed,
                ephemeral=private,
                allowed_mentions=mentions,
                wait=True,
            )
            posted = sent.id
        else:
            callback = await interaction.response.send_message(
                content=content, embed=embed, ephemeral=private, allowed_mentions=mentions
            )
            posted = callback.message_id
        if not private:
            await self.repeats.posted(interaction.guild_id, interaction.channel_id, posted, reply)
        await self._answered(interaction, reply)

    async def _reply(
        self,
        interaction: discord.Interaction[Any],
        kb: KnowledgeBase,
        channel: discord.abc.Messageable,
        message_id: int,
        embed: discord.Embed,
        reply: Reply,
    ) -> discord.Message | None:
        """The answer posted as a reply to `message_id`, pinging nobody; None when Discord
        refused it (the reason is logged)."""
        reference = _Reference(
            message_id=message_id,
            channel_id=interaction.channel_id or 0,
            guild_id=interaction.guild_id,
            fail_if_not_exists=False,
        )
        file = await picture_file(kb, reply) if interaction.app_permissions.attach_files else None
        upload: dict[str, Any] = {"file": file} if file is not None else {}
        if file is None and reply.picture is not None:
            embed = without_picture(embed)
        try:
            return await channel.send(
                embed=embed,
                view=pin_view(),
                reference=reference,
                allowed_mentions=discord.AllowedMentions.none(),
                mention_author=False,
                **upload,
            )
        except discord.HTTPException as exc:
            log.warning(
                "answer with dk2: Discord refused the reply in channel %s (HTTP %s, code %s)",
                interaction.channel_id,
                exc.status,
                exc.code,
            )
            return None

    @staticmethod
    async def _tell(
        interaction: discord.Interaction[Any],
        note: str,
        embed: discord.Embed | None,
        reply: Reply,
    ) -> None:
        """Say `note` (and show `embed`) to the clicker only, in the private message this
        interaction already has: the "thinking" one, or the select they picked from."""
        if embed is not None and reply.picture is not None:
            embed = without_picture(embed)
        await interaction.edit_original_response(content=note, embed=embed, view=None)


async def answer_pick(
    interaction: discord.Interaction[Any], match: re.Match[str], values: Sequence[str]
) -> None:
    """A pick from an "Answer with dk2" select (routed here by the intake); any failure is
    logged with a ref and told."""
    try:
        client = interaction.client
        cog = client.get_cog(COG_NAME) if isinstance(client, commands.Bot) else None
        if not isinstance(cog, AnswerWithCog):
            raise RuntimeError("an Answer with dk2 pick reached a client without that command")
        await cog.pick(interaction, int(match["message"]), values)
    except Exception as exc:
        await report_failure(interaction, exc)
