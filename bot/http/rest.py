"""The few Discord REST calls the endpoint makes after answering: follow-ups, edits of the
first answer (with files, such as the gauge picture), pins. Bounded: a rate limit is waited out only while the deadline allows, and
a server error is retried a couple of times, never forever.

Follow-ups and edits are authorised by the interaction token in the URL; pins need the bot
token. The token never appears in a log line.
"""

from __future__ import annotations

import asyncio
import logging
import mimetypes
import re
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import aiohttp

from bot.http.responses import encode

__all__ = ["DiscordRest", "RestFile", "RestResult"]

log = logging.getLogger(__name__)

# What a file name in a multipart header may hold; anything else becomes "_".
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")

USER_AGENT: Final = "DiscordBot (dk2, 0.1.0)"
DEFAULT_DEADLINE: Final = 30.0
SERVER_ERROR_RETRIES: Final = 2
UNKNOWN_WEBHOOK: Final = 10015
# A follow-up can reach Discord before it has taken in our response to the same interaction.
UNACKNOWLEDGED_RETRIES: Final = 5
UNACKNOWLEDGED_WAIT: Final = 0.1


@dataclass(frozen=True, slots=True)
class RestResult:
    """What Discord answered: status, its error code (if any) and the decoded body."""

    status: int
    code: int | None = None
    body: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


@dataclass(frozen=True, slots=True)
class RestFile:
    """A file sent with a message: the body's `attachments[n]` entry names it by `filename`."""

    filename: str
    data: bytes


class DiscordRest:
    """Calls to `api_base` over one aiohttp session, with the bot token for channel routes."""

    def __init__(self, session: aiohttp.ClientSession, api_base: str, token: str | None) -> None:
        self._session = session
        self._base = api_base.rstrip("/")
        self._auth = {"Authorization": f"Bot {token}"} if token else {}

    async def followup(
        self,
        application_id: str,
        token: str,
        data: dict[str, Any],
        files: Sequence[RestFile] = (),
    ) -> RestResult:
        path = f"/webhooks/{application_id}/{token}"
        return await self.request("POST", path, data, webhook=True, files=files)

    async def edit_original(
        self,
        application_id: str,
        token: str,
        data: dict[str, Any],
        files: Sequence[RestFile] = (),
    ) -> RestResult:
        path = f"/webhooks/{application_id}/{token}/messages/@original"
        return await self.request("PATCH", path, data, webhook=True, files=files)

    async def pin(
        self, channel_id: int, message_id: int, *, unpin: bool, reason: str
    ) -> RestResult:
        method = "DELETE" if unpin else "PUT"
        path = f"/channels/{channel_id}/messages/pins/{message_id}"
        return await self.request(method, path, None, reason=reason)

    async def pins(
        self, channel_id: int, *, limit: int = 50, before: str | None = None
    ) -> RestResult:
        query = f"?limit={limit}" + (f"&before={before}" if before else "")
        return await self.request("GET", f"/channels/{channel_id}/messages/pins{query}", None)

    async def request(
        self,
        method: str,
        path: str,
        data: dict[str, Any] | None,
        *,
        webhook: bool = False,
        reason: str | None = None,
        deadline: float = DEFAULT_DEADLINE,
        files: Sequence[RestFile] = (),
    ) -> RestResult:
        """One call, retried on 429 (while `deadline` seconds allow), on 5xx (twice) and, for
        webhooks, on Discord not knowing the interaction yet. Network errors come back as
        status 0. With `files`, the body goes as Discord takes uploads: multipart/form-data,
        the JSON in `payload_json` and file n in `files[n]`."""
        headers = {"User-Agent": USER_AGENT}
        if not webhook:
            headers.update(self._auth)
        if reason:
            headers["X-Audit-Log-Reason"] = reason
        body = None
        if files:
            body, headers["Content-Type"] = _multipart(data, files)
        elif data is not None:
            headers["Content-Type"] = "application/json"
            body = encode(data)
        give_up = time.monotonic() + deadline
        server_errors = unacknowledged = 0
        # Log the route without the interaction token.
        shown = path.split("/webhooks/")[0] + ("/webhooks/{app}/{token}…" if webhook else path)
        while True:
            try:
                result = await self._once(method, self._base + path, headers, body)
            except (aiohttp.ClientError, TimeoutError) as exc:
                log.warning("%s %s failed: %s", method, shown, type(exc).__name__)
                return RestResult(0)
            wait: float | None = None
            if result.status == 429:
                retry_after = (
                    result.body.get("retry_after") if isinstance(result.body, dict) else None
                )
                wait = float(retry_after) if isinstance(retry_after, int | float) else 1.0
            elif result.status >= 500 and server_errors < SERVER_ERROR_RETRIES:
                server_errors += 1
                wait = 0.5 * server_errors
            elif (
                webhook
                and result.code == UNKNOWN_WEBHOOK
                and unacknowledged < UNACKNOWLEDGED_RETRIES
            ):
                unacknowledged += 1
                wait = UNACKNOWLEDGED_WAIT
            if wait is None or time.monotonic() + wait > give_up:
                if not result.ok:
                    log.info("%s %s: HTTP %s code %s", method, shown, result.status, result.code)
                return result
            await asyncio.sleep(wait)

    async def _once(
        self, method: str, url: str, headers: dict[str, str], body: bytes | None
    ) -> RestResult:
        async with self._session.request(method, url, headers=headers, data=body) as response:
            payload: Any = None
            if response.content_type == "application/json":
                payload = await response.json()
            code = payload.get("code") if isinstance(payload, dict) else None
            return RestResult(response.status, code if isinstance(code, int) else None, payload)


def _multipart(data: dict[str, Any] | None, files: Sequence[RestFile]) -> tuple[bytes, str]:
    """The body and Content-Type of a multipart/form-data request: `payload_json`, then file
    n as `files[n]`. Joined by hand: aiohttp's FormData took a fifth of a millisecond more
    CPU per request, on every dose and level answer's picture."""
    payload = encode(data or {})
    boundary = secrets.token_hex(16).encode("ascii")
    while any(boundary in content for content in (payload, *(f.data for f in files))):
        boundary = secrets.token_hex(16).encode("ascii")  # as likely as guessing it
    parts = [_part(boundary, b'name="payload_json"', "application/json", payload)]
    for index, file in enumerate(files):
        name = _SAFE_NAME.sub("_", file.filename)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        disposition = f'name="files[{index}]"; filename="{name}"'.encode("ascii")
        parts.append(_part(boundary, disposition, kind, file.data))
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return body, f"multipart/form-data; boundary={boundary.decode('ascii')}"


def _part(boundary: bytes, disposition: bytes, kind: str, content: bytes) -> bytes:
    return b"".join(
        (
            b"--" + boundary + b"\r\n",
            b"Content-Disposition: form-data; " + disposition + b"\r\n",
            f"Content-Type: {kind}\r\n\r\n".encode("ascii"),
            content,
            b"\r\n",
        )
    )
