"""The few Discord REST calls the endpoint makes after answering: follow-ups, edits of the
first answer (with files, such as the gauge picture), pins. Bounded: a rate limit is waited out only while the deadline allows, and
a server error is retried a couple of times, never forever.

Follow-ups and edits are authorised by the interaction token in the URL; pins need the bot
token. The token never appears in a log line.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import aiohttp

from bot.discord_layer.multipart import FilePart, Multipart, join_multipart
from bot.http.responses import encode

__all__ = ["DiscordRest", "Multipart", "RestFile", "RestResult", "multipart"]

log = logging.getLogger(__name__)

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


# A file sent with a message (its `attachments[n]` entry names it by `filename`).
RestFile = FilePart


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
        data: dict[str, Any] | Multipart,
        files: Sequence[RestFile] = (),
        *,
        read: bool = True,
    ) -> RestResult:
        """PATCH the first answer with `data` (and `files`), or with a body already joined.
        Without `read`, a successful answer's body (the whole message) is not decoded: its
        result has no body."""
        path = f"/webhooks/{application_id}/{token}/messages/@original"
        return await self.request("PATCH", path, data, webhook=True, files=files, read=read)

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
        data: dict[str, Any] | Multipart | None,
        *,
        webhook: bool = False,
        reason: str | None = None,
        deadline: float = DEFAULT_DEADLINE,
        files: Sequence[RestFile] = (),
        read: bool = True,
    ) -> RestResult:
        """One call, retried on 429 (while `deadline` seconds allow), on 5xx (twice) and, for
        webhooks, on Discord not knowing the interaction yet. Network errors come back as
        status 0. With `files`, the body goes as Discord takes uploads: multipart/form-data,
        the JSON in `payload_json` and file n in `files[n]` (`multipart`); a `Multipart`
        goes as it is. Without `read`, a successful answer's body is not decoded."""
        headers = {"User-Agent": USER_AGENT}
        if not webhook:
            headers.update(self._auth)
        if reason:
            headers["X-Audit-Log-Reason"] = reason
        body = None
        if isinstance(data, Multipart):
            body, headers["Content-Type"] = data.body, data.content_type
        elif files:
            joined = multipart(data, files)
            body, headers["Content-Type"] = joined.body, joined.content_type
        elif data is not None:
            headers["Content-Type"] = "application/json"
            body = encode(data)
        give_up = time.monotonic() + deadline
        server_errors = unacknowledged = 0
        # Log the route without the interaction token.
        shown = path.split("/webhooks/")[0] + "/webhooks/{app}/{token}…" if webhook else path
        while True:
            try:
                result = await self._once(method, self._base + path, headers, body, read)
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
        self, method: str, url: str, headers: dict[str, str], body: bytes | None, read: bool
    ) -> RestResult:
        async with self._session.request(method, url, headers=headers, data=body) as response:
            payload: Any = None
            if not read and 200 <= response.status < 300:
                await response.read()  # read to the end, so the connection is kept for reuse
            elif response.content_type == "application/json":
                payload = await response.json()
            code = payload.get("code") if isinstance(payload, dict) else None
            return RestResult(response.status, code if isinstance(code, int) else None, payload)


def multipart(data: dict[str, Any] | None, files: Sequence[RestFile]) -> Multipart:
    """`data` as `payload_json` and file n as `files[n]` (see `bot.discord_layer.multipart`)."""
    return join_multipart(encode(data or {}), files)
