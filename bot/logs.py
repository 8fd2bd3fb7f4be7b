"""Logging set-up: one concise stderr handler on the root logger that never prints the token.

The redaction is a `logging.Filter` on the handler rather than on a logger, so it sees every
record the handler writes, including those from discord.py's own loggers (`discord.http`,
`discord.gateway`, ...), which propagate to the root logger.

When the bot is started with `Client.run`, pass `log_handler=None` so discord.py doesn't add a
second handler of its own that bypasses this one.
"""

from __future__ import annotations

import logging
import re
import sys
from typing import Final

from bot.config import SETTING_NAMES, TOKEN_ENV, Secret, Settings

__all__ = [
    "HANDLER_NAME",
    "REDACTED",
    "TokenRedactingFilter",
    "redact",
    "settings_lines",
    "setup_logging",
]

HANDLER_NAME: Final = "dk2-stderr"
REDACTED: Final = "[REDACTED]"
LOG_FORMAT: Final = "%(asctime)s %(levelname)-8s %(name)s: %(message)s"
DATE_FORMAT: Final = "%Y-%m-%d %H:%M:%S"

# A Discord bot token is three base64url parts: the bot's id, a timestamp, an HMAC. Lengths
# have grown over the years, so the pattern is generous; redacting a look-alike is harmless.
_TOKEN_LIKE = re.compile(r"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{20,}")
# `Authorization: Bot x`, `'Authorization': 'Bot x'`, `authorization=x`: hide the value.
_AUTH_HEADER = re.compile(
    r"""(?P<key>authorization['"]?\s*[:=]\s*['"]?)(?P<scheme>(?:bot|bearer)\s+)?[^\s'",}\]]+""",
    re.IGNORECASE,
)
# A bare `Bot <credential>` with something credential-shaped after it.
_BOT_SCHEME = re.compile(r"\b(?P<scheme>Bot\s+)[A-Za-z0-9_.-]{20,}")


def redact(text: str, token: str | None = None) -> str:
    """`text` with `token`, anything token-shaped and authorization values replaced."""
    if token:
        text = text.replace(token, REDACTED)
    text = _TOKEN_LIKE.sub(REDACTED, text)
    text = _AUTH_HEADER.sub(lambda m: m["key"] + (m["scheme"] or "") + REDACTED, text)
    return _BOT_SCHEME.sub(lambda m: m["scheme"] + REDACTED, text)


class TokenRedactingFilter(logging.Filter):
    """Rewrites each record's final message, traceback and stack text with secrets redacted.

    It formats the message itself (so a token passed as a `%s` argument is caught too) and
    then drops the arguments; the record is shared, so every later handler sees the redacted
    text as well. It never drops a record.
    """

    def __init__(self, token: str | None = None) -> None:
        super().__init__()
        self._token = token or None
        self._formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string must not stop the log call or leak its args
            message = f"unformattable log message {record.msg!r} with arguments {record.args!r}"
        record.msg = redact(message, self._token)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text, self._token)
        if record.stack_info:
            record.stack_info = redact(record.stack_info, self._token)
        return True


def setup_logging(level: str, token: str | None) -> logging.Handler:
    """Send all logging to stderr at `level`, with `token` redacted; safe to call again.

    A second call replaces the handler the first one installed instead of adding another, so
    no line is printed twice. Returns the installed handler.
    """
    numeric_level = logging.getLevelNamesMapping().get(level.strip().upper())
    if numeric_level is None:
        raise ValueError(
            f"unknown log level {level!r}; use DEBUG, INFO, WARNING, ERROR or CRITICAL"
        )

    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == HANDLER_NAME]:
        root.removeHandler(old)
        old.close()

    handler = logging.StreamHandler(sys.stderr)
    handler.set_name(HANDLER_NAME)
    handler.setFormatter(logging.Formatter(LOG_FORMAT, DATE_FORMAT))
    handler.addFilter(TokenRedactingFilter(token))
    root.addHandler(handler)
    root.setLevel(numeric_level)
    return handler


def settings_lines(settings: Settings) -> list[str]:
    """Lines safe to log at start-up: every setting, with the token shown only as set/unset."""
    lines = [f"config file: {settings.config_file or 'none (defaults and environment)'}"]
    for name in SETTING_NAMES:
        value = getattr(settings, name)
        shown = (", ".join(map(str, value)) or "none") if isinstance(value, tuple) else value
        shown = "set" if isinstance(value, Secret) else shown  # a key, or a password inside
        lines.append(f"{name}: {shown}")
    lines.append(f"token: {'set' if settings.token is not None else 'unset'} (from {TOKEN_ENV})")
    return lines
