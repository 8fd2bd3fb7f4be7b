"""Soak: 20,000 mixed interactions at the real dk2 process while things go wrong.

Starts the local Discord (tests/fakediscord) and the real dk2 (`python -m bot run`), then sends
`--count` interactions (doses, levels, explain, autocomplete, topics, about, Pin and Unpin
clicks, unknown buttons and malformed payloads), at most `--concurrency` in flight, in ten
slices. Each slice brings its fault:

  gateway closed (4000) · gateway cut · RECONNECT · 429s on the callback · 5xx on the callback
  · usage log made unwritable · (still unwritable) · writable again · 429s on pins · none

An interaction is lost unless dk2 sent exactly one response that Discord accepted within its
3 seconds. Memory is the bot's resident set (VmRSS) at the end of each slice; flat means the
last slice within 10% of the second (the first fills the caches). Prints one row per slice
and a verdict; exits 1 if anything was lost or memory grew.

The usage log is made unwritable with `chattr +i` when run as root (permission bits don't
stop root), else with chmod 0444.

Run: .venv/bin/python bench/soak.py [--count 20000] [--concurrency 40] [--no-spec]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.harness import PIN_ID, UNPIN_ID, BotProcess, add_people
from tests.fakediscord import FakeDiscord, Message, User
from tests.fakediscord.spec import default_spec_path

CALLBACK_ROUTE = r"/interactions/\d+/[^/]+/callback"
PIN_ROUTE = r"/channels/\d+/messages/pins/\d+"
DEADLINE_S = 3.0
MEMBERS = 2000  # a cooldown of 5 per 30 s per member stays out of the way
SLICES = 10
MIX = [
    ("dose", 28),
    ("level", 15),
    ("explain", 20),
    ("autocomplete", 15),
    ("topics", 3),
    ("about", 4),
    ("pin", 6),
    ("unknown button", 3),
    ("malformed", 6),
]
DOSES = ["5000", "2000 IU", "125 mcg", "50000 IU weekly", "abc", "5k", "0.1 mg", "9" * 50]
LEVELS = ["42 ng/mL", "105 nmol/L", "18", "-5", "12.5", "250 nmol/L", "42 mg"]
TERMS = ["mgp", "why take d and k2 together", "osteocalcin", "warfrin", "zzqqxx", "MK-7"]
PARTIALS = ["", "m", "mg", "vit", "k2", "osteo", "war"]


@dataclass
class Slice:
    fault: str
    sent: int = 0
    answered: int = 0
    lost: dict[str, int] = field(default_factory=dict)
    latencies_ms: list[float] = field(default_factory=list)
    rss_kib: int | None = None
    seconds: float = 0.0

    def lose(self, why: str) -> None:
        self.lost[why] = self.lost.get(why, 0) + 1

    def p(self, q: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def rss_kib(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    match = re.search(r"^VmRSS:\s+(\d+)\s+kB", status, re.M)
    return int(match[1]) if match else None


class UsageFile:
    """Making the bot's usage log unwritable and writable again."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.root = os.geteuid() == 0 and shutil.which("chattr") is not None

    def files(self) -> list[str]:
        return [str(p) for p in [self.path, *self.path.parent.glob(self.path.name + "-*")]]

    def lock(self) -> str:
        if self.root:
            subprocess.run(["chattr", "+i", *self.files()], check=False, capture_output=True)
            return "chattr +i"
        for name in self.files():
            os.chmod(name, 0o444)
        return "chmod 0444"

    def unlock(self) -> None:
        if self.root:
            subprocess.run(["chattr", "-i", *self.files()], check=False, capture_output=True)
        else:
            for name in self.files():
                with contextlib.suppress(OSError):
                    os.chmod(name, 0o600)


class Soak:
    def __init__(self, fake: FakeDiscord, bot: BotProcess, seed: int) -> None:
        self.fake = fake
        self.bot = bot
        self.rng = random.Random(seed)
        world, guild = fake.world, fake.guild
        self.people = add_people(fake)
        self.members: list[User] = []
        for n in range(MEMBERS):
            user = world.add_user(f"soak{n}")
            world.add_member(guild.id, user)
            self.members.append(user)
        self.answers: list[Message] = []
        self.usage = UsageFile(Path(bot.env["DK2_DATABASE_PATH"]))
        self.kinds = [kind for kind, weight in MIX for _ in range(weight)]

    def member(self) -> User:
        return self.rng.choice(self.members)

    def payload(self) -> tuple[str, dict[str, Any]]:
        fake, rng = self.fake, self.rng
        kind = rng.choice(self.kinds)
        if kind in ("pin", "unknown button") and not self.answers:
            kind = "about"
        if kind == "dose":
            return kind, fake.slash_subcommand(
                "dk2", "dose", {"amount": rng.choice(DOSES)}, user=self.member()
            )
        if kind == "level":
            return kind, fake.slash_subcommand(
                "dk2", "level", {"value": rng.choice(LEVELS)}, user=self.member()
            )
        if kind == "explain":
            return kind, fake.slash_subcommand(
                "dk2", "explain", {"term": rng.choice(TERMS)}, user=self.member()
            )
        if kind == "autocomplete":
            return kind, fake.autocomplete(
                "explain", {"term": rng.choice(PARTIALS)}, "term", group="dk2", user=self.member()
            )
        if kind in ("topics", "about"):
            return kind, fake.slash_subcommand("dk2", kind, user=self.member())
        if kind == "pin":
            message = rng.choice(self.answers)
            custom_id = UNPIN_ID if message.pinned else PIN_ID
            clicker = self.people.moderator if rng.random() < 0.7 else self.member()
            return kind, fake.button_click(message, custom_id, user=clicker)
        if kind == "unknown button":
            message = rng.choice(self.answers)
            custom_id = rng.choice(["dk2:pin:pinX", "zzz", "dk2:pin:delete"])
            return kind, fake.button_click(message, custom_id, user=self.member())
        payload = fake.slash_subcommand("dk2", "about", user=self.member())
        broken = rng.choice(["guild_id", "data", "member", "options"])
        if broken == "guild_id":
            payload["guild_id"] = "not-a-number"
        elif broken == "data":
            del payload["data"]
        elif broken == "member":
            del payload["member"]
        else:
            payload["data"]["options"] = "junk"
        return "malformed", payload

    async def one(self, gate: asyncio.Semaphore, result: Slice) -> None:
        async with gate:
            kind, body = self.payload()
            handle = await self.fake.dispatch_interaction(body)
            result.sent += 1
            try:
                callback = await handle.response(timeout=15)
            except TimeoutError:
                result.lose("no response")
                return
        if not callback.accepted:
            result.lose(f"HTTP {callback.status} code {callback.error_code}")
            return
        if callback.elapsed > DEADLINE_S:
            result.lose("after 3 s")
            return
        result.answered += 1
        result.latencies_ms.append(callback.elapsed * 1000)
        original = handle.original
        if (
            kind in ("dose", "level", "explain", "about")
            and original is not None
            and not original.ephemeral
            and len(self.answers) < 200
        ):
            self.answers.append(original)

    async def slice(self, count: int, concurrency: int, fault: str) -> Slice:
        result = Slice(fault)
        gate = asyncio.Semaphore(concurrency)
        started = time.perf_counter()
        tasks = [asyncio.create_task(self.one(gate, result)) for _ in range(count)]
        await asyncio.gather(*tasks)
        await asyncio.sleep(0.3)  # a duplicate callback would show up by now
        result.seconds = time.perf_counter() - started
        result.rss_kib = rss_kib(self.bot.pid)
        return result


def duplicates(fake: FakeDiscord) -> int:
    counts: dict[str, int] = {}
    for request in fake.requests.matching("POST", CALLBACK_ROUTE):
        interaction = request.path.split("/")[2]
        counts[interaction] = counts.get(interaction, 0) + 1
    retried = {  # a 429/5xx answered by Discord and retried is one response, not two
        request.path.split("/")[2]
        for request in fake.requests.matching("POST", CALLBACK_ROUTE)
        if request.status in (429, 500, 502, 503)
    }
    twice = [key for key, n in counts.items() if n > 1 and key not in retried]
    for key in twice[:3]:
        statuses = [
            (r.status, (r.json or {}).get("type"))
            for r in fake.requests.matching("POST", rf"/interactions/{key}/[^/]+/callback")
        ]
        print(f"  answered twice: interaction {key}: {statuses}")
    return len(twice)


async def main(count: int, concurrency: int, validate: bool, seed: int) -> int:
    if validate and not default_spec_path().is_file():
        print(f"Discord's spec is not at {default_spec_path()}; running with --no-spec")
        validate = False
    per_slice = count // SLICES
    async with FakeDiscord(validate_spec=validate) as fake:
        with tempfile.TemporaryDirectory(prefix="dk2-soak-") as tmp:
            bot = BotProcess(fake, Path(tmp), env={})
            soak = Soak(fake, bot, seed)
            bot.env["DK2_MODERATOR_ROLE_IDS"] = str(soak.people.moderator_role_id)
            await bot.start()
            try:
                faults: list[tuple[str, Callable[[], Awaitable[None]] | None]] = [
                    ("gateway closed 4000", lambda: fake.drop_connection(code=4000)),
                    ("gateway cut", lambda: fake.drop_connection(abrupt=True)),
                    ("RECONNECT", fake.send_reconnect),
                    ("429 on callbacks", None),
                    ("5xx on callbacks", None),
                    ("usage log unwritable", None),
                    ("(still unwritable)", None),
                    ("usage log writable", None),
                    ("429 on pins", None),
                    ("none", None),
                ]
                slices: list[Slice] = []
                print(
                    f"soak: {per_slice * SLICES} interactions in {SLICES} slices, at most "
                    f"{concurrency} in flight; spec validation {'on' if validate else 'off'}"
                )
                for fault, action in faults:
                    if fault == "429 on callbacks":
                        fake.rate_limit("POST", CALLBACK_ROUTE, times=40, retry_after=0.05)
                    elif fault == "5xx on callbacks":
                        fake.inject("POST", CALLBACK_ROUTE, status=500, times=20)
                    elif fault == "usage log unwritable":
                        fault = f"usage log unwritable ({soak.usage.lock()})"
                    elif fault == "usage log writable":
                        soak.usage.unlock()
                    elif fault == "429 on pins":
                        fake.rate_limit("PUT", PIN_ROUTE, times=20, retry_after=0.2)
                    run = asyncio.create_task(soak.slice(per_slice, concurrency, fault))
                    if action is not None:
                        await asyncio.sleep(0.3)  # mid-slice
                        await action()
                    slices.append(await run)
                    print(row(len(slices), slices[-1]), flush=True)
                soak.usage.unlock()
                alive = bot.running
                mark_log = bot.log()
                await bot.stop()
            finally:
                soak.usage.unlock()
                await bot.kill()
        dupes = duplicates(fake)
        violations = len(fake.spec_violations)
    return verdict(slices, alive, dupes, violations, mark_log)


HEADER = (
    f"{'slice':>5} {'fault':<34} {'sent':>6} {'answered':>8} {'lost':>5} "
    f"{'p50 ms':>7} {'p99 ms':>7} {'max ms':>7} {'RSS MiB':>8} {'rate/s':>7}"
)


def row(number: int, s: Slice) -> str:
    if number == 1:
        print(HEADER)
    rss = f"{s.rss_kib / 1024:.1f}" if s.rss_kib else "?"
    lost = sum(s.lost.values())
    line = (
        f"{number:>5} {s.fault[:34]:<34} {s.sent:>6} {s.answered:>8} {lost:>5} "
        f"{s.p(50):>7.1f} {s.p(99):>7.1f} {max(s.latencies_ms, default=0):>7.1f} {rss:>8} "
        f"{s.sent / s.seconds:>7.1f}"
    )
    return line + (f"  lost: {s.lost}" if s.lost else "")


def verdict(slices: list[Slice], alive: bool, dupes: int, violations: int, log: str) -> int:
    sent = sum(s.sent for s in slices)
    answered = sum(s.answered for s in slices)
    lost = sent - answered
    second, last = slices[1].rss_kib or 0, slices[-1].rss_kib or 0
    growth = (last - second) / second * 100 if second else float("nan")
    flat = second > 0 and growth <= 10
    warnings = log.count("Usage log unavailable")
    print(
        f"total: {sent} sent, {answered} answered once within 3 s, {lost} lost, "
        f"{dupes} answered twice; dk2 alive to the end: {alive}; spec violations: {violations}"
    )
    print(
        f"memory: {second / 1024:.1f} MiB after slice 2, {last / 1024:.1f} MiB at the end "
        f"({growth:+.1f}%, flat = within +10%): {'flat' if flat else 'GREW'}"
    )
    print(
        f"usage log: {warnings} 'unavailable' warning(s) in the log; "
        f"{log.count('recording again')} 'recording again'"
    )
    ok = lost == 0 and dupes == 0 and alive and flat and violations == 0
    print("verdict:", "OK" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20_000, help="interactions in all")
    parser.add_argument("--concurrency", type=int, default=40, help="most in flight at once")
    parser.add_argument("--no-spec", action="store_true", help="skip the fake's spec validation")
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.count, args.concurrency, not args.no_spec, args.seed)))
