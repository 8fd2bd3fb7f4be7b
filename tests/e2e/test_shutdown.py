"""SIGTERM while moderators' Pin clicks are in flight: dk2 stops taking new interactions,
finishes the clicks it has acknowledged (bounded), writes the usage log, and exits 0. Each
clicked answer ends up pinned, or its moderator is told why not; nothing is left hanging.
"""

from __future__ import annotations

import signal
from pathlib import Path

from tests.e2e.harness import (
    PIN_ID,
    UNPIN_ID,
    answered_once,
    button_ids,
    dk2_session,
    embed_text,
    private_text,
    wait_until,
)
from tests.fakediscord import InteractionHandle, Message
from tests.fakediscord.fixtures import require_spec

PIN_ROUTE = r"/channels/\d+/messages/pins/\d+"
CLICKS = 4


def told(handle: InteractionHandle) -> bool:
    return any(m.ephemeral for m in handle.followups)


async def test_sigterm_during_pin_clicks_pins_each_or_tells_the_moderator(
    tmp_path: Path,
) -> None:
    require_spec()
    async with dk2_session(tmp_path) as dk2:
        fake = dk2.fake
        answers: list[Message] = []
        for _ in range(CLICKS):
            handle = await dk2.command("dose", {"amount": "2000"})
            assert handle.original is not None
            answers.append(handle.original)
        # Every pin call is held up by a one-second rate limit: the clicks are acknowledged
        # and their pins still on the way when the signal arrives.
        fake.rate_limit("PUT", PIN_ROUTE, times=CLICKS, retry_after=1.0)
        clicks = [
            await fake.dispatch_interaction(
                fake.button_click(message, PIN_ID, user=dk2.people.moderator)
            )
            for message in answers
        ]
        for click in clicks:
            await click.response()
        await wait_until(lambda: len(fake.requests.matching("PUT", PIN_ROUTE)) >= CLICKS)
        mark = dk2.bot.mark()
        stopped = await dk2.bot.stop(signal.SIGTERM)

        assert stopped.code == 0, dk2.bot.log(mark)
        assert stopped.seconds < 10
        for message, click in zip(answers, clicks, strict=True):
            assert message.pinned or told(click), (message.id, dk2.bot.log(mark))
            if message.pinned:
                assert button_ids(message) == [UNPIN_ID]
        log = dk2.bot.log(mark)
        assert "finishing" in log and "interaction(s) in flight" in log
        assert log.rstrip().endswith("dk2 stopped")
        assert dk2.bot.log_problems() == []


async def test_an_interaction_arriving_while_stopping_is_told_to_retry(tmp_path: Path) -> None:
    require_spec()
    async with dk2_session(tmp_path) as dk2:
        fake = dk2.fake
        handle = await dk2.command("dose", {"amount": "2000"})
        assert handle.original is not None
        fake.rate_limit("PUT", PIN_ROUTE, times=1, retry_after=1.5)
        click = await fake.dispatch_interaction(
            fake.button_click(handle.original, PIN_ID, user=dk2.people.moderator)
        )
        await click.response()
        await wait_until(lambda: len(fake.requests.matching("PUT", PIN_ROUTE)) >= 1)
        assert dk2.bot.process is not None
        dk2.bot.process.send_signal(signal.SIGTERM)
        await dk2.bot.wait_for_log("interaction(s) in flight")
        late = await fake.dispatch_interaction(
            fake.slash_subcommand("dk2", "about", user=dk2.new_member())
        )
        await answered_once(fake, late)
        assert "restarting" in await private_text(late)
        await wait_until(lambda: not dk2.bot.running, timeout=10)
        assert dk2.bot.returncode == 0
        assert handle.original.pinned
        assert "Sources" in embed_text(handle.original)
