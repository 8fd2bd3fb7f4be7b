"""What the bot asked for: every REST request, and every body Discord's spec would reject."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from .uploads import Upload


@dataclass
class RecordedRequest:
    """One REST request as the fake saw it (path is relative to ``/api/v10``)."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    json: Any
    status: int = 0
    files: list[str] = field(default_factory=list)  # uploaded file names
    uploads: list[Upload] = field(default_factory=list)
    multipart: bool = False

    @property
    def audit_log_reason(self) -> str | None:
        """The decoded ``X-Audit-Log-Reason`` header, if sent."""
        from urllib.parse import unquote

        value = self.headers.get("X-Audit-Log-Reason")
        return unquote(value) if value is not None else None


@dataclass(frozen=True)
class SpecViolation:
    """A request body that breaks Discord's OpenAPI schema or its command naming rule."""

    method: str
    path: str
    operation_id: str
    errors: tuple[str, ...]
    body: Any


class RequestLog(list[RecordedRequest]):
    """The recorded requests, oldest first, with a filter for assertions."""

    def matching(self, method: str, path_regex: str) -> list[RecordedRequest]:
        """Requests with this method whose path fully matches ``path_regex``."""
        pattern = re.compile(path_regex)
        return [r for r in self if r.method == method.upper() and pattern.fullmatch(r.path)]
