"""Fixtures: one real PostgreSQL server for the session, a fresh database for each test."""

from __future__ import annotations

import itertools
import os
from collections.abc import AsyncIterator, Iterator

import asyncpg
import pytest

from tests.pgserver import PostgresServer, find_binaries

_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    binaries = find_binaries()
    if binaries is None:
        reason = "no PostgreSQL binaries (initdb, pg_ctl) on PATH or in /usr/lib/postgresql"
        if os.environ.get("CI") == "true":
            pytest.fail(f"{reason}; CI must install them (.ci/run does)")
        pytest.skip(reason)
    server = PostgresServer(binaries)
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture
async def database_url(postgres_server: PostgresServer) -> AsyncIterator[str]:
    """The URL of a new, empty database on the session's server."""
    name = f"dk2_test_{os.getpid()}_{next(_numbers)}"
    admin = await asyncpg.connect(postgres_server.url)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield postgres_server.database_url(name)
