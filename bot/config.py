"""dk2's settings: one typed, frozen `Settings` read from an optional YAML file and the environment.

Precedence, lowest to highest: built-in defaults, the config file, `DK2_<SETTING>` environment
variables. The bot token is the exception: it comes only from `DISCORD_TOKEN`, never from the
file, and is held in a `Secret` so that printing or logging the settings can't leak it.

Every bad value becomes a `ConfigError` whose message names the setting, where it came from
and what to type instead, e.g. ``DK2_RETENTION_DAYS: expected a whole number of days ≥ 1, got
"abc"``.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit

import yaml

__all__ = [
    "CONFIG_ENV",
    "DEFAULT_CONFIG_FILE",
    "ENV_PREFIX",
    "SETTING_NAMES",
    "TOKEN_ENV",
    "ConfigError",
    "Secret",
    "Settings",
    "env_name",
    "load_settings",
]

ENV_PREFIX: Final = "DK2_"
TOKEN_ENV: Final = "DISCORD_TOKEN"
CONFIG_ENV: Final = "DK2_CONFIG"
DEFAULT_CONFIG_FILE: Final = "config.yaml"

LOG_LEVELS: Final = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
MAX_RETENTION_DAYS: Final = 36_500  # a century; larger values overflow datetime arithmetic
MAX_COOLDOWN_RATE: Final = 1_000
MAX_COOLDOWN_SECONDS: Final = 86_400.0
_MAX_SNOWFLAKE: Final = 2**64 - 1


class ConfigError(Exception):
    """A setting has a value dk2 can't use; the message says which and what is allowed.

    `setting` is the setting's name (``retention_days``, ``token``, or ``config`` for problems
    with the config file itself).
    """

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting
        self.message = message

    def __str__(self) -> str:
        return self.message


class Secret:
    """A string that never shows itself in `repr()`, `str()` or f-strings; use `reveal()`."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that needs it (logging in to Discord)."""
        return self._value

    def __repr__(self) -> str:
        return "Secret('****')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))

    def __reduce__(self) -> Any:
        # Pickling would write the token to disk or a queue in the clear.
        raise TypeError("a Secret can't be pickled")


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything dk2 reads at start-up. Build it with `load_settings`."""

    knowledge_path: Path = field(default_factory=lambda: Path("knowledge").absolute())
    dev_guild_ids: tuple[int, ...] = ()
    moderator_role_ids: tuple[int, ...] = ()
    private_by_default: bool = False
    cooldown_rate: int = 5
    cooldown_per_seconds: float = 30.0
    log_level: str = "INFO"
    discord_api_base: str = "https://discord.com/api/v10"
    discord_gateway_url: str = "wss://gateway.discord.gg/"
    database_path: Path = field(default_factory=lambda: Path("dk2.sqlite3").absolute())
    retention_days: int = 90
    watch_knowledge: bool = False
    # HTTP interactions mode (`python -m bot serve`).
    http_host: str = "127.0.0.1"
    http_port: int = 8080
    public_key: Secret | None = None
    # PostgreSQL shared by several processes instead of the SQLite file (None: SQLite).
    database_url: Secret | None = None
    # Gateway shards: how many in all, and which of them this process runs (None: all).
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    token: Secret | None = None
    # Which file the values came from (None: defaults and environment only); for the log.
    config_file: Path | None = None

    def describe(self) -> list[str]:
        """Lines safe to log at start-up: every setting, with the token shown only as set/unset."""
        lines = [f"config file: {self.config_file or 'none (defaults and environment)'}"]
        for f in fields(self):
            if f.name in ("token", "config_file"):
                continue
            value = getattr(self, f.name)
            if isinstance(value, Secret):
                shown = "set"
            elif isinstance(value, tuple):
                shown = ", ".join(str(v) for v in value) or "none"
            else:
                shown = str(value)
            lines.append(f"{f.name}: {shown}")
        lines.append(f"token: {'set' if self.token is not None else 'unset'} (from {TOKEN_ENV})")
        return lines


def env_name(setting: str) -> str:
    """The environment variable that overrides `setting`, e.g. ``DK2_RETENTION_DAYS``."""
    return ENV_PREFIX + setting.upper()


# --- parsing one value -----------------------------------------------------------------------
#
# Each parser takes the raw value (a str from the environment, any YAML value from the file)
# and returns the typed value or raises `_Invalid` with what would have been accepted. The
# caller adds where the value came from and turns it into a ConfigError.


class _Invalid(Exception):
    def __init__(self, expected: str) -> None:
        super().__init__(expected)
        self.expected = expected


_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_ID_SEPARATORS = re.compile(r"[\s,]+")
_TRUE_WORDS = frozenset({"true", "yes", "on", "1"})
_FALSE_WORDS = frozenset({"false", "no", "off", "0"})


def _whole_number(raw: object, expected: str, low: int, high: int) -> int:
    if isinstance(raw, bool):  # YAML `yes` is a bool, and bool is an int subclass
        raise _Invalid(expected)
    if isinstance(raw, int):
        number = raw
    elif isinstance(raw, str) and _WHOLE_NUMBER.fullmatch(raw.strip()):
        number = int(raw.strip())
    else:
        raise _Invalid(expected)
    if not low <= number <= high:
        raise _Invalid(expected)
    return number


def _parse_bool(raw: object) -> bool:
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        word = raw.strip().lower()
        if word in _TRUE_WORDS:
            return True
        if word in _FALSE_WORDS:
            return False
    raise _Invalid("true or false (also yes/no, on/off, 1/0)")


def _parse_path(raw: object) -> Path:
    expected = "a file or directory path"
    if not isinstance(raw, str) or not raw.strip() or "\0" in raw:
        raise _Invalid(expected)
    # Relative paths are relative to the directory dk2 was started in.
    try:
        return Path(raw.strip()).expanduser().absolute()
    except RuntimeError as exc:  # "~someone" for a user this machine doesn't have
        raise _Invalid(f"{expected} (its home directory can't be found)") from exc


def _snowflake(raw: object) -> int:
    expected = "Discord ids (positive whole numbers), separated by commas or spaces"
    return _whole_number(raw, expected, 1, _MAX_SNOWFLAKE)


def _parse_ids(raw: object) -> tuple[int, ...]:
    if raw is None:
        items: list[object] = []
    elif isinstance(raw, str):
        items = [part for part in _ID_SEPARATORS.split(raw) if part]
    elif isinstance(raw, list):
        items = list(raw)
    else:
        items = [raw]
    ids = [_snowflake(item) for item in items]
    return tuple(dict.fromkeys(ids))  # drop repeats, keep order


def _parse_cooldown_rate(raw: object) -> int:
    expected = f"a whole number of commands from 1 to {MAX_COOLDOWN_RATE}"
    return _whole_number(raw, expected, 1, MAX_COOLDOWN_RATE)


def _parse_cooldown_seconds(raw: object) -> float:
    expected = f"a number of seconds greater than 0 and at most {MAX_COOLDOWN_SECONDS:g}"
    if isinstance(raw, bool):
        raise _Invalid(expected)
    if isinstance(raw, int | float):
        seconds = float(raw)
    elif isinstance(raw, str):
        try:
            seconds = float(raw.strip())
        except ValueError:
            raise _Invalid(expected) from None
    else:
        raise _Invalid(expected)
    if not (math.isfinite(seconds) and 0 < seconds <= MAX_COOLDOWN_SECONDS):
        raise _Invalid(expected)
    return seconds


def _parse_retention_days(raw: object) -> int:
    expected = f"a whole number of days ≥ 1 (at most {MAX_RETENTION_DAYS})"
    return _whole_number(raw, expected, 1, MAX_RETENTION_DAYS)


def _parse_log_level(raw: object) -> str:
    if isinstance(raw, str) and raw.strip().upper() in LOG_LEVELS:
        return raw.strip().upper()
    raise _Invalid("one of " + ", ".join(LOG_LEVELS))


def _url_parser(schemes: tuple[str, str], what: str) -> Callable[[object], str]:
    expected = f"a {schemes[0]}:// or {schemes[1]}:// URL ({what})"

    def parse(raw: object) -> str:
        if not isinstance(raw, str):
            raise _Invalid(expected)
        url = raw.strip()
        if not url or any(ch.isspace() or not ch.isprintable() for ch in url):
            raise _Invalid(expected)
        try:
            parts = urlsplit(url)
            port = parts.port  # raises ValueError for a port outside 0-65535
        except ValueError:
            raise _Invalid(expected) from None
        if (
            parts.scheme.lower() not in schemes
            or not parts.hostname
            or port == 0
            or parts.username is not None
            or parts.query
            or parts.fragment
        ):
            raise _Invalid(expected)
        return url

    return parse


_parse_api_base = _url_parser(("https", "http"), "e.g. https://discord.com/api/v10")
_parse_gateway = _url_parser(("wss", "ws"), "e.g. wss://gateway.discord.gg/")


def _parse_api_base_no_slash(raw: object) -> str:
    # discord.py appends routes that start with "/" to this base.
    return _parse_api_base(raw).rstrip("/")


_HEX_KEY = re.compile(r"[0-9a-fA-F]{64}")


def _parse_public_key(raw: object) -> Secret | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, str) and _HEX_KEY.fullmatch(raw.strip()):
        return Secret(raw.strip().lower())
    raise _Invalid(
        "the application's public key: 64 hexadecimal characters "
        "(General Information page of the developer portal)"
    )


def _parse_database_url(raw: object) -> Secret | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    expected = "a postgresql://user:password@host:port/database URL (or nothing for SQLite)"
    if not isinstance(raw, str):
        raise _Invalid(expected)
    url = raw.strip()
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  # raises ValueError for a port outside 0-65535
    except ValueError:
        raise _Invalid(expected) from None
    if parts.scheme.lower() not in ("postgresql", "postgres") or any(ch.isspace() for ch in url):
        raise _Invalid(expected)
    return Secret(url)


def _parse_port(raw: object) -> int:
    return _whole_number(raw, "a TCP port number from 1 to 65535", 1, 65535)


def _parse_host(raw: object) -> str:
    if isinstance(raw, str) and raw.strip() and not any(ch.isspace() for ch in raw.strip()):
        return raw.strip()
    raise _Invalid("a host name or IP address to listen on, e.g. 127.0.0.1 or 0.0.0.0")


MAX_SHARDS: Final = 100_000


def _parse_shard_count(raw: object) -> int | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    return _whole_number(raw, f"a whole number of shards from 1 to {MAX_SHARDS}", 1, MAX_SHARDS)


def _parse_shard_ids(raw: object) -> tuple[int, ...] | None:
    expected = "shard numbers from 0 (e.g. 0,1 or 0-3), or nothing for every shard"
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    items: list[object]
    if isinstance(raw, str):
        items = []
        for part in _ID_SEPARATORS.split(raw.strip()):
            first, dash, last = part.partition("-")
            if dash:
                low = _whole_number(first, expected, 0, MAX_SHARDS - 1)
                high = _whole_number(last, expected, low, MAX_SHARDS - 1)
                items.extend(range(low, high + 1))
            elif part:
                items.append(part)
    elif isinstance(raw, list):
        items = list(raw)
    else:
        items = [raw]
    ids = sorted({_whole_number(item, expected, 0, MAX_SHARDS - 1) for item in items})
    if not ids:
        raise _Invalid(expected)
    return tuple(ids)


_PARSERS: Final[Mapping[str, Callable[[object], object]]] = {
    "knowledge_path": _parse_path,
    "dev_guild_ids": _parse_ids,
    "moderator_role_ids": _parse_ids,
    "private_by_default": _parse_bool,
    "cooldown_rate": _parse_cooldown_rate,
    "cooldown_per_seconds": _parse_cooldown_seconds,
    "log_level": _parse_log_level,
    "discord_api_base": _parse_api_base_no_slash,
    "discord_gateway_url": _parse_gateway,
    "database_path": _parse_path,
    "retention_days": _parse_retention_days,
    "watch_knowledge": _parse_bool,
    "http_host": _parse_host,
    "http_port": _parse_port,
    "public_key": _parse_public_key,
    "database_url": _parse_database_url,
    "shard_count": _parse_shard_count,
    "shard_ids": _parse_shard_ids,
}

# The settings an operator may put in the file or a DK2_ variable.
SETTING_NAMES: Final = tuple(_PARSERS)


def _show(raw: object) -> str:
    """A short, readable rendering of a rejected value for an error message."""
    if raw is None:
        return "nothing"
    text = f'"{raw}"' if isinstance(raw, str) else repr(raw)
    return text if len(text) <= 80 else text[:77] + "..."


# --- reading the sources ---------------------------------------------------------------------


def _find_config_file(config_path: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The file to read, or None. A file that was asked for by name must exist."""
    if config_path is not None:
        source = "the config path given"
    elif environ.get(CONFIG_ENV, "").strip():
        config_path = Path(environ[CONFIG_ENV].strip())
        source = CONFIG_ENV
    else:
        default = Path(DEFAULT_CONFIG_FILE).absolute()
        return default if default.is_file() else None
    config_path = config_path.expanduser().absolute()
    if not config_path.is_file():
        raise ConfigError(
            "config",
            f"{source}: no config file at {config_path}; "
            f"point {CONFIG_ENV} at an existing YAML file or unset it",
        )
    return config_path


def _read_config_file(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError("config", f"{path}: can't read the config file ({exc})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        # Only the position and the problem: YAML's own snippet could quote a secret.
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "syntax error"
        raise ConfigError(
            "config", f"{path}: not valid YAML{where} ({problem}); expected `setting: value` lines"
        ) from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(
            "config", f"{path}: expected `setting: value` lines at the top level, not a list"
        )
    for key in data:
        if key == "token":
            raise ConfigError(
                "token",
                f"{path}: the bot token can't go in the config file; remove the `token` key "
                f"and set the {TOKEN_ENV} environment variable instead",
            )
        if not isinstance(key, str) or key not in _PARSERS:
            close = difflib.get_close_matches(str(key), SETTING_NAMES, n=1)
            hint = f"did you mean `{close[0]}`? " if close else ""
            raise ConfigError(
                str(key),
                f"{path}: unknown setting `{key}`; {hint}known settings are "
                + ", ".join(SETTING_NAMES),
            )
    return data


def _read_token(environ: Mapping[str, str]) -> Secret | None:
    if environ.get(env_name("token"), "").strip():
        raise ConfigError(
            "token",
            f"{env_name('token')}: the bot token is read only from {TOKEN_ENV}; "
            f"rename the variable",
        )
    token = environ.get(TOKEN_ENV, "").strip()
    if not token:
        return None
    # Never quote the token in these messages.
    if token.lower().startswith("bot "):
        raise ConfigError("token", f"{TOKEN_ENV}: give the token alone, without the 'Bot ' prefix")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ConfigError(
            "token", f"{TOKEN_ENV}: the token contains spaces or control characters; copy it again"
        )
    return Secret(token)


def load_settings(config_path: Path | None, environ: Mapping[str, str]) -> Settings:
    """Read the settings: defaults, then the config file, then `DK2_*` environment variables.

    `config_path` None means: the file named by `DK2_CONFIG` if set, else `config.yaml` in the
    current directory if it exists, else no file. Blank environment variables count as unset.
    Raises `ConfigError` for the first value that can't be used.
    """
    path = _find_config_file(config_path, environ)
    from_file = _read_config_file(path) if path is not None else {}

    values: dict[str, object] = {}
    sources: dict[str, str] = {}
    for name, parse in _PARSERS.items():
        var = env_name(name)
        env_value = environ.get(var)
        if env_value is not None and env_value.strip():
            raw: object = env_value
            source = var
        elif name in from_file:
            raw = from_file[name]
            source = f"{name} in {path}"
        else:
            continue
        sources[name] = source
        try:
            values[name] = parse(raw)
        except _Invalid as exc:
            raise ConfigError(
                name, f"{source}: expected {exc.expected}, got {_show(raw)}"
            ) from None

    settings = Settings(
        **values,  # type: ignore[arg-type]  # each parser returns its field's type
        token=_read_token(environ),
        config_file=path,
    )
    _check_shards(settings, sources.get("shard_ids", "shard_ids"))
    return settings


def _check_shards(settings: Settings, source: str) -> None:
    """Shard ids only mean something with a shard count, and must be below it."""
    if settings.shard_ids is None:
        return
    if settings.shard_count is None:
        raise ConfigError(
            "shard_ids",
            f"{source}: expected shard_count to be set too (the total number of shards across "
            "every process), or shard_ids left unset",
        )
    too_big = [i for i in settings.shard_ids if i >= settings.shard_count]
    if too_big:
        raise ConfigError(
            "shard_ids",
            f"{source}: expected shard numbers from 0 to {settings.shard_count - 1} "
            f"(shard_count is {settings.shard_count}), got {too_big[0]}",
        )
