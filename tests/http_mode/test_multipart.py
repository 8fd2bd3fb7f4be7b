"""The multipart bodies dk2 sends files in, read back by aiohttp's own multipart reader (the
one the local Discord reads them with): the JSON and every file's bytes come back exactly,
whatever the bytes hold."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from unittest import mock

import aiohttp
from aiohttp.test_utils import make_mocked_request
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.http.rest import RestFile, multipart

Part = tuple[str | None, str | None, str | None, bytes]


def read_back(body: bytes, content_type: str) -> list[Part]:
    async def read() -> list[Part]:
        stream = aiohttp.StreamReader(mock.Mock(_reading_paused=False), 2**16)
        stream.feed_data(body)
        stream.feed_eof()
        headers = {"Content-Type": content_type}
        request = make_mocked_request("PATCH", "/", headers=headers, payload=stream)
        parts: list[Part] = []
        async for part in await request.multipart():
            assert isinstance(part, aiohttp.BodyPartReader)
            kind = part.headers.get("Content-Type")
            parts.append((part.name, part.filename, kind, bytes(await part.read())))
        return parts

    return asyncio.run(read())


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=10,
)
# Bytes that look like multipart framing, to try to break out of a part.
tricky = st.lists(
    st.sampled_from([b"--", b"\r\n", b"\r\n--", b"Content-Type: x\r\n\r\n", b"\x89PNG", b"a"])
    | st.binary(max_size=16),
    max_size=12,
).map(b"".join)


@settings(max_examples=150, deadline=None)
@given(
    data=st.dictionaries(st.text(), json_values, max_size=4),
    contents=st.lists(tricky | st.binary(max_size=200), max_size=3),
)
def test_the_json_and_every_file_come_back_exactly(
    data: dict[str, Any], contents: list[bytes]
) -> None:
    files = [RestFile(f"file{n}.png", content) for n, content in enumerate(contents)]
    joined = multipart(data, files)
    parts = read_back(joined.body, joined.content_type)
    name, filename, kind, payload = parts[0]
    assert (name, filename, kind) == ("payload_json", None, "application/json")
    assert json.loads(payload) == data
    assert parts[1:] == [
        (f"files[{n}]", f"file{n}.png", "image/png", content) for n, content in enumerate(contents)
    ]


@given(st.text())
def test_a_file_name_never_breaks_its_header(filename: str) -> None:
    joined = multipart({}, [RestFile(filename, b"x")])
    ((_, _, _, _), (name, shown, _, content)) = read_back(joined.body, joined.content_type)
    assert name == "files[0]" and content == b"x"
    assert shown is not None and len(shown) == len(filename)
    assert all(c.isascii() and (c.isalnum() or c in "._-") for c in shown)
