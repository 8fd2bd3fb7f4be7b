"""What members ask: every answer recorded in a real SQLite file, /dk2-admin stats for moderators,
retention, and a database that can't be written never stopping an answer."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from bot.config import Settings
from bot.core.commands import Request, run
from bot.core.loader import default_knowledge_path
from bot.usage import UsageEvent, UsageStore, open_summary
from tests.curation.helpers import Curation, running_curation
from tests.discord_layer.helpers import knowledge
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec

DAY = 86_400

# A morning in a busy channel: (command, options), each typed by the plain member.
SCRIPT: list[tuple[str, dict[str, object]]] = [
    ("dose", {"amount": "5000"}),
    ("dose", {"amount": "5000", "k2": "100"}),
    ("dose", {"amount": "50000 IU weekly", "k2": "100"}),
    ("dose", {"amount": "800"}),
    ("dose", {"amount": "lots"}),  # not an amount: recorded, unanswered
    ("level", {"value": "42 ng/mL"}),
    ("level", {"value": "105 nmol/L"}),
    ("level", {"value": "12"}),
    ("explain", {"term": "mgp"}),
    ("explain", {"term": "matrix gla protein"}),
    ("explain", {"term": "warfarin"}),
    ("explain", {"term": "flux capacitor"}),
    ("explain", {"term": "Flux   CAPACITOR"}),
    ("explain", {"term": "quantum healing"}),
    ("topics", {}),
    ("about", {}),
]


def expected_bands(command: str) -> dict[str, int]:
    """Band counts the core's own replies give for the script (not hard-coded band ids)."""
    counts: dict[str, int] = {}
    for name, options in SCRIPT:
        if name != command:
            continue
        reply = run(knowledge(), Request(name, {k: str(v) for k, v in options.items()}))
        if reply.ok:
            counts[reply.data["band"]] = counts.get(reply.data["band"], 0) + 1
    return counts


def db_rows(path: Path) -> list[sqlite3.Row]:
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    try:
        return conn.execute("SELECT * FROM events ORDER BY id").fetchall()
    finally:
        conn.close()


async def play_script(curation: Curation) -> None:
    for command, options in SCRIPT:
        await curation.run(command, options)


async def test_counts_after_a_scripted_series_of_commands(curation: Curation) -> None:
    await play_script(curation)
    text = await curation.text("stats", user=curation.manager)

    assert "16 request(s) in the last 30 days in this server: 12 answered, 4 without" in text
    assert "By command: explain 6, dose 5, level 3, about 1, topics 1" in text
    assert "mgp — 2" in text and "warfarin — 1" in text
    assert '"flux capacitor" — 2' in text and '"quantum healing" — 1' in text
    for band, count in expected_bands("dose").items():
        assert f"{band} — {count}" in text
    for band, count in expected_bands("level").items():
        assert f"{band} — {count}" in text

    assert curation.dk2.bot.usage is not None and await curation.dk2.bot.usage.flush()
    summary = open_summary(curation.database, 30, curation.fake.guild.id)
    assert summary.total == 16 and summary.total_unanswered == 4
    assert dict(summary.top_topics) == {"mgp": 2, "warfarin": 1}
    assert dict(summary.dose_bands) == expected_bands("dose")
    assert dict(summary.level_bands) == expected_bands("level")
    assert sum(n for _, n in summary.k2_bands) == 2
    assert dict(summary.unanswered_terms) == {"flux capacitor": 2, "quantum healing": 1}


async def test_only_what_was_asked_is_stored_never_who_asked(curation: Curation) -> None:
    await play_script(curation)
    assert curation.dk2.bot.usage is not None and await curation.dk2.bot.usage.flush()
    rows = db_rows(curation.database)
    assert len(rows) == len(SCRIPT)
    assert set(rows[0].keys()) == {
        "id", "at", "guild_id", "command", "outcome", "k2_band", "answered", "term",
    }  # fmt: skip
    people = [curation.dk2.member, curation.dk2.moderator, curation.manager]
    dump = repr([tuple(row) for row in rows])
    for user in people:
        assert str(user.id) not in dump and user.username not in dump
    assert {row["guild_id"] for row in rows} == {curation.fake.guild.id}
    terms = [row["term"] for row in rows if row["term"] is not None]
    assert terms == ["flux capacitor", "flux capacitor", "quantum healing"]
    answered_explains = [r for r in rows if r["command"] == "explain" and r["answered"]]
    assert [r["outcome"] for r in answered_explains] == ["mgp", "mgp", "warfarin"]
    bad_dose = [r for r in rows if r["command"] == "dose" and not r["answered"]]
    assert len(bad_dose) == 1 and bad_dose[0]["outcome"] is None


async def test_stats_days_and_an_empty_log(curation: Curation) -> None:
    text = await curation.text("stats", {"days": 7}, user=curation.manager)
    assert "No usage recorded in the last 7 days in this server yet." in text
    await curation.run("about")
    text = await curation.text("stats", {"days": 1}, user=curation.manager)
    assert "1 request(s) in the last day in this server" in text


async def test_old_rows_are_pruned_at_start_and_stats_count_the_rest(tmp_path: Path) -> None:
    require_spec()
    now = time.time()

    async def seed(fake: FakeDiscord, database: Path) -> None:
        async with UsageStore(database) as store:
            for age_days, topic in [(200, "toxicity"), (45, "rda"), (10, "mk7"), (1, "mk7")]:
                event = UsageEvent(
                    "explain", True, fake.guild.id, outcome=topic, at=now - age_days * DAY
                )
                await store.record(event)
            assert await store.flush()
        assert len(db_rows(database)) == 4

    settings = Settings(knowledge_path=default_knowledge_path(), retention_days=30)
    async with running_curation(tmp_path, settings=settings, before_start=seed) as curation:
        text = await curation.text("stats", {"days": 3650}, user=curation.manager)
        assert "2 request(s) in the last 3650 days" in text
        assert "mk7 — 2" in text and "rda" not in text and "toxicity" not in text
    assert sorted(row["outcome"] for row in db_rows(curation.database)) == ["mk7", "mk7"]


async def test_a_second_dk2_process_can_share_the_file(curation: Curation) -> None:
    # Another store on the same file stands in for a second dk2 on the same machine.
    async with UsageStore(curation.database) as other:
        for _ in range(5):
            await curation.run("explain", {"term": "mk7"})
            await other.record(UsageEvent("explain", True, curation.fake.guild.id, outcome="mk7"))
        assert await other.flush()
    text = await curation.text("stats", user=curation.manager)
    assert "mk7 — 10" in text
    conn = sqlite3.connect(curation.database)
    try:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    finally:
        conn.close()


# -- a database that can't be written ------------------------------------------------------


def unwritable(tmp_path: Path, how: str) -> Path:
    if how == "parent is a file":
        (tmp_path / "not-a-folder").write_text("x")
        return tmp_path / "not-a-folder" / "usage.sqlite3"
    if how == "path is a folder":
        (tmp_path / "usage.sqlite3").mkdir()
        return tmp_path / "usage.sqlite3"
    if how == "corrupt file":
        path = tmp_path / "usage.sqlite3"
        path.write_bytes(b"this is not a database " * 200)
        return path
    if how == "read-only file":
        path = tmp_path / "usage.sqlite3"
        sqlite3.connect(path).close()
        path.chmod(0o444)
        if os.geteuid() == 0:
            # Permission bits don't stop root; the immutable attribute does.
            made = subprocess.run(["chattr", "+i", str(path)], capture_output=True, check=False)
            if made.returncode != 0:
                pytest.skip(f"running as root and chattr +i failed: {made.stderr!r}")
        return path
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how", ["parent is a file", "path is a folder", "corrupt file", "read-only file"]
)
async def test_an_unwritable_database_does_not_stop_answers(
    tmp_path: Path, how: str, caplog: pytest.LogCaptureFixture, request: pytest.FixtureRequest
) -> None:
    require_spec()
    database = unwritable(tmp_path, how)
    if how == "read-only file" and os.geteuid() == 0:
        request.addfinalizer(lambda: subprocess.run(["chattr", "-i", str(database)], check=False))
    async with running_curation(tmp_path, database=database) as curation:
        for command, options in SCRIPT:
            message = await curation.run(command, options)
            assert message.embeds, (command, options)
        assert "Matrix Gla protein" in await curation.text("explain", {"term": "mgp"})
        text = await curation.text("stats", user=curation.manager)
        assert "dk2 usage" in text  # a report (empty, or saying the log can't be read)
        store = curation.dk2.bot.usage
        assert store is not None and await store.flush()
        assert store.dropped >= len(SCRIPT)
    assert any("Usage log unavailable" in r.getMessage() for r in caplog.records)


async def test_a_locked_database_does_not_hold_up_answers(curation: Curation) -> None:
    store = curation.dk2.bot.usage
    assert store is not None
    await curation.run("about")
    assert await store.flush()
    blocker = sqlite3.connect(curation.database, isolation_level=None, timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        started = time.monotonic()
        for _ in range(3):
            for command, options in SCRIPT:
                message = await curation.run(command, options)
                assert message.embeds
        elapsed = time.monotonic() - started
        # The writer waits out SQLite's busy timeout (5 s) on its own thread; answering
        # doesn't wait for it. 48 answers in well under that shows nobody waited.
        assert elapsed < 4.5, elapsed
        explained = await curation.text("explain", {"term": "mgp"})
        assert "Matrix Gla protein" in explained
        # The lock was real: the writer is stuck behind it meanwhile.
        assert not await store.flush(timeout=0.2)
        started = time.perf_counter()
        for _ in range(1000):
            store.record_nowait(UsageEvent("about", True, curation.fake.guild.id))
        per_record = (time.perf_counter() - started) / 1000
        assert per_record < 0.005, per_record  # queuing only; never the database's wait
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    text = await curation.text("stats", user=curation.manager)
    assert "dk2 usage" in text
