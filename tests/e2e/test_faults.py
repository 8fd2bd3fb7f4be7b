"""Trouble between dk2 and Discord, with the real process: the gateway going away, an invalid
session, and rate limits and server errors on the interaction callback. dk2 must come back on
its own and answer the next member; a reply that can't be delivered must leave a log line.
"""

from __future__ import annotations

import pytest

from tests.e2e.harness import PIN_ID, Dk2Session, button_ids, wait_until
from tests.fakediscord import InteractionHandle

pytestmark = pytest.mark.asyncio(loop_scope="module")

CALLBACK_ROUTE = r"/interactions/\d+/[^/]+/callback"


async def answered(dk2: Dk2Session, handle: InteractionHandle | None = None) -> None:
    """The member got dk2's public answer (a fresh `/dk2 about` unless ``handle`` is given)."""
    handle = handle or await dk2.command("about")
    callback = await handle.response()
    assert callback.accepted, callback
    assert handle.original is not None and handle.original.embeds[0]["title"] == "About dk2"
    assert button_ids(handle.original) == [PIN_ID]


def callbacks(dk2: Dk2Session, handle: InteractionHandle) -> list[int]:
    """The statuses the fake gave to each callback attempt for ``handle``."""
    route = rf"/interactions/{handle.id}/[^/]+/callback"
    return [r.status for r in dk2.fake.requests.matching("POST", route)]


# -- the gateway ---------------------------------------------------------------------------


@pytest.mark.parametrize("abrupt", [False, True], ids=["closed-4000", "cut"])
async def test_a_dropped_connection_is_resumed_and_the_next_member_answered(
    dk2: Dk2Session, abrupt: bool
) -> None:
    gateway = dk2.fake.gateway
    identified, resumed = len(gateway.identify_payloads), gateway.resumed_count
    await dk2.fake.drop_connection(abrupt=abrupt)
    await gateway.wait_for_resume(resumed + 1, timeout=10)
    assert len(gateway.identify_payloads) == identified  # resumed, not a new session
    await answered(dk2)


async def test_what_was_sent_while_dk2_was_away_is_answered_after_the_resume(
    dk2: Dk2Session,
) -> None:
    gateway = dk2.fake.gateway
    resumed = gateway.resumed_count
    await dk2.fake.drop_connection()
    assert not gateway.connected
    # Dispatched into the gap: Discord keeps it in the session and replays it on RESUME.
    handle = await dk2.fake.dispatch_interaction(
        dk2.fake.slash_subcommand("dk2", "about", user=dk2.new_member())
    )
    await gateway.wait_for_resume(resumed + 1, timeout=10)
    await answered(dk2, handle)


async def test_reconnect_request_is_followed_by_a_resume(dk2: Dk2Session) -> None:
    gateway = dk2.fake.gateway
    resumed = gateway.resumed_count
    await dk2.fake.send_reconnect()
    await gateway.wait_for_resume(resumed + 1, timeout=10)
    assert gateway.connection_paths[-1] == "/resume/"  # READY's resume_gateway_url
    await answered(dk2)


async def test_an_invalid_session_makes_dk2_identify_again(dk2: Dk2Session) -> None:
    gateway = dk2.fake.gateway
    identified, ready = len(gateway.identify_payloads), gateway.ready_count
    await dk2.fake.invalidate_session()
    # discord.py waits 5 s before identifying again (Client.before_identify_hook).
    identify = await gateway.wait_for_identify(identified + 1, timeout=15)
    assert identify["intents"] == 1
    await gateway.wait_until_ready(ready + 1, timeout=10)
    await answered(dk2)


# -- the interaction callback -----------------------------------------------------------------


async def test_a_rate_limited_callback_is_retried(dk2: Dk2Session) -> None:
    dk2.fake.rate_limit("POST", CALLBACK_ROUTE, retry_after=0.3)
    handle = await dk2.command("about")
    await answered(dk2, handle)
    # Accepted on the retry (204: dk2 doesn't ask for the message back).
    assert callbacks(dk2, handle) == [429, 204]
    await dk2.bot.wait_for_log("is rate limited. Retrying in 0.30 seconds")


async def test_a_server_error_on_the_callback_is_retried(dk2: Dk2Session) -> None:
    dk2.fake.inject("POST", CALLBACK_ROUTE, status=500)
    handle = await dk2.command("about")  # discord.py retries after 1 s, inside the 3 s
    await answered(dk2, handle)
    assert callbacks(dk2, handle) == [500, 204]


async def test_a_rate_limited_autocomplete_is_retried(dk2: Dk2Session) -> None:
    dk2.fake.rate_limit("POST", CALLBACK_ROUTE, retry_after=0.2)
    callback = await dk2.autocomplete("explain", {"term": "mg"}, "term")
    assert callback.type == 8 and callback.accepted


async def test_a_reply_that_comes_too_late_is_logged_with_a_ref(dk2: Dk2Session) -> None:
    """A 5xx whose retry lands after Discord's 3-second window: the member's client shows
    "This interaction failed", so the operator must find it in the log."""
    fake = dk2.fake
    mark = dk2.bot.mark()
    fake.inject("POST", CALLBACK_ROUTE, status=500)
    member = dk2.new_member()
    handle = await fake.dispatch_interaction(fake.slash_subcommand("dk2", "about", user=member))
    await wait_until(lambda: callbacks(dk2, handle) == [500])
    fake.clock.advance(3.5)  # the retry (1 s later) is past the deadline
    callback = await handle.response()
    assert (callback.status, callback.error_code) == (404, 10062)
    line = await dk2.bot.wait_for_log(f"/dk2 about failed for user {member.id}", since=mark)
    assert "(ref " in dk2.bot.log(mark)[line.start() :].splitlines()[0]
    await dk2.bot.wait_for_log(f"could not answer interaction {handle.id}", since=mark)
    assert dk2.bot.running
    await answered(dk2)  # and the next member is answered as usual


async def test_nothing_else_went_wrong(dk2: Dk2Session) -> None:
    # Only the deliberately late reply above may have logged a traceback.
    assert [p for p in dk2.bot.log_problems() if "Traceback" not in p] == []
    assert dk2.bot.log().count("Traceback (most recent call last)") == 1
    assert dk2.fake.spec_violations == []
