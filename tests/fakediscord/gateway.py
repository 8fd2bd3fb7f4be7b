"""The gateway half of the fake: one websocket session the way Discord runs it (API v10).

Frames are sent as TEXT frames of plain JSON even though discord.py asks for
``compress=zlib-stream``: discord.py only inflates BINARY frames, so this is both valid and
easier to debug. Dispatches carry increasing sequence numbers and are kept per session so a
RESUME can replay what the bot missed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from .permissions import PRIVILEGED_INTENTS
from .state import World

OP_DISPATCH = 0
OP_HEARTBEAT = 1
OP_IDENTIFY = 2
OP_PRESENCE_UPDATE = 3
OP_VOICE_STATE_UPDATE = 4
OP_RESUME = 6
OP_RECONNECT = 7
OP_REQUEST_GUILD_MEMBERS = 8
OP_INVALID_SESSION = 9
OP_HELLO = 10
OP_HEARTBEAT_ACK = 11

# Close codes Discord uses that a test may want to provoke or see.
CLOSE_UNKNOWN_ERROR = 4000
CLOSE_UNKNOWN_OPCODE = 4001
CLOSE_DECODE_ERROR = 4002
CLOSE_NOT_AUTHENTICATED = 4003
CLOSE_AUTHENTICATION_FAILED = 4004
CLOSE_ALREADY_AUTHENTICATED = 4005
CLOSE_INVALID_API_VERSION = 4012
CLOSE_INVALID_INTENTS = 4013
CLOSE_DISALLOWED_INTENTS = 4014

DEFAULT_HEARTBEAT_INTERVAL_MS = 41_250

_OPS_ALLOWED_BEFORE_IDENTIFY = {OP_HEARTBEAT, OP_IDENTIFY, OP_RESUME}


@dataclass
class Session:
    """A gateway session: what RESUME needs to pick up where the bot left off."""

    session_id: str
    seq: int = 0
    events: list[dict[str, Any]] = field(default_factory=list)

    def next_frame(self, event: str, data: dict[str, Any]) -> dict[str, Any]:
        """A dispatch frame with the next sequence number, kept for replay."""
        self.seq += 1
        frame = {"op": OP_DISPATCH, "t": event, "s": self.seq, "d": data}
        self.events.append(frame)
        return frame


class Gateway:
    """Serves the websocket and gives tests control over the live connection."""

    def __init__(
        self,
        world: World,
        *,
        resume_url: Callable[[], str],
        heartbeat_interval_ms: int = DEFAULT_HEARTBEAT_INTERVAL_MS,
    ) -> None:
        self.world = world
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self._resume_url = resume_url
        self.session: Session | None = None
        self.identify_payloads: list[dict[str, Any]] = []
        self.resume_payloads: list[dict[str, Any]] = []
        self.connection_paths: list[str] = []
        self.received: list[dict[str, Any]] = []
        self.heartbeats = 0
        self.ready_count = 0
        self.resumed_count = 0
        self._ws: web.WebSocketResponse | None = None
        # The socket live dispatches go to: set once IDENTIFY (READY, GUILD_CREATEs) or
        # RESUME (the replay) is done, so no dispatch is sent twice or ahead of READY.
        self._live: web.WebSocketResponse | None = None
        self._open: set[web.WebSocketResponse] = set()
        self._transports: dict[web.WebSocketResponse, asyncio.BaseTransport] = {}

    # -- what tests read ---------------------------------------------------------------------

    @property
    def connected(self) -> bool:
        """Whether a bot is connected right now."""
        return self._ws is not None and not self._ws.closed

    @property
    def intents(self) -> int | None:
        """The intents of the latest IDENTIFY (None before any)."""
        if not self.identify_payloads:
            return None
        value = self.identify_payloads[-1].get("intents")
        return int(value) if value is not None else None

    async def wait_for_identify(self, count: int = 1, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the ``count``-th IDENTIFY and return its ``d``."""
        await _wait_until(lambda: len(self.identify_payloads) >= count, timeout)
        return self.identify_payloads[count - 1]

    async def wait_until_ready(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until READY and every GUILD_CREATE of the ``count``-th session went out."""
        await _wait_until(lambda: self.ready_count >= count, timeout)

    async def wait_for_resume(self, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until the ``count``-th RESUMED went out."""
        await _wait_until(lambda: self.resumed_count >= count, timeout)

    async def wait_for_connections(self, count: int, timeout: float = 10.0) -> None:
        """Wait until ``count`` websocket connections have been opened in total."""
        await _wait_until(lambda: len(self.connection_paths) >= count, timeout)

    # -- what tests do -----------------------------------------------------------------------

    async def dispatch(self, event: str, data: dict[str, Any]) -> int | None:
        """Send a DISPATCH event; kept for RESUME even if nobody is connected. Returns ``s``."""
        if self.session is None:
            return None
        frame = self.session.next_frame(event, data)
        await self._send(frame)
        return int(frame["s"])

    async def send_reconnect(self) -> None:
        """Op 7: ask the bot to reconnect and resume."""
        await self._send({"op": OP_RECONNECT, "d": None})

    async def invalidate_session(self, *, resumable: bool = False) -> None:
        """Op 9. With ``resumable=False`` the session is forgotten and the bot must IDENTIFY.

        discord.py then waits 5 s in ``Client.before_identify_hook`` before identifying again;
        tests that exercise this should override that hook on their client.
        """
        if not resumable:
            self.session = None
        await self._send({"op": OP_INVALID_SESSION, "d": resumable})

    async def drop_connection(
        self, *, code: int = CLOSE_UNKNOWN_ERROR, abrupt: bool = False
    ) -> None:
        """Close the live socket: with a close code (4000 is resumable) or, if ``abrupt``,
        by cutting the TCP connection without a close frame."""
        ws = self._ws
        if ws is None:
            return
        if abrupt:
            transport = self._transports.get(ws)
            if transport is not None:
                transport.abort()
        else:
            await ws.close(code=code, message=b"closed by test")

    async def close_all(self) -> None:
        """Close every open socket (the server is going away)."""
        for ws in list(self._open):
            await ws.close(code=aiohttp.WSCloseCode.GOING_AWAY)

    # -- the connection ----------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """One websocket connection, from HELLO until either side closes."""
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._open.add(ws)
        if request.transport is not None:
            self._transports[ws] = request.transport
        self.connection_paths.append(request.path)
        self._ws = ws
        try:
            if (
                request.query.get("v", "10") != "10"
                or request.query.get("encoding", "json") != "json"
            ):
                await ws.close(code=CLOSE_INVALID_API_VERSION, message=b"Invalid API version")
                return ws
            await ws.send_str(
                json.dumps(
                    {"op": OP_HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms}}
                )
            )
            await self._serve(ws)
        finally:
            self._open.discard(ws)
            self._transports.pop(ws, None)
            if self._ws is ws:
                self._ws = None
            if self._live is ws:
                self._live = None
        return ws

    async def _serve(self, ws: web.WebSocketResponse) -> None:
        authenticated = False
        async for msg in ws:
            if msg.type is not aiohttp.WSMsgType.TEXT:
                await ws.close(code=CLOSE_DECODE_ERROR, message=b"Decode error")
                return
            try:
                frame = json.loads(msg.data)
                op = frame["op"]
            except (ValueError, KeyError, TypeError):
                await ws.close(code=CLOSE_DECODE_ERROR, message=b"Decode error")
                return
            self.received.append(frame)
            if not authenticated and op not in _OPS_ALLOWED_BEFORE_IDENTIFY:
                await ws.close(code=CLOSE_NOT_AUTHENTICATED, message=b"Not authenticated")
                return
            if op == OP_HEARTBEAT:
                self.heartbeats += 1
                await ws.send_str(json.dumps({"op": OP_HEARTBEAT_ACK}))
            elif op in (OP_IDENTIFY, OP_RESUME):
                if authenticated:
                    await ws.close(
                        code=CLOSE_ALREADY_AUTHENTICATED, message=b"Already authenticated"
                    )
                    return
                handler = self._identify if op == OP_IDENTIFY else self._resume
                authenticated = await handler(ws, frame.get("d") or {})
                if ws.closed:
                    return
            elif op in (OP_PRESENCE_UPDATE, OP_VOICE_STATE_UPDATE, OP_REQUEST_GUILD_MEMBERS):
                continue  # recorded above; nothing in the fake depends on them
            else:
                await ws.close(code=CLOSE_UNKNOWN_OPCODE, message=b"Unknown opcode")
                return

    async def _identify(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> bool:
        self.identify_payloads.append(data)
        if data.get("token") != self.world.application.token:
            await ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed")
            return False
        intents = data.get("intents")
        if not isinstance(intents, int) or intents < 0:
            await ws.close(code=CLOSE_INVALID_INTENTS, message=b"Invalid intent(s)")
            return False
        if intents & PRIVILEGED_INTENTS & ~self.world.application.granted_intents:
            await ws.close(code=CLOSE_DISALLOWED_INTENTS, message=b"Disallowed intent(s)")
            return False
        self.session = Session(session_id=secrets.token_hex(16))
        ready = {
            "v": 10,
            "user": {
                **self.world.bot.to_payload(),
                "verified": True,
                "mfa_enabled": False,
                "flags": 0,
            },
            "guilds": [{"id": str(gid), "unavailable": True} for gid in self.world.guilds],
            "session_id": self.session.session_id,
            "resume_gateway_url": self._resume_url(),
            "session_type": "normal",
            "application": {
                "id": str(self.world.application.id),
                "flags": self.world.application.flags,
            },
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "_trace": ["fakediscord"],
        }
        session = self.session
        frames = [session.next_frame("READY", ready)]
        frames += [
            session.next_frame("GUILD_CREATE", guild.to_payload())
            for guild in self.world.guilds.values()
        ]
        for frame in frames:
            await ws.send_str(json.dumps(frame))
        self.ready_count += 1
        await self._catch_up(ws, session, frames[-1]["s"])
        return True

    async def _catch_up(self, ws: web.WebSocketResponse, session: Session, sent: int) -> None:
        """Send what was dispatched into `session` after seq `sent`, then go live: frames
        dispatched meanwhile are sent here, in order, exactly once."""
        while pending := [frame for frame in session.events if frame["s"] > sent]:
            for frame in pending:
                await ws.send_str(json.dumps(frame))
                sent = frame["s"]
        self._live = ws

    async def _resume(self, ws: web.WebSocketResponse, data: dict[str, Any]) -> bool:
        self.resume_payloads.append(data)
        if data.get("token") != self.world.application.token:
            await ws.close(code=CLOSE_AUTHENTICATION_FAILED, message=b"Authentication failed")
            return False
        session = self.session
        if session is None or data.get("session_id") != session.session_id:
            await ws.send_str(json.dumps({"op": OP_INVALID_SESSION, "d": False}))
            return False
        last_seen = int(data.get("seq") or 0)
        await self._catch_up(ws, session, last_seen)
        # Live from here on: RESUMED goes out like any dispatch, after everything replayed.
        await self._send(session.next_frame("RESUMED", {"_trace": ["fakediscord"]}))
        self.resumed_count += 1
        return True

    async def _send(self, frame: dict[str, Any]) -> None:
        ws = self._live
        if ws is None or ws.closed:
            return
        # The bot may go away mid-send; a dispatch stays in the session for RESUME.
        with contextlib.suppress(ConnectionError):
            await ws.send_str(json.dumps(frame))


async def _wait_until(predicate: Callable[[], bool], timeout: float) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)
