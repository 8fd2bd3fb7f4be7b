"""dk2's settings: one declared, frozen `Settings` model read from a YAML file and the environment.

Precedence, lowest to highest: the defaults declared below, the config file, `DK2_<SETTING>`
environment variables (read by pydantic-settings). The bot token is the exception: it comes
only from `DISCORD_TOKEN`, never the file, and is held in a `Secret` that never prints or pickles.

Adding a setting is one declaration in `Settings`: its type, limits and default, and under it
a docstring saying what to type, which every error about it quotes, e.g.
``DK2_RETENTION_DAYS: expected a whole number of days ≥ 1 (at most 36500), got "abc"``.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Final, Literal, TypeVar, get_args, get_origin
from urllib.parse import urlsplit

import pydantic
from pydantic import (
    AfterValidator,
    BeforeValidator,
    DirectoryPath,
    Field,
    StringConstraints,
    ValidationError,
    ValidationInfo,
)
from pydantic_settings import BaseSettings, EnvSettingsSource, NoDecode, SettingsConfigDict
from pydantic_settings import PydanticBaseSettingsSource as Source

from bot.core.yamlfile import LineDict, YamlError, brief, load_yaml

ENV_PREFIX: Final = "DK2_"
TOKEN_ENV: Final = "DISCORD_TOKEN"
CONFIG_ENV: Final = "DK2_CONFIG"
DEFAULT_CONFIG_FILE: Final = "config.yaml"
T = TypeVar("T")


class ConfigError(Exception):
    """A setting dk2 can't use; `setting` names it (``config`` for the file itself)."""

    def __init__(self, setting: str, message: str) -> None:
        super().__init__(message)
        self.setting = setting


class Secret(pydantic.Secret[T]):
    """The token, the public key, a database password: shown as stars by repr, str and JSON,
    never pickled, and validated as its type `T` (`get_secret_value()` is the real value)."""

    def __reduce__(self) -> Any:  # pickling would write the secret out in the clear
        raise TypeError("a Secret can't be pickled")


def _no_bool(raw: object) -> object:
    if isinstance(raw, bool):  # YAML `yes` is a bool, and bool is an int subclass
        raise ValueError("a yes/no where a number belongs")
    return raw


def _no_fraction(raw: object) -> object:
    """A YAML float where a whole number belongs is refused, even 8080.0: an id such as
    123456789012345678.0 is already rounded to another number once it is a float."""
    if isinstance(raw, float):
        raise ValueError("a number with a decimal point where a whole number belongs")
    return _no_bool(raw)


def _path(raw: object) -> Path:
    """A path as typed; relative paths are relative to the directory dk2 was started in."""
    if not isinstance(raw, str | Path) or not str(raw).strip() or "\0" in str(raw):
        raise ValueError("not a path")
    try:
        return Path(str(raw).strip()).expanduser().absolute()
    except RuntimeError as exc:  # "~someone" for a user this machine doesn't have
        raise ValueError("no such home directory") from exc


def _ids(raw: object, ranges: bool = False) -> object:
    """Ids as a YAML list, one id, or text with ids separated by commas or spaces, where
    `ranges` also "0-3" for 0, 1, 2 and 3 (up to MAX_SHARDS: a longer one stays a mistake)."""
    if not isinstance(raw, str):
        return raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    ids: list[object] = []
    for part in re.split(r"[\s,]+", raw):
        first, dash, last = part.partition("-")
        if ranges and dash and first.isdigit() and last.isdigit() and int(last) < MAX_SHARDS:
            ids += range(int(first), int(last) + 1)
        elif part:
            ids.append(part)
    return ids


def _url(*schemes: str) -> AfterValidator:
    def check(url: str) -> str:
        parts = urlsplit(url)  # .port raises ValueError outside 0-65535
        odd = any(ch.isspace() or not ch.isprintable() for ch in url) or parts.port == 0
        extra = parts.username or parts.password or parts.query or parts.fragment
        if odd or extra or parts.scheme.lower() not in schemes or not parts.hostname:
            raise ValueError("not a URL dk2 can use")  # the error shows the setting's description
        return url

    return AfterValidator(check)


Whole = Annotated[int, BeforeValidator(_no_fraction)]
Folder = Annotated[DirectoryPath, BeforeValidator(_path)]
Ids = Annotated[
    tuple[Annotated[Whole, Field(ge=1, le=2**64 - 1)], ...],
    NoDecode,  # "1, 2 3" in the environment is split by _ids, not read as JSON
    BeforeValidator(_ids),
    AfterValidator(lambda ids: tuple(dict.fromkeys(ids))),  # drop repeats, keep order
]
LogLevel = Annotated[
    Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"],
    BeforeValidator(lambda raw: raw.strip().upper() if isinstance(raw, str) else raw),
]
Seconds = Annotated[float, BeforeValidator(_no_bool), Field(gt=0, le=86_400, allow_inf_nan=False)]
ApiUrl = Annotated[str, _url("https", "http"), AfterValidator(lambda url: url.rstrip("/"))]
IDS: Final = "Discord ids (positive whole numbers), separated by commas or spaces"
MAX_SHARDS: Final = 100_000


def _file(path: Path) -> Path:
    if path.is_dir():
        raise ValueError("a folder, not a file")
    return path


def _unset(raw: object) -> object:
    """Blank means unset, for the settings that are off until given."""
    return None if isinstance(raw, str) and not raw.strip() else raw


def _postgres(url: str) -> str:
    parts = urlsplit(url)  # .port raises ValueError outside 0-65535
    odd = any(ch.isspace() or not ch.isprintable() for ch in url) or parts.port == 0
    if parts.scheme.lower() not in ("postgresql", "postgres") or odd:
        raise ValueError("not a PostgreSQL URL")
    return url


def _below_count(ids: tuple[int, ...] | None, info: ValidationInfo) -> tuple[int, ...] | None:
    count = info.data.get("shard_count")
    if ids is not None and (count is None or not ids or max(ids) >= count):
        raise ValueError("shard ids need shard_count, and each must be below it")
    return None if ids is None else tuple(sorted(set(ids)))


# A name or an address alone: no scheme, no port, no list (an IPv6 address has colons).
Host = Annotated[str, Field(pattern=r"^([\w.-]+|[0-9A-Fa-f.]*:[0-9A-Fa-f:.]*)$")]
HexKey = Annotated[str, StringConstraints(pattern=r"^[0-9a-fA-F]{64}$", to_lower=True)]
PublicKey = Annotated[Secret[HexKey] | None, BeforeValidator(_unset)]
PostgresUrl = Annotated[
    Secret[Annotated[str, AfterValidator(_postgres)]] | None, BeforeValidator(_unset)
]
YES_NO: Final = "true or false (also yes/no, on/off, 1/0)"


class Settings(BaseSettings):
    """Everything dk2 reads at start-up. `load_settings` reads it from a file and the
    environment; built in code it holds the values given and the defaults, nothing else."""

    model_config = SettingsConfigDict(
        env_prefix=ENV_PREFIX,
        frozen=True,
        extra="forbid",
        str_strip_whitespace=True,
        use_attribute_docstrings=True,
    )

    knowledge_path: Folder  # no default: dk2 never guesses which knowledge it answers from
    """an existing folder of knowledge YAML (relative to the directory dk2 starts in)"""
    dev_guild_ids: Annotated[Ids, Field(description=IDS)] = ()
    moderator_role_ids: Annotated[Ids, Field(description=IDS)] = ()
    forum_channel_ids: Annotated[Ids, Field(description=IDS)] = ()
    private_by_default: Annotated[bool, Field(description=YES_NO)] = False
    cooldown_rate: Annotated[Whole, Field(ge=1, le=1000)] = 5
    """a whole number of commands from 1 to 1000"""
    cooldown_per_seconds: Seconds = 30.0
    """a number of seconds greater than 0 and at most 86400"""
    repeat_window_minutes: Annotated[Whole, Field(ge=0, le=1440)] = 10
    """a whole number of minutes from 0 (the rule off) to 1440"""
    log_level: LogLevel = "INFO"
    """one of DEBUG, INFO, WARNING, ERROR, CRITICAL"""
    discord_api_base: ApiUrl = "https://discord.com/api/v10"  # discord.py adds "/route"
    """a https:// or http:// URL (e.g. https://discord.com/api/v10)"""
    discord_gateway_url: Annotated[str, _url("wss", "ws")] = "wss://gateway.discord.gg/"
    """a wss:// or ws:// URL (e.g. wss://gateway.discord.gg/)"""
    database_path: Annotated[Path, BeforeValidator(_path), AfterValidator(_file)] = Path(
        "dk2.sqlite3"
    )
    """a file path (relative to the directory dk2 starts in)"""
    retention_days: Annotated[Whole, Field(ge=1, le=36_500)] = 90
    """a whole number of days ≥ 1 (at most 36500)"""
    watch_knowledge: Annotated[bool, Field(description=YES_NO)] = False
    gateway_pictures: Annotated[bool, Field(description=YES_NO)] = True
    http_pictures: Annotated[bool, Field(description=YES_NO)] = True
    http_host: Host = "127.0.0.1"
    """a host name or IP address to listen on, e.g. 127.0.0.1, 0.0.0.0 or :: (no port)"""
    http_port: Annotated[Whole, Field(ge=0, le=65535)] = 8080
    """a TCP port number from 1 to 65535 (0: any free one, for tests)"""
    public_key: PublicKey = None
    """the application's public key: 64 hexadecimal characters (General Information page)"""
    database_url: PostgresUrl = None
    """a postgresql://user:password@host:port/database URL, or nothing for SQLite"""
    shard_count: Annotated[
        Annotated[Whole, Field(ge=1, le=MAX_SHARDS)] | None, BeforeValidator(_unset)
    ] = None
    """a whole number of shards from 1 to 100000 (the total across every process)"""
    shard_ids: Annotated[
        tuple[Annotated[Whole, Field(ge=0, lt=MAX_SHARDS)], ...] | None,
        NoDecode,
        BeforeValidator(lambda raw: None if _unset(raw) is None else _ids(raw, ranges=True)),
        AfterValidator(_below_count),
    ] = None
    """shard numbers below shard_count (e.g. 0,1 or 0-3), with shard_count set"""

    # Not typed by an operator (no description): the token from DISCORD_TOKEN, the file read.
    token: Secret[str] | None = None
    config_file: Path | None = None

    @classmethod
    def settings_customise_sources(
        cls, settings_cls: type[BaseSettings], init_settings: Source, *_: Source, **__: Source
    ) -> tuple[Source, ...]:
        return (init_settings,)  # never the process environment unasked: see load_settings


# The settings an operator may put in the file or a DK2_ variable: the described fields.
SETTING_NAMES: Final = tuple(n for n, f in Settings.model_fields.items() if f.description)


def _holds_secret(annotation: Any) -> bool:
    kind = get_origin(annotation) or annotation
    secret = isinstance(kind, type) and issubclass(kind, pydantic.Secret)
    return secret or any(_holds_secret(arg) for arg in get_args(annotation))


# Settings whose values no message shows, even a wrong one: it may be a key or a password.
SECRET_SETTINGS: Final = frozenset(
    name for name in SETTING_NAMES if _holds_secret(Settings.model_fields[name].annotation)
)


def env_name(setting: str) -> str:
    return ENV_PREFIX + setting.upper()


class _Environment(EnvSettingsSource):
    """`DK2_<SETTING>` variables from the mapping given, in any case; blank ones count as
    unset. `names` holds each variable's name as it was set, for messages."""

    def __init__(self, environ: Mapping[str, str]) -> None:
        given = {key: val.strip() for key, val in environ.items() if val.strip()}
        prefix = ENV_PREFIX.lower()
        self.names = {k.lower()[len(prefix) :]: k for k in given if k.lower().startswith(prefix)}
        self._given = {key.lower(): val for key, val in given.items()}
        super().__init__(Settings, case_sensitive=False)

    def _load_env_vars(self) -> Mapping[str, str | None]:
        return self._given


def _misspelt_variable(environ: Mapping[str, str]) -> None:
    """A set `DK2_` variable that is no setting but nearly one is a typo, refused with the
    name meant; one like no setting (another tool's, e.g. the tests' DK2_PG_BIN) is left alone."""
    known = [*map(env_name, SETTING_NAMES), CONFIG_ENV]
    for key, value in environ.items():
        if key.upper().startswith(ENV_PREFIX) and key.upper() not in known and value.strip():
            for close in difflib.get_close_matches(key.upper(), known, n=1, cutoff=0.8):
                raise ConfigError(
                    close.removeprefix(ENV_PREFIX).lower(),
                    f"{key}: not a dk2 setting; did you mean {close}? (rename the variable)",
                )


def _find_config_file(config_path: Path | None, environ: Mapping[str, str]) -> Path | None:
    """The file to read: the one `config_path` (--config) or `DK2_CONFIG` names, which must
    exist, else `config.yaml` in the current directory if there is one, else None. A folder
    or a broken link by that name is an error, not a file that isn't there."""
    named = config_path or environ.get(CONFIG_ENV, "").strip()
    path = Path(named or DEFAULT_CONFIG_FILE).expanduser().absolute()
    if path.is_file() or not (named or path.is_symlink() or path.exists()):
        return path if path.is_file() else None
    what = "a folder" if path.is_dir() else "a link to nothing" if path.is_symlink() else ""
    problem = f"{path} is {what}" if what else f"no config file at {path}"
    if not named:  # config.yaml in the current directory
        raise ConfigError("config", f"{problem}; make it the YAML config file or remove it")
    source = "--config" if config_path is not None else CONFIG_ENV
    unset = " or unset it" if source == CONFIG_ENV else ""
    raise ConfigError("config", f"{source}: {problem}; point {source} at a YAML file{unset}")


def _read_file(path: Path) -> LineDict:
    """The file's settings, safely loaded; each knows the line it is on."""
    try:
        data = load_yaml(path)
    except YamlError as exc:  # the place and the problem only: a snippet could quote the token
        where = f"{path}:{exc.line}:{exc.column}" if exc.line else str(path)  # 0: unreadable
        fix = "; expected `setting: value` lines" if exc.line else ""
        raise ConfigError("config", f"{where}: {exc.message}{fix}") from None
    if not isinstance(data, LineDict | None):
        raise ConfigError("config", f"{path}: expected `setting: value` lines at the top level")
    data = data or LineDict()
    for key in data:
        where = f"{path}:{data.line_of(key)}"
        if "token" in key.lower():
            raise ConfigError(
                "token",
                f"{where}: the bot token can't go in the config file; remove the `{key}` line "
                f"and set the {TOKEN_ENV} environment variable instead",
            )
        if key not in SETTING_NAMES:
            meant = _meant(key)
            hint = f"did you mean `{meant}`? " if meant else ""
            known = ", ".join(SETTING_NAMES)
            raise ConfigError(
                key, f"{where}: unknown setting `{key}`; {hint}known settings are {known}"
            )
    return data


def _meant(key: str) -> str | None:
    """The setting most likely meant by a file key that names none: the same in lower case without
    DK2_, the one setting whose name holds it (`gateway_url`), or the closest spelt."""
    typed = key.lower().removeprefix(ENV_PREFIX.lower())
    holding = [name for name in SETTING_NAMES if len(typed) > 3 and typed in name]
    if typed in SETTING_NAMES or len(holding) == 1:
        return typed if typed in SETTING_NAMES else holding[0]
    return next(iter(difflib.get_close_matches(typed, SETTING_NAMES, n=1)), None)


def read_token(environ: Mapping[str, str]) -> Secret[str] | None:
    for key, value in environ.items():
        if key.upper().startswith(ENV_PREFIX) and "TOKEN" in key.upper() and value.strip():
            raise ConfigError(
                "token", f"{key}: the bot token is read only from {TOKEN_ENV}; rename the variable"
            )
    token = environ.get(TOKEN_ENV, "").strip()  # never quoted in these messages
    if token.lower().startswith("bot "):
        raise ConfigError("token", f"{TOKEN_ENV}: give the token alone, without the 'Bot ' prefix")
    if token[:1] in ("'", '"') or token[-1:] in ("'", '"'):
        raise ConfigError("token", f"{TOKEN_ENV}: give the token without quotes around it")
    if any(ch.isspace() or not ch.isprintable() for ch in token):
        raise ConfigError(
            "token", f"{TOKEN_ENV}: the token contains spaces or control characters; copy it again"
        )
    return Secret(token) if token else None


# Three dot-separated runs, as a Discord bot token is written: never echoed, whatever the setting.
_TOKEN_LIKE = re.compile(r"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")


def _show(raw: object) -> str:
    """A rejected value, short, quoted, with control characters escaped."""
    if isinstance(raw, str) and _TOKEN_LIKE.search(raw):
        return "a value that looks like a bot token (not shown here)"
    text = f'"{raw}"' if isinstance(raw, str) and raw.isprintable() else brief(raw)
    text = "nothing" if raw is None else text
    return text if len(text) <= 80 else text[:77] + "..."


def load_settings(
    config_path: Path | None,
    environ: Mapping[str, str],
    knowledge: Path | None = None,
    options: Mapping[str, tuple[str, str]] | None = None,
) -> Settings:
    """The settings, each source over the one before (see the module docstring), and last
    the command line: `knowledge` (--knowledge) for `knowledge_path`, and `options`, each
    setting's option and the value it gave (e.g. shard_ids: ("--shards", "0-3")). Raises
    `ConfigError` for the first value that can't be used, naming the setting, where it came
    from and what to type instead."""
    token = read_token(environ)
    _misspelt_variable(environ)
    path = _find_config_file(config_path, environ)
    from_file = _read_file(path) if path else LineDict()
    env = _Environment(environ)
    from_env = {k: v for k, v in env().items() if k in SETTING_NAMES}
    given = {**options} if options else {}
    given |= {"knowledge_path": ("--knowledge", str(knowledge))} if knowledge is not None else {}
    from_cli = {name: value for name, (_, value) in given.items()}
    values = {**from_file, **from_env, **from_cli}
    try:
        return Settings(**values, token=token, config_file=path)
    except ValidationError as exc:
        name = str(exc.errors()[0]["loc"][0])
    if name not in values:  # knowledge_path, the one setting without a default
        copy = f"copy config.example.yaml to {DEFAULT_CONFIG_FILE} (it has `{name}: knowledge`"
        fix = f"{copy}, the folder in this clone)"
        fix = f"add the line `{name}: <folder>` to {path}" if path else fix
        raise ConfigError(name, f"{name} is not set; {fix}, or set {env_name(name)}")
    where = env.names[name] if name in from_env else f"{path}:{from_file.line_of(name)}: {name}"
    where = given[name][0] if name in given else where
    shown = "a value not shown here" if name in SECRET_SETTINGS else _show(values[name])
    expected = Settings.model_fields[name].description
    raise ConfigError(name, f"{where}: expected {expected}, got {shown}")
