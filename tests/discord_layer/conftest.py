"""Fixtures: the real dk2 bot, logged in to the local Discord stand-in (tests/fakediscord)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.discord_layer.helpers import Dk2Harness, running_dk2
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec


@pytest.fixture
async def dk2() -> AsyncIterator[Dk2Harness]:
    """dk2 connected to a fresh fake, commands synced to its guild, with a moderator.

    Every body dk2 sent must have matched Discord's OpenAPI spec (the fake checks each one).
    """
    require_spec()
    async with FakeDiscord() as fake, running_dk2(fake) as harness:
        yield harness
    assert fake.spec_violations == []
