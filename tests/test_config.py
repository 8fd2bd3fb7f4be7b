"""Settings: defaults, the config file, environment overrides, and errors that say what to type."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import (
    SETTING_NAMES,
    ConfigError,
    Secret,
    Settings,
    env_name,
    load_settings,
)

REPO_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.s3cretS3cretS3cretS3cretS3cretS3cret12"


@pytest.fixture(autouse=True)
def _in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in an empty directory, so a stray config.yaml can't leak in."""
    monkeypatch.chdir(tmp_path)


def write_config(tmp_path: Path, text: str, name: str = "config.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(config_path: Path | None, environ: dict[str, str]) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(config_path, environ)
    return caught.value


# --- defaults --------------------------------------------------------------------------------


def test_defaults_without_file_or_environment(tmp_path: Path) -> None:
    s = load_settings(None, {})
    assert s.knowledge_path == tmp_path / "knowledge"
    assert s.dev_guild_ids == ()
    assert s.moderator_role_ids == ()
    assert s.private_by_default is False
    assert s.cooldown_rate == 5
    assert s.cooldown_per_seconds == 30.0
    assert s.log_level == "INFO"
    assert s.discord_api_base == "https://discord.com/api/v10"
    assert s.discord_gateway_url == "wss://gateway.discord.gg/"
    assert s.database_path == tmp_path / "dk2.sqlite3"
    assert s.retention_days == 90
    assert s.watch_knowledge is False
    assert s.token is None
    assert s.config_file is None


def test_settings_are_frozen() -> None:
    s = load_settings(None, {})
    with pytest.raises(AttributeError):
        s.retention_days = 1  # type: ignore[misc]


def test_example_config_documents_every_setting_and_loads_as_the_defaults() -> None:
    example = REPO_ROOT / "config.example.yaml"
    text = example.read_text(encoding="utf-8")
    for name in SETTING_NAMES:
        assert f"\n{name}:" in text, name
        assert env_name(name) in text, env_name(name)
    assert "DISCORD_TOKEN" in text
    loaded = load_settings(example, {})
    defaults = load_settings(None, {})
    for name in SETTING_NAMES:
        assert getattr(loaded, name) == getattr(defaults, name), name


# --- file values -----------------------------------------------------------------------------


FULL_FILE = """
knowledge_path: kb
dev_guild_ids: [111111111111111111, 222222222222222222]
moderator_role_ids: 333333333333333333
private_by_default: yes
cooldown_rate: 3
cooldown_per_seconds: 12.5
log_level: debug
discord_api_base: http://127.0.0.1:8080/api/v10/
discord_gateway_url: ws://127.0.0.1:8080/gateway
database_path: /var/lib/dk2/db.sqlite3
retention_days: 7
watch_knowledge: true
"""


def test_file_values_are_read_from_config_yaml_in_the_current_directory(tmp_path: Path) -> None:
    path = write_config(tmp_path, FULL_FILE)
    s = load_settings(None, {})
    assert s.config_file == path
    assert s.knowledge_path == tmp_path / "kb"
    assert s.dev_guild_ids == (111111111111111111, 222222222222222222)
    assert s.moderator_role_ids == (333333333333333333,)
    assert s.private_by_default is True
    assert s.cooldown_rate == 3
    assert s.cooldown_per_seconds == 12.5
    assert s.log_level == "DEBUG"
    assert s.discord_api_base == "http://127.0.0.1:8080/api/v10"  # trailing slash dropped
    assert s.discord_gateway_url == "ws://127.0.0.1:8080/gateway"
    assert s.database_path == Path("/var/lib/dk2/db.sqlite3")
    assert s.retention_days == 7
    assert s.watch_knowledge is True


def test_explicit_path_and_dk2_config_pick_the_file(tmp_path: Path) -> None:
    explicit = write_config(tmp_path, "retention_days: 1\n", "a.yaml")
    named = write_config(tmp_path, "retention_days: 2\n", "b.yaml")
    write_config(tmp_path, "retention_days: 3\n")
    assert load_settings(explicit, {"DK2_CONFIG": str(named)}).retention_days == 1
    assert load_settings(None, {"DK2_CONFIG": "b.yaml"}).retention_days == 2
    assert load_settings(None, {}).retention_days == 3


def test_missing_named_config_file_is_an_error(tmp_path: Path) -> None:
    err = error_for(None, {"DK2_CONFIG": "nope.yaml"})
    assert err.setting == "config"
    assert "DK2_CONFIG" in str(err) and "nope.yaml" in str(err)
    assert error_for(tmp_path / "nope.yaml", {}).setting == "config"


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    write_config(tmp_path, "# nothing set\n")
    assert load_settings(None, {}).retention_days == 90


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("retention_days: [1\n", "not valid YAML"),
        ("- a\n- b\n", "top level"),
    ],
)
def test_malformed_file_is_an_error_naming_the_file(
    tmp_path: Path, text: str, fragment: str
) -> None:
    path = write_config(tmp_path, text)
    err = error_for(None, {})
    assert err.setting == "config"
    assert str(path) in str(err) and fragment in str(err)


def test_file_is_loaded_with_safe_load_only(tmp_path: Path) -> None:
    write_config(tmp_path, "retention_days: !!python/object/apply:os.system ['true']\n")
    assert error_for(None, {}).setting == "config"


def test_unknown_key_names_the_key_and_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "retention_dayz: 5\n")
    err = error_for(None, {})
    assert err.setting == "retention_dayz"
    message = str(err)
    assert "retention_dayz" in message and str(path) in message
    assert "did you mean `retention_days`" in message


# --- environment -----------------------------------------------------------------------------


def test_environment_overrides_file(tmp_path: Path) -> None:
    write_config(tmp_path, FULL_FILE)
    env = {
        "DK2_KNOWLEDGE_PATH": "/srv/kb",
        "DK2_DEV_GUILD_IDS": "1, 2 3,,1",
        "DK2_MODERATOR_ROLE_IDS": "44",
        "DK2_PRIVATE_BY_DEFAULT": "no",
        "DK2_COOLDOWN_RATE": "9",
        "DK2_COOLDOWN_PER_SECONDS": "1",
        "DK2_LOG_LEVEL": "Warning",
        "DK2_DISCORD_API_BASE": "https://discord.com/api/v10",
        "DK2_DISCORD_GATEWAY_URL": "wss://gateway.discord.gg/",
        "DK2_DATABASE_PATH": "x.db",
        "DK2_RETENTION_DAYS": "30",
        "DK2_WATCH_KNOWLEDGE": "0",
    }
    s = load_settings(None, env)
    assert s.knowledge_path == Path("/srv/kb")
    assert s.dev_guild_ids == (1, 2, 3)
    assert s.moderator_role_ids == (44,)
    assert s.private_by_default is False
    assert s.cooldown_rate == 9
    assert s.cooldown_per_seconds == 1.0
    assert s.log_level == "WARNING"
    assert s.discord_api_base == "https://discord.com/api/v10"
    assert s.discord_gateway_url == "wss://gateway.discord.gg/"
    assert s.database_path == tmp_path / "x.db"
    assert s.retention_days == 30
    assert s.watch_knowledge is False


def test_blank_environment_variable_counts_as_unset(tmp_path: Path) -> None:
    write_config(tmp_path, "retention_days: 7\n")
    assert load_settings(None, {"DK2_RETENTION_DAYS": "  "}).retention_days == 7


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("true", True),
        ("YES", True),
        ("1", True),
        ("on", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("off", False),
    ],
)
def test_boolean_words(word: str, expected: bool) -> None:
    assert load_settings(None, {"DK2_PRIVATE_BY_DEFAULT": word}).private_by_default is expected


# --- invalid values --------------------------------------------------------------------------


def test_retention_days_message_says_what_to_type() -> None:
    err = error_for(None, {"DK2_RETENTION_DAYS": "abc"})
    assert err.setting == "retention_days"
    assert str(err).startswith("DK2_RETENTION_DAYS: expected a whole number of days ≥ 1")
    assert str(err).endswith('got "abc"')


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("knowledge_path", "a\0b"),
        ("knowledge_path", "~no-such-user-dk2/knowledge"),
        ("dev_guild_ids", "123,abc"),
        ("dev_guild_ids", "0"),
        ("dev_guild_ids", "-5"),
        ("moderator_role_ids", "1.5"),
        ("private_by_default", "maybe"),
        ("cooldown_rate", "0"),
        ("cooldown_rate", "2.5"),
        ("cooldown_per_seconds", "0"),
        ("cooldown_per_seconds", "nan"),
        ("cooldown_per_seconds", "inf"),
        ("log_level", "verbose"),
        ("discord_api_base", "ftp://discord.com/api"),
        ("discord_api_base", "discord.com/api/v10"),
        ("discord_api_base", "https://user:pw@discord.com/api"),
        ("discord_gateway_url", "https://gateway.discord.gg/"),
        ("discord_gateway_url", "wss://host:99999/"),
        ("retention_days", "0"),
        ("retention_days", "-1"),
        ("retention_days", "10000000"),
        ("watch_knowledge", "2"),
    ],
)
def test_invalid_env_value_names_the_setting(setting: str, value: str) -> None:
    err = error_for(None, {env_name(setting): value})
    assert err.setting == setting
    assert str(err).startswith(f"{env_name(setting)}: expected ")
    assert "got " in str(err)


@pytest.mark.parametrize(
    ("line", "setting"),
    [
        ("retention_days: yes", "retention_days"),
        ("retention_days: 1.5", "retention_days"),
        ("retention_days:", "retention_days"),
        ("cooldown_rate: '5x'", "cooldown_rate"),
        ("cooldown_per_seconds: true", "cooldown_per_seconds"),
        ("private_by_default: 2", "private_by_default"),
        ("log_level: 10", "log_level"),
        ("dev_guild_ids: [1, two]", "dev_guild_ids"),
        ("dev_guild_ids: {a: 1}", "dev_guild_ids"),
        ("moderator_role_ids: [true]", "moderator_role_ids"),
        ("discord_api_base: [https://x]", "discord_api_base"),
        ("knowledge_path: 5", "knowledge_path"),
        ("knowledge_path: ''", "knowledge_path"),
    ],
)
def test_invalid_file_value_names_the_setting_and_file(
    tmp_path: Path, line: str, setting: str
) -> None:
    path = write_config(tmp_path, line + "\n")
    err = error_for(None, {})
    assert err.setting == setting
    assert str(err).startswith(f"{setting} in {path}: expected ")


ENV_TEXT = st.text(max_size=40)


@pytest.mark.parametrize("setting", SETTING_NAMES)
@settings(max_examples=60, deadline=None)
@given(value=ENV_TEXT | st.from_regex(r"\A[ ,0-9a-zA-Z.:/+-]{0,30}\Z"))
def test_any_env_string_parses_or_raises_config_error(setting: str, value: str) -> None:
    try:
        load_settings(None, {env_name(setting): value})
    except ConfigError as err:
        assert err.setting == setting
        assert env_name(setting) in str(err)


YAML_VALUES = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats()
    | st.text(max_size=20)
    | st.lists(st.integers() | st.text(max_size=5), max_size=3)
    | st.dictionaries(st.text(max_size=3), st.integers(), max_size=2)
)


@pytest.mark.parametrize("setting", SETTING_NAMES)
@settings(max_examples=40, deadline=None)
@given(value=YAML_VALUES)
def test_any_yaml_value_parses_or_raises_config_error(setting: str, value: object) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump({setting: value}), encoding="utf-8")
        try:
            load_settings(path, {})
        except ConfigError as err:
            assert err.setting == setting
            assert str(err).startswith(f"{setting} in {path}: expected ")


# --- the token -------------------------------------------------------------------------------


def test_token_comes_from_discord_token_only(tmp_path: Path) -> None:
    s = load_settings(None, {"DISCORD_TOKEN": f"  {TOKEN}\n"})
    assert s.token is not None and s.token.reveal() == TOKEN
    assert load_settings(None, {"DISCORD_TOKEN": "   "}).token is None


def test_token_key_in_file_is_refused_with_directions(tmp_path: Path) -> None:
    write_config(tmp_path, f"token: {TOKEN}\n")
    err = error_for(None, {"DISCORD_TOKEN": TOKEN})
    assert err.setting == "token"
    assert "DISCORD_TOKEN" in str(err)
    assert TOKEN not in str(err)


def test_dk2_token_variable_is_refused() -> None:
    err = error_for(None, {"DK2_TOKEN": TOKEN})
    assert err.setting == "token" and "DISCORD_TOKEN" in str(err)
    assert TOKEN not in str(err)


@pytest.mark.parametrize("bad", [f"Bot {TOKEN}", f"{TOKEN[:10]} {TOKEN[10:]}"])
def test_malformed_token_error_does_not_quote_it(bad: str) -> None:
    err = error_for(None, {"DISCORD_TOKEN": bad})
    assert err.setting == "token"
    assert TOKEN[:10] not in str(err) and TOKEN[10:] not in str(err)


def test_token_never_in_repr_str_or_describe(tmp_path: Path) -> None:
    write_config(tmp_path, "log_level: debug\n")
    s = load_settings(None, {"DISCORD_TOKEN": TOKEN})
    for text in (repr(s), str(s), f"{s}", "\n".join(s.describe()), repr(s.token), f"{s.token}"):
        assert TOKEN not in text
    assert repr(s.token) == "Secret('****')"
    assert "token: set (from DISCORD_TOKEN)" in s.describe()
    assert "token: unset (from DISCORD_TOKEN)" in load_settings(None, {}).describe()


def test_describe_lists_every_setting(tmp_path: Path) -> None:
    lines = load_settings(None, {"DK2_DEV_GUILD_IDS": "5,6"}).describe()
    for name in SETTING_NAMES:
        assert any(line.startswith(f"{name}: ") for line in lines), name
    assert "dev_guild_ids: 5, 6" in lines


def test_secret_cannot_be_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN))


def test_secret_equality_compares_values() -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    assert Settings(token=Secret("a")) == Settings(token=Secret("a"))


# --- HTTP mode, PostgreSQL and shards ----------------------------------------------------------


def test_http_and_scaling_settings_default_to_one_local_process() -> None:
    s = load_settings(None, {})
    assert (s.http_host, s.http_port) == ("127.0.0.1", 8080)
    assert s.public_key is None and s.database_url is None
    assert s.shard_count is None and s.shard_ids is None


def test_public_key_and_database_url_are_kept_out_of_the_log() -> None:
    key = "ab" * 32
    url = "postgresql://dk2:hunter2@db:5432/dk2"
    s = load_settings(None, {"DK2_PUBLIC_KEY": key.upper(), "DK2_DATABASE_URL": url})
    assert s.public_key is not None and s.public_key.reveal() == key
    assert s.database_url is not None and s.database_url.reveal() == url
    logged = "\n".join(s.describe())
    assert "hunter2" not in logged and key not in logged
    assert "public_key: set" in logged and "database_url: set" in logged


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DK2_PUBLIC_KEY", "not-a-key", "64 hexadecimal characters"),
        ("DK2_DATABASE_URL", "mysql://x@y/z", "postgresql://"),
        ("DK2_HTTP_PORT", "70000", "port number from 1 to 65535"),
        ("DK2_SHARD_COUNT", "0", "whole number of shards"),
    ],
)
def test_bad_scaling_settings_say_what_to_type(variable: str, value: str, expected: str) -> None:
    err = error_for(None, {variable: value})
    assert variable in str(err) and expected in str(err)


def test_shard_ids_take_ranges_and_lists_below_the_count() -> None:
    s = load_settings(None, {"DK2_SHARD_COUNT": "8", "DK2_SHARD_IDS": "0-2, 5"})
    assert s.shard_ids == (0, 1, 2, 5)
    err = error_for(None, {"DK2_SHARD_COUNT": "4", "DK2_SHARD_IDS": "3-4"})
    assert "DK2_SHARD_IDS" in str(err) and "0 to 3" in str(err)
    err = error_for(None, {"DK2_SHARD_IDS": "1"})
    assert "shard_count" in str(err)
