"""A bare discord.py bot with dk2's command shape: the baseline for bench/bench_load.py.

`/dk2 dose|level|explain|topics|about` with the same options as dk2, each answered with one
fixed embed (dose and level, like dk2's, with a fixed picture of a gauge's size uploaded as
the embed's image); `explain`'s autocomplete offers a fixed list. No knowledge base, no cooldown, no
logging per interaction: what any discord.py bot pays to receive an interaction and answer it.

It is started the way dk2 is, and reads the same environment: DISCORD_TOKEN,
DK2_DISCORD_API_BASE, DK2_DISCORD_GATEWAY_URL, DK2_DEV_GUILD_IDS. SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import signal
from typing import Any

import discord
import discord.gateway
import discord.http
import yarl
from discord import app_commands
from PIL import Image, ImageDraw

log = logging.getLogger("bare_bot")

SENTENCE = "A fixed sentence standing in for a curated answer, about as long as dk2's. "


def fixed_embed(shape: str) -> discord.Embed:
    """`small`: a title and a line. `answer`: the size and shape of a typical dk2 answer (about
    1.9 kB of JSON: a description, five fields, sources, a footer)."""
    embed = discord.Embed(title="A fixed answer", colour=0x3498DB)
    if shape == "small":
        embed.description = "The same embed for every command: the cost of answering."
        return embed
    embed.description = SENTENCE * 4
    for n in range(4):
        embed.add_field(name=f"Section {n + 1}", value=SENTENCE * 3, inline=False)
    embed.add_field(name="Sources", value=SENTENCE, inline=False)
    embed.set_footer(text=SENTENCE)
    return embed


def fixed_picture() -> bytes:
    """A PNG about the size of dk2's gauge (800 px wide, a palette, about 10 kB)."""
    image = Image.new("RGB", (800, 312), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    colours = [(192, 57, 43), (230, 126, 34), (241, 196, 15), (39, 174, 96), (142, 0, 0)]
    for n, colour in enumerate(colours):
        draw.rectangle((16 + n * 153, 72, 16 + (n + 1) * 153, 160), fill=colour)
        draw.text((40 + n * 153, 110), f"band {n + 1}", fill=(17, 24, 39), font_size=28)
    for n in range(12):
        draw.text((20 + n * 64, 190 + (n % 3) * 36), f"{n * 37}", fill=(75, 85, 99), font_size=24)
    out = io.BytesIO()
    image.quantize(64).save(out, format="PNG", compress_level=3)
    return out.getvalue()


class UploadFile(discord.File):
    """An upload whose attachment entry carries its index as a string, as Discord's spec has
    it (the same as dk2 sends)."""

    def to_dict(self, index: int) -> dict[str, Any]:
        return {**super().to_dict(index), "id": str(index)}


PICTURE = fixed_picture()
PICTURED = fixed_embed("answer").set_image(url="attachment://gauge.png")

# BARE_ANSWER=answer (the default) sends a dk2-sized embed with one button, like dk2's public
# answers; BARE_ANSWER=small sends a one-line embed and no button.
SHAPE = os.environ.get("BARE_ANSWER", "answer")
EMBED = fixed_embed(SHAPE)


class NoOpButton(
    discord.ui.DynamicItem[discord.ui.Button[discord.ui.View]], template=r"bare:button"
):
    """A persistent button like dk2's Pin button; a click is just acknowledged."""

    def __init__(self) -> None:
        super().__init__(discord.ui.Button(label="Pin", emoji="📌", custom_id="bare:button"))

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction[Any], item: discord.ui.Item[Any], match: Any, /
    ) -> NoOpButton:
        return cls()

    async def callback(self, interaction: discord.Interaction[Any]) -> None:
        await interaction.response.defer()


def button_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(NoOpButton())
    return view


CHOICES = [
    app_commands.Choice(name=name, value=name)
    for name in ("mgp", "osteocalcin", "vitamin-k2", "dose", "levels")
]


def build_tree(client: discord.Client) -> app_commands.CommandTree[discord.Client]:
    tree: app_commands.CommandTree[discord.Client] = app_commands.CommandTree(client)
    group = app_commands.Group(name="dk2", description="Vitamin D and K2 answers")

    async def answer(
        interaction: discord.Interaction[discord.Client], *, picture: bool = False
    ) -> None:
        if SHAPE == "small":
            await interaction.response.send_message(embed=EMBED)
        elif picture:
            file = UploadFile(io.BytesIO(PICTURE), filename="gauge.png")
            await interaction.response.send_message(embed=PICTURED, file=file, view=button_view())
        else:
            await interaction.response.send_message(embed=EMBED, view=button_view())

    @group.command(name="dose", description="Where a daily vitamin D3 dose sits")
    async def dose(
        interaction: discord.Interaction[discord.Client],
        amount: str,
        k2: str | None = None,
        private: bool | None = None,
    ) -> None:
        await answer(interaction, picture=True)

    @group.command(name="level", description="Where a blood 25(OH)D result sits")
    async def level(
        interaction: discord.Interaction[discord.Client], value: str, private: bool | None = None
    ) -> None:
        await answer(interaction, picture=True)

    @group.command(name="explain", description="The answer for a topic")
    async def explain(
        interaction: discord.Interaction[discord.Client], term: str, private: bool | None = None
    ) -> None:
        await answer(interaction)

    @explain.autocomplete("term")
    async def explain_term(
        interaction: discord.Interaction[discord.Client], current: str
    ) -> list[app_commands.Choice[str]]:
        return CHOICES

    @group.command(name="topics", description="Every topic")
    async def topics(
        interaction: discord.Interaction[discord.Client], private: bool | None = None
    ) -> None:
        await answer(interaction)

    @group.command(name="about", description="About this bot")
    async def about(
        interaction: discord.Interaction[discord.Client], private: bool | None = None
    ) -> None:
        await answer(interaction)

    tree.add_command(group)
    return tree


class BareBot(discord.Client):
    def __init__(self, guild_ids: list[int]) -> None:
        intents = discord.Intents.none()
        intents.guilds = True
        super().__init__(intents=intents, allowed_mentions=discord.AllowedMentions.none())
        self.tree = build_tree(self)
        self.guild_ids = guild_ids

    async def setup_hook(self) -> None:
        self.add_dynamic_items(NoOpButton)
        for guild_id in self.guild_ids:
            guild = discord.Object(guild_id)
            self.tree.copy_global_to(guild=guild)
            await self.tree.sync(guild=guild)
        if not self.guild_ids:
            await self.tree.sync()

    async def on_ready(self) -> None:
        # The same line dk2 logs, so the same harness knows when it is serving.
        user = self.user
        log.info("connected as %s (%s), in %d guild(s)", user, user.id if user else "?", 1)


async def main() -> None:
    discord.http.Route.BASE = os.environ["DK2_DISCORD_API_BASE"]
    gateway = os.environ["DK2_DISCORD_GATEWAY_URL"]
    discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway)
    raw_ids = os.environ.get("DK2_DEV_GUILD_IDS", "").replace(",", " ").split()
    discord.VoiceClient.warn_nacl = False
    discord.VoiceClient.warn_dave = False
    bot = BareBot([int(x) for x in raw_ids])
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    runner = asyncio.create_task(bot.start(os.environ["DISCORD_TOKEN"]))
    stopper = asyncio.create_task(stop.wait())
    await asyncio.wait({runner, stopper}, return_when=asyncio.FIRST_COMPLETED)
    await bot.close()
    stopper.cancel()
    with contextlib.suppress(asyncio.CancelledError, Exception):
        await asyncio.wait_for(runner, 5)


if __name__ == "__main__":
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s: %(message)s"
    )
    asyncio.run(main())
