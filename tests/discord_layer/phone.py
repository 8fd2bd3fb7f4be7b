"""A phone screen as a budget of rows, and the dose replies measured against it.

See bench/reply_size.py for the model: PHONE_COLUMNS characters a row, PHONE_ROWS rows.
"""

from __future__ import annotations

import textwrap

import discord

from bot.core.commands import reply_for_text
from bot.core.reply import Reply
from bot.discord_layer.embeds import reply_embed
from tests.discord_layer.helpers import knowledge

PHONE_COLUMNS = 40
PHONE_ROWS = 48


def text_rows(text: str | None, width: int = PHONE_COLUMNS) -> int:
    """Rows `text` takes wrapped at `width` (an empty line is a row too)."""
    if not text:
        return 0
    return sum(max(1, len(textwrap.wrap(line, width))) for line in text.splitlines())


def embed_rows(reply: Reply) -> int:
    """Rows the reply's embed takes: title, description, each field's name and value, footer."""
    embed: discord.Embed = reply_embed(reply)
    rows = text_rows(embed.title) + text_rows(embed.description)
    for field in embed.fields:
        rows += text_rows(field.name) + text_rows(field.value)
    return rows + text_rows(embed.footer.text)


DOSE_LINES = [
    "/dk2 dose 500",
    "/dk2 dose 1500",
    "/dk2 dose 3000",
    "/dk2 dose 5000",
    "/dk2 dose 20000",
    "/dk2 dose 3000 k2:100",
    "/dk2 dose 5000 k2:100",
    "/dk2 dose 5000 k2:100 mcg mk-7",
    "/dk2 dose 5000 k2:300 mcg mk-4",
    "/dk2 dose 20000 k2:100",
    "/dk2 dose 50000 weekly",
    "/dk2 dose 50000 weekly k2:100",
    "/dk2 dose 100000 monthly k2:100 mg",
    "/dk2 dose 5000 mcg k2:100",
    "/dk2 dose 1000 mcg weekly k2:100",
    "/dk2 dose 125 IU k2:100",
    "/dk2 dose 400 age:2",
    "/dk2 dose 3000 age:2",
    "/dk2 dose 50000 weekly age:8 months k2:100",
    "/dk2 dose 5000 mcg age:6",
    "/dk2 dose 3000 age:40",
]


def dose_samples() -> list[tuple[str, Reply]]:
    kb = knowledge()
    return [(line, reply_for_text(kb, line)[0]) for line in DOSE_LINES]
