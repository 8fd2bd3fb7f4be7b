"""`read_interaction`'s shortcut for the usual body decides every body exactly as the long way
(`parse_interaction(decode_body(body))`) does: real interactions from the local Discord, then
the same with one field replaced by any JSON value, a key given twice, or a byte broken."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.http.incoming import Incoming, Malformed, decode_body, parse_interaction, read_interaction
from tests.fakediscord import FakeDiscord

FAKE = FakeDiscord()
_MESSAGE = FAKE.world.add_message(FAKE.channel.id, content="Does K2 need Ä?", author=FAKE.user)
REAL: list[dict[str, Any]] = [
    FAKE.slash_subcommand("dk2", "dose", {"amount": "4000 IU", "k2": "100"}),
    FAKE.slash_subcommand("dk2", "level", {"value": "30 ng/mL", "private": True}),
    FAKE.slash_subcommand("dk2", "explain", {"term": "mgp"}),
    FAKE.slash_command("dk2-admin", {}),
    FAKE.autocomplete("explain", {"term": "vit"}, "term", group="dk2"),
    FAKE.message_command(_MESSAGE, "Answer with dk2"),
    FAKE.select_pick(_MESSAGE, "dk2:answer:1", ["mgp"]),
    FAKE.user_install_subcommand("dk2", "dose", {"amount": "1000 IU"}, where="server"),
    {"type": 1, "id": "1", "token": "t", "application_id": "2"},
]

ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(st.characters(codec=None), max_size=6)
    | st.sampled_from(["1", "12345678901234567890123", "٣", "2", "dk2", ""]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            # "0" and "1": the keys of authorizing_integration_owners (server, user install)
            st.sampled_from(
                ["type", "name", "id", "value", "options", "user", "focused", "0", "1"]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=8,
)


def _paths(value: object, prefix: tuple[object, ...] = ()) -> list[tuple[object, ...]]:
    found = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _paths(inner, (*prefix, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _paths(inner, (*prefix, index))
    return found


def _replaced(payload: object, path: tuple[object, ...], new: object) -> object:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(payload, dict):
        return {k: (_replaced(v, rest, new) if k == head else v) for k, v in payload.items()}
    assert isinstance(payload, list)
    return [_replaced(v, rest, new) if i == head else v for i, v in enumerate(payload)]


def _outcome(read: Any, body: bytes) -> str:
    try:
        result = read(body)
    except (ValueError, UnicodeDecodeError) as exc:
        return f"refused: {type(exc).__name__}"
    assert isinstance(result, Incoming | Malformed)
    return repr(result)  # NaN != NaN: compare what was read, not equality


def _long_way(body: bytes) -> Incoming | Malformed:
    return parse_interaction(decode_body(body))


def _same(body: bytes) -> None:
    assert _outcome(read_interaction, body) == _outcome(_long_way, body)


def test_real_interactions_read_the_same_and_are_interactions() -> None:
    for payload in REAL:
        body = json.dumps(payload).encode()
        _same(body)
        assert isinstance(read_interaction(body), Incoming)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), which=st.integers(0, len(REAL) - 1), ascii_only=st.booleans())
def test_a_field_replaced_by_any_json_reads_the_same(
    data: st.DataObject, which: int, ascii_only: bool
) -> None:
    payload = REAL[which]
    path = data.draw(st.sampled_from(_paths(payload)))
    changed = _replaced(payload, path, data.draw(ANY_JSON))
    _same(json.dumps(changed, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), which=st.integers(0, len(REAL) - 1))
def test_a_key_given_twice_reads_the_same(data: st.DataObject, which: int) -> None:
    body = json.dumps(REAL[which])
    # A key repeated at the start of an object: json.loads keeps the last one.
    starts = [i for i, c in enumerate(body) if c == "{"]
    at = data.draw(st.sampled_from(starts))
    key = data.draw(
        st.sampled_from(["type", "id", "name", "options", "data", "member", "token", "0"])
    )
    extra = f'"{key}": {json.dumps(data.draw(ANY_JSON))}, '
    _same((body[: at + 1] + extra + body[at + 1 :]).encode("utf-8", "surrogatepass"))


@settings(max_examples=200, deadline=None)
@given(data=st.data(), which=st.integers(0, len(REAL) - 1), byte=st.integers(0, 255))
def test_a_broken_byte_reads_the_same(data: st.DataObject, which: int, byte: int) -> None:
    body = bytearray(json.dumps(REAL[which], ensure_ascii=False).encode())
    body[data.draw(st.integers(0, len(body) - 1))] = byte
    _same(bytes(body))


def test_a_bad_utf8_byte_where_the_shortcut_doesnt_look_is_still_refused() -> None:
    body = json.dumps(REAL[0]).replace('"en-US"', '"en-\\u00ff"', 1).encode()
    body = body.replace(b"en-\\u00ff", b"en-\xff", 1)
    assert _outcome(read_interaction, body) == "refused: UnicodeDecodeError"
