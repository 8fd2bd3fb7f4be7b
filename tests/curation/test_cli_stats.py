"""`python -m bot stats`: the same report as /dk2-admin stats, from the configured usage log."""

from __future__ import annotations

import io
import json
import time
from pathlib import Path

import pytest

from bot.cli import main
from bot.usage import UsageEvent, UsageStore

DAY = 86_400
KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


def stats(tmp_path: Path, *args: str) -> tuple[int, str, str]:
    config = tmp_path / "config.yaml"
    config.write_text(
        f"database_path: {tmp_path / 'usage.sqlite3'}\nknowledge_path: {KNOWLEDGE}\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    code = main(["--config", str(config), "stats", *args], out, err)
    return code, out.getvalue(), err.getvalue()


async def seed(path: Path) -> None:
    now = time.time()
    async with UsageStore(path) as store:
        for event in [
            UsageEvent("explain", True, 1, outcome="mgp"),
            UsageEvent("explain", True, 2, outcome="mgp"),
            UsageEvent("explain", False, 1, term="Flux  Capacitor"),
            UsageEvent("dose", True, 1, outcome="typical", k2_band="k2_typical"),
            UsageEvent("level", True, 1, outcome="goal", at=now - 40 * DAY),
        ]:
            await store.record(event)
        assert await store.flush()


def test_a_missing_database_says_no_usage_yet(tmp_path: Path) -> None:
    code, out, _ = stats(tmp_path)
    assert code == 0 and out.startswith("dk2: no usage recorded yet")
    assert not (tmp_path / "usage.sqlite3").exists()  # reading never creates the log
    code, out, _ = stats(tmp_path, "--json")
    assert code == 0 and json.loads(out) == {"command": "stats", "ok": True, "recorded": False}


async def test_prints_what_dk2_stats_shows_across_servers(tmp_path: Path) -> None:
    await seed(tmp_path / "usage.sqlite3")
    code, out, err = stats(tmp_path)
    assert code == 0, err
    assert "4 request(s) in the last 30 days across all servers: 3 answered, 1 without" in out
    assert "-- Top topics --\nmgp — 2" in out
    assert '"flux capacitor" — 1' in out
    code, out, _ = stats(tmp_path, "--days", "60", "--guild", "1", "--json")
    data = json.loads(out)
    assert code == 0 and data["recorded"] is True
    assert data["days"] == 60 and data["guild_id"] == 1
    assert data["top_topics"] == {"mgp": 1} and data["level_bands"] == {"goal": 1}
    assert data["unanswered_terms"] == {"flux capacitor": 1}


def test_bad_days_are_a_user_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, _ = stats(tmp_path, "--days", "0")
    assert code == 1 and "days from 1 to" in capsys.readouterr().err
