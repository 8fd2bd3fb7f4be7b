"""The usage log's files going wrong under the real dk2 process: made immutable, deleted,
replaced by garbage. Members keep getting their answers inside Discord's 3 seconds, the
process lives on, each fault is one warning, and a deleted log is recreated and said so.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from tests.e2e.harness import Dk2Session, answered_once, dk2_session, private_text, wait_until
from tests.fakediscord import User
from tests.fakediscord.fixtures import require_spec

pytestmark = pytest.mark.asyncio(loop_scope="module")

MANAGE_GUILD = 1 << 5
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def usage_dk2(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Dk2Session]:
    require_spec()
    workdir = tmp_path_factory.mktemp("dk2-usage")
    async with dk2_session(workdir) as session:
        yield session


def database(dk2: Dk2Session) -> Path:
    return Path(dk2.bot.env["DK2_DATABASE_PATH"])


def manager(dk2: Dk2Session) -> User:
    world, guild = dk2.fake.world, dk2.fake.guild
    role = world.add_role(guild.id, "managers", MANAGE_GUILD)
    user = world.add_user("manager")
    world.add_member(guild.id, user, [role.id])
    return user


async def answers(dk2: Dk2Session, count: int = 3) -> None:
    """``count`` members ask and each gets one public answer in time."""
    for _ in range(count):
        payload = dk2.fake.slash_subcommand(
            "dk2", "explain", {"term": "mgp"}, user=dk2.new_member()
        )
        handle = await dk2.fake.dispatch_interaction(payload)
        await answered_once(dk2.fake, handle, settle=0)
        assert handle.original is not None and not handle.original.ephemeral
    assert dk2.bot.running


async def test_the_log_is_created_private(usage_dk2: Dk2Session) -> None:
    await answers(usage_dk2)
    path = database(usage_dk2)
    await wait_until(path.exists)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not Path(f"{path}-shm").exists()


async def test_a_deleted_log_is_recreated_and_counts_again(usage_dk2: Dk2Session) -> None:
    dk2 = usage_dk2
    path = database(dk2)
    mark = dk2.bot.mark()
    await answers(dk2, 1)
    for old in [path, *path.parent.glob(path.name + "-*")]:
        old.unlink()
    await answers(dk2, 4)
    await dk2.bot.wait_for_log("was deleted while dk2 ran", since=mark)
    await wait_until(path.exists)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    handle = await dk2.command("stats", {"days": 1}, user=manager(dk2))
    text = await private_text(handle)
    assert "no usage" not in text.lower()
    assert "Matrix Gla protein" in text or "mgp" in text


async def test_a_log_replaced_by_garbage_is_one_warning(usage_dk2: Dk2Session) -> None:
    dk2 = usage_dk2
    path = database(dk2)
    mark = dk2.bot.mark()
    garbage = path.with_name("garbage")
    garbage.write_bytes(b"not a database\n" * 1000)
    os.replace(garbage, path)
    await answers(dk2, 5)
    await dk2.bot.wait_for_log("was replaced by another file", since=mark)
    await dk2.bot.wait_for_log("Usage log unavailable", since=mark)
    await answers(dk2, 3)
    assert dk2.bot.log(mark).count("Usage log unavailable") == 1
    assert dk2.bot.log_problems() == []


@pytest.mark.skipif(not IS_ROOT or shutil.which("chattr") is None, reason="needs root and chattr")
async def test_an_immutable_log_is_one_warning_and_answers_go_on(tmp_path: Path) -> None:
    """With SQLite's WAL journal this killed dk2 with SIGBUS (its -shm file is mapped into
    memory); dk2 runs in a fresh process here, where nothing else has upset the log yet."""
    require_spec()
    async with dk2_session(tmp_path) as dk2:
        await immutable_log(dk2)


async def immutable_log(dk2: Dk2Session) -> None:
    path = database(dk2)
    await answers(dk2, 2)
    await wait_until(path.exists)
    mark = dk2.bot.mark()
    names = [str(path), *(str(p) for p in path.parent.glob(path.name + "-*"))]
    subprocess.run(["chattr", "+i", *names], check=True)
    try:
        await answers(dk2, 6)
        await dk2.bot.wait_for_log("Usage log unavailable", since=mark)
        await answers(dk2, 3)
    finally:
        subprocess.run(["chattr", "-i", *names], check=True)
    assert dk2.bot.log(mark).count("Usage log unavailable") == 1
    assert dk2.bot.running
