"""A reply's picture as the file Discord uploads with the message.

The PNG bytes are rendered once per knowledge base and value (`bot.pictures`); each send gets
its own `discord.File`, since a file is read as it is sent.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import Any

import discord

from bot.core.model import KnowledgeBase, Messages
from bot.core.reply import Picture, Reply
from bot.discord_layer.embeds import truncate
from bot.discord_layer.errors import new_ref
from bot.pictures.chart import stats_png
from bot.pictures.gauge import cached_gauge, gauge_png
from bot.usage import UsageSummary
from bot.usage.report import window_text

log = logging.getLogger(__name__)

DESCRIPTION_LIMIT = 1024  # an attachment's description (alt text)


async def picture_png(kb: KnowledgeBase, picture: Picture) -> bytes | None:
    """The picture's PNG, or None when it could not be drawn (the answer then goes without
    it, as its text says the same). A gauge not drawn before is drawn in a worker thread, so
    the event loop keeps serving other members; a drawn one is a lookup. Answers asking for
    the same new gauge while it is being drawn wait for that one drawing."""
    try:
        data = cached_gauge(kb, picture)
        if data is None:
            data = await _drawn_once(kb, picture)
    except Exception:
        log.exception("drawing the %s gauge failed (ref %s)", picture.kind, new_ref())
        return None
    return data


# Gauges being drawn, so that a burst of answers asking for the same new value draws it once
# (each drawing takes milliseconds of CPU; fifty answers in flight would draw it fifty times).
_DRAWING: dict[tuple[KnowledgeBase, Picture], asyncio.Future[bytes]] = {}


async def _drawn_once(kb: KnowledgeBase, picture: Picture) -> bytes:
    key = (kb, picture)
    drawing = _DRAWING.get(key)
    if drawing is None or drawing.get_loop() is not asyncio.get_running_loop():
        drawing = asyncio.ensure_future(asyncio.to_thread(gauge_png, kb, picture))
        _DRAWING[key] = drawing

        def done(finished: asyncio.Future[bytes]) -> None:
            if _DRAWING.get(key) is finished:
                del _DRAWING[key]
            if not finished.cancelled():
                finished.exception()  # seen here too: every waiter may have gone

        drawing.add_done_callback(done)
    # Shielded: one waiter cancelled (its interaction given up) leaves the drawing to the rest.
    return await asyncio.shield(drawing)


async def picture_file(kb: KnowledgeBase, reply: Reply) -> discord.File | None:
    """The reply's gauge as an attachment, or None (no picture, or it could not be drawn)."""
    picture = reply.picture
    if picture is None:
        return None
    data = await picture_png(kb, picture)
    if data is None:
        return None
    return upload_file(picture, data)


def upload_file(picture: Picture, data: bytes) -> discord.File:
    """`data`, the picture's PNG, as the attachment discord.py uploads."""
    return UploadFile(
        io.BytesIO(data),
        filename=picture.filename,
        description=truncate(picture.description, DESCRIPTION_LIMIT),
    )


def attachment_entry(filename: str, description: str, index: int = 0) -> dict[str, Any]:
    """The `attachments[index]` entry of a message body uploading a file as `files[index]`:
    the same entry discord.py sends for `picture_file` and `chart_file` in gateway mode."""
    upload = UploadFile(
        io.BytesIO(b""), filename=filename, description=truncate(description, DESCRIPTION_LIMIT)
    )
    return upload.to_dict(index)


CHART_FILENAME = "usage.png"


def chart_png(summary: UsageSummary, days: int, messages: Messages) -> tuple[bytes, str] | None:
    """The moderators' usage chart and its description; None when there is nothing to draw
    (no usage, an unreadable log) or drawing failed (the report's text stands alone)."""
    if summary.error is not None or summary.is_empty:
        return None
    window = window_text(messages, days, summary.guild_id)
    try:
        data = stats_png(summary, window, messages)
    except Exception:
        log.exception("drawing the usage chart failed (ref %s)", new_ref())
        return None
    return data, messages.get("stats.chart_title", window=window)


def chart_file(summary: UsageSummary, days: int, messages: Messages) -> discord.File | None:
    """The moderators' usage chart as an attachment, or None (see `chart_png`)."""
    chart = chart_png(summary, days, messages)
    if chart is None:
        return None
    data, description = chart
    return UploadFile(io.BytesIO(data), filename=CHART_FILENAME, description=description)


def with_pictures(reply: Reply, on: bool) -> Reply:
    """`reply` as this transport sends it: with pictures off (the `gateway_pictures` and
    `http_pictures` settings), without its gauge picture; its text gauge stays."""
    if on or reply.picture is None:
        return reply
    return reply._replace(picture=None)


def without_picture(embed: discord.Embed) -> discord.Embed:
    """A copy of `embed` that no longer points at an attachment that isn't there."""
    copy = embed.copy()
    copy.set_image(url=None)
    return copy


class UploadFile(discord.File):
    """A `discord.File` whose upload entry carries its index as a string.

    discord.py numbers a new upload `{"id": 0}`; Discord's API description types an
    attachment's id as a snowflake string, and Discord takes `"0"` the same way.
    """

    def to_dict(self, index: int) -> dict[str, Any]:
        payload = super().to_dict(index)
        payload["id"] = str(index)
        return payload
