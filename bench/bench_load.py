"""Load: a burst of interactions at the real dk2 process, against a bare discord.py bot.

Starts the local Discord (tests/fakediscord) in this process, then, one after the other, the
real dk2 (`python -m bot run`) and bench/bare_bot.py (the same /dk2 commands answered with one
fixed embed), each as its own process configured through the environment. Each gets a short
warm-up and then the same burst: `--count` interactions (a mix of dose, level, explain and
explain's autocomplete, typed by many members so the per-member cooldown stays out of the
way), at most `--concurrency` in flight. Latency is from dispatch (INTERACTION_CREATE sent) to
the bot's callback reaching Discord. Peak memory is the bot process's VmHWM.

Goals: every interaction answered, p99 well under Discord's 3-second deadline, and dk2 within
1.2x of the bare bot (throughput and p99). The fake validates every request body against
Discord's OpenAPI spec unless `--no-spec` is given (it is the same cost for both bots).

Run: .venv/bin/python bench/bench_load.py [--count 2000] [--concurrency 50] [--no-spec]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.harness import BotProcess
from tests.fakediscord import FakeDiscord, User
from tests.fakediscord.spec import default_spec_path

DOSES = ["5000", "2000 IU", "125 mcg", "50000 IU weekly", "1000", "5k", "0.1 mg", "60000 monthly"]
K2S = [None, None, "100", "200 mcg"]
LEVELS = ["42 ng/mL", "105 nmol/L", "18", "65 ng/mL", "12.5", "250 nmol/L"]
TERMS = ["mgp", "why take d and k2 together", "osteocalcin", "warfrin", "upper limit", "MK-7"]
PARTIALS = ["", "m", "mg", "vit", "k2", "osteo", "calc", "war", "dose"]
# A realistic mix: mostly doses, then explain (typed, and suggested while typing), then levels.
MIX = [("dose", 35), ("level", 20), ("explain", 25), ("autocomplete", 20)]
MEMBERS = 600  # each types at most a few commands: the cooldown (5 per 30 s) never fires
WARM_UP = 60
CALLBACK_TIMEOUT = 10.0
BURST_LIMIT_S = 120.0


@dataclass
class Result:
    label: str
    count: int
    answered: int
    failures: dict[str, int]
    seconds: float
    latencies_ms: list[float]
    peak_kib: int | None = None
    bot_cpu_s: float = 0.0  # the bot process's CPU time (user + system) during the burst
    fake_cpu_s: float = 0.0  # this process's (the local Discord's) CPU time during the burst

    @property
    def throughput(self) -> float:
        return self.count / self.seconds

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def plan(count: int, seed: int) -> list[tuple[str, dict[str, object]]]:
    """The burst: (kind, options) pairs in a fixed pseudo-random order."""
    rng = random.Random(seed)
    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    items: list[tuple[str, dict[str, object]]] = []
    for _ in range(count):
        kind = rng.choice(kinds)
        if kind == "dose":
            k2 = rng.choice(K2S)
            options: dict[str, object] = {"amount": rng.choice(DOSES)}
            if k2 is not None:
                options["k2"] = k2
        elif kind == "level":
            options = {"value": rng.choice(LEVELS)}
        elif kind == "explain":
            options = {"term": rng.choice(TERMS)}
        else:
            options = {"term": rng.choice(PARTIALS)}
        items.append((kind, options))
    return items


def payload(fake: FakeDiscord, kind: str, options: dict[str, object], user: User) -> dict[str, Any]:
    if kind == "autocomplete":
        return fake.autocomplete("explain", options, "term", group="dk2", user=user)
    return fake.slash_subcommand("dk2", kind, options, user=user)


async def burst(
    fake: FakeDiscord,
    items: list[tuple[str, dict[str, object]]],
    members: list[User],
    concurrency: int,
    label: str,
) -> Result:
    payloads = [
        payload(fake, kind, options, members[i % len(members)])
        for i, (kind, options) in enumerate(items)
    ]
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures: dict[str, int] = {}

    async def one(body: dict[str, Any]) -> None:
        async with gate:
            handle = await fake.dispatch_interaction(body)
            try:
                callback = await handle.response(timeout=CALLBACK_TIMEOUT)
            except TimeoutError:
                failures["no callback"] = failures.get("no callback", 0) + 1
                return
        if callback.accepted:
            latencies.append(callback.elapsed * 1000)
        else:
            key = f"HTTP {callback.status} code {callback.error_code}"
            failures[key] = failures.get(key, 0) + 1

    started = time.perf_counter()
    fake_cpu = time.process_time()
    async with asyncio.timeout(BURST_LIMIT_S):
        await asyncio.gather(*(one(body) for body in payloads))
    seconds = time.perf_counter() - started
    result = Result(label, len(items), len(latencies), failures, seconds, latencies)
    result.fake_cpu_s = time.process_time() - fake_cpu
    return result


def cpu_seconds(pid: int) -> float:
    """A process's user + system CPU time so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def measure(
    label: str,
    command: tuple[str, ...],
    fake: FakeDiscord,
    workdir: Path,
    items: list[tuple[str, dict[str, object]]],
    members: list[User],
    concurrency: int,
    env: dict[str, str] | None = None,
) -> Result:
    folder = workdir / "".join(c if c.isalnum() else "-" for c in label)
    bot = BotProcess(fake, folder, command=command, env=env)
    await bot.start()
    try:
        warm = plan(WARM_UP, seed=1)
        await burst(fake, warm, members[::-1], concurrency, label)
        bot_cpu = cpu_seconds(bot.pid)
        result = await burst(fake, items, members, concurrency, label)
        result.bot_cpu_s = cpu_seconds(bot.pid) - bot_cpu
        result.peak_kib = bot.peak_memory_kib()
        await bot.stop()
        return result
    finally:
        await bot.kill()


def row(result: Result) -> str:
    peak = f"{result.peak_kib / 1024:.1f} MiB" if result.peak_kib else "?"
    return (
        f"{result.label:<17} {result.answered:>5}/{result.count:<5} "
        f"{result.throughput:>8.1f}/s {result.percentile(50):>8.1f} ms "
        f"{result.percentile(99):>8.1f} ms {max(result.latencies_ms, default=0):>8.1f} ms "
        f"{peak:>10}   CPU per interaction: bot {result.bot_cpu_s / result.count * 1000:.2f} ms,"
        f" local Discord {result.fake_cpu_s / result.count * 1000:.2f} ms"
    )


async def main(count: int, concurrency: int, validate: bool) -> int:
    if validate and not default_spec_path().is_file():
        print(f"Discord's spec is not at {default_spec_path()}; running with --no-spec")
        validate = False
    items = plan(count, seed=42)
    mix = {kind: sum(1 for k, _ in items if k == kind) for kind, _ in MIX}
    print(
        f"load: {count} interactions ({', '.join(f'{k} {n}' for k, n in mix.items())}), "
        f"at most {concurrency} in flight; spec validation of every request body: "
        f"{'on' if validate else 'off'}"
    )
    async with FakeDiscord(validate_spec=validate) as fake:
        members = [fake.world.add_user(f"member{n}") for n in range(MEMBERS)]
        for member in members:
            fake.world.add_member(fake.guild.id, member)
        with tempfile.TemporaryDirectory(prefix="dk2-bench-") as tmp:
            workdir = Path(tmp)
            dk2 = await measure(
                "dk2", ("-m", "bot", "run"), fake, workdir, items, members, concurrency
            )
            bare_bot = (str(Path(__file__).with_name("bare_bot.py")),)
            bare = await measure(
                "bare discord.py",
                bare_bot,
                fake,
                workdir,
                items,
                members,
                concurrency,
                env={"BARE_ANSWER": "answer"},
            )
            small = await measure(
                "bare, tiny embed",
                bare_bot,
                fake,
                workdir,
                items,
                members,
                concurrency,
                env={"BARE_ANSWER": "small"},
            )
        violations = len(fake.spec_violations)
    print(
        f"{'bot':<17} {'answered':>11} {'throughput':>10} {'p50':>11} {'p99':>11} {'max':>11} {'peak RSS':>10}"
    )
    for result in (dk2, bare, small):
        print(row(result))
        if result.failures:
            print(f"  not answered: {result.failures}")
    for name, base in (("bare", bare), ("bare, tiny embed", small)):
        through = dk2.throughput / base.throughput
        p99 = dk2.percentile(99) / base.percentile(99)
        cpu = dk2.bot_cpu_s / base.bot_cpu_s
        print(
            f"dk2 / {name}: throughput {through:.2f}x, p99 {p99:.2f}x, "
            f"bot CPU per interaction {cpu:.2f}x"
        )
    print(
        f"goal: throughput >= {1 / 1.2:.2f}x and p99 <= 1.20x of the bare bot sending an answer "
        f"of dk2's size and shape; spec violations: {violations}"
    )
    results = (dk2, bare, small)
    all_answered = all(r.answered == r.count for r in results)
    return 0 if all_answered and violations == 0 else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="interactions in the burst")
    parser.add_argument("--concurrency", type=int, default=50, help="most in flight at once")
    parser.add_argument("--no-spec", action="store_true", help="skip the fake's spec validation")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.count, args.concurrency, not args.no_spec)))
