"""The `/dk2` command group: interactions in, core calls, replies out. Nothing more.

Each subcommand reads the knowledge base once (`holder.current`), asks the core for a `Reply`
through `bot.core.commands.run` (the same entry the console uses), and sends it as an embed:
private when asked (or by default, per config), otherwise public with a Pin button. Errors
the member made are private red embeds; failures of dk2 itself go to the tree's error handler.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Hashable
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.core.access import shown_privately
from bot.core.commands import Request, run
from bot.core.curation import pins_reply
from bot.core.holder import KnowledgeHolder
from bot.core.model import KnowledgeBase
from bot.core.reply import Picture, Reply
from bot.core.search import index_for
from bot.discord_layer.cache import KnowledgeCache
from bot.discord_layer.embeds import error_embed, paged_embeds, reply_embed, truncate
from bot.discord_layer.errors import new_ref, send_private
from bot.discord_layer.install import add_to_server_line, placement_of
from bot.discord_layer.multipart import FilePart
from bot.discord_layer.pictures import (
    picture_file,
    picture_png,
    upload_file,
    with_pictures,
    without_picture,
)
from bot.discord_layer.prebuilt import (
    Prebuilt,
    choices_body,
    json_body,
    message_params,
    send_prebuilt,
    upload_body,
)
from bot.discord_layer.repeats import Repeats, send_repeat
from bot.discord_layer.views import pin_view
from bot.usage.log import UsageLog

__all__ = ["AUTOCOMPLETE_LIMIT", "AnswerHook", "Dk2Cog"]

log = logging.getLogger(__name__)

AUTOCOMPLETE_LIMIT = 25
CHOICE_NAME_LIMIT = 100
CHOICE_VALUE_LIMIT = 100

# Called after each answer is sent (a later issue records usage through it).
AnswerHook = Callable[[discord.Interaction[Any], Reply], Awaitable[None]]

AUTOCOMPLETE_RESULT = discord.InteractionResponseType.autocomplete_result
PRIVATE_HELP = "Only you see the answer (default set by the server's dk2 config)"
ANSWERS_KEPT = 512  # replies with their embeds: a few MB at most
SUGGESTIONS_KEPT = 1024  # autocomplete choices for what has been typed so far
PINS_SCANNED = 250  # Discord's pins-per-channel limit: every pin, in pages of 50


# Installable to a server and to a member's own account; usable in servers, in DMs with dk2
# and in group DMs (see bot.discord_layer.install for what changes outside a server with dk2).
@app_commands.allowed_installs(guilds=True, users=True)
@app_commands.allowed_contexts(guilds=True, dms=True, private_channels=True)
class Dk2Cog(
    commands.GroupCog,
    group_name="dk2",
    group_description="Vitamin D and K2 answers from a curated article, with sources",
):
    """`/dk2 dose|level|explain|topics|about|pins`; moderators' commands are in
    `admin_cog.Dk2AdminCog` (`/dk2-admin`)."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        settings: Settings,
        on_answer: AnswerHook | None = None,
        usage: UsageLog | None = None,
        repeats: Repeats | None = None,
    ) -> None:
        self.holder = holder
        self.settings = settings
        self.on_answer = on_answer
        self.usage = usage
        self.repeats = repeats or Repeats(None, settings.repeat_window_minutes)
        # The same questions come again and again: their replies and suggestions are kept.
        self._answers: KnowledgeCache[Hashable, _Answer] = KnowledgeCache(ANSWERS_KEPT)
        # Explain's suggestions, as the autocomplete answer's body.
        self._suggestions: KnowledgeCache[str, Prebuilt] = KnowledgeCache(SUGGESTIONS_KEPT)
        # Answers with a picture: their whole body built once with the upload (see prebuilt).
        self._uploads: KnowledgeCache[Hashable, Prebuilt] = KnowledgeCache(ANSWERS_KEPT)
        super().__init__()

    # -- commands --------------------------------------------------------------------------

    @app_commands.command(
        name="dose", description="Where a daily vitamin D3 dose sits, with K2 pairing advice"
    )
    @app_commands.describe(
        amount="Vitamin D3 amount as on the label, e.g. 5000, 125 mcg or 50000 IU weekly",
        k2="Optional vitamin K2 amount, e.g. 100 (micrograms) or 100 mcg mk-7",
        age="Optional age, for a child's dose: e.g. 6 (years) or 8 months",
        private=PRIVATE_HELP,
    )
    async def dose(
        self,
        interaction: discord.Interaction[Any],
        amount: str,
        k2: str | None = None,
        age: str | None = None,
        private: bool | None = None,
    ) -> None:
        given = {"amount": amount, "k2": k2, "age": age}
        options = {name: value for name, value in given.items() if value is not None}
        await self._answer(interaction, Request("dose", options, private))

    @app_commands.command(
        name="level", description="Where a blood 25(OH)D test result sits on the scale"
    )
    @app_commands.describe(
        value="Your result with its unit, e.g. 42 ng/mL or 105 nmol/L (ng/mL if none)",
        private=PRIVATE_HELP,
    )
    async def level(
        self, interaction: discord.Interaction[Any], value: str, private: bool | None = None
    ) -> None:
        await self._answer(interaction, Request("level", {"value": value}, private))

    @app_commands.command(
        name="explain", description="The curated answer for a topic or question, with its source"
    )
    @app_commands.describe(
        term="A topic (suggested as you type) or a question, e.g. mgp or why take D with K2",
        private=PRIVATE_HELP,
    )
    async def explain(
        self, interaction: discord.Interaction[Any], term: str, private: bool | None = None
    ) -> None:
        # A chosen suggestion arrives as the topic id; anything typed goes through the
        # same search, so a free-text question works and a made-up value is just not found.
        await self._answer(interaction, Request("explain", {"term": term}, private))

    @explain.autocomplete("term")
    async def explain_term(
        self, interaction: discord.Interaction[Any], current: str
    ) -> list[app_commands.Choice[str]]:
        try:
            kb = self.holder.current
            partial = current[: kb.units.max_input_chars]
            body = self._suggestions.get(kb, partial, lambda: choices_body(_suggest(kb, partial)))
        except Exception:
            # Autocomplete can't show an error; offer nothing and keep the traceback.
            log.exception("autocomplete for /dk2 explain failed (ref %s)", new_ref())
            return []
        # Answered here from the body built once for this text; discord.py, seeing the
        # interaction answered, sends nothing more.
        await send_prebuilt(interaction, body, AUTOCOMPLETE_RESULT)
        return []

    @app_commands.command(name="topics", description="Every topic dk2 can explain, grouped")
    @app_commands.describe(private=PRIVATE_HELP)
    async def topics(
        self, interaction: discord.Interaction[Any], private: bool | None = None
    ) -> None:
        await self._answer(interaction, Request("topics", {}, private))

    @app_commands.command(
        name="about", description="What dk2 is, its sources, knowledge version and disclaimer"
    )
    @app_commands.describe(private=PRIVATE_HELP)
    async def about(
        self, interaction: discord.Interaction[Any], private: bool | None = None
    ) -> None:
        await self._answer(interaction, Request("about", {}, private))

    @app_commands.command(name="help", description="Every dk2 command, with an example of each")
    @app_commands.describe(private=PRIVATE_HELP)
    async def help(
        self, interaction: discord.Interaction[Any], private: bool | None = None
    ) -> None:
        await self._answer(interaction, Request("help", {}, private))

    # -- curating ----------------------------------------------------------------------------

    @app_commands.command(
        name="pins", description="The dk2 answers pinned in this channel, with links"
    )
    async def pins(self, interaction: discord.Interaction[Any]) -> None:
        messages = self.holder.current.messages
        channel = interaction.channel
        me = interaction.client.user
        if interaction.guild_id is None:
            await send_private(
                interaction, error_embed(messages.get("pins.title"), messages.get("pins.no_server"))
            )
            return
        if not isinstance(channel, discord.abc.Messageable) or me is None:
            await send_private(
                interaction, error_embed(messages.get("pins.title"), messages.get("pins.none"))
            )
            return
        await interaction.response.defer(ephemeral=True, thinking=True)
        found: list[tuple[str, str]] = []
        try:
            async for message in channel.pins(limit=PINS_SCANNED):
                if message.author.id == me.id:
                    title = message.embeds[0].title if message.embeds else None
                    found.append((title or message.content, message.jump_url))
        except discord.HTTPException as exc:
            log.info("/dk2 pins: can't read pins in channel %s (%s)", interaction.channel_id, exc)
            embed = error_embed(messages.get("pins.title"), messages.get("pins.cannot_read"))
            await interaction.followup.send(embed=embed, ephemeral=True)
            return
        log.info("/dk2 pins in channel %s: %d dk2 answer(s)", interaction.channel_id, len(found))
        reply = pins_reply(messages, found)
        await interaction.followup.send(embed=reply_embed(reply), ephemeral=True)

    # -- replying ----------------------------------------------------------------------------

    def _build(self, kb: KnowledgeBase, request: Request) -> _Answer:
        """The reply to `request`, the embeds it is sent as (several pages for topics) and the
        first answer's request body."""
        reply = with_pictures(run(kb, request), self.settings.gateway_pictures)
        embeds = paged_embeds(reply) if reply.command == "topics" else [reply_embed(reply)]
        private = self.is_private(request, reply)
        params = message_params(embeds[0], private=private, view=None if private else pin_view())
        return reply, tuple(embeds), json_body(params)

    def is_private(self, request: Request, reply: Reply) -> bool:
        """Whether the reply goes to the member alone (`bot.core.access.shown_privately`)."""
        return shown_privately(reply, request.private, self.settings.private_by_default)

    async def _answer(self, interaction: discord.Interaction[Any], request: Request) -> None:
        kb = self.holder.current  # once per request: a reload can't mix two versions
        key = (request.command, tuple(sorted(request.options.items())), request.private)
        reply, embeds, first_body = self._answers.get(kb, key, lambda: self._build(kb, request))
        # Outside a server that added dk2 (a user install): no Pin button, a line on how a
        # server adds dk2, and private where Discord allows nothing else.
        where = placement_of(interaction)
        private = self.is_private(request, reply) or where.private_only
        pin: dict[str, Any] = {} if private or not where.offers_pin else {"view": pin_view()}
        rest = embeds[1:]
        earlier = None if private else await self.repeats.earlier(interaction.channel_id, reply)
        posted: int | None = None
        # The no-repeats rule keeps a public answer's message id: only then is it asked for.
        want_id = not private and self.repeats.on
        if earlier is not None:
            # Already in this channel: the member gets it privately, with the link to it.
            note = self.repeats.note(kb.messages, earlier)
            first = embeds[0] if reply.picture is None else without_picture(embeds[0])
            await send_repeat(interaction, note, first)
            private, pin = True, {}
        elif reply.picture is None and where.in_server:
            # Built once with the reply (see bot.discord_layer.prebuilt): no file to upload.
            posted = await send_prebuilt(interaction, first_body, want_id=want_id)
        elif (
            reply.picture is not None
            and where.in_server
            and (png := await picture_png(kb, reply.picture)) is not None
        ):
            # Built once per answer with its upload, as the bytes sent (see prebuilt).
            picture = reply.picture
            body = self._uploads.get(
                kb, key, lambda: _upload(embeds[0], picture, png, private=private)
            )
            posted = await send_prebuilt(interaction, body, want_id=want_id)
        else:
            file = await picture_file(kb, reply) if not where.in_server else None
            first = embeds[0]
            # Only a reply with a picture is sent as an upload; the rest stay plain JSON bodies.
            upload: dict[str, Any] = {"file": file} if file is not None else {}
            if file is None and reply.picture is not None:
                first = without_picture(first)
            if not where.in_server and reply.ok:
                line = add_to_server_line(kb.messages, interaction.application_id)
                upload["content"] = line
            sent = await interaction.response.send_message(
                embed=first,
                ephemeral=private,
                allowed_mentions=discord.AllowedMentions.none(),
                **pin,
                **upload,
            )
            posted = sent.message_id
        if earlier is None and not private:
            await self.repeats.posted(interaction.guild_id, interaction.channel_id, posted, reply)
        for embed in rest:
            await interaction.followup.send(embed=embed, ephemeral=private, **pin)
        log.debug(
            "/dk2 %s by user %s in guild %s: %s%s",
            request.command,
            interaction.user.id,
            interaction.guild_id,
            "ok" if reply.ok else f"input error {reply.data.get('error_key')}",
            " (private)" if private else "",
        )
        if self.on_answer is not None:
            try:
                await self.on_answer(interaction, reply)
            except Exception:
                # The member has their answer; recording it must not turn into an error reply.
                log.exception("on_answer hook failed (ref %s)", new_ref())


_Answer = tuple[Reply, tuple[discord.Embed, ...], Prebuilt]


def _upload(embed: discord.Embed, picture: Picture, png: bytes, *, private: bool) -> Prebuilt:
    """The first answer's body with its picture uploaded as `files[0]`."""
    params = message_params(
        embed,
        private=private,
        view=None if private else pin_view(),
        file=upload_file(picture, png),
    )
    return upload_body(params, [FilePart(picture.filename, png)])


def _suggest(kb: KnowledgeBase, partial: str) -> tuple[app_commands.Choice[str], ...]:
    """Explain's autocomplete choices for what has been typed so far."""
    topics = index_for(kb).autocomplete(partial, AUTOCOMPLETE_LIMIT)
    return tuple(
        app_commands.Choice(
            name=truncate(topic.title, CHOICE_NAME_LIMIT) or topic.id[:CHOICE_NAME_LIMIT],
            value=topic.id[:CHOICE_VALUE_LIMIT],
        )
        for topic in topics[:AUTOCOMPLETE_LIMIT]
    )
