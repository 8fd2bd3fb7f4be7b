"""The web server behind `python -m bot serve`: `POST /interactions`, `GET /healthz` and,
for Discord's media proxy, `GET /interactions?gauge=…` (a gauge an answer links to; 404 for a
link dk2 did not give out).

Every request to `/interactions` is checked in this order, each step refusing before any
work for the next: the declared size (413), the signature (401), the JSON (400), the
interaction type (400 for one dk2 doesn't handle). PING is answered with PONG; everything
else goes to `InteractionHandler`, whose answer is the response body. Work an answer leaves
for later (more pages, a pin) starts once the body has been sent, and is awaited at shutdown.

It is aiohttp's low-level web server (`web.Server`) with the three routes picked here by
path and method: an `Application` would resolve every request through its router and
middleware chain, about 5 µs of each interaction's CPU for two fixed paths.
"""

from __future__ import annotations

import asyncio
import logging
import os
from collections.abc import Awaitable, Callable
from typing import Final

from aiohttp import hdrs, web
from aiohttp.abc import AbstractStreamWriter
from aiohttp.http import HttpVersion11
from aiohttp.http_parser import RawRequestMessage
from aiohttp.streams import StreamReader
from aiohttp.web_protocol import RequestHandler

from bot.core.holder import KnowledgeHolder
from bot.http.handler import After, InteractionHandler
from bot.http.incoming import PING, Malformed, read_interaction
from bot.http.responses import PONG, encode, response
from bot.http.verify import SIGNATURE_HEADER, TIMESTAMP_HEADER, SignatureCheck

__all__ = ["MAX_BODY_BYTES", "Endpoint"]

log = logging.getLogger(__name__)

# Discord's largest interactions (a message command on a long message with its embeds and
# resolved users) stay well under this; anything bigger is not from Discord.
MAX_BODY_BYTES: Final = 256 * 1024
AFTER_WORK_TIMEOUT: Final = 10.0
JSON: Final = "application/json"
# A gauge link always draws the same picture (for one knowledge version): cache it a day.
GAUGE_CACHING: Final = "public, max-age=86400"
INTERACTIONS_PATH: Final = "/interactions"
HEALTH_PATH: Final = "/healthz"

# Whether the database answers; None when there is none (SQLite not used yet is fine).
DatabaseCheck = Callable[[], Awaitable[str | None]]

_PONG: Final = encode(response(PONG))
_READING: Final = (hdrs.METH_GET, hdrs.METH_HEAD)


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=encode({"error": message}), content_type=JSON, headers=headers
    )


class Endpoint:
    """The endpoint's requests, one `InteractionHandler` behind them; `server()` serves it."""

    def __init__(
        self,
        handler: InteractionHandler,
        check: SignatureCheck,
        holder: KnowledgeHolder,
        database: DatabaseCheck | None,
    ) -> None:
        self.handler = handler
        self.check = check
        self.holder = holder
        self.database = database
        self.pending: set[asyncio.Task[None]] = set()

    def server(self) -> web.Server:
        """aiohttp's low-level server for this endpoint (no access log: a line per interaction
        would cost more than answering it). Made inside the running loop."""
        return web.Server(self.dispatch, request_factory=self._request, access_log=None)

    def _request(
        self,
        message: RawRequestMessage,
        payload: StreamReader,
        protocol: RequestHandler,
        writer: AbstractStreamWriter,
        task: asyncio.Task[None],
    ) -> web.BaseRequest:
        loop = asyncio.get_running_loop()
        return web.BaseRequest(
            message, payload, protocol, writer, task, loop, client_max_size=MAX_BODY_BYTES
        )

    async def dispatch(self, request: web.BaseRequest) -> web.StreamResponse:
        """The route for the request's path and method: 404 for another path, 405 (with the
        methods allowed) for another method."""
        path, method = request.path, request.method
        if path == INTERACTIONS_PATH:
            allowed = "GET, HEAD, POST"
            if method == hdrs.METH_POST:
                return await self._expecting(request) or await self.interactions(request)
            if method in _READING:
                return await self._expecting(request) or await self.gauge(request)
        elif path == HEALTH_PATH:
            allowed = "GET, HEAD"
            if method in _READING:
                return await self._expecting(request) or await self.healthz(request)
        else:
            return _error(404, "not found")
        return _error(405, f"{method} not allowed", {hdrs.ALLOW: allowed})

    @staticmethod
    async def _expecting(request: web.BaseRequest) -> web.Response | None:
        """`Expect: 100-continue` (HTTP/1.1) gets "100 Continue" before the body is read, as
        aiohttp's router does; any other expectation is refused (417)."""
        expect = request.headers.get(hdrs.EXPECT)
        if expect is None or request.version != HttpVersion11:
            return None
        if expect.lower() != "100-continue":
            return _error(417, f"unknown Expect: {expect}")
        await request.writer.write(b"HTTP/1.1 100 Continue\r\n\r\n")
        request.writer.output_size = 0  # the response proper hasn't started
        return None

    async def interactions(self, request: web.BaseRequest) -> web.StreamResponse:
        length = request.content_length
        if length is not None and length > MAX_BODY_BYTES:
            return _error(413, f"body over {MAX_BODY_BYTES} bytes")
        try:
            body = await request.read()  # aiohttp stops at client_max_size when unannounced
        except web.HTTPRequestEntityTooLarge:
            return _error(413, f"body over {MAX_BODY_BYTES} bytes")
        problem = self.check.problem(
            request.headers.get(SIGNATURE_HEADER), request.headers.get(TIMESTAMP_HEADER), body
        )
        if problem is not None:
            log.info("refused a request from %s: %s", request.remote, problem)
            return _error(401, "invalid request signature")
        try:
            incoming = read_interaction(body)
        except (ValueError, UnicodeDecodeError):
            return _error(400, "the body is not JSON")
        if isinstance(incoming, Malformed):
            log.warning("refused a signed but malformed interaction: %s", incoming.reason)
            return _error(400, incoming.reason)
        if incoming.type == PING:
            return web.Response(body=_PONG, content_type=JSON)
        answer = await self.handler.handle(incoming)
        if answer is None:
            log.warning("interaction type %s is not one dk2 handles", incoming.type)
            return _error(400, f"interaction type {incoming.type} is not handled")
        if answer.after is None:
            return web.Response(body=answer.body, content_type=JSON)
        # Send the body first: what comes after talks to Discord about this very interaction.
        reply = web.Response(body=answer.body, content_type=JSON)
        await reply.prepare(request)
        await reply.write_eof()
        self._start(answer.after)
        return reply

    def _start(self, after: After) -> None:
        async def run() -> None:
            try:
                await after()
            except Exception:
                log.exception("work after an interaction's answer failed")

        task = asyncio.create_task(run())
        self.pending.add(task)
        task.add_done_callback(self.pending.discard)

    async def gauge(self, request: web.BaseRequest) -> web.Response:
        """`GET /interactions?gauge=…&sig=…`: a gauge an answer links to, for Discord's media
        proxy (which fetches it once and keeps it)."""
        data = await self.handler.gauge(request.query)
        if data is None:
            return _error(404, "no such picture")
        return web.Response(
            body=data, content_type="image/png", headers={"Cache-Control": GAUGE_CACHING}
        )

    async def healthz(self, request: web.BaseRequest) -> web.Response:
        version = self.holder.current.version
        problem = await self.database() if self.database is not None else None
        body = {
            "ok": problem is None,
            "knowledge": version,
            "database": problem or "ok",
            "pid": os.getpid(),
        }
        return web.Response(
            status=200 if problem is None else 503, body=encode(body), content_type=JSON
        )

    async def finish(self) -> None:
        """At shutdown, once the server has stopped: let started follow-ups and pins finish
        (bounded)."""
        if self.pending:
            await asyncio.wait(set(self.pending), timeout=AFTER_WORK_TIMEOUT)
