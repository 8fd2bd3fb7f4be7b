"""Dispatched interactions: their deadlines, the bot's callback, and the messages they made."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from .state import Message

CALLBACK_DEADLINE_S = 3.0
TOKEN_LIFETIME_S = 15 * 60.0


@dataclass(frozen=True)
class InteractionCallback:
    """The bot's first callback for an interaction, accepted or not.

    ``elapsed`` is seconds from dispatch to the callback on the fake's clock; ``status`` is
    what the fake answered (204/200 when accepted, 404 with ``error_code`` 10062 when late).
    """

    type: int
    data: dict[str, Any] | None
    elapsed: float
    status: int
    error_code: int | None = None

    @property
    def accepted(self) -> bool:
        """Whether Discord would have taken this response."""
        return self.status < 300


@dataclass
class InteractionRecord:
    """Everything the fake knows about one dispatched interaction."""

    payload: dict[str, Any]
    dispatched_at: float
    callback_future: asyncio.Future[InteractionCallback]
    response_type: int | None = None
    original: Message | None = None
    followups: list[Message] = field(default_factory=list)

    @property
    def id(self) -> int:
        """The interaction id."""
        return int(self.payload["id"])

    @property
    def token(self) -> str:
        """The interaction token (also the webhook token for follow-ups)."""
        return str(self.payload["token"])

    @property
    def type(self) -> int:
        """The interaction type (2 command, 3 component, 4 autocomplete, 5 modal); 0 when a
        test sent something that is no type at all."""
        value = self.payload.get("type")
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    @property
    def responded(self) -> bool:
        """Whether a callback was accepted."""
        return self.response_type is not None


class InteractionHandle:
    """What :meth:`FakeDiscord.dispatch_interaction` returns: a view on one interaction."""

    def __init__(self, record: InteractionRecord) -> None:
        self._record = record

    @property
    def id(self) -> int:
        """The interaction id."""
        return self._record.id

    @property
    def token(self) -> str:
        """The interaction token."""
        return self._record.token

    async def response(self, timeout: float = 5.0) -> InteractionCallback:
        """Wait for the bot's first callback (raises ``TimeoutError`` if none comes)."""
        return await asyncio.wait_for(asyncio.shield(self._record.callback_future), timeout)

    @property
    def original(self) -> Message | None:
        """The message the response created or updated (``@original``), if any."""
        return self._record.original

    @property
    def followups(self) -> list[Message]:
        """Follow-up messages, oldest first."""
        return list(self._record.followups)

    async def wait_for_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:
        """Wait until at least ``count`` follow-ups exist."""
        async with asyncio.timeout(timeout):
            while len(self._record.followups) < count:
                await asyncio.sleep(0.01)
        return self.followups

    async def wait_for_original(self, *, loaded: bool = True, timeout: float = 5.0) -> Message:
        """Wait for the original response message (by default, until it is no longer loading)."""
        from .state import MESSAGE_FLAG_LOADING

        async with asyncio.timeout(timeout):
            while True:
                message = self._record.original
                if message is not None and not (loaded and message.flags & MESSAGE_FLAG_LOADING):
                    return message
                await asyncio.sleep(0.01)
