"""`python -m bot run|sync|invite` as an operator runs them, against the fake in this process."""

from __future__ import annotations

import asyncio
import base64
import io
import os
import signal
import sys
import tempfile
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.cli import main
from bot.invite import REQUIRED_PERMISSIONS
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec

REPO = Path(__file__).resolve().parents[2]
# The bot's usage log goes here, not into the working tree (removed when the run ends).
SCRATCH = tempfile.TemporaryDirectory(prefix="dk2-running-")


def bot_env(fake: FakeDiscord, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DK2_") and k != "DISCORD_TOKEN"}
    env.update(
        DISCORD_TOKEN=fake.token,
        DK2_DISCORD_API_BASE=fake.api_base,
        DK2_DISCORD_GATEWAY_URL=fake.gateway_url,
        DK2_DEV_GUILD_IDS=str(fake.guild.id),
        DK2_LOG_LEVEL="DEBUG",
        DK2_CONFIG=str(REPO / "config.example.yaml"),
        DK2_DATABASE_PATH=str(Path(SCRATCH.name) / "usage.sqlite3"),
    )
    env.update(extra)
    return env


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    require_spec()
    async with FakeDiscord() as fake:
        yield fake


async def start_bot(fake: FakeDiscord, *args: str, **env: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *args,
        cwd=REPO,
        env=bot_env(fake, **env),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def finish(process: asyncio.subprocess.Process, timeout: float = 20) -> tuple[int, str, str]:
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, out.decode(), err.decode()


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_run_serves_and_stops_cleanly_on_a_signal(
    fake: FakeDiscord, sig: signal.Signals
) -> None:
    process = await start_bot(fake, "run")
    try:
        await fake.wait_until_ready(timeout=20)
        async with asyncio.timeout(10):
            while not fake.commands(fake.guild.id):
                await asyncio.sleep(0.02)
        handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "about"))
        callback = await handle.response(timeout=10)
        assert callback.accepted
        assert handle.original is not None
        assert handle.original.embeds[0]["title"] == "About dk2"
        started = time.monotonic()
        process.send_signal(sig)
        code, _, err = await finish(process)
        stopped_in = time.monotonic() - started
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert code == 0, err
    assert stopped_in < 5, f"took {stopped_in:.1f} s to stop"
    assert "dk2 stopped" in err
    assert fake.token not in err
    identify = await fake.wait_for_identify()
    assert identify["intents"] == 1  # GUILDS only
    assert fake.spec_violations == []


async def test_run_with_a_wrong_token_exits_1_without_printing_it(fake: FakeDiscord) -> None:
    wrong = "bm90IHRoZSB0b2tlbg.wrongwrong.wrongwrongwrongwrong"
    process = await start_bot(fake, "run", DISCORD_TOKEN=wrong)
    code, _, err = await finish(process)
    assert code == 1
    assert "Discord refused the token" in err
    assert wrong not in err


async def test_sync_command_syncs_to_the_given_guild_and_exits(fake: FakeDiscord) -> None:
    process = await start_bot(fake, "sync", "--guild", str(fake.guild.id), DK2_DEV_GUILD_IDS="")
    code, out, err = await finish(process)
    assert code == 0, err
    synced = "/dk2 (dose, level, explain, topics, about, help, pins), /dk2-admin (reload, stats)"
    assert f"synced to guild {fake.guild.id}: {synced}" in out
    assert [c["name"] for c in fake.commands(fake.guild.id)] == ["dk2", "dk2-admin"]
    assert fake.commands() == []
    assert fake.token not in out + err


async def test_sync_without_guilds_is_global(fake: FakeDiscord) -> None:
    process = await start_bot(fake, "sync", DK2_DEV_GUILD_IDS="")
    code, out, err = await finish(process)
    assert code == 0, err
    assert "synced globally" in out
    assert [c["name"] for c in fake.commands()] == ["dk2", "dk2-admin"]


def token_for(application_id: int) -> str:
    first = base64.urlsafe_b64encode(str(application_id).encode()).decode().rstrip("=")
    return f"{first}.GhIjKl.{'x' * 27}"


def test_invite_reads_the_application_id_from_the_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DK2_CONFIG", raising=False)
    monkeypatch.setenv("DISCORD_TOKEN", token_for(123456789012345678))
    out, err = io.StringIO(), io.StringIO()
    assert main(["invite"], out, err) == 0
    links = [line for line in out.getvalue().splitlines() if line.startswith("https://")]
    server, user = links  # both installs: to a server, and to the member's own account
    assert "client_id=123456789012345678" in server and "client_id=123456789012345678" in user
    assert f"permissions={REQUIRED_PERMISSIONS.value}" in server
    assert "scope=bot+applications.commands" in server and "integration_type=0" in server
    assert "scope=applications.commands" in user and "integration_type=1" in user
    assert "permissions" not in user
    assert "User Install" in out.getvalue()  # the portal setting a user install needs


def test_invite_with_an_application_id_needs_no_token(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["invite", "--application-id", "42"], out, err) == 0
    assert "client_id=42" in out.getvalue()
    assert main(["invite"], io.StringIO(), err) == 1
    assert "--application-id" in err.getvalue()
    assert main(["invite", "--application-id", "abc"], io.StringIO(), io.StringIO()) == 1
