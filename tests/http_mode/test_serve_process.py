"""`python -m bot serve` as an operator starts it: a real process (or several) on one port."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from nacl.signing import SigningKey

from tests.e2e.harness import REPO, bot_environment
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.outgoing import post_interaction

# Only a bound against a hang: each worker loads the knowledge and builds the search index
# (seconds on a busy 2-core machine); a test must not fail on time.
START_TIMEOUT = 120.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.asynccontextmanager
async def serve_process(
    fake: FakeDiscord,
    workdir: Path,
    key: SigningKey,
    *args: str,
    knowledge: Path | None = None,
    **extra_env: str,
) -> AsyncIterator[tuple[asyncio.subprocess.Process, str]]:
    """`python -m bot serve ARGS` against `fake`, until /healthz answers; killed at the end.
    With `knowledge`, the folder is given as `--knowledge` alone (no knowledge_path set)."""
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    env = bot_environment(
        fake,
        workdir,
        DK2_PUBLIC_KEY=key.verify_key.encode().hex(),
        DK2_HTTP_PORT=str(port),
        **extra_env,
    )
    if knowledge is not None:
        env.pop("DK2_KNOWLEDGE_PATH")
    given = ("--knowledge", str(knowledge)) if knowledge is not None else ()
    log = (workdir / "serve.log").open("ab")
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        *given,
        "serve",
        *args,
        cwd=REPO,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        async with asyncio.timeout(START_TIMEOUT), aiohttp.ClientSession() as session:
            while True:
                assert process.returncode is None, (workdir / "serve.log").read_text()
                with contextlib.suppress(aiohttp.ClientError):
                    async with session.get(base + "/healthz") as response:
                        if response.status == 200:
                            break
                await asyncio.sleep(0.1)
        yield process, base
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await asyncio.wait_for(process.wait(), 10)
        log.close()


async def test_two_workers_share_one_port_and_stop_on_sigterm(tmp_path: Path) -> None:
    """The workers read their settings themselves, and the folder given as --knowledge."""
    require_spec()
    key = SigningKey.generate()
    async with (
        FakeDiscord() as fake,
        serve_process(fake, tmp_path, key, "--workers", "2", knowledge=REPO / "knowledge") as (
            process,
            base,
        ),
    ):
        pids = set()
        # A fresh connection each time: the kernel picks a worker per connection. The second
        # worker may still be starting when the first answers, so this waits (bounded).
        async with asyncio.timeout(START_TIMEOUT):
            while len(pids) < 2:
                async with aiohttp.ClientSession() as session, session.get(base + "/healthz") as r:
                    pids.add((await r.json())["pid"])
                await asyncio.sleep(0.02)
        assert process.pid not in pids
        payload = fake.slash_subcommand("dk2", "dose", {"amount": "4000"})
        delivery = await post_interaction(fake, base + "/interactions", payload, key)
        assert delivery.status == 200 and delivery.type == 4 and delivery.spec_errors == []
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0
        for pid in pids:
            with pytest.raises(ProcessLookupError):
                os.kill(pid, 0)
    text = (tmp_path / "serve.log").read_text()
    assert "Traceback" not in text and fake.token not in text


async def test_workers_stop_when_the_serve_process_is_killed(tmp_path: Path) -> None:
    """SIGKILL can't be forwarded: the workers notice their serve process is gone and stop,
    instead of answering on with no one to stop them."""
    require_spec()
    key = SigningKey.generate()
    async with (
        FakeDiscord() as fake,
        serve_process(fake, tmp_path, key, "--workers", "2") as (process, base),
    ):
        pids: set[int] = set()
        async with asyncio.timeout(START_TIMEOUT):
            while len(pids) < 2:
                async with aiohttp.ClientSession() as session, session.get(base + "/healthz") as r:
                    pids.add((await r.json())["pid"])
                await asyncio.sleep(0.02)
        process.kill()
        await asyncio.wait_for(process.wait(), 10)
        try:
            async with asyncio.timeout(START_TIMEOUT):  # a bound against a hang, not a timing
                while any(_alive(pid) for pid in pids):
                    await asyncio.sleep(0.1)
        finally:  # never leave a worker behind, even when this fails
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
    assert "the serve process (pid " in (tmp_path / "serve.log").read_text()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # An exited worker whose parent is gone is reaped by init; until then it is a zombie.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/status").read_text().find("State:\tZ") < 0
    return True


async def test_serve_without_a_public_key_says_which_setting_is_missing(tmp_path: Path) -> None:
    async with FakeDiscord() as fake:
        env = bot_environment(fake, tmp_path)
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot",
            "serve",
            cwd=REPO,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        _, err = await asyncio.wait_for(process.communicate(), 30)
    assert process.returncode == 1
    assert b"DK2_PUBLIC_KEY" in err and b"Traceback" not in err
