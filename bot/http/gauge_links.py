"""Gauge pictures linked from the endpoint's own public URL rather than uploaded with each
answer.

Discord takes no file in an interaction's response body, so an uploaded gauge costs a second
request per dose or level answer (a PATCH of the answer with the PNG), as much CPU as the
answer itself. An embed's image may instead be any https URL, which Discord's media proxy
fetches once and keeps. An HTTP-mode application has such a URL already: its Interactions
Endpoint URL, which Discord reports in the application object. The gauge's link is that URL
with a query naming the command and options that drew it (`GET` on the endpoint's path, so
whatever forwards Discord's POSTs forwards it too), so any worker on any machine can draw it
again, signed with a key derived from the bot token so that only links dk2 gave out are drawn.
Without an endpoint URL (none reported, or Discord not reachable at start), gauges are
uploaded as before.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Mapping
from typing import Final

__all__ = ["GaugeLinks", "endpoint_url"]

GAUGE_PARAM: Final = "gauge"
SIGNATURE_PARAM: Final = "sig"
MAX_LINK_CHARS: Final = 2000  # Discord takes URLs of up to 2,048 characters
_SIGNATURE_BYTES: Final = 16
_KEY_CONTEXT: Final = b"dk2 gauge links\x00"


def endpoint_url(application: object) -> str | None:
    """The Interactions Endpoint URL in an application object, when it is an http(s) URL."""
    url = application.get("interactions_endpoint_url") if isinstance(application, dict) else None
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    if any(c.isspace() for c in url) or "#" in url:
        return None
    return url


class GaugeLinks:
    """Links to gauges at `base` (the endpoint's public URL), signed with `token`'s key."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base
        self._key = hashlib.sha256(_KEY_CONTEXT + token.encode("utf-8")).digest()
        self._joiner = "&" if "?" in base else "?"

    def link(self, command: str, options: Mapping[str, str]) -> str | None:
        """The gauge's URL for `command` with `options`; None when it would be too long."""
        payload = json.dumps([command, sorted(options.items())], separators=(",", ":"))
        encoded = _b64(payload.encode("utf-8"))
        url = (
            f"{self.base}{self._joiner}{GAUGE_PARAM}={encoded}"
            f"&{SIGNATURE_PARAM}={_b64(self._sign(encoded))}"
        )
        return url if len(url) <= MAX_LINK_CHARS else None

    def read(self, query: Mapping[str, str]) -> tuple[str, dict[str, str]] | None:
        """The command and options a link names, when its signature is dk2's; else None."""
        encoded, signature = query.get(GAUGE_PARAM), query.get(SIGNATURE_PARAM)
        if not encoded or not signature or len(encoded) > MAX_LINK_CHARS:
            return None
        if not encoded.isascii():
            return None
        # Compared as text: decoding would let the unused bits of the last character vary.
        if not signature.isascii() or not hmac.compare_digest(signature, _b64(self._sign(encoded))):
            return None
        try:
            command, pairs = json.loads(_unb64(encoded))
        except (ValueError, TypeError, UnicodeDecodeError):
            return None
        if not isinstance(command, str) or not isinstance(pairs, list):
            return None
        options: dict[str, str] = {}
        for pair in pairs:
            if not (
                isinstance(pair, list) and len(pair) == 2 and all(isinstance(p, str) for p in pair)
            ):
                return None
            options[pair[0]] = pair[1]
        return command, options

    def _sign(self, encoded: str) -> bytes:
        digest = hmac.new(self._key, encoded.encode("ascii"), hashlib.sha256).digest()
        return digest[:_SIGNATURE_BYTES]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    if not text.isascii():
        raise ValueError("not base64")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
