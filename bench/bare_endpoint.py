"""The least an HTTP interactions endpoint can do: the floor for bench/bench_scaling.py.

aiohttp's web server on DK2_HTTP_PORT; each POST is checked against DK2_PUBLIC_KEY with
PyNaCl (401 when unsigned or wrong) and answered with one fixed small embed (autocomplete
with a fixed list). No knowledge base, no checks, no usage log. `GET /healthz` gives the pid
so the bench can wait for it. SIGTERM stops it.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal

from aiohttp import web
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

KEY = VerifyKey(bytes.fromhex(os.environ["DK2_PUBLIC_KEY"]))
ANSWER = json.dumps(
    {
        "type": 4,
        "data": {
            "embeds": [
                {
                    "title": "A fixed answer",
                    "description": "The same embed for every command: the cost of answering.",
                    "color": 0x3498DB,
                }
            ],
            "allowed_mentions": {"parse": []},
        },
    }
).encode()
CHOICES = json.dumps(
    {"type": 8, "data": {"choices": [{"name": n, "value": n} for n in ("mgp", "k2", "dose")]}}
).encode()


async def interactions(request: web.Request) -> web.Response:
    body = await request.read()
    try:
        KEY.verify(
            request.headers["X-Signature-Timestamp"].encode() + body,
            bytes.fromhex(request.headers["X-Signature-Ed25519"]),
        )
    except (KeyError, ValueError, BadSignatureError):
        return web.Response(status=401)
    kind = json.loads(body)["type"]
    if kind == 1:
        return web.json_response({"type": 1})
    return web.Response(body=CHOICES if kind == 4 else ANSWER, content_type="application/json")


async def healthz(request: web.Request) -> web.Response:
    return web.json_response({"ok": True, "pid": os.getpid()})


async def main() -> None:
    app = web.Application()
    app.router.add_post("/interactions", interactions)
    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", int(os.environ["DK2_HTTP_PORT"])).start()
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    await stop.wait()
    await runner.cleanup()


if __name__ == "__main__":
    asyncio.run(main())
