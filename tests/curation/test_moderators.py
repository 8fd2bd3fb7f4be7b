"""Who may use the curation commands: reload and stats need Manage Server or a moderator role,
checked when the command runs; /dk2 pins lists what is pinned for anyone."""

from __future__ import annotations

import pytest

from tests.curation.helpers import MGP_SHORT_START, Curation, edit
from tests.fakediscord import User

NEW_SHORT = "MGP, checked by a moderator."


def person(curation: Curation, who: str) -> User:
    return {
        "member": curation.dk2.member,
        "pin moderator": curation.dk2.moderator,  # Pin Messages only: not enough for these
        "manage server": curation.manager,
        "moderator role": curation.dk2.role_moderator,
    }[who]


@pytest.mark.parametrize("who", ["member", "pin moderator"])
async def test_reload_is_refused_privately_and_nothing_is_reloaded(
    curation: Curation, who: str
) -> None:
    before = curation.holder.current
    edit(curation.knowledge / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT)
    message = await curation.run("reload", user=person(curation, who))
    assert message.ephemeral
    text = message.embeds[0]["description"]
    assert text.startswith("Only moderators can reload dk2's knowledge")
    assert curation.holder.current is before
    assert NEW_SHORT not in await curation.text("explain", {"term": "mgp"})


@pytest.mark.parametrize("who", ["manage server", "moderator role"])
async def test_reload_works_for_a_moderator(curation: Curation, who: str) -> None:
    edit(curation.knowledge / "topics" / "mgp.yaml", MGP_SHORT_START, NEW_SHORT)
    message = await curation.run("reload", user=person(curation, who))
    assert message.ephemeral and message.embeds[0]["title"] == "Knowledge reloaded"
    assert NEW_SHORT in await curation.text("explain", {"term": "mgp"})


@pytest.mark.parametrize("who", ["member", "pin moderator"])
async def test_stats_are_refused_privately(curation: Curation, who: str) -> None:
    await curation.run("explain", {"term": "flux capacitor"})
    message = await curation.run("stats", user=person(curation, who))
    assert message.ephemeral
    text = message.embeds[0]["description"]
    assert text.startswith("Only moderators can see dk2's usage statistics")
    assert "flux capacitor" not in text


@pytest.mark.parametrize("who", ["manage server", "moderator role"])
async def test_stats_are_private_for_a_moderator(curation: Curation, who: str) -> None:
    await curation.run("explain", {"term": "flux capacitor"})
    message = await curation.run("stats", user=person(curation, who))
    assert message.ephemeral and message.embeds[0]["title"] == "dk2 usage"
    assert '"flux capacitor" — 1' in message.embeds[0]["fields"][-1]["value"]


async def test_the_right_is_checked_at_each_use(curation: Curation) -> None:
    (role_id,) = curation.fake.guild.members[curation.manager.id].role_ids
    assert (await curation.run("stats", user=curation.manager)).embeds[0]["title"] == "dk2 usage"
    curation.fake.guild.roles[role_id].permissions = 0  # Manage Server taken away just now
    message = await curation.run("stats", user=curation.manager)
    assert message.embeds[0]["title"] == "Only moderators"


@pytest.mark.parametrize("who", ["member", "manage server"])
async def test_pins_are_listed_for_anyone(curation: Curation, who: str) -> None:
    message = await curation.run("pins", user=person(curation, who))
    assert message.ephemeral
    assert "No dk2 answers are pinned" in message.embeds[0]["description"]
