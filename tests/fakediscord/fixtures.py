"""pytest fixtures and helpers for tests that run discord.py against :class:`FakeDiscord`.

Tests outside this package can import these fixtures into their own ``conftest.py``.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator

import discord
import pytest

from .server import FakeDiscord, patched_discord_urls
from .spec import SPEC_ENV_VAR, DiscordSpec, default_spec_path


def require_spec() -> DiscordSpec:
    """Discord's spec, or skip the calling test with where it was looked for."""
    path = default_spec_path()
    if not path.is_file():
        pytest.skip(f"Discord's OpenAPI spec not found at {path} (set {SPEC_ENV_VAR})")
    return DiscordSpec.load(path)


@pytest.fixture
def discord_spec() -> DiscordSpec:
    """Discord's OpenAPI spec; skips the test when the file is absent."""
    return require_spec()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    """A running fake with the default world and discord.py pointed at it."""
    require_spec()
    async with FakeDiscord() as fake:
        with patched_discord_urls(fake.api_base, fake.gateway_url):
            yield fake


@contextlib.asynccontextmanager
async def running_client(
    fake: FakeDiscord, client: discord.Client, *, timeout: float = 10.0
) -> AsyncIterator[discord.Client]:
    """Run ``client`` against ``fake`` until it is ready, and close it cleanly afterwards.

    ``discord.Client(guild_ready_timeout=0.05)`` keeps ``on_ready`` from waiting its default
    2 s after the last GUILD_CREATE. Urls must already point at the fake.
    """
    task = asyncio.create_task(client.start(fake.token), name="discord-client")
    try:
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    task.result()  # re-raise why the client stopped
                await asyncio.sleep(0.01)
        yield client
    finally:
        await client.close()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait_for(task, timeout)
