"""One verified interaction in, one response body out (and, for some, work to do after).

The same core calls the gateway cog makes, rendered by the same embed renderer: `/dk2` answers
go through `bot.core.commands.run`, moderators' commands through the same curation and usage
replies, and every sentence comes from messages.yaml. What differs is only the transport: the
first answer is the HTTP response body, and anything later (more pages, a pin, a follow-up)
goes over Discord's REST API once that body has been sent.

A dose or level answer's gauge picture is one of those later things. Discord takes files only
in a multipart/form-data body, and it refuses one as the HTTP response to an interaction
(discord-api-docs issue 5933): the answer's text goes in the response at once (the facts the
picture shows are in it), and the picture follows as an edit of that answer, uploaded as
`files[0]` with the embed's image pointing at it, as in gateway mode. When Discord reports
the application's Interactions Endpoint URL, the embed instead shows the gauge from a link on
that URL (`bot.http.gauge_links`, served by `gauge`) and nothing follows the response.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import discord

from bot.config import Settings
from bot.core.access import is_moderator, may_pin, shown_privately
from bot.core.commands import COMMAND_OPTIONS, Request, run
from bot.core.curation import pins_reply, reload_now
from bot.core.explain import topic_reply
from bot.core.holder import KnowledgeHolder
from bot.core.model import KnowledgeBase, Messages
from bot.core.reply import Reply
from bot.core.search import index_for
from bot.discord_layer.answer_with import ANSWER_TEMPLATE, MENU_NAME
from bot.discord_layer.cache import KnowledgeCache
from bot.discord_layer.embeds import error_embed, paged_embeds, reply_embed, truncate
from bot.discord_layer.errors import (
    FAILURE_FALLBACK,
    FAILURE_TITLE,
    OnCooldown,
    _number,
    cooldown_message,
    new_ref,
)
from bot.discord_layer.forum import TOPIC_TEMPLATE
from bot.discord_layer.install import Placement, add_to_server_line, placement
from bot.discord_layer.pictures import (
    CHART_FILENAME,
    attachment_entry,
    chart_png,
    picture_png,
    with_pictures,
    without_picture,
)
from bot.discord_layer.repeats import Repeats
from bot.discord_layer.usage_hook import usage_event
from bot.discord_layer.views import CUSTOM_ID_PREFIX, PIN_LIMIT, PinAction
from bot.http.answer_with import HttpAnswerWith
from bot.http.declared import DeclaredCommands
from bot.http.gauge_links import GaugeLinks
from bot.http.incoming import (
    APPLICATION_COMMAND,
    AUTOCOMPLETE,
    COMPONENT,
    MESSAGE_COMMAND,
    Incoming,
)
from bot.http.responses import (
    DEFERRED_UPDATE,
    MESSAGE,
    NO_MENTIONS,
    UPDATE_MESSAGE,
    autocomplete_body,
    deferred_message,
    encode,
    message_data,
    pin_components,
    response,
)
from bot.http.rest import DiscordRest, Multipart, RestFile, multipart
from bot.usage import stats_reply
from bot.usage.events import Prepared, prepare
from bot.usage.log import UsageLog
from bot.usage.report import DEFAULT_DAYS as DEFAULT_STATS_DAYS

__all__ = ["Answer", "CooldownCheck", "InteractionHandler", "ReloadHook"]

log = logging.getLogger(__name__)

ANSWERS_KEPT: Final = 512
SUGGESTIONS_KEPT: Final = 1024
AUTOCOMPLETE_LIMIT: Final = 25
CHOICE_LIMIT: Final = 100
PINS_PAGE: Final = 50
PINS_SCANNED: Final = 250
PIN_LIMIT_CODE: Final = 30003
# The answers the core gives (the same list the console reads): a new one is answered here too.
ANSWER_COMMANDS: Final = frozenset(COMMAND_OPTIONS)

_NO_SUGGESTIONS: Final = encode(autocomplete_body(()))
_PIN_MESSAGES: Final = discord.Permissions(pin_messages=True).value
_MANAGE_GUILD: Final = discord.Permissions(manage_guild=True).value

After = Callable[[], Awaitable[None]]
# Seconds until this member may use a command again, or None when they may now.
CooldownCheck = Callable[[int], Awaitable[float | None]]
# Called after a reload this process did succeeded (to tell other processes).
ReloadHook = Callable[[], Awaitable[None]]


@dataclass(frozen=True, slots=True)
class Answer:
    """The HTTP response body, and what to do once it has been sent."""

    body: bytes
    after: After | None = None


@dataclass(frozen=True, slots=True)
class _Built:
    """An answer built once and kept: the reply, its first body, any further pages and, for
    an answer with a picture, the edit that adds it (the embed showing it, the upload's
    entry)."""

    reply: Reply
    body: bytes
    more: tuple[dict[str, Any], ...]
    private: bool = False
    picture_edit: dict[str, Any] | None = None
    # The usage row's part that is the same for every member (all but server and time).
    usage: Prepared | None = None

    # The whole answer, made once, when the first body is all of it (no more pages, no
    # picture to add) and nothing is to follow it.
    answer: Answer | None = None


class InteractionHandler:
    """Answers interactions with dk2's knowledge; one per process."""

    def __init__(
        self,
        holder: KnowledgeHolder,
        settings: Settings,
        declared: DeclaredCommands,
        rest: DiscordRest,
        *,
        usage: UsageLog | None = None,
        cooldown: CooldownCheck | None = None,
        on_reload: ReloadHook | None = None,
        repeats: Repeats | None = None,
        links: GaugeLinks | None = None,
    ) -> None:
        self.holder = holder
        self.settings = settings
        self.declared = declared
        self.rest = rest
        self.usage = usage
        self.answer_with = HttpAnswerWith(
            holder, rest, repeats or Repeats(None, settings.repeat_window_minutes), usage
        )
        self.cooldown = cooldown
        self.on_reload = on_reload
        # Gauges linked from the endpoint's public URL; None: uploaded with each answer.
        self.links = links
        self._answers: KnowledgeCache[Hashable, _Built] = KnowledgeCache(ANSWERS_KEPT)
        self._suggestions: KnowledgeCache[str, Answer] = KnowledgeCache(SUGGESTIONS_KEPT)
        # Each answer's picture edit as the whole multipart body: the same for every member.
        self._edits: KnowledgeCache[Hashable, Multipart] = KnowledgeCache(ANSWERS_KEPT)
        # Read once: a disabled debug line still cost a microsecond per answer to skip.
        self._debug = log.isEnabledFor(logging.DEBUG)

    # -- entry -------------------------------------------------------------------------------

    async def handle(self, incoming: Incoming) -> Answer | None:
        """The answer to a verified interaction; None for a type dk2 doesn't handle."""
        try:
            if incoming.type == APPLICATION_COMMAND:
                return await self._command(incoming)
            if incoming.type == AUTOCOMPLETE:
                return self._autocomplete(incoming)
            if incoming.type == COMPONENT:
                return await self._component(incoming)
        except Exception:
            ref = new_ref()
            log.exception("interaction %s failed (ref %s)", _where(incoming), ref)
            if incoming.type == AUTOCOMPLETE:
                return Answer(_NO_SUGGESTIONS)
            return Answer(self._private_body(self._failure_embed(ref)))
        return None

    # -- commands ----------------------------------------------------------------------------

    async def _command(self, incoming: Incoming) -> Answer:
        messages = self.holder.current.messages
        if not self.declared.fits(incoming.command_path, incoming.command_type, incoming.options):
            return self._misfit(incoming, messages)
        if self.cooldown is not None and incoming.user_id is not None:
            retry_after = await self.cooldown(incoming.user_id)
            if retry_after is not None:
                log.info("user %s is on cooldown (%.1f s)", incoming.user_id, retry_after)
                text = cooldown_message(
                    messages,
                    OnCooldown(
                        retry_after, self.settings.cooldown_rate, self.settings.cooldown_per_seconds
                    ),
                )
                return Answer(self._private_body(error_embed(messages.get("cooldown.title"), text)))
        name = incoming.command_path[-1]
        if incoming.command_type == MESSAGE_COMMAND and name == MENU_NAME:
            return Answer(*await self.answer_with.menu(incoming))
        if name in ANSWER_COMMANDS:
            return await self._answer(incoming, name)
        if name == "reload":
            return self._reload(incoming, messages)
        if name == "stats":
            return self._stats(incoming, messages)
        if name == "pins":
            return self._pins(incoming)
        # Declared by the tree but not handled here: the two shells have drifted. A bug.
        raise RuntimeError(f"no HTTP handler for /{' '.join(incoming.command_path)}")

    def _misfit(self, incoming: Incoming, messages: Messages) -> Answer:
        """A command whose options don't fit what dk2 declares: out of date (the wrong
        options or types), or a number out of range (saying what to type)."""
        problems = self.declared.problems(
            incoming.command_path, incoming.command_type, incoming.options, partial=False
        )
        wrong = self.declared.out_of_range(
            incoming.command_path, incoming.command_type, incoming.options
        )
        if problems or wrong is None:
            log.warning("stale command used: %s (%s)", _where(incoming), "; ".join(problems))
            return self._private(messages, "failure.outdated_title", "failure.outdated")
        log.info("%s: option %s out of range", _where(incoming), wrong.name)
        text = messages.get(
            "failure.out_of_range",
            option=wrong.name,
            min=_number(wrong.min_value),
            max=_number(wrong.max_value),
        )
        title = messages.get("failure.out_of_range_title")
        return Answer(self._private_body(error_embed(title, text)))

    def _request(self, incoming: Incoming, name: str) -> Request:
        options: dict[str, str] = {}
        private: bool | None = None
        for option in incoming.options:
            if option.name == "private" and isinstance(option.value, bool):
                private = option.value
            elif isinstance(option.value, str):
                options[option.name] = option.value
        return Request(name, options, private)

    async def _answer(self, incoming: Incoming, name: str) -> Answer:
        kb = self.holder.current  # once per request: a reload can't mix two versions
        # Outside a server that added dk2 (a member's own install): no Pin button, a line on
        # how a server adds dk2, and private where Discord allows nothing else.
        where = placement(incoming.guild_id, incoming.installed_guild_id, incoming.permissions)
        # The options as sent (they fit the declaration: each value has its declared type, so
        # no two equal keys mean different things); the answer is built from them once.
        key = (name, incoming.options, where.in_server, where.private_only)
        built = self._answers.get(kb, key, lambda: self._build(kb, incoming, name, where))
        if self._debug:
            log.debug("/dk2 %s by user %s in guild %s", name, incoming.user_id, incoming.guild_id)
        if self.usage is not None:
            if built.usage is not None:
                self.usage.record_prepared(built.usage, incoming.guild_id)
            else:
                term = self._request(incoming, name).options.get("term")
                self.usage.record_nowait(
                    usage_event(built.reply, guild_id=incoming.guild_id, term=term)
                )
        repeats = self.answer_with.repeats
        noted = not built.private and repeats.on
        if noted:
            earlier = await repeats.earlier(incoming.channel_id, built.reply)
            if earlier is not None:
                # Already in this channel: privately, with the link to it (as the gateway does).
                embed = without_picture(reply_embed(built.reply))
                note = repeats.note(kb.messages, earlier)
                data = message_data([embed], private=True, content=note)
                return Answer(encode(response(MESSAGE, data)))
        elif built.answer is not None:
            return built.answer
        return Answer(built.body, self._after(kb, key, incoming, built, noted=noted))

    def _after(
        self, kb: KnowledgeBase, key: Hashable, incoming: Incoming, built: _Built, *, noted: bool
    ) -> After:
        """What follows a public answer's body: its picture, the note that it was posted (for
        the no-repeats rule), its further pages."""

        async def after() -> None:
            sent = None
            if built.picture_edit is not None:
                sent = await self._add_picture(kb, key, incoming, built, want_id=noted)
            if noted:
                await self._note_posted(incoming, built.reply, sent)
            for data in built.more:
                await self.rest.followup(incoming.application_id, incoming.token, data)

        return after

    async def _note_posted(self, incoming: Incoming, reply: Reply, sent: str | None) -> None:
        """Keep the public answer just sent for the no-repeats rule. Its id comes from the
        picture's edit when there was one, else it is asked of Discord (the response body was
        the message)."""
        if sent is None:
            path = f"/webhooks/{incoming.application_id}/{incoming.token}/messages/@original"
            result = await self.rest.request("GET", path, None, webhook=True)
            sent = _message_id(result.body)
        if sent is not None:
            await self.answer_with.repeats.posted(
                incoming.guild_id, incoming.channel_id, int(sent), reply
            )

    def _build(self, kb: KnowledgeBase, incoming: Incoming, name: str, where: Placement) -> _Built:
        request = self._request(incoming, name)
        application_id = incoming.application_id
        reply = with_pictures(run(kb, request), self.settings.http_pictures)
        private = (
            shown_privately(reply, request.private, self.settings.private_by_default)
            or where.private_only
        )
        embeds = paged_embeds(reply) if reply.command == "topics" else [reply_embed(reply)]
        picture_edit = None
        link = None
        if reply.picture is not None and self.links is not None:
            link = self.links.link(request.command, request.options)
        if link is not None:
            # The embed shows the gauge from dk2's own link: nothing to upload afterwards.
            embeds[0].set_image(url=link)
        elif reply.picture is not None:
            # The response can't carry the upload: it goes without the image, and the edit
            # that uploads the picture puts it back.
            picture_edit = {
                "embeds": [embed.to_dict() for embed in embeds[:1]],
                "attachments": [
                    attachment_entry(reply.picture.filename, reply.picture.description)
                ],
                "allowed_mentions": NO_MENTIONS,
            }
            embeds = [without_picture(embed) for embed in embeds]
        pin: PinAction | None = "pin" if where.offers_pin else None
        pages = [message_data([embed], private=private, pin=pin) for embed in embeds]
        if not where.in_server and reply.ok and application_id.isdigit():
            line = add_to_server_line(kb.messages, int(application_id))
            pages[0] = message_data([embeds[0]], private=private, pin=pin, content=line)
        body = encode(response(MESSAGE, pages[0]))
        try:  # kept with the answer: the key holds the command, its options (the term)
            usage = prepare(usage_event(reply, guild_id=None, term=request.options.get("term")))
        except (TypeError, ValueError, OverflowError):
            usage = None  # recorded event by event instead, where the store logs the fault
        more = tuple(pages[1:])
        whole = Answer(body) if not more and picture_edit is None else None
        return _Built(reply, body, more, private, picture_edit, usage, whole)

    async def _add_picture(
        self, kb: KnowledgeBase, key: Hashable, incoming: Incoming, built: _Built, *, want_id: bool
    ) -> str | None:
        """Upload the answer's picture into it and, with `want_id`, give the message's id;
        when it can't be drawn or Discord refuses the edit, the answer stays as sent (its text
        says what the picture shows). The edit's body is joined once per answer."""
        picture, edit = built.reply.picture, built.picture_edit
        assert picture is not None and edit is not None
        data = await picture_png(kb, picture)  # drawn once per value, in a worker thread
        if data is None:
            return None
        body = self._edits.get(kb, key, lambda: multipart(edit, [RestFile(picture.filename, data)]))
        result = await self.rest.edit_original(
            incoming.application_id, incoming.token, body, read=want_id
        )
        if not result.ok:
            log.warning(
                "the %s gauge was not added to interaction %s: HTTP %s code %s",
                picture.kind,
                incoming.id,
                result.status,
                result.code,
            )
            return None
        return _message_id(result.body)

    async def gauge(self, query: Mapping[str, str]) -> bytes | None:
        """The PNG a gauge link names (see `bot.http.gauge_links`); None when the link is not
        one dk2 gave out or names no gauge. Drawn with the knowledge loaded now."""
        named = self.links.read(query) if self.links is not None else None
        if named is None:
            return None
        command, options = named
        if command not in ANSWER_COMMANDS:
            return None
        kb = self.holder.current
        try:
            reply = with_pictures(run(kb, Request(command, options, None)), True)
        except Exception:
            log.exception("the gauge for a link could not be made (ref %s)", new_ref())
            return None
        if reply.picture is None:
            return None
        return await picture_png(kb, reply.picture)

    # -- moderators --------------------------------------------------------------------------

    def _is_moderator(self, incoming: Incoming) -> bool:
        """Manage Server or a moderator role, decided from this very interaction; never in a
        server that has not added dk2."""
        return is_moderator(
            in_server=_in_server(incoming),
            manage_guild=bool(incoming.permissions & _MANAGE_GUILD),
            roles=incoming.role_ids,
            moderator_roles=self.settings.moderator_role_ids,
        )

    def _refuse_non_moderator(self, incoming: Incoming, messages: Messages, refusal: str) -> Answer:
        log.info(
            "/%s refused: user %s in guild %s is not a moderator",
            " ".join(incoming.command_path),
            incoming.user_id,
            incoming.guild_id,
        )
        return self._private(messages, "moderators.title", refusal)

    def _reload(self, incoming: Incoming, messages: Messages) -> Answer:
        if not self._is_moderator(incoming):
            return self._refuse_non_moderator(incoming, messages, "moderators.reload")

        async def reload() -> None:
            who = (
                f"/{' '.join(incoming.command_path)} by user {incoming.user_id} "
                f"in guild {incoming.guild_id}"
            )
            reply = await reload_now(self.holder, who, self.on_reload)
            await self._follow_privately(incoming, reply_embed(reply))

        return Answer(encode(deferred_message(private=True)), reload)

    def _stats(self, incoming: Incoming, messages: Messages) -> Answer:
        if not self._is_moderator(incoming):
            return self._refuse_non_moderator(incoming, messages, "moderators.stats")
        option = incoming.option("days")
        days = (
            option.value
            if option is not None and isinstance(option.value, int)
            else DEFAULT_STATS_DAYS
        )

        async def stats() -> None:
            from bot.usage import open_summary

            if self.usage is not None:
                summary = await self.usage.summary(days, incoming.guild_id)
            else:
                path = self.settings.database_path
                summary = await asyncio.to_thread(open_summary, path, days, incoming.guild_id)
            log.info(
                "/%s %d days by user %s in guild %s",
                " ".join(incoming.command_path),
                days,
                incoming.user_id,
                incoming.guild_id,
            )
            messages = self.holder.current.messages
            embed = reply_embed(stats_reply(summary, days, messages))
            # Drawing takes tens of milliseconds: off the loop, so answers keep flowing.
            chart = await asyncio.to_thread(chart_png, summary, days, messages)
            if chart is None:
                await self._follow_privately(incoming, embed)
                return
            data, description = chart
            embed.set_image(url=f"attachment://{CHART_FILENAME}")
            upload = (attachment_entry(CHART_FILENAME, description), RestFile(CHART_FILENAME, data))
            await self._follow_privately(incoming, embed, upload)

        return Answer(encode(deferred_message(private=True)), stats)

    def _pins(self, incoming: Incoming) -> Answer:
        messages = self.holder.current.messages
        channel_id = incoming.channel_id
        if channel_id is None:
            return self._private(messages, "pins.title", "pins.none")

        async def pins() -> None:
            found: list[tuple[str, str]] = []
            before: str | None = None
            while len(found) < PINS_SCANNED:
                page = await self.rest.pins(channel_id, limit=PINS_PAGE, before=before)
                if not page.ok or not isinstance(page.body, dict):
                    log.info(
                        "/dk2 pins: can't read pins in channel %s (HTTP %s)",
                        channel_id,
                        page.status,
                    )
                    embed = error_embed(
                        messages.get("pins.title"), messages.get("pins.cannot_read")
                    )
                    await self._follow_privately(incoming, embed)
                    return
                items = page.body.get("items") or []
                for item in items:
                    message = item.get("message") or {}
                    if str((message.get("author") or {}).get("id")) == incoming.application_id:
                        embeds = message.get("embeds") or []
                        title = (embeds[0].get("title") if embeds else None) or message.get(
                            "content", ""
                        )
                        found.append(
                            (title, _jump_url(incoming.guild_id, channel_id, message.get("id")))
                        )
                if not page.body.get("has_more") or not items:
                    break
                before = items[-1].get("pinned_at")
            log.info("/dk2 pins in channel %s: %d dk2 answer(s)", channel_id, len(found))
            await self._follow_privately(incoming, reply_embed(pins_reply(messages, found)))

        return Answer(encode(deferred_message(private=True)), pins)

    # -- autocomplete ------------------------------------------------------------------------

    def _autocomplete(self, incoming: Incoming) -> Answer:
        focused = incoming.focused
        problems = self.declared.problems(
            incoming.command_path, incoming.command_type, incoming.options, partial=True
        )
        if (
            problems
            or focused is None
            or focused.name != "term"
            or not isinstance(focused.value, str)
        ):
            return Answer(_NO_SUGGESTIONS)
        kb = self.holder.current
        partial = focused.value[: kb.units.max_input_chars]
        return self._suggestions.get(kb, partial, lambda: Answer(_suggest(kb, partial)))

    # -- the Pin button ----------------------------------------------------------------------

    async def _component(self, incoming: Incoming) -> Answer:
        messages = self.holder.current.messages
        custom_id = incoming.custom_id or ""
        pick = ANSWER_TEMPLATE.fullmatch(custom_id)
        if pick is not None:
            return Answer(*await self.answer_with.pick(incoming, int(pick["message"])))
        if topic := TOPIC_TEMPLATE.fullmatch(custom_id):
            return self._topic(topic["topic"], messages)
        action = custom_id.removeprefix(CUSTOM_ID_PREFIX)
        if not custom_id.startswith(CUSTOM_ID_PREFIX) or action not in ("pin", "unpin"):
            log.warning("unknown component %r clicked", custom_id[:100])
            return self._private(messages, "failure.outdated_title", "failure.outdated")
        return self._toggle_pin(incoming, "pin" if action == "pin" else "unpin", messages)

    def _topic(self, topic_id: str, messages: Messages) -> Answer:
        """A topic button under a forum post: that curated answer, privately to the clicker."""
        kb = self.holder.current
        topic = kb.topics.get(topic_id)
        if topic is None:
            return self._private(
                messages, "failure.button_outdated_title", "failure.button_outdated"
            )
        return Answer(self._private_body(reply_embed(topic_reply(kb, topic))))

    def _toggle_pin(self, incoming: Incoming, action: PinAction, messages: Messages) -> Answer:
        message = incoming.message
        message_id = _snowflake(message.get("id")) if message is not None else None
        channel_id = incoming.channel_id
        if message is None or message_id is None or channel_id is None:
            return Answer(self._private_body(_pin_embed(messages, "no_message")))
        where = (
            f"message {message_id} in channel {channel_id} (guild {incoming.guild_id}) "
            f"by {incoming.user_name} ({incoming.user_id})"
        )
        allowed = may_pin(
            in_server=_in_server(incoming),
            pin_messages=bool(incoming.permissions & _PIN_MESSAGES),
            roles=incoming.role_ids,
            moderator_roles=self.settings.moderator_role_ids,
        )
        if not allowed:
            log.info("%s refused: not a moderator (%s)", action, where)
            return Answer(self._private_body(_pin_embed(messages, "not_moderator")))
        pinned = bool(message.get("pinned"))
        if (action == "pin" and pinned) or (action == "unpin" and not pinned):
            key = "already_pinned" if pinned else "already_unpinned"
            log.info("%s: %s (%s)", action, "already pinned" if pinned else "not pinned", where)
            flipped: PinAction = "unpin" if pinned else "pin"

            async def explain() -> None:
                await self._follow_privately(incoming, _pin_embed(messages, key))

            body = response(UPDATE_MESSAGE, {"components": pin_components(flipped)})
            return Answer(encode(body), explain)
        if not incoming.app_permissions & _PIN_MESSAGES:
            log.warning("%s impossible: dk2 lacks Pin Messages (%s)", action, where)
            return Answer(self._private_body(_pin_embed(messages, "bot_lacks_permission")))

        async def pin() -> None:
            verb = "Pinned" if action == "pin" else "Unpinned"
            reason = f"{verb} by {incoming.user_name} ({incoming.user_id}) via dk2"
            result = await self.rest.pin(
                channel_id, message_id, unpin=action == "unpin", reason=reason
            )
            if result.ok:
                log.info("%s: done (%s)", "pinned" if action == "pin" else "unpinned", where)
                # A pinned answer counts as already posted for as long as it is pinned.
                await self.answer_with.repeats.pinned(
                    incoming.guild_id, channel_id, message_id, action == "pin"
                )
                other: PinAction = "unpin" if action == "pin" else "pin"
                edit = await self.rest.edit_original(
                    incoming.application_id, incoming.token, {"components": pin_components(other)}
                )
                if not edit.ok:
                    log.warning(
                        "%s done but the button wasn't updated: HTTP %s (%s)",
                        action,
                        edit.status,
                        where,
                    )
                return
            if result.status == 403:
                log.warning("%s forbidden by Discord (code %s, %s)", action, result.code, where)
                embed = _pin_embed(messages, "bot_lacks_permission")
            elif result.status == 404:
                log.info("%s: message not found (code %s, %s)", action, result.code, where)
                embed = _pin_embed(messages, "deleted")
            elif result.code == PIN_LIMIT_CODE:
                log.info("pin: channel pin limit reached (%s)", where)
                embed = _pin_embed(messages, "pin_limit", limit=str(PIN_LIMIT))
            else:
                log.warning(
                    "%s failed: HTTP %s code %s (%s)", action, result.status, result.code, where
                )
                embed = _pin_embed(
                    messages, "discord_error", action=action, status=str(result.status)
                )
            await self._follow_privately(incoming, embed)

        # The pin is a REST call a rate limit can stretch past Discord's 3 seconds: acknowledge
        # the click now (the answer stays as it is) and pin once this body has been sent.
        return Answer(encode(response(DEFERRED_UPDATE)), pin)

    # -- helpers -----------------------------------------------------------------------------

    def _private_body(self, embed: discord.Embed) -> bytes:
        return encode(response(MESSAGE, message_data([embed], private=True)))

    def _private(self, messages: Messages, title: str, text: str) -> Answer:
        return Answer(self._private_body(error_embed(messages.get(title), messages.get(text))))

    def _failure_embed(self, ref: str) -> discord.Embed:
        try:
            messages = self.holder.current.messages
            return error_embed(messages.get("failure.title"), messages.get("failure.text", ref=ref))
        except Exception:
            return error_embed(FAILURE_TITLE, FAILURE_FALLBACK.format(ref=ref))

    async def _follow_privately(
        self,
        incoming: Incoming,
        embed: discord.Embed,
        upload: tuple[dict[str, Any], RestFile] | None = None,
    ) -> None:
        """A private follow-up; with `upload` (its attachments entry and the file), the file
        goes with it as `files[0]`."""
        data = message_data([embed], private=True)
        files: list[RestFile] = []
        if upload is not None:
            entry, file = upload
            data["attachments"] = [entry]
            files.append(file)
        result = await self.rest.followup(incoming.application_id, incoming.token, data, files)
        if not result.ok:
            log.warning(
                "could not answer interaction %s privately: HTTP %s", incoming.id, result.status
            )


def _pin_embed(messages: Messages, key: str, **values: str) -> discord.Embed:
    return error_embed(messages.get(f"pin.{key}.title"), messages.get(f"pin.{key}.text", **values))


def _suggest(kb: KnowledgeBase, partial: str) -> bytes:
    topics = index_for(kb).autocomplete(partial, AUTOCOMPLETE_LIMIT)
    return encode(
        autocomplete_body(
            (
                truncate(topic.title, CHOICE_LIMIT) or topic.id[:CHOICE_LIMIT],
                topic.id[:CHOICE_LIMIT],
            )
            for topic in topics[:AUTOCOMPLETE_LIMIT]
        )
    )


def _in_server(incoming: Incoming) -> bool:
    """Whether the interaction is in a server that added dk2 (Discord lists that server's
    install in `authorizing_integration_owners`), not a DM nor a server reached through a
    member's own install."""
    return incoming.guild_id is not None and incoming.installed_guild_id == incoming.guild_id


def _snowflake(value: object) -> int | None:
    return int(value) if isinstance(value, str) and value.isdigit() else None


def _jump_url(guild_id: int | None, channel_id: int, message_id: object) -> str:
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"


def _where(incoming: Incoming) -> str:
    if incoming.command_path:
        return "/" + " ".join(incoming.command_path)
    return incoming.custom_id or f"type {incoming.type}"


def _message_id(body: object) -> str | None:
    """The id in a message object Discord sent back, when it is one."""
    sent = body.get("id") if isinstance(body, dict) else None
    return sent if isinstance(sent, str) and sent.isdigit() else None
