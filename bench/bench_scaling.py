"""Load and cost, side by side: dk2's HTTP endpoint (1, 2 and 4 workers), dk2 on the gateway,
and a bare discord.py gateway bot, each answering the same burst of interactions.

Everything talks to the local Discord (tests/fakediscord) on 127.0.0.1 in this process. The
gateway bots get INTERACTION_CREATE over their websocket and call back over REST; the HTTP
endpoint (`python -m bot serve --workers N`) gets each interaction POSTed and signed with
Ed25519, as Discord does, and answers in the response body. The mix is bench_load's (dose,
level, explain, explain's autocomplete, from 600 members). Printed per bot: answered,
throughput, p50/p99 latency (dispatch to callback; for HTTP, request to response), and CPU
time per interaction of the bot's processes (all workers together; user + system time from
/proc, not wall time, so other work on a shared machine doesn't count), the least and the
median over the rounds, with the ratios to the bare bot answering a small fixed embed (the
issue's baseline).

dk2 on the gateway sends dose and level answers with a gauge picture (a multipart upload) and
a Pin button; the small-embed bare bot sends neither. `--bots bare-shaped` adds the same bare
bot answering with an embed of dk2's size, the button and a gauge-sized picture, so the
gateway comparison can also be read like for like.

dk2 runs twice per round and mode, with its gauge pictures on (the default) and off (the
`gateway_pictures` / `http_pictures` settings: the text gauge only, no upload), the rows
"no pictures"; `--pictures on` or `--pictures off` runs one of them.

The local Discord reports dk2's endpoint as the application's Interactions Endpoint URL, as
Discord does for an application set up for HTTP mode, so dk2's HTTP answers link their gauges
from it (bot/http/gauge_links.py). `--pictures upload` (in the default set too) adds dk2's
HTTP endpoint with no endpoint URL reported: each gauge then goes as an upload, a PATCH of the
answer, the rows "gauges uploaded".

Targets: HTTP CPU per interaction <= 0.6x the bare gateway bot's; gateway dk2 <= 1.2x.

Run: .venv/bin/python bench/bench_scaling.py [--count 2000] [--concurrency 50] [--rounds 3]
     [--workers 1,2,4] [--spec] [--bots bare,bare-shaped,gateway,endpoint,http]
     [--pictures on,off]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from bench_load import MEMBERS, MIX, WARM_UP, Result, cpu_seconds, measure, payload, plan
from nacl.signing import SigningKey

from tests.e2e.harness import REPO, bot_environment, peak_memory_kib
from tests.fakediscord import FakeDiscord, User
from tests.fakediscord.outgoing import post_interaction

START_TIMEOUT = 60.0
LABEL = 36  # the widest bot label


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def family(pid: int) -> list[int]:
    """`pid` and its children (the workers), from /proc."""
    pids = [pid]
    with contextlib.suppress(OSError):
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(c) for c in (task / "children").read_text().split()]
    return pids


def family_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError):
            total += cpu_seconds(pid)
    return total


async def http_burst(
    fake: FakeDiscord,
    url: str,
    key: SigningKey,
    items: list[tuple[str, dict[str, object]]],
    members: list[User],
    concurrency: int,
    label: str,
    validate: bool,
) -> Result:
    payloads = [
        payload(fake, kind, options, members[i % len(members)])
        for i, (kind, options) in enumerate(items)
    ]
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    failures: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(body: dict[str, object]) -> None:
            async with gate:
                delivery = await post_interaction(
                    fake, url, body, key, session=session, validate=validate
                )
            if delivery.status == 200 and not delivery.spec_errors:
                latencies.append(delivery.elapsed * 1000)
            else:
                name = f"HTTP {delivery.status} {delivery.spec_errors[:1]}"
                failures[name] = failures.get(name, 0) + 1

        started = time.perf_counter()
        fake_cpu = time.process_time()
        await asyncio.gather(*(one(body) for body in payloads))
        seconds = time.perf_counter() - started
    result = Result(label, len(items), len(latencies), failures, seconds, latencies)
    result.fake_cpu_s = time.process_time() - fake_cpu
    return result


async def measure_http(
    workers: int | None,
    fake: FakeDiscord,
    workdir: Path,
    items: list[tuple[str, dict[str, object]]],
    members: list[User],
    concurrency: int,
    validate: bool,
    mode: str = "on",
) -> Result:
    key = SigningKey.generate()
    port = free_port()
    pictures = mode != "off"
    folder = workdir / f"http-{workers or 'bare'}-{mode}"
    folder.mkdir()
    env = bot_environment(
        fake,
        folder,
        DK2_PUBLIC_KEY=key.verify_key.encode().hex(),
        DK2_HTTP_PORT=str(port),
        DK2_COOLDOWN_RATE="1000",
        DK2_HTTP_PICTURES=str(pictures).lower(),
    )
    log = (folder / "serve.log").open("ab")
    if workers is None:  # the floor: verify and answer, nothing else
        command: tuple[str, ...] = (str(Path(__file__).with_name("bare_endpoint.py")),)
        label = "bare aiohttp endpoint"
    else:
        command = ("-m", "bot", "serve", "--workers", str(workers))
        label = f"dk2 HTTP, {workers} worker{'s' if workers > 1 else ''}"
        label += {"on": "", "off": ", no pictures", "upload": ", gauges uploaded"}[mode]
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *command,
        cwd=REPO,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}/interactions"
    # What Discord reports as the application's Interactions Endpoint URL (read at start).
    fake.world.application.interactions_endpoint_url = url if mode != "upload" else None
    try:
        async with asyncio.timeout(START_TIMEOUT):
            seen: set[int] = set()
            while len(seen) < (workers or 1):  # every worker listening
                with contextlib.suppress(aiohttp.ClientError):
                    async with (
                        aiohttp.ClientSession() as fresh,
                        fresh.get(url.replace("/interactions", "/healthz")) as response,
                    ):
                        seen.add((await response.json())["pid"])
                await asyncio.sleep(0.02)
        pids = family(process.pid)
        await http_burst(
            fake, url, key, plan(WARM_UP, seed=1), members[::-1], concurrency, label, validate
        )
        before = family_cpu(pids)
        result = await http_burst(fake, url, key, items, members, concurrency, label, validate)
        result.bot_cpu_s = family_cpu(pids) - before
        result.peak_kib = sum(peak_memory_kib(pid) or 0 for pid in pids) or None
        process.send_signal(signal.SIGTERM)
        await asyncio.wait_for(process.wait(), 15)
        return result
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        log.close()


def per_interaction_ms(result: Result) -> float:
    return result.bot_cpu_s / result.count * 1000


def row(runs: list[Result], base: list[Result]) -> str:
    """One bot's line: the least-CPU round's numbers, and the median CPU over its rounds."""
    best = min(runs, key=per_interaction_ms)
    least = per_interaction_ms(best)
    median = statistics.median(per_interaction_ms(r) for r in runs)
    base_least = min(per_interaction_ms(r) for r in base)
    base_median = statistics.median(per_interaction_ms(r) for r in base)
    return (
        f"{best.label:<{LABEL}} {best.answered:>5}/{best.count:<5} "
        f"{best.throughput:>8.1f}/s {best.percentile(50):>7.1f} ms "
        f"{best.percentile(99):>7.1f} ms {least:>7.3f} ms {median:>6.3f} ms "
        f"{least / base_least:>6.2f}x {median / base_median:>5.2f}x"
    )


async def main(
    count: int,
    concurrency: int,
    validate: bool,
    workers: list[int],
    rounds: int,
    bots: frozenset[str] = frozenset({"bare", "gateway", "endpoint", "http"}),
    pictures: tuple[str, ...] = ("on", "off", "upload"),
) -> int:
    items = plan(count, seed=42)
    mix = {kind: sum(1 for k, _ in items if k == kind) for kind, _ in MIX}
    print(
        f"scaling: {count} interactions ({', '.join(f'{k} {n}' for k, n in mix.items())}), "
        f"at most {concurrency} in flight; spec validation {'on' if validate else 'off'}; "
        f"{os.cpu_count()} CPUs"
    )
    results: list[Result] = []
    async with FakeDiscord(validate_spec=validate) as fake:
        members = [fake.world.add_user(f"member{n}") for n in range(MEMBERS)]
        for member in members:
            fake.world.add_member(fake.guild.id, member)
        with tempfile.TemporaryDirectory(prefix="dk2-bench-") as tmp:
            workdir = Path(tmp)
            bare_bot = (str(Path(__file__).with_name("bare_bot.py")),)
            # Rounds run every bot in turn, so load from elsewhere on the machine falls on all
            # of them alike; the least CPU per interaction of a bot's rounds is its cost.
            for round_number in range(rounds):
                folder = workdir / f"round-{round_number}"
                folder.mkdir()
                if "bare" in bots:
                    results.append(
                        await measure(
                            "bare discord.py",
                            bare_bot,
                            fake,
                            folder,
                            items,
                            members,
                            concurrency,
                            env={"BARE_ANSWER": "small"},
                        )
                    )
                if "bare-shaped" in bots:
                    results.append(
                        await measure(
                            "bare, dk2-shaped",
                            bare_bot,
                            fake,
                            folder,
                            items,
                            members,
                            concurrency,
                            env={"BARE_ANSWER": "answer"},
                        )
                    )
                for on in (
                    (p == "on" for p in pictures if p != "upload") if "gateway" in bots else ()
                ):
                    results.append(
                        await measure(
                            "dk2 gateway" + ("" if on else ", no pictures"),
                            ("-m", "bot", "run"),
                            fake,
                            folder,
                            items,
                            members,
                            concurrency,
                            env={
                                "DK2_COOLDOWN_RATE": "1000",
                                "DK2_GATEWAY_PICTURES": str(on).lower(),
                            },
                        )
                    )
                if "endpoint" in bots:
                    results.append(
                        await measure_http(None, fake, folder, items, members, concurrency, False)
                    )
                for n in workers if "http" in bots else []:
                    for mode in pictures:
                        results.append(
                            await measure_http(
                                n, fake, folder, items, members, concurrency, validate, mode
                            )
                        )
    by_label: dict[str, list[Result]] = {}
    for result in results:
        by_label.setdefault(result.label, []).append(result)
    base = by_label.get("bare discord.py") or next(iter(by_label.values()))
    print(
        f"CPU per interaction over {rounds} round(s): least and median; ratios to the bare bot's\n"
        f"{'bot':<{LABEL}} {'answered':>11} {'throughput':>10} {'p50':>10} {'p99':>10} "
        f"{'CPU least':>10} {'median':>9} {'vs bare':>7} {'median':>6}"
    )
    for runs in by_label.values():
        print(row(runs, base))
    failures = [r for r in results if r.failures]
    for result in failures:
        print(f"  {result.label} not answered: {result.failures}")
    print("targets: HTTP CPU per interaction <= 0.60x the bare bot's; dk2 gateway <= 1.20x")
    return 0 if all(r.answered == r.count for r in results) else 1


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=2000, help="interactions per burst")
    parser.add_argument("--concurrency", type=int, default=50, help="most in flight at once")
    parser.add_argument("--spec", action="store_true", help="validate every body (slower)")
    parser.add_argument("--workers", default="1,2,4", help="HTTP worker counts, e.g. 1,2,4")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every bot in turn")
    parser.add_argument(
        "--pictures",
        default="on,off,upload",
        help="dk2 with its gauge pictures on (the default setting), off, and (HTTP only) "
        "uploaded rather than linked (no endpoint URL reported), e.g. on,off",
    )
    parser.add_argument(
        "--bots",
        default="bare,bare-shaped,gateway,endpoint,http",
        help="which to run: bare (discord.py, small embed), bare-shaped (discord.py, dk2-shaped "
        "answer with picture), gateway (dk2), endpoint (bare aiohttp), http (dk2)",
    )
    args = parser.parse_args()
    counts = [int(n) for n in args.workers.split(",") if n.strip()]
    bots = frozenset(b.strip() for b in args.bots.split(","))
    chosen = [p.strip() for p in args.pictures.split(",") if p.strip()]
    if not chosen or any(p not in ("on", "off", "upload") for p in chosen):
        parser.error("--pictures takes on, off and upload, e.g. on,off")
    pictures = tuple(dict.fromkeys(chosen))
    sys.exit(
        asyncio.run(
            main(args.count, args.concurrency, args.spec, counts, args.rounds, bots, pictures)
        )
    )
