"""`python -m bot sync` and `python -m bot run` when Discord's API can't be reached: one clear
line saying so and exit code 1, never an aiohttp traceback."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.harness import REPO


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("command", ["sync", "run"])
def test_an_unreachable_api_is_one_clean_line(tmp_path: Path, command: str) -> None:
    port = closed_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("DK2_")}
    (tmp_path / "config.yaml").write_text("{}\n")
    env.update(
        DISCORD_TOKEN="MTIzNDU2Nzg5MDEyMzQ1Njc4.GaBcDe.abcdefghijklmnopqrstuvwxyz0123456789AB",
        DK2_CONFIG=str(tmp_path / "config.yaml"),
        DK2_DISCORD_API_BASE=f"http://127.0.0.1:{port}/api/v10",
        DK2_DISCORD_GATEWAY_URL=f"ws://127.0.0.1:{port}/gateway/",
        DK2_DATABASE_PATH=str(tmp_path / "dk2.sqlite3"),
        DK2_KNOWLEDGE_PATH=str(REPO / "knowledge"),
    )
    done = subprocess.run(
        [sys.executable, "-m", "bot", command],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 1, output
    assert "Traceback" not in output and "Unclosed" not in output, output
    problems = [line for line in output.splitlines() if "can't reach Discord" in line]
    assert len(problems) == 1, output
    assert f"127.0.0.1:{port}" in problems[0]
