"""Curation end to end: the real dk2 process (`python -m bot run`) on a copy of knowledge/,
with its usage log, asked for /dk2-admin reload, /dk2-admin stats and /dk2 pins by members and moderators.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from bot.core.loader import default_knowledge_path
from bot.usage.report import MAX_DAYS as MAX_STATS_DAYS
from tests.e2e.harness import (
    PIN_ID,
    REPO,
    Dk2Session,
    dk2_session,
    private_text,
    wait_until,
)
from tests.fakediscord import FakeDiscord, User
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.uploads import png_size

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANAGE_GUILD = 1 << 5
MGP_SHORT_START = "Matrix Gla protein (MGP) is one of the proteins vitamin K2 activates."


@dataclass
class Curating:
    session: Dk2Session
    knowledge: Path
    database: Path
    manager: User  # Manage Server, nothing else

    @property
    def fake(self) -> FakeDiscord:
        return self.session.fake


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def curating(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Curating]:
    require_spec()
    workdir = tmp_path_factory.mktemp("dk2-curation")
    knowledge = workdir / "knowledge"
    shutil.copytree(default_knowledge_path(), knowledge)
    database = workdir / "usage" / "dk2.sqlite3"  # its folder doesn't exist yet
    async with FakeDiscord() as fake:
        managers = fake.world.add_role(fake.guild.id, "managers", MANAGE_GUILD)
        manager = fake.world.add_user("manager")
        fake.world.add_member(fake.guild.id, manager, [managers.id])
        env = {"DK2_KNOWLEDGE_PATH": str(knowledge), "DK2_DATABASE_PATH": str(database)}
        async with dk2_session(workdir, env=env, fake=fake) as session:
            yield Curating(session, knowledge, database, manager)
            assert session.bot.log_problems() == []
        assert fake.spec_violations == []


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


async def slash(curating: Curating, subcommand: str, user: User, **options: object) -> str:
    handle = await curating.session.command(subcommand, options or None, user=user)
    return await private_text(handle)


async def public(curating: Curating, subcommand: str, **options: object) -> str:
    handle = await curating.session.command(subcommand, options or None)
    message = handle.original
    assert message is not None and not message.ephemeral and message.embeds
    return "\n".join([message.embeds[0].get("title", ""), message.embeds[0].get("description", "")])


# -- reload ---------------------------------------------------------------------------------


async def test_a_member_cannot_reload(curating: Curating) -> None:
    member = curating.session.new_member()
    text = await slash(curating, "reload", member)
    assert "Only moderators can reload dk2's knowledge" in text
    assert "refused: user" in curating.session.bot.log()


async def test_a_moderator_reloads_a_valid_change(curating: Curating) -> None:
    mgp = curating.knowledge / "topics" / "mgp.yaml"
    edit(mgp, MGP_SHORT_START, "MGP, as curated end to end.")
    text = await slash(curating, "reload", curating.manager)
    assert "Knowledge reloaded" in text and "Changed: `mgp`" in text
    assert "MGP, as curated end to end." in await public(curating, "explain", term="mgp")
    edit(mgp, "MGP, as curated end to end.", MGP_SHORT_START)
    role_moderator = curating.session.people.role_moderator
    assert "Knowledge reloaded" in await slash(curating, "reload", role_moderator)
    assert MGP_SHORT_START in await public(curating, "explain", term="mgp")


async def test_an_invalid_change_is_refused_and_the_old_knowledge_answers(
    curating: Curating,
) -> None:
    mgp = curating.knowledge / "topics" / "mgp.yaml"
    edit(mgp, "related: [vitamin-k2,", "related: [no-such-topic,")
    try:
        text = await slash(curating, "reload", curating.manager)
        assert "Knowledge not reloaded" in text
        assert "topics/mgp.yaml:24: related topic 'no-such-topic' of 'mgp' does not exist" in text
        assert MGP_SHORT_START in await public(curating, "explain", term="mgp")
        assert "NOT reloaded" in curating.session.bot.log()
    finally:
        edit(mgp, "related: [no-such-topic,", "related: [vitamin-k2,")


# -- stats ----------------------------------------------------------------------------------


async def test_a_member_cannot_see_stats(curating: Curating) -> None:
    text = await slash(curating, "stats", curating.session.people.moderator)  # pins only
    assert "Only moderators can see dk2's usage statistics" in text


async def test_a_moderator_sees_what_members_ask(curating: Curating) -> None:
    for _ in range(3):  # no curated answer: told privately, and counted
        await slash(curating, "explain", curating.session.new_member(), term="e2e flux capacitor")
    await public(curating, "dose", amount="5000")
    text = await slash(curating, "stats", curating.manager, days=7)
    assert "dk2 usage" in text and "in the last 7 days in this server" in text
    assert '"e2e flux capacitor" — 3' in text
    assert curating.database.is_file()  # created, folder and all, on first start


async def test_a_huge_number_of_days_says_what_to_type(curating: Curating) -> None:
    """Discord's client keeps `days` within its declared range; a payload can carry anything, and
    10^30 days used to end in an OverflowError and the generic apology."""
    mark = curating.session.bot.mark()
    text = await slash(curating, "stats", curating.manager, days=10**30)
    assert f"`days` takes a number from 1 to {MAX_STATS_DAYS:,}" in text
    assert "ref" not in text
    assert curating.session.bot.log_problems(mark) == []


async def test_python_m_bot_stats_reads_the_running_bots_log(curating: Curating) -> None:
    term = "e2e stats from the shell"  # its own, so the test stands alone
    for _ in range(2):
        await slash(curating, "explain", curating.session.new_member(), term=term)
    moderator = curating.session.people.role_moderator
    assert f'"{term}" — 2' in await slash(curating, "stats", moderator, days=7)
    await wait_until(lambda: curating.database.is_file())
    env = dict(curating.session.bot.env)
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "stats",
        "--json",
        cwd=REPO,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    data = json.loads(out)
    assert data["recorded"] is True and data["unanswered_terms"][term] == 2


async def test_the_moderators_stats_carry_a_chart_of_questions_per_day(
    curating: Curating,
) -> None:
    await public(curating, "level", value="42")
    handle = await curating.session.command("stats", {"days": 7}, user=curating.manager)
    await private_text(handle)
    message = handle.original
    assert message is not None and message.ephemeral
    (attachment,) = message.attachments
    assert attachment["filename"] == "usage.png" and attachment["content_type"] == "image/png"
    assert message.embeds[0]["image"]["url"] == attachment["url"]
    assert "Questions per day" in str(attachment["description"])
    (upload,) = curating.fake.requests.matching("POST", r"/webhooks/\d+/" + handle.token)[0].uploads
    assert png_size(upload.data) == (attachment["width"], attachment["height"])
    assert curating.fake.spec_violations == []


async def test_python_m_bot_stats_png_writes_the_same_chart(
    curating: Curating, tmp_path_factory: pytest.TempPathFactory
) -> None:
    out_file = tmp_path_factory.mktemp("chart") / "usage.png"
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "stats",
        "--days",
        "7",
        "--png",
        str(out_file),
        cwd=REPO,
        env=dict(curating.session.bot.env),
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(process.communicate(), 20)
    assert process.returncode == 0, err.decode()
    assert "dk2 usage" in out.decode()
    assert png_size(out_file.read_bytes()) is not None


# -- pins -----------------------------------------------------------------------------------


async def test_pins_in_a_direct_message_says_where_it_works(curating: Curating) -> None:
    session = curating.session
    mark = session.bot.mark()
    payload = curating.fake.slash_subcommand("dk2", "pins", user=session.new_member())
    member = payload.pop("member")
    for key in ("guild_id", "guild", "guild_locale"):
        payload.pop(key, None)
    payload["user"] = member["user"]
    payload["context"] = 1  # a DM with the bot
    payload["channel"] = {"id": payload["channel_id"], "type": 1, "recipients": [member["user"]]}
    payload["data"].pop("guild_id", None)
    handle = await session.dispatch(payload)
    text = await private_text(handle)
    assert "in a server channel" in text
    assert "ref" not in text
    assert session.bot.log_problems(mark) == []


async def test_pins_list_pinned_answers_for_members_and_moderators(curating: Curating) -> None:
    session = curating.session
    handle = await session.command("explain", {"term": "mgp"})
    answer = handle.original
    assert answer is not None and not answer.ephemeral
    await session.click(answer, PIN_ID, user=session.people.moderator)
    await wait_until(lambda: answer.pinned)
    link = f"https://discord.com/channels/{curating.fake.guild.id}/{answer.channel_id}/{answer.id}"
    for user in (session.new_member(), curating.manager):
        text = await slash(curating, "pins", user)
        assert "dk2 answers pinned in this channel" in text
        assert link in text
