"""multipart/form-data bodies the way Discord takes uploads: the message's JSON as
`payload_json`, then file n as `files[n]`.

Joined by hand, once per answer: aiohttp's FormData (what discord.py builds for every upload)
took a fifth of a millisecond more CPU per request, and the same answer's picture goes to
every member who asks, so the whole body is kept and sent again as it is. Both transports
use it: the HTTP endpoint's picture edit and the gateway bot's first answer with a picture.
"""

from __future__ import annotations

import mimetypes
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["FilePart", "Multipart", "join_multipart"]

# What a file name in a multipart header may hold; anything else becomes "_".
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True, slots=True)
class FilePart:
    """A file sent with a message: the body's `attachments[n]` entry names it by `filename`."""

    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Multipart:
    """A multipart/form-data body, joined once and sendable any number of times."""

    body: bytes
    content_type: str


def join_multipart(payload_json: bytes, files: Sequence[FilePart]) -> Multipart:
    """The body and Content-Type: `payload_json` (UTF-8 JSON), then file n as `files[n]`,
    between a random boundary found in none of the parts."""
    boundary = secrets.token_hex(16).encode("ascii")
    while any(boundary in content for content in (payload_json, *(f.data for f in files))):
        boundary = secrets.token_hex(16).encode("ascii")  # as likely as guessing it
    parts = [_part(boundary, b'name="payload_json"', "application/json", payload_json)]
    for index, file in enumerate(files):
        name = _SAFE_NAME.sub("_", file.filename)
        kind = mimetypes.guess_type(name)[0] or "application/octet-stream"
        disposition = f'name="files[{index}]"; filename="{name}"'.encode("ascii")
        parts.append(_part(boundary, disposition, kind, file.data))
    body = b"".join(parts) + b"--" + boundary + b"--\r\n"
    return Multipart(body, f"multipart/form-data; boundary={boundary.decode('ascii')}")


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
