"""/dk2 pins: the dk2 answers pinned in this channel, newest first, with links; nothing else."""

from __future__ import annotations

import re

from tests.curation.helpers import Curation
from tests.discord_layer.helpers import PIN_ID, wait_until
from tests.fakediscord import DEFAULT_BOT_PERMISSIONS
from tests.fakediscord.permissions import READ_MESSAGE_HISTORY

LINK = re.compile(r"• \[(?P<title>[^\]]+)\]\((?P<url>[^)]+)\)")


async def pinned_answer(curation: Curation, command: str, options: dict[str, object]) -> str:
    answer = await curation.run(command, options)
    assert not answer.ephemeral
    await curation.dk2.click(answer, PIN_ID, user=curation.dk2.moderator)
    await wait_until(lambda: answer.pinned)
    guild, channel = curation.fake.guild.id, curation.fake.channel.id
    return f"https://discord.com/channels/{guild}/{channel}/{answer.id}"


async def test_lists_the_pinned_dk2_answers_with_links(curation: Curation) -> None:
    first = await pinned_answer(curation, "explain", {"term": "mgp"})
    await curation.run("dose", {"amount": "2000"})  # answered, never pinned
    second = await pinned_answer(curation, "level", {"value": "42 ng/mL"})
    someone = curation.fake.world.add_message(
        curation.fake.channel.id, content="house rules", author=curation.dk2.member, pinned=True
    )
    assert someone.pinned

    message = await curation.run("pins")

    assert message.ephemeral
    (embed,) = message.embeds
    assert embed["title"] == "dk2 answers pinned in this channel"
    links = [(m["title"], m["url"]) for m in LINK.finditer(embed["description"])]
    assert [url for _, url in links] == [second, first]  # most recently pinned first
    assert links[0][0].startswith("42 ng/mL: ") and links[1][0] == "Matrix Gla protein (MGP)"
    assert "house rules" not in embed["description"]


async def test_a_full_channel_is_cut_to_fit_with_a_count(curation: Curation) -> None:
    bot_user = curation.fake.world.bot
    for index in range(120):
        curation.fake.world.add_message(
            curation.fake.channel.id,
            author=bot_user,
            pinned=True,
            embeds=[{"title": f"Answer {index} " + "x" * 60}],
        )
    message = await curation.run("pins")
    description = message.embeds[0]["description"]
    assert len(description) <= 4096
    shown = len(LINK.findall(description))
    assert 10 < shown < 120
    assert description.endswith(f"… and {120 - shown} more.")


async def test_a_channel_dk2_cannot_read_says_so(curation: Curation) -> None:
    fake = curation.fake
    fake.world.set_bot_permissions(fake.guild.id, DEFAULT_BOT_PERMISSIONS & ~READ_MESSAGE_HISTORY)
    fake.guild.everyone.permissions &= ~READ_MESSAGE_HISTORY
    message = await curation.run("pins")
    assert message.ephemeral
    assert "can't read this channel's pins" in message.embeds[0]["description"]
