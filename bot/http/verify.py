"""Is this request really from Discord? Ed25519 over `timestamp + body`, with PyNaCl.

Discord signs every request to an interactions endpoint with the application's key and sends
the signature and timestamp in `X-Signature-Ed25519` / `X-Signature-Timestamp`. It also sends
wrongly signed requests on purpose and drops endpoints that accept them. A timestamp far from
now is refused too, so a captured request can't be replayed later.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

__all__ = ["MAX_AGE_SECONDS", "SIGNATURE_HEADER", "TIMESTAMP_HEADER", "SignatureCheck"]

SIGNATURE_HEADER: Final = "X-Signature-Ed25519"
TIMESTAMP_HEADER: Final = "X-Signature-Timestamp"
MAX_AGE_SECONDS: Final = 300.0  # either way: a clock a little off must not lock us out
_SIGNATURE_HEX: Final = 128


class SignatureCheck:
    """Verifies requests against one application's public key (64 hex characters)."""

    def __init__(
        self,
        public_key_hex: str,
        *,
        max_age: float = MAX_AGE_SECONDS,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._key = VerifyKey(bytes.fromhex(public_key_hex))
        self._max_age = max_age
        self._clock = clock

    def problem(self, signature: str | None, timestamp: str | None, body: bytes) -> str | None:
        """None when the request is signed by the key and recent; else why not (for the log)."""
        if not signature or not timestamp:
            return "unsigned"
        if len(signature) != _SIGNATURE_HEX:
            return "malformed signature"
        try:
            raw = bytes.fromhex(signature)
            sent_at = int(timestamp)
        except ValueError:
            return "malformed signature or timestamp"
        try:
            self._key.verify(timestamp.encode("ascii") + body, raw)
        except (BadSignatureError, UnicodeEncodeError):
            return "bad signature"
        if abs(self._clock() - sent_at) > self._max_age:
            return "stale timestamp"
        return None
