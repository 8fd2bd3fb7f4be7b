"""File uploads: a multipart body's files, checked and stored the way Discord does.

A message with files is sent as ``multipart/form-data``: a ``payload_json`` part (the JSON
body, validated against the spec like any other) and one part per file named ``files[n]``.
Discord then pairs each ``attachments[]`` entry of the body with the upload of the same index
(its ``id``), and an embed may show an upload by naming it ``attachment://<filename>``;
in the stored message that URL becomes the attachment's CDN URL.

Checked here, since the spec can't say it of a multipart body: part names, each attachment
entry naming an upload that exists, each ``attachment://`` URL naming an uploaded file, at
most 10 files, and each file within the interaction's ``attachment_size_limit``.
"""

from __future__ import annotations

import mimetypes
import re
import struct
from dataclasses import dataclass
from typing import Any

MAX_FILES = 10
CDN = "https://cdn.discordapp.com/attachments"
_FILE_FIELD = re.compile(r"^files\[(\d+)\]$")
_ATTACHMENT_URL = "attachment://"
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request."""

    field: str  # the form field, e.g. "files[0]"
    filename: str
    content_type: str
    data: bytes

    @property
    def index(self) -> int | None:
        match = _FILE_FIELD.match(self.field)
        return int(match.group(1)) if match else None


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) read from a PNG's header, or None when `data` is not a PNG."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _content_type(upload: Upload) -> str:
    """The type Discord records: from the bytes and the name, not the part's header (which
    discord.py always sends as application/octet-stream)."""
    if png_size(upload.data) is not None:
        return "image/png"
    guessed, _ = mimetypes.guess_type(upload.filename)
    return guessed or upload.content_type


def _embed_urls(body: Any) -> list[tuple[str, str]]:
    """(where, url) for every URL in the body's embeds that may name an upload."""
    found: list[tuple[str, str]] = []
    embeds = body.get("embeds") if isinstance(body, dict) else None
    for n, embed in enumerate(embeds or []):
        if not isinstance(embed, dict):
            continue
        for key, url_key in (
            ("image", "url"),
            ("thumbnail", "url"),
            ("author", "icon_url"),
            ("footer", "icon_url"),
        ):
            part = embed.get(key)
            if isinstance(part, dict) and isinstance(part.get(url_key), str):
                found.append((f"embeds/{n}/{key}/{url_key}", part[url_key]))
    return found


def message_part(body: Any) -> Any:
    """The message in a request body: an interaction callback wraps it in ``data``."""
    if isinstance(body, dict) and "type" in body and isinstance(body.get("data"), dict):
        return body["data"]
    return body


def upload_problems(body: Any, uploads: list[Upload], size_limit: int) -> list[str]:
    """Every way this upload breaks Discord's rules for files (empty when fine)."""
    body = message_part(body)
    problems: list[str] = []
    if len(uploads) > MAX_FILES:
        problems.append(f"{len(uploads)} files (at most {MAX_FILES})")
    indexes: dict[int, Upload] = {}
    for upload in uploads:
        index = upload.index
        if index is None:
            problems.append(f"form field {upload.field!r} is neither payload_json nor files[n]")
            continue
        indexes[index] = upload
        if len(upload.data) > size_limit:
            problems.append(
                f"{upload.field} ({upload.filename}) is {len(upload.data)} bytes, "
                f"over the {size_limit}-byte attachment size limit"
            )
    attachments = body.get("attachments") if isinstance(body, dict) else None
    for n, attachment in enumerate(attachments or []):
        if not isinstance(attachment, dict):
            continue
        try:
            index = int(attachment.get("id", ""))
        except (TypeError, ValueError):
            continue
        upload = indexes.get(index)
        if upload is None:
            problems.append(f"attachments/{n} has id {index} but there is no files[{index}]")
        elif attachment.get("filename") not in (None, upload.filename):
            problems.append(
                f"attachments/{n} names {attachment.get('filename')!r}, "
                f"files[{index}] is {upload.filename!r}"
            )
    names = {upload.filename for upload in uploads}
    for where, url in _embed_urls(body):
        if url.startswith(_ATTACHMENT_URL) and url[len(_ATTACHMENT_URL) :] not in names:
            problems.append(f"{where} is {url!r} but no file of that name was uploaded")
    return problems


def stored_attachments(
    body: Any, uploads: list[Upload], channel_id: int, new_id: Any
) -> list[dict[str, Any]]:
    """The attachment objects Discord stores for these uploads (`new_id()` makes ids)."""
    described: dict[int, dict[str, Any]] = {}
    for attachment in (body.get("attachments") if isinstance(body, dict) else None) or []:
        try:
            described[int(attachment.get("id", ""))] = attachment
        except (TypeError, ValueError, AttributeError):
            continue
    out: list[dict[str, Any]] = []
    for upload in uploads:
        attachment_id = str(new_id())
        url = f"{CDN}/{channel_id}/{attachment_id}/{upload.filename}"
        stored: dict[str, Any] = {
            "id": attachment_id,
            "filename": upload.filename,
            "size": len(upload.data),
            "url": url,
            "proxy_url": url.replace("cdn.discordapp.com", "media.discordapp.net"),
            "content_type": _content_type(upload),
        }
        size = png_size(upload.data)
        if size is not None:
            stored["width"], stored["height"] = size
        description = described.get(upload.index if upload.index is not None else -1, {})
        if description.get("description"):
            stored["description"] = description["description"]
        out.append(stored)
    return out


def resolve_embeds(
    embeds: list[dict[str, Any]], attachments: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    """The embeds as Discord stores them: ``attachment://name`` replaced by the CDN URL."""
    by_name = {attachment["filename"]: attachment for attachment in attachments}
    resolved: list[dict[str, Any]] = []
    for embed in embeds:
        embed = dict(embed)
        for key in ("image", "thumbnail"):
            part = embed.get(key)
            url = part.get("url") if isinstance(part, dict) else None
            if isinstance(url, str) and url.startswith(_ATTACHMENT_URL):
                attachment = by_name.get(url[len(_ATTACHMENT_URL) :])
                if attachment is not None:
                    embed[key] = {
                        "url": attachment["url"],
                        "proxy_url": attachment["proxy_url"],
                        **{k: attachment[k] for k in ("width", "height") if k in attachment},
                    }
        resolved.append(embed)
    return resolved
