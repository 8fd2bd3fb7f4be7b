"""The fuzz suite: generated interaction payloads through the real dk2 process.

Payloads come from Discord's OpenAPI spec and from mutating real ones (see
``tests/e2e/fuzzing.py``). For every payload dk2 could answer (a valid id, token and
interaction type) it must send exactly one response, accepted by Discord, within 3 seconds;
for every payload at all, the process must live on and never log an unhandled error.

``DK2_FUZZ_CASES`` sets how many payloads (default 300; more for a longer run),
``DK2_FUZZ_SEED`` which ones.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, seed, settings

from tests.e2e.fuzzing import ANSWERABLE_TYPES, payloads
from tests.e2e.harness import (
    CALLBACK_TIMEOUT,
    PIN_ID,
    RESPONSE_DEADLINE,
    UNPIN_ID,
    Dk2Session,
    callback_statuses,
)
from tests.fakediscord import InteractionHandle

pytestmark = pytest.mark.asyncio(loop_scope="module")

CASES = int(os.environ.get("DK2_FUZZ_CASES", "300"))
SEED = int(os.environ.get("DK2_FUZZ_SEED", "11"))
IN_FLIGHT = 20  # dispatched together, as a busy server would
TIME_LIMIT_S = 120 + CASES * 0.5  # generous: 300 cases take well under a minute
MANAGE_GUILD = 1 << 5
# What discord.py prints for an error nobody handled.
UNHANDLED = ("Task exception was never retrieved", "Ignoring exception", "Unclosed")


async def real_payloads(dk2: Dk2Session) -> list[dict[str, Any]]:
    """One real payload of each kind dk2 handles, as the fake builds them."""
    fake, people = dk2.fake, dk2.people
    world, guild = fake.world, fake.guild
    managers = world.add_role(guild.id, "fuzz managers", MANAGE_GUILD)
    manager = world.add_user("fuzzmanager")
    world.add_member(guild.id, manager, [managers.id])
    answer = (await dk2.command("dose", {"amount": "2000"})).original
    assert answer is not None
    member = dk2.new_member()
    return [
        fake.slash_subcommand("dk2", "dose", {"amount": "5000", "k2": "100"}, user=member),
        fake.slash_subcommand("dk2", "level", {"value": "42 ng/mL"}, user=member),
        fake.slash_subcommand("dk2", "explain", {"term": "mgp", "private": True}, user=member),
        fake.slash_subcommand("dk2", "topics", user=member),
        fake.slash_subcommand("dk2", "about", user=member),
        fake.slash_subcommand("dk2", "pins", user=member),
        fake.slash_subcommand("dk2-admin", "stats", {"days": 7}, user=manager),
        fake.autocomplete("explain", {"term": "mg"}, "term", group="dk2", user=member),
        fake.button_click(answer, PIN_ID, user=people.moderator),
        fake.button_click(answer, UNPIN_ID, user=people.moderator),
        fake.button_click(answer, PIN_ID, user=member),
    ]


def generate(bases: list[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    """``count`` payloads drawn by Hypothesis (reproducible for a given seed)."""
    drawn: list[dict[str, Any]] = []

    @seed(SEED)
    @settings(
        max_examples=count,
        database=None,
        phases=[Phase.generate],
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(payloads(bases))
    def collect(payload: dict[str, Any]) -> None:
        drawn.append(payload)

    collect()
    return drawn[:count]


def answerable(payload: dict[str, Any]) -> bool:
    kind = payload.get("type")
    return isinstance(kind, int) and not isinstance(kind, bool) and kind in ANSWERABLE_TYPES


async def send(
    dk2: Dk2Session, payload: dict[str, Any]
) -> tuple[dict[str, Any], InteractionHandle]:
    return payload, await dk2.fake.dispatch_interaction(payload)


async def test_every_generated_interaction_is_answered_once_and_dk2_lives(
    dk2: Dk2Session, capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    mark = dk2.bot.mark()
    cases = generate(await real_payloads(dk2), CASES)
    assert len(cases) >= min(CASES, 300)
    failures: list[str] = []
    answered = 0
    deadline = time.monotonic() + TIME_LIMIT_S
    for at in range(0, len(cases), IN_FLIGHT):
        assert time.monotonic() < deadline, f"fuzzing took over {TIME_LIMIT_S:.0f} s"
        batch = [await send(dk2, p) for p in cases[at : at + IN_FLIGHT]]
        for payload, handle in batch:
            if not answerable(payload):
                continue
            try:
                callback = await handle.response(timeout=CALLBACK_TIMEOUT)
            except TimeoutError:
                failures.append(f"no response: {json.dumps(payload)[:600]}")
                continue
            if not callback.accepted or callback.elapsed > RESPONSE_DEADLINE:
                failures.append(f"{callback}: {json.dumps(payload)[:600]}")
            answered += 1
        await asyncio.sleep(0.2)  # room for a second, wrong callback to show up
        for payload, handle in batch:
            statuses = callback_statuses(dk2.fake, handle.id)
            if len(statuses) > 1:
                failures.append(
                    f"{len(statuses)} callbacks {statuses}: {json.dumps(payload)[:600]}"
                )
        assert dk2.bot.running, dk2.bot.log(mark)[-3000:]
        if len(failures) > 5:
            break
    log = dk2.bot.log(mark)
    unhandled = [line for line in log.splitlines() if any(u in line for u in UNHANDLED)]
    seconds = time.monotonic() - started
    with capsys.disabled():
        print(
            f"\nfuzz: {len(cases)} generated interaction payloads ({answered} answerable) "
            f"through the real dk2 process in {seconds:.1f} s; "
            f"{len(failures)} broke a rule; seed {SEED}"
        )
    assert failures == []
    assert unhandled == []
    assert dk2.bot.running
