"""Logging writes to stderr once per record and never prints the bot token."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import discord
import pytest

from bot.logs import HANDLER_NAME, REDACTED, redact, setup_logging

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.s3cretS3cretS3cretS3cretS3cretS3cret12"
# Another token-shaped credential dk2 wasn't told about.
OTHER_TOKEN = "OTg3NjU0MzIxMDk4NzY1NDMyMQ.Gxyz12.AnotherSecretAnotherSecretAnother1234"


@pytest.fixture(autouse=True)
def _restore_root_logger() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in root.handlers:
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)


def our_handlers() -> list[logging.Handler]:
    return [h for h in logging.getLogger().handlers if h.get_name() == HANDLER_NAME]


def test_token_never_reaches_stderr_from_discord_loggers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging("DEBUG", TOKEN)
    http_log = logging.getLogger("discord.http")
    gateway_log = logging.getLogger(discord.gateway.__name__)

    http_log.debug("logging in with %s", TOKEN)
    http_log.info(f"token in the message itself: {TOKEN}")
    gateway_log.warning("headers were %r", {"Authorization": f"Bot {TOKEN}"})
    try:
        raise discord.LoginFailure(f"Improper token has been passed: {TOKEN}")
    except discord.LoginFailure:
        http_log.exception("login failed")
    gateway_log.error("with stack %s", TOKEN, stack_info=True)

    err = capsys.readouterr().err
    assert TOKEN not in err
    for secret_part in TOKEN.split("."):
        assert secret_part not in err
    # The records themselves still arrived, with the traceback.
    assert "discord.http: logging in with [REDACTED]" in err
    assert "Traceback (most recent call last)" in err
    assert "discord.errors.LoginFailure: Improper token has been passed: [REDACTED]" in err
    assert "Stack (most recent call last)" in err
    assert err.count(REDACTED) >= 5


def test_token_shaped_values_and_auth_headers_are_redacted_without_being_told(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging("INFO", None)
    log = logging.getLogger("discord.client")
    log.info("leaked %s", OTHER_TOKEN)
    log.info("Authorization: Bot some-opaque-credential-value")
    log.info("sent authorization=Bearer abc123")
    err = capsys.readouterr().err
    assert OTHER_TOKEN not in err
    assert "some-opaque-credential-value" not in err
    assert "abc123" not in err
    assert "Authorization: Bot [REDACTED]" in err


def test_calling_twice_leaves_one_handler_and_prints_once(
    capsys: pytest.CaptureFixture[str],
) -> None:
    setup_logging("INFO", TOKEN)
    setup_logging("INFO", TOKEN)
    assert len(our_handlers()) == 1
    logging.getLogger("dk2.test").warning("only once")
    assert capsys.readouterr().err.count("only once") == 1


def test_second_call_changes_level_and_token(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("DEBUG", "first-token-value")
    setup_logging("warning", TOKEN)
    log = logging.getLogger("dk2.test")
    log.info("quiet now")
    log.warning("loud %s", TOKEN)
    err = capsys.readouterr().err
    assert "quiet now" not in err
    assert f"loud {REDACTED}" in err


def test_format_is_concise(capsys: pytest.CaptureFixture[str]) -> None:
    setup_logging("INFO", None)
    logging.getLogger("dk2.cog").info("ready")
    (line,) = capsys.readouterr().err.splitlines()
    assert line.endswith("INFO     dk2.cog: ready")


def test_bad_format_arguments_neither_raise_nor_leak(capsys: pytest.CaptureFixture[str]) -> None:
    handler = setup_logging("INFO", TOKEN)
    # Handed straight to our handler: pytest's own capture handler, which runs first on a
    # real log call, deliberately fails the test on a bad format string.
    record = logging.LogRecord("dk2.test", logging.INFO, __file__, 1, "two %s %s", (TOKEN,), None)
    handler.handle(record)
    err = capsys.readouterr().err
    assert "unformattable log message" in err
    assert TOKEN not in err


def test_unknown_level_is_refused() -> None:
    with pytest.raises(ValueError, match="DEBUG, INFO"):
        setup_logging("verbose", None)
    assert our_handlers() == []


@pytest.mark.parametrize(
    "text",
    [
        "discord.py 2.7.1 connected to wss://gateway.discord.gg/?v=10",
        "GET https://discord.com/api/v10/users/@me has returned 200",
        "guild 123456789012345678 ready, 3.14 seconds",
        "Bot is ready",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text, TOKEN) == text
