"""Property tests for what the endpoint reads before anything else: signatures and bodies."""

from __future__ import annotations

import json
import time

from hypothesis import example, given, settings
from hypothesis import strategies as st
from nacl.signing import SigningKey

from bot.http.declared import DeclaredCommands
from bot.http.incoming import Incoming, Malformed, Option, decode_body, parse_interaction
from bot.http.verify import SignatureCheck

KEY = SigningKey.generate()
CHECK = SignatureCheck(KEY.verify_key.encode().hex())

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "type",
                    "id",
                    "token",
                    "application_id",
                    "data",
                    "member",
                    "user",
                    "options",
                    "name",
                    "value",
                    "focused",
                    "custom_id",
                    "roles",
                    "permissions",
                    "guild_id",
                    "message",
                ]
            )
            | st.text(max_size=5),
            children,
            max_size=6,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=100, deadline=None)
@given(payload=JSON)
def test_any_json_is_read_as_an_interaction_or_refused_with_a_reason(payload: object) -> None:
    result = parse_interaction(payload)
    assert isinstance(result, Incoming | Malformed)
    if isinstance(result, Malformed):
        assert result.reason


@settings(max_examples=100, deadline=None)
@given(
    body=st.binary(max_size=300), signature=st.text(max_size=140), timestamp=st.text(max_size=12)
)
def test_only_a_real_recent_signature_passes(body: bytes, signature: str, timestamp: str) -> None:
    assert CHECK.problem(signature, timestamp, body) is not None
    now = str(int(time.time()))
    good = KEY.sign(now.encode() + body).signature.hex()
    assert CHECK.problem(good, now, body) is None
    assert CHECK.problem(good, now, body + b"x") == "bad signature"


DECLARED = DeclaredCommands(
    [
        {
            "name": "dk2",
            "type": 1,
            "options": [
                {
                    "type": 1,
                    "name": "stats",
                    "options": [{"type": 4, "name": "days", "min_value": 1, "max_value": 365}],
                },
                {
                    "type": 1,
                    "name": "dose",
                    "options": [
                        {"type": 3, "name": "amount", "required": True},
                        {"type": 5, "name": "private"},
                    ],
                },
            ],
        }
    ]
)


@settings(max_examples=100, deadline=None)
@given(value=JSON, kind=st.integers(min_value=1, max_value=11))
def test_an_option_passes_only_with_its_declared_type_and_range(value: object, kind: int) -> None:
    options = [Option("days", kind, value)]
    problems = DECLARED.problems(("dk2", "stats"), 1, options, partial=False)
    whole = type(value) is int or (type(value) is float and value.is_integer())
    assert (problems == []) == (kind == 4 and whole), json.dumps(value)
    if not problems:
        assert isinstance(value, int | float)
        wrong = DECLARED.out_of_range(("dk2", "stats"), 1, options)
        assert (wrong is None) == (1 <= value <= 365)


OPTION_NAMES = st.sampled_from(["amount", "private", "days", "other"])


@settings(max_examples=200, deadline=None)
@given(
    path=st.sampled_from([("dk2", "dose"), ("dk2", "stats"), ("dk2", "nope")]),
    kind=st.integers(min_value=1, max_value=3),
    options=st.lists(
        st.builds(Option, OPTION_NAMES, st.integers(min_value=1, max_value=11), JSON), max_size=3
    ),
)
@example(("dk2", "dose"), 1, [Option("amount", 3, "5000"), Option("private", 5, True)])
@example(("dk2", "dose"), 1, [Option("private", 5, True)])  # amount is required
@example(("dk2", "dose"), 1, [Option("amount", 3, "5000"), Option("private", 4, 1)])
@example(("dk2", "stats"), 1, [Option("days", 4, 30)])
@example(("dk2", "stats"), 1, [Option("days", 4, 366)])
def test_fits_is_no_problems_and_nothing_out_of_range(
    path: tuple[str, ...], kind: int, options: list[Option]
) -> None:
    """The one-pass check every command goes through decides as the two detailed ones do."""
    clean = DECLARED.problems(path, kind, options, partial=False) == []
    in_range = DECLARED.out_of_range(path, kind, options) is None
    assert DECLARED.fits(path, kind, options) == (clean and in_range)


def test_a_missing_required_option_or_unknown_command_is_a_problem() -> None:
    assert DECLARED.problems(("dk2", "dose"), 1, [], partial=False)
    assert DECLARED.problems(("dk2", "dose"), 1, [], partial=True) == []
    assert DECLARED.problems(("dk2", "nope"), 1, [], partial=False)
    assert DECLARED.problems(("dk2", "dose"), 2, [Option("amount", 3, "1")], partial=False)


ANY_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()  # NaN and infinities too: json.dumps writes NaN / Infinity, json.loads reads them
    | st.text(st.characters(codec=None)),  # lone surrogates included
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.text(st.characters(codec=None), max_size=4), children, max_size=4)
    ),
    max_leaves=12,
)


def _read(body: bytes) -> str:
    """What reading `body` gives, comparable across readers (NaN != NaN, so by repr)."""
    try:
        return repr(decode_body(body))
    except (ValueError, UnicodeDecodeError) as exc:
        return f"refused: {type(exc).__name__}"


def _stdlib(body: bytes) -> str:
    try:
        return repr(json.loads(body))
    except (ValueError, UnicodeDecodeError) as exc:
        return f"refused: {type(exc).__name__}"


@given(value=ANY_JSON, ascii_only=st.booleans())
def test_a_body_reads_exactly_as_the_standard_library_reads_it(
    value: object, ascii_only: bool
) -> None:
    body = json.dumps(value, ensure_ascii=ascii_only).encode("utf-8", "surrogatepass")
    assert _read(body) == _stdlib(body)


@given(body=st.binary(max_size=64))
def test_any_bytes_read_or_refused_as_the_standard_library_does(body: bytes) -> None:
    assert _read(body) == _stdlib(body)


def test_what_the_fast_reader_refuses_still_reads_as_json_does() -> None:
    for body in (
        b'"\\ud800"',  # a lone surrogate escape, which Discord can send in a member's text
        b"[NaN, Infinity]",
        b"1e400",
        b'\xef\xbb\xbf{"type": 1}',  # a byte order mark
        '{"type": 1}'.encode("utf-16"),
    ):
        assert _read(body) == _stdlib(body) and not _read(body).startswith("refused")
    assert _read(b'{"type": 1} trailing') == "refused: JSONDecodeError"
