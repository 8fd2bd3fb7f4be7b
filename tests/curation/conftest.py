"""Fixtures: dk2 against the local Discord stand-in, on a knowledge copy and a fresh usage log."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.curation.helpers import Curation, running_curation
from tests.fakediscord.fixtures import require_spec


@pytest.fixture
async def curation(tmp_path: Path) -> AsyncIterator[Curation]:
    require_spec()
    async with running_curation(tmp_path) as running:
        yield running
