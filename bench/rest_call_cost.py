"""What one picture edit costs the HTTP endpoint's process, and the least it could cost.

In HTTP mode a dose or level answer's gauge goes as a second request: the answer's JSON is the
response body, then a PATCH of `@original` uploads the PNG (Discord takes no file in the
response body). bench/bench_scaling.py shows that edit as the gap between its "dk2 HTTP" and
"no pictures" rows. This prices the edit alone: a local server (another process, so its CPU
is not counted) answers PATCHes as Discord does (200 and the message), and this process sends
`--count` of them, at most `--concurrency` at once, with a body of a gauge's size:

- "dk2 DiscordRest": dk2's own call (`DiscordRest.edit_original` with the joined multipart
  body, over one `aiohttp.ClientSession` as `python -m bot serve` opens it);
- "keep-alive floor": the least a Python client on asyncio can do, for comparison only: the
  request's bytes written to an open connection, the status line and Content-Length read back
  (no redirects, no chunked bodies, no TLS: not a client dk2 could use).

Printed: CPU (user + system) per edit and, with `--bare-ms` (the bare gateway bot's CPU per
interaction from bench_scaling) and the share of the bench's mix that carries a picture, what
the edits alone add to the endpoint's ratio to the bare bot.

Run: .venv/bin/python bench/rest_call_cost.py [--count 3000] [--bare-ms 0.41]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import aiohttp
from aiohttp import web
from bench_load import MIX
from bench_scaling import free_port

from bot.http.rest import DiscordRest, RestFile, multipart

GAUGE_BYTES = 13_000  # a gauge PNG is 11-15 KB (dose and level)
MESSAGE = b'{"id":"1234567890123456789","type":20,"content":"","attachments":[]}' * 20
PICTURE_SHARE = sum(weight for kind, weight in MIX if kind in ("dose", "level")) / sum(
    weight for _, weight in MIX
)


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def serve(port: int) -> None:
    async def edit(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(body=MESSAGE, content_type="application/json")

    app = web.Application(client_max_size=1 << 22)
    app.router.add_patch("/webhooks/{app}/{token}/messages/@original", edit)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


class _Connection(asyncio.Protocol):
    """One keep-alive connection answering one request at a time (the floor only)."""

    def __init__(self) -> None:
        self.buffer = b""
        self.waiting: asyncio.Future[int] | None = None
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        head = self.buffer[:end].split(b"\r\n")
        length = next(
            (
                int(v)
                for k, _, v in (h.partition(b":") for h in head)
                if k.lower() == b"content-length"
            ),
            0,
        )
        if len(self.buffer) < end + 4 + length or self.waiting is None:
            return
        self.buffer = self.buffer[end + 4 + length :]
        waiting, self.waiting = self.waiting, None
        waiting.set_result(int(head[0].split()[1]))


async def dk2_edits(port: int, body_parts: list[RestFile], count: int, concurrency: int) -> float:
    joined = multipart({"embeds": [{"image": {"url": "attachment://gauge.png"}}]}, body_parts)
    gate = asyncio.Semaphore(concurrency)
    async with aiohttp.ClientSession() as session:
        rest = DiscordRest(session, f"http://127.0.0.1:{port}", None)

        async def one(n: int) -> None:
            async with gate:
                result = await rest.edit_original("1", f"token{n}", joined, read=False)
            assert result.ok, result

        await asyncio.gather(*(one(n) for n in range(100)))  # connections open, code warm
        before = cpu()
        await asyncio.gather(*(one(n) for n in range(count)))
        return (cpu() - before) / count


async def floor_edits(port: int, body_parts: list[RestFile], count: int, concurrency: int) -> float:
    joined = multipart({"embeds": [{"image": {"url": "attachment://gauge.png"}}]}, body_parts)
    loop = asyncio.get_running_loop()
    idle: asyncio.Queue[_Connection] = asyncio.Queue()
    for _ in range(concurrency):
        _, connection = await loop.create_connection(_Connection, "127.0.0.1", port)
        idle.put_nowait(connection)

    async def one(n: int) -> None:
        connection = await idle.get()
        assert connection.transport is not None
        connection.waiting = loop.create_future()
        head = (
            f"PATCH /webhooks/1/token{n}/messages/@original HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"User-Agent: DiscordBot (dk2, 0.1.0)\r\nContent-Type: {joined.content_type}\r\n"
            f"Content-Length: {len(joined.body)}\r\n\r\n"
        )
        connection.transport.write(head.encode() + joined.body)
        status = await connection.waiting
        assert status == 200, status
        idle.put_nowait(connection)

    await asyncio.gather(*(one(n) for n in range(100)))
    before = cpu()
    await asyncio.gather(*(one(n) for n in range(count)))
    spent = (cpu() - before) / count
    while not idle.empty():
        connection = idle.get_nowait()
        if connection.transport is not None:
            connection.transport.close()
    return spent


async def main(count: int, concurrency: int, bare_ms: float | None, rounds: int) -> None:
    port = free_port()
    server = await asyncio.create_subprocess_exec(
        sys.executable, __file__, "--serve", str(port), stdin=asyncio.subprocess.DEVNULL
    )
    try:
        for _ in range(200):  # until it listens
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", port)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            writer.close()
            break
        parts = [RestFile("gauge.png", os.urandom(GAUGE_BYTES))]
        print(
            f"{count} PATCHes of a {GAUGE_BYTES // 1000} KB gauge, at most {concurrency} at once; "
            f"{PICTURE_SHARE:.0%} of bench_scaling's mix carries a picture"
        )
        for label, run in (("dk2 DiscordRest", dk2_edits), ("keep-alive floor", floor_edits)):
            spent = min([await run(port, parts, count, concurrency) for _ in range(rounds)])
            line = f"{label:<18} {spent * 1e6:6.0f} us CPU per edit"
            if bare_ms:
                added = spent * 1000 * PICTURE_SHARE / bare_ms
                line += f"; adds {added:.2f}x the bare bot's CPU per interaction"
            print(line)
    finally:
        server.terminate()
        await server.wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=3000, help="edits per measurement")
    parser.add_argument("--concurrency", type=int, default=50, help="most in flight at once")
    parser.add_argument("--rounds", type=int, default=3, help="measurements; the least is shown")
    parser.add_argument(
        "--bare-ms", type=float, default=None, help="the bare bot's CPU per interaction (ms)"
    )
    parser.add_argument("--serve", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve is not None:
        serve(args.serve)
    else:
        asyncio.run(main(args.count, args.concurrency, args.bare_ms, args.rounds))
