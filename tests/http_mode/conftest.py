"""Fixtures: dk2's HTTP endpoint on 127.0.0.1, and the local Discord that signs and posts to it.

`endpoint` runs the real `run_endpoint` (the same code `python -m bot serve` runs) in the test's
event loop, with a fresh Ed25519 key pair: the test holds the signing half, as Discord does.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from nacl.signing import SigningKey

from bot.config import Secret, Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.http.run import run_endpoint
from tests.e2e.harness import People, add_people
from tests.fakediscord import FakeDiscord, Message, User
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.outgoing import Delivery, post_interaction


@dataclass
class Endpoint:
    """A running endpoint, the fake Discord behind it and the people who use it."""

    fake: FakeDiscord
    url: str
    key: SigningKey
    people: People
    settings: Settings
    session: aiohttp.ClientSession
    deliveries: list[Delivery] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.url.removesuffix("/interactions")

    async def post(self, payload: dict[str, Any]) -> Delivery:
        """Sign and post `payload`; the body must match the spec's callback schema."""
        delivery = await post_interaction(
            self.fake, self.url, payload, self.key, session=self.session
        )
        self.deliveries.append(delivery)
        return delivery

    async def command(
        self, sub: str, options: dict[str, object] | None = None, *, user: User | None = None
    ) -> Delivery:
        return await self.post(self.fake.slash_subcommand("dk2", sub, options, user=user))

    async def admin(
        self, sub: str, options: dict[str, object] | None = None, *, user: User | None = None
    ) -> Delivery:
        """`/dk2-admin <sub>`: the moderators' command."""
        return await self.post(self.fake.slash_subcommand("dk2-admin", sub, options, user=user))

    async def click(
        self, message: Message, custom_id: str, *, user: User | None = None
    ) -> Delivery:
        return await self.post(self.fake.button_click(message, custom_id, user=user))


def knowledge_holder() -> KnowledgeHolder:
    path = default_knowledge_path()
    knowledge = load_knowledge(path).knowledge
    assert knowledge is not None
    return KnowledgeHolder(path, knowledge)


@contextlib.asynccontextmanager
async def running_endpoint(
    fake: FakeDiscord, tmp_path: Path, **overrides: Any
) -> AsyncIterator[Endpoint]:
    key = SigningKey.generate()
    people = add_people(fake)
    values: dict[str, Any] = {
        "knowledge_path": default_knowledge_path(),
        "public_key": Secret(key.verify_key.encode().hex()),
        "token": Secret(fake.token),
        "discord_api_base": fake.api_base,
        "database_path": tmp_path / "dk2.sqlite3",
        "http_port": 0,
        "moderator_role_ids": (people.moderator_role_id,),
        "cooldown_rate": 1000,
    }
    values.update(overrides)
    settings = Settings(**values)
    stop = asyncio.Event()
    port: asyncio.Future[int] = asyncio.get_running_loop().create_future()
    task = asyncio.create_task(
        run_endpoint(settings, knowledge_holder(), stop=stop, listening=port.set_result)
    )
    try:
        async with asyncio.timeout(20):
            await asyncio.wait({task, port}, return_when=asyncio.FIRST_COMPLETED)
        if task.done():
            task.result()
        url = f"http://127.0.0.1:{port.result()}/interactions"
        async with aiohttp.ClientSession() as session:
            yield Endpoint(fake, url, key, people, settings, session)
    finally:
        stop.set()
        await asyncio.wait_for(task, 20)


@pytest.fixture
async def endpoint(tmp_path: Path) -> AsyncIterator[Endpoint]:
    require_spec()
    async with FakeDiscord() as fake, running_endpoint(fake, tmp_path) as running:
        yield running
        for delivery in running.deliveries:
            assert delivery.spec_errors == [], delivery.body
        assert fake.spec_violations == []
