"""New posts in the forum channels listed in `forum_channel_ids`: when dk2 is confident a
curated answer fits the post's title, it posts one short message in the post with that
answer as a button; when it is not sure, it says nothing.

Only the title is read: it arrives with THREAD_CREATE under the Guilds intent, while the
post's text would need the privileged message-content intent. The title goes through the same
search as `/dk2 explain`, and only an answer that search is sure of (an exact or near-exact
topic name, or a question it would answer rather than offer suggestions for) is offered.

A click shows the answer privately to whoever clicked: the post is the asker's, and a public
copy per click would bury it under repeats of the same answer. The button names its topic in
its `custom_id` (`dk2:topic:<id>`), so it keeps working across restarts and reloads; a topic a
reload removed gets "this button is out of date". Clicks reach `topic_click` through dk2's
intake, like the Pin button.
"""

from __future__ import annotations

import logging
import re
from typing import Any, Final

import discord
from discord.ext import commands

from bot.config import Settings
from bot.core.explain import topic_reply
from bot.core.holder import KnowledgeHolder
from bot.core.model import KnowledgeBase
from bot.core.search import index_for
from bot.discord_layer.embeds import error_embed, reply_embed, truncate
from bot.discord_layer.errors import new_ref, report_failure, send_private
from bot.discord_layer.texts import messages_of

__all__ = [
    "TOPIC_PREFIX",
    "TOPIC_TEMPLATE",
    "ForumWatcher",
    "forum_topics",
    "topic_click",
    "topics_view",
]

log = logging.getLogger(__name__)

TOPIC_PREFIX: Final = "dk2:topic:"
# Topic ids are lowercase words joined by hyphens; a custom_id holds at most 100 characters.
TOPIC_TEMPLATE: Final = re.compile(r"dk2:topic:(?P<topic>[a-z0-9][a-z0-9-]{0,89})")
LABEL_LIMIT: Final = 80  # Discord's limit for a button's label
# How dk2's search says it is sure: the whole title is a topic's name (exactly or with a
# typo), or a question it answers rather than offering suggestions for.
CONFIDENT: Final = frozenset({"exact", "fuzzy", "question"})


def forum_topics(kb: KnowledgeBase, title: str) -> tuple[str, ...]:
    """The curated topics to offer under a forum post titled `title`; empty when unsure."""
    text = title.strip()[: kb.units.max_input_chars]
    if not text:
        return ()
    result = index_for(kb).search(text)
    if result.topic is None or result.how not in CONFIDENT:
        return ()
    if not TOPIC_TEMPLATE.fullmatch(f"{TOPIC_PREFIX}{result.topic}"):
        return ()  # an id a button can't carry; the curation checker keeps ids short
    return (result.topic,)


def topics_view(kb: KnowledgeBase, topic_ids: tuple[str, ...]) -> discord.ui.View:
    """One button per topic, labelled with its title. Clicks are routed by custom_id through
    dk2's intake, so the view is stopped: discord.py keeps no state for it."""
    view = discord.ui.View(timeout=None)
    for topic_id in topic_ids:
        topic = kb.topics[topic_id]
        label = truncate(topic.title, LABEL_LIMIT) or topic_id[:LABEL_LIMIT]
        view.add_item(
            discord.ui.Button(
                label=label,
                emoji="📖",
                style=discord.ButtonStyle.primary,
                custom_id=f"{TOPIC_PREFIX}{topic_id}",
            )
        )
    view.stop()
    return view


class ForumWatcher(commands.Cog):
    """Offers a curated answer under new posts in the listed forum channels."""

    def __init__(self, holder: KnowledgeHolder, settings: Settings) -> None:
        self.holder = holder
        self.settings = settings

    @commands.Cog.listener()
    async def on_thread_create(self, thread: discord.Thread) -> None:
        if thread.parent_id not in self.settings.forum_channel_ids:
            return
        try:
            await self._offer(thread)
        except Exception:
            log.exception("forum post %s: offering an answer failed (ref %s)", thread.id, new_ref())

    async def _offer(self, thread: discord.Thread) -> None:
        where = f"post {thread.id} in forum {thread.parent_id} (guild {thread.guild.id})"
        if not isinstance(thread.parent, discord.ForumChannel):
            log.info("%s: not offered, the listed channel is not a forum", where)
            return
        me = thread.guild.me
        if me is None or thread.owner_id == me.id:
            return
        kb = self.holder.current
        topics = forum_topics(kb, thread.name)
        if not topics:
            log.info("%s: no answer offered, not sure what the title asks", where)
            return
        permissions = thread.permissions_for(me)
        if not (permissions.view_channel and permissions.send_messages_in_threads):
            log.warning("%s: can't offer %s, dk2 lacks Send Messages in Threads", where, topics)
            return
        try:
            await thread.send(
                content=kb.messages.get("forum.intro"),
                view=topics_view(kb, topics),
                allowed_mentions=discord.AllowedMentions.none(),
            )
        except discord.HTTPException as exc:
            log.warning("%s: offering %s failed: HTTP %s (%s)", where, topics, exc.status, exc)
            return
        log.info("%s: offered %s", where, ", ".join(topics))


async def topic_click(interaction: discord.Interaction[Any], topic_id: str) -> None:
    """A click on a topic button: that curated answer, privately to the clicker."""
    try:
        holder = getattr(interaction.client, "holder", None)
        if not isinstance(holder, KnowledgeHolder):
            raise RuntimeError("the topic button needs a client with a dk2 knowledge holder")
        kb = holder.current
        topic = kb.topics.get(topic_id)
        log.info(
            "topic button %r clicked by user %s in channel %s%s",
            topic_id,
            interaction.user.id,
            interaction.channel_id,
            "" if topic is not None else " (no such topic now)",
        )
        if topic is None:
            messages = messages_of(interaction)
            embed = error_embed(
                messages.get("failure.button_outdated_title"),
                messages.get("failure.button_outdated"),
            )
        else:
            embed = reply_embed(topic_reply(kb, topic))
        await send_private(interaction, embed)
    except Exception as exc:
        await report_failure(interaction, exc)
