"""Scripted failures: rate limits and server errors that tests ask for in advance."""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web


def json_response(
    payload: Any, *, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    """A JSON response whose Content-Type is exactly ``application/json``.

    aiohttp's ``json_response`` appends ``; charset=utf-8``, and discord.py only parses bodies
    whose Content-Type equals ``application/json``, so the header is set by hand.
    """
    all_headers = {"Content-Type": "application/json"}
    all_headers.update(headers or {})
    return web.Response(status=status, body=json.dumps(payload).encode(), headers=all_headers)


def error_response(status: int, code: int, message: str, **extra: Any) -> web.Response:
    """Discord's error body: ``{"code": ..., "message": ...}`` plus any details."""
    return json_response({"code": code, "message": message, **extra}, status=status)


@dataclass
class Fault:
    """Answer the next ``times`` matching requests with this failure instead of serving them."""

    method: str
    path: re.Pattern[str]
    status: int
    times: int
    body: Any = None
    retry_after: float = 0.0
    is_global: bool = False
    headers: dict[str, str] = field(default_factory=dict)

    def matches(self, method: str, path: str) -> bool:
        """Whether a request is one this fault applies to."""
        return self.times > 0 and self.method in ("*", method) and bool(self.path.fullmatch(path))

    def response(self) -> web.Response:
        """The failure as Discord would send it."""
        if self.status == 429:
            return self._rate_limited()
        body = (
            self.body
            if self.body is not None
            else {"message": "500: Internal Server Error", "code": 0}
        )
        return json_response(body, status=self.status, headers=self.headers)

    def _rate_limited(self) -> web.Response:
        reset_at = time.time() + self.retry_after
        headers = {
            # Via is what tells discord.py this came from Discord, not a Cloudflare ban.
            "Via": "1.1 google",
            "Retry-After": str(max(1, math.ceil(self.retry_after))),
            "X-RateLimit-Limit": "5",
            "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{reset_at:.3f}",
            "X-RateLimit-Reset-After": f"{self.retry_after:.3f}",
            "X-RateLimit-Bucket": "fakebucket",
            "X-RateLimit-Scope": "shared" if not self.is_global else "global",
            **self.headers,
        }
        if self.is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {
            "message": "You are being rate limited.",
            "retry_after": self.retry_after,
            "global": self.is_global,
        }
        return json_response(body, status=429, headers=headers)


class FaultPlan:
    """The pending faults, consumed first-come first-served."""

    def __init__(self) -> None:
        self._faults: list[Fault] = []

    def add(self, fault: Fault) -> Fault:
        """Queue a fault."""
        self._faults.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The fault for this request, if any, using up one of its ``times``."""
        for fault in self._faults:
            if fault.matches(method, path):
                fault.times -= 1
                return fault
        return None

    def clear(self) -> None:
        """Forget every pending fault."""
        self._faults.clear()
