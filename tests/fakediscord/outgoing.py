"""Discord's side of HTTP interactions: posting a signed interaction to a bot's endpoint.

Discord signs `timestamp + body` with the application's Ed25519 key, waits 3 seconds for the
response, and takes the response body (JSON only) as the interaction's callback.
`post_interaction` does the same against an endpoint on 127.0.0.1: it registers the interaction
with the fake (so the bot's follow-ups and edits find it), signs and posts, checks the response
body against the official spec's callback schema, and applies an accepted body like a gateway
bot's callback.
"""

from __future__ import annotations

import asyncio
import json
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from nacl.signing import SigningKey

from .interactions import (
    CALLBACK_DEADLINE_S,
    InteractionCallback,
    InteractionHandle,
    InteractionRecord,
)
from .rest import _callback_type_problem
from .server import FakeDiscord
from .spec import DiscordSpec

CALLBACK_PATH = "/interactions/{id}/{token}/callback"


@dataclass(frozen=True)
class Delivery:
    """What the endpoint answered: HTTP status, decoded body, seconds taken, spec problems."""

    status: int
    body: Any
    elapsed: float
    spec_errors: list[str]
    handle: InteractionHandle | None

    @property
    def type(self) -> int | None:
        return self.body.get("type") if isinstance(self.body, dict) else None

    @property
    def data(self) -> dict[str, Any]:
        data = self.body.get("data") if isinstance(self.body, dict) else None
        return data or {}

    @property
    def embed(self) -> dict[str, Any]:
        return (self.data.get("embeds") or [{}])[0]

    @property
    def private(self) -> bool:
        return bool(int(self.data.get("flags") or 0) & 64)


def sign(key: SigningKey, body: bytes, timestamp: str | None = None) -> dict[str, str]:
    """The two headers Discord adds to every request."""
    timestamp = timestamp or str(int(time.time()))
    signature = key.sign(timestamp.encode() + body).signature.hex()
    return {"X-Signature-Ed25519": signature, "X-Signature-Timestamp": timestamp}


async def post_raw(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    timeout: float = CALLBACK_DEADLINE_S,
    session: aiohttp.ClientSession | None = None,
) -> tuple[int, Any, float]:
    """POST bytes as Discord would; (status, JSON or text body, seconds). Status 0 on timeout."""
    own = session is None
    session = session or aiohttp.ClientSession()
    started = time.monotonic()
    try:
        async with session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", **headers},
            timeout=aiohttp.ClientTimeout(total=timeout),
        ) as response:
            raw = await response.read()  # an endpoint may answer with anything, even binary
            try:
                decoded: Any = json.loads(raw)
            except ValueError:
                decoded = raw.decode("utf-8", "replace")
            return response.status, decoded, time.monotonic() - started
    except TimeoutError:
        return 0, None, time.monotonic() - started
    finally:
        if own:
            await session.close()


async def post_interaction(
    fake: FakeDiscord,
    url: str,
    payload: dict[str, Any],
    key: SigningKey,
    *,
    spec: DiscordSpec | None = None,
    session: aiohttp.ClientSession | None = None,
    validate: bool = True,
) -> Delivery:
    """Post `payload` signed with `key`; register and settle it with the fake like Discord."""
    loop = asyncio.get_running_loop()
    record = InteractionRecord(
        payload=payload, dispatched_at=fake.clock.now(), callback_future=loop.create_future()
    )
    if payload.get("type") != 1:
        fake.rest.register(record)
    body = json.dumps(payload).encode()
    status, decoded, elapsed = await post_raw(url, body, sign(key, body), session=session)
    errors: list[str] = []
    if status == 200 and not isinstance(decoded, dict):
        # Discord reads the response as a JSON interaction response; a multipart one (files)
        # makes the interaction fail (discord-api-docs issue 5933).
        errors.append(f"the response is not a JSON interaction response: {str(decoded)[:80]!r}")
    if status == 200 and isinstance(decoded, dict):
        if validate:
            spec = spec or DiscordSpec.load()
            path = CALLBACK_PATH.format(id=payload.get("id", "0"), token=payload.get("token", "t"))
            errors = spec.validate_request("POST", path, decoded)
        callback_type = int(decoded.get("type") or 0)
        problem = _callback_type_problem(record.type, callback_type) if record.type != 1 else None
        if problem:
            errors.append(problem)
        if not errors and record.type != 1:
            data = decoded.get("data") or {}
            fake.rest._apply_callback(record, callback_type, data, [])  # JSON: no uploads
            record.response_type = callback_type
            record.callback_future.set_result(
                InteractionCallback(callback_type, data, elapsed, 200)
            )
    handle = InteractionHandle(record) if record.type != 1 else None
    return Delivery(status, decoded, elapsed, errors, handle)
