"""Running dk2 on a copy of knowledge/ with its own usage log, and a member with Manage Server."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path, load_knowledge
from tests.discord_layer.helpers import Dk2Harness, embed_text, running_dk2
from tests.fakediscord import FakeDiscord, InteractionHandle, Message, User

MANAGE_GUILD = 1 << 5
MGP_SHORT_START = "Matrix Gla protein (MGP) is one of the proteins vitamin K2 activates."
# Only a bound against a hang: a reload builds the search index (about 2-3 s on the 2-core
# machine dk2 is developed on, longer while it is busy), and a test must not fail on time.
TIMEOUT = 60.0


def copy_knowledge(tmp_path: Path) -> Path:
    """A private copy of the repository's knowledge/ that a test may edit."""
    target = tmp_path / "knowledge"
    shutil.copytree(default_knowledge_path(), target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace `old` (which must be there) with `new` in a knowledge file."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


@dataclass
class Curation:
    """dk2 running on `knowledge` (a copy) with a usage log at `database`."""

    dk2: Dk2Harness
    holder: KnowledgeHolder
    knowledge: Path
    database: Path
    manager: User  # has Manage Server (and nothing else special)

    @property
    def fake(self) -> FakeDiscord:
        return self.dk2.fake

    async def run(
        self, subcommand: str, options: dict[str, object] | None = None, *, user: User | None = None
    ) -> Message:
        """`/dk2 <subcommand>` by `user` (default the plain member); the message it produced,
        once any deferred ("thinking") response has been filled in."""
        handle: InteractionHandle = await self.dk2.command(subcommand, options, user=user)
        return await handle.wait_for_original(timeout=TIMEOUT)

    async def text(
        self, subcommand: str, options: dict[str, object] | None = None, *, user: User | None = None
    ) -> str:
        return embed_text(await self.run(subcommand, options, user=user))


@contextlib.asynccontextmanager
async def running_curation(
    tmp_path: Path,
    *,
    settings: Settings | None = None,
    database: Path | None = None,
    before_start: Callable[[FakeDiscord, Path], Awaitable[None]] | None = None,
) -> AsyncIterator[Curation]:
    """dk2 on a knowledge copy in `tmp_path`, usage log at `database` (default in `tmp_path`);
    `before_start(fake, database)` runs before dk2 connects (to seed the log, say)."""
    knowledge = copy_knowledge(tmp_path)
    loaded = load_knowledge(knowledge)
    assert loaded.knowledge is not None, loaded.problems
    holder = KnowledgeHolder(knowledge, loaded.knowledge)
    database = database or tmp_path / "usage.sqlite3"
    settings = (settings or Settings(knowledge_path=knowledge)).model_copy(
        update={"database_path": database, "cooldown_rate": 1000}
    )
    async with FakeDiscord() as fake:
        managers = fake.world.add_role(fake.guild.id, "managers", MANAGE_GUILD)
        manager = fake.world.add_user("manager")
        fake.world.add_member(fake.guild.id, manager, [managers.id])
        if before_start is not None:
            await before_start(fake, database)
        async with running_dk2(fake, settings=settings, holder=holder) as dk2:
            yield Curation(dk2, holder, knowledge, database, manager)
        assert fake.spec_violations == []
