"""Stopping and starting the real process: SIGTERM ends it cleanly and quickly, and after a
restart the Pin buttons on answers posted before it still work.

The tests run in order on one process: answer, stop, start again, click.
"""

from __future__ import annotations

import signal

import pytest

from tests.e2e.harness import (
    PIN_ID,
    UNPIN_ID,
    Dk2Session,
    Stopped,
    button_ids,
    wait_until,
)
from tests.fakediscord import Message

pytestmark = pytest.mark.asyncio(loop_scope="module")

SYNC_ROUTE = r"/applications/\d+/guilds/\d+/commands"

posted: list[Message] = []  # answers from the first run, clicked after the restart
stops: list[Stopped] = []


async def test_an_answer_is_posted_before_the_restart(dk2: Dk2Session) -> None:
    handle = await dk2.command("explain", {"term": "mgp"})
    assert handle.original is not None and button_ids(handle.original) == [PIN_ID]
    posted.append(handle.original)


async def test_sigterm_stops_dk2_cleanly_within_10_seconds(dk2: Dk2Session) -> None:
    mark = dk2.bot.mark()
    stopped = await dk2.bot.stop(signal.SIGTERM)
    stops.append(stopped)
    assert stopped.code == 0
    assert stopped.seconds < 10, f"took {stopped.seconds:.1f} s"
    log = dk2.bot.log(mark)
    assert "stopping: closing the connection to Discord" in log
    assert log.rstrip().endswith("dk2 stopped")
    assert dk2.bot.log_problems() == []
    await wait_until(lambda: not dk2.fake.gateway.connected, timeout=5)


async def test_after_a_restart_a_pin_button_from_before_still_pins(dk2: Dk2Session) -> None:
    if not stops:
        pytest.skip("needs the stop in the previous test")
    gateway = dk2.fake.gateway
    identified = len(gateway.identify_payloads)
    await dk2.bot.start()
    assert len(gateway.identify_payloads) == identified + 1  # a new session, not a resume
    assert len(dk2.fake.requests.matching("PUT", SYNC_ROUTE)) == 2  # synced again at start
    (answer,) = posted
    click = await dk2.click(answer, PIN_ID, user=dk2.people.moderator)
    assert (await click.response()).accepted
    await wait_until(lambda: button_ids(answer) == [UNPIN_ID])
    assert answer.pinned


async def test_the_second_run_answers_and_its_log_is_clean(dk2: Dk2Session) -> None:
    handle = await dk2.command("about")
    assert handle.original is not None and handle.original.embeds[0]["title"] == "About dk2"
    assert dk2.bot.starts == 2
    assert dk2.bot.log_problems() == []
    assert dk2.fake.spec_violations == []
