"""Fixtures for end-to-end tests: the real dk2 process against the local Discord.

``dk2`` is module-scoped (one bot process per test module, started once), so a module using
it marks its tests ``pytestmark = pytest.mark.asyncio(loop_scope="module")``: the fake lives
on the module's event loop. A scenario that needs its own process uses ``dk2_session`` or
``BotProcess`` from ``tests.e2e.harness`` directly.

Every body dk2 sent during the module must match Discord's OpenAPI spec, and its log must be
free of tracebacks and the token, unless the module opts out for a scenario that expects them
(``dk2.allow_log_problems = True`` is not offered on purpose: assert on them in the test).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from tests.e2e.harness import Dk2Session, dk2_session
from tests.fakediscord.fixtures import require_spec


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def dk2(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Dk2Session]:
    """A running dk2 process (default settings, dev guild = the fake's guild) for a module."""
    require_spec()
    async with dk2_session(tmp_path_factory.mktemp("dk2")) as session:
        yield session
        assert session.fake.spec_violations == []
