"""The server invite asks for exactly the six permissions dk2 uses, and nothing else; the
user-install link asks for none (dk2 is no member of any server through it)."""

from __future__ import annotations

import base64
from urllib.parse import parse_qs, urlsplit

import discord
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.invite import (
    REQUIRED_PERMISSIONS,
    InvalidTokenError,
    application_id_from_token,
    invite_url,
    user_install_url,
)

APP_ID = 1234567890123456789
# discord.py iterates View Channel under its original name, `read_messages`.
SIX = {
    "read_messages",
    "send_messages",
    "embed_links",
    "read_message_history",
    "pin_messages",
    "send_messages_in_threads",  # the one short message under a new forum post
}


def make_token(user_id: int | str) -> str:
    first = base64.b64encode(str(user_id).encode()).decode().rstrip("=")
    return f"{first}.GabcDE.s3cretS3cretS3cretS3cretS3cretS3cret12"


def test_invite_url_shape() -> None:
    assert invite_url(APP_ID) == (
        "https://discord.com/oauth2/authorize?client_id=1234567890123456789"
        "&scope=bot+applications.commands&permissions=2252074691677184&integration_type=0"
    )


def test_user_install_url_adds_commands_to_an_account_without_a_bot_or_permissions() -> None:
    url = user_install_url(APP_ID)
    assert url.startswith("https://discord.com/oauth2/authorize?")
    query = parse_qs(urlsplit(url).query)
    assert query == {
        "client_id": [str(APP_ID)],
        "scope": ["applications.commands"],  # no `bot`: nothing joins a server
        "integration_type": ["1"],  # Discord's USER_INSTALL
    }


def test_server_invite_says_it_is_a_server_install() -> None:
    assert parse_qs(urlsplit(invite_url(APP_ID)).query)["integration_type"] == ["0"]


def test_permissions_integer_decodes_to_exactly_the_six() -> None:
    query = parse_qs(urlsplit(invite_url(APP_ID)).query)
    assert query["client_id"] == [str(APP_ID)]
    assert query["scope"] == ["bot applications.commands"]
    (value,) = query["permissions"]
    decoded = discord.Permissions(int(value))
    assert {name for name, granted in decoded if granted} == SIX
    assert decoded.view_channel and decoded == REQUIRED_PERMISSIONS
    assert int(value) == (1 << 10) | (1 << 11) | (1 << 14) | (1 << 16) | (1 << 38) | (1 << 51)


def test_required_permissions_include_pin_messages_not_manage_messages() -> None:
    assert REQUIRED_PERMISSIONS.pin_messages
    assert not REQUIRED_PERMISSIONS.manage_messages
    assert not REQUIRED_PERMISSIONS.administrator


@pytest.mark.parametrize("bad", [0, -1, 2**64, True])
def test_invite_url_refuses_impossible_ids(bad: int) -> None:
    with pytest.raises(ValueError, match="application id"):
        invite_url(bad)
    with pytest.raises(ValueError, match="application id"):
        user_install_url(bad)


@given(st.integers(min_value=1, max_value=2**64 - 1))
def test_application_id_round_trips_through_a_token(user_id: int) -> None:
    assert application_id_from_token(make_token(user_id)) == user_id


def test_application_id_from_a_realistic_token_shape() -> None:
    # "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ" is base64 of "1234567890123456789", unpadded as Discord does.
    token = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.s3cretS3cretS3cretS3cretS3cretS3cret12"
    assert application_id_from_token(token) == APP_ID


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "no-dots-at-all",
        "two.parts",
        "a..c",
        make_token("not-a-number"),
        make_token(0),
        "!!!!.GabcDE.rest",
        make_token(2**64),
    ],
)
def test_malformed_token_is_a_clear_error_that_does_not_quote_it(bad: str) -> None:
    with pytest.raises(InvalidTokenError) as caught:
        application_id_from_token(bad)
    message = str(caught.value)
    assert "token" in message
    if bad:
        assert bad not in message
