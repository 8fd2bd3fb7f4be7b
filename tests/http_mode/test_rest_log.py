"""What the REST client logs when Discord can't be reached: the route once, never a token."""

from __future__ import annotations

import logging
import socket

import aiohttp
import pytest

from bot.http.rest import DiscordRest


def _closed_port() -> int:
    with socket.socket() as sock:  # bound and closed again: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def test_an_unreachable_discord_is_logged_with_the_route_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING, logger="bot.http.rest")
    base = f"http://127.0.0.1:{_closed_port()}/api/v10"
    async with aiohttp.ClientSession() as session:
        rest = DiscordRest(session, base, "a-bot-token")
        assert (await rest.request("GET", "/oauth2/applications/@me", None)).status == 0
        await rest.request("POST", "/webhooks/1/interaction-token-x/messages", {}, webhook=True)
    lines = [record.getMessage() for record in caplog.records]
    assert lines[0] == "GET /oauth2/applications/@me failed: ClientConnectorError"
    assert lines[1] == "POST /webhooks/{app}/{token}… failed: ClientConnectorError"
    assert not any("interaction-token-x" in line or "a-bot-token" in line for line in lines)
