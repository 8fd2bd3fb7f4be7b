"""Settings: defaults, the config file, environment overrides, and errors that say what to type."""

from __future__ import annotations

import pickle
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from bot.config import (
    SECRET_SETTINGS,
    SETTING_NAMES,
    ConfigError,
    Secret,
    Settings,
    env_name,
    load_settings,
)
from bot.logs import settings_lines

REPO_ROOT = Path(__file__).resolve().parent.parent
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4OQ.GabcDE.s3cretS3cretS3cretS3cretS3cretS3cret12"
# knowledge_path has no default; most tests give it like this and look at something else.
KB = {"DK2_KNOWLEDGE_PATH": "knowledge"}


@pytest.fixture(autouse=True)
def _in_empty_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test starts in a directory holding only an empty knowledge/ folder, so a stray
    config.yaml can't leak in."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "knowledge").mkdir()


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
    s = load_settings(None, KB)
    assert s.knowledge_path == tmp_path / "knowledge"
    assert s.dev_guild_ids == ()
    assert s.moderator_role_ids == ()
    assert s.forum_channel_ids == ()  # forum posts are off until channels are listed
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
    s = load_settings(None, KB)
    with pytest.raises(ValidationError):
        s.retention_days = 1  # type: ignore[misc]


def test_example_config_documents_every_setting_and_loads_as_the_defaults() -> None:
    example = REPO_ROOT / "config.example.yaml"
    text = example.read_text(encoding="utf-8")
    for name in SETTING_NAMES:
        assert f"\n{name}:" in text, name
        assert env_name(name) in text, env_name(name)
    assert "DISCORD_TOKEN" in text
    loaded = load_settings(example, {})
    defaults = load_settings(None, KB)
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
    (tmp_path / "kb").mkdir()
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
    assert load_settings(explicit, {**KB, "DK2_CONFIG": str(named)}).retention_days == 1
    assert load_settings(None, {**KB, "DK2_CONFIG": "b.yaml"}).retention_days == 2
    assert load_settings(None, KB).retention_days == 3


def test_missing_named_config_file_is_an_error(tmp_path: Path) -> None:
    err = error_for(None, {"DK2_CONFIG": "nope.yaml"})
    assert err.setting == "config"
    assert "DK2_CONFIG" in str(err) and "nope.yaml" in str(err)
    assert error_for(tmp_path / "nope.yaml", {}).setting == "config"


def test_empty_file_means_defaults(tmp_path: Path) -> None:
    write_config(tmp_path, "# nothing set\n")
    assert load_settings(None, KB).retention_days == 90


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("retention_days: [1\n", "invalid YAML"),
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


def test_bad_yaml_is_placed_at_its_line_and_column(tmp_path: Path) -> None:
    path = write_config(tmp_path, "knowledge_path: knowledge\nlog_level: [debug\n")
    assert str(error_for(None, {})).startswith(f"{path}:3:1: invalid YAML: ")


def test_file_is_loaded_with_safe_load_only(tmp_path: Path) -> None:
    write_config(tmp_path, "retention_days: !!python/object/apply:os.system ['true']\n")
    assert error_for(None, {}).setting == "config"


def test_unknown_key_names_the_key_the_file_and_the_line(tmp_path: Path) -> None:
    path = write_config(tmp_path, "knowledge_path: knowledge\n\nretention_dayz: 5\n")
    err = error_for(None, {})
    assert err.setting == "retention_dayz"
    message = str(err)
    assert message.startswith(f"{path}:3: unknown setting `retention_dayz`")
    assert "did you mean `retention_days`" in message


# --- environment -----------------------------------------------------------------------------


def test_environment_overrides_file(tmp_path: Path) -> None:
    (tmp_path / "kb").mkdir()
    (tmp_path / "srv").mkdir()
    write_config(tmp_path, FULL_FILE)
    env = {
        "DK2_KNOWLEDGE_PATH": str(tmp_path / "srv"),
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
        "DK2_FORUM_CHANNEL_IDS": "555, 666 555",
    }
    s = load_settings(None, env)
    assert s.knowledge_path == tmp_path / "srv"
    assert s.dev_guild_ids == (1, 2, 3)
    assert s.moderator_role_ids == (44,)
    assert s.forum_channel_ids == (555, 666)
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
    assert load_settings(None, {**KB, "DK2_RETENTION_DAYS": "  "}).retention_days == 7


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
    environ = {**KB, "DK2_PRIVATE_BY_DEFAULT": word}
    assert load_settings(None, environ).private_by_default is expected


# --- invalid values --------------------------------------------------------------------------


def test_retention_days_message_says_what_to_type() -> None:
    err = error_for(None, {**KB, "DK2_RETENTION_DAYS": "abc"})
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
    err = error_for(None, {**KB, env_name(setting): value})
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
def test_invalid_file_value_names_the_setting_file_and_line(
    tmp_path: Path, line: str, setting: str
) -> None:
    path = write_config(tmp_path, f"# dk2\n{line}\nknowledge_path: knowledge\n")
    if setting == "knowledge_path":
        path = write_config(tmp_path, f"# dk2\n{line}\n")
    err = error_for(None, {})
    assert err.setting == setting
    assert str(err).startswith(f"{path}:2: {setting}: expected ")


ENV_TEXT = st.text(max_size=40)


@pytest.mark.parametrize("setting", SETTING_NAMES)
@settings(max_examples=60, deadline=None)
@given(value=ENV_TEXT | st.from_regex(r"\A[ ,0-9a-zA-Z.:/+-]{0,30}\Z"))
def test_any_env_string_parses_or_raises_config_error(setting: str, value: str) -> None:
    try:
        load_settings(None, {**KB, env_name(setting): value})
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
        path.write_text(yaml.safe_dump({"knowledge_path": "knowledge", setting: value}), "utf-8")
        try:
            load_settings(path, {})
        except ConfigError as err:
            assert err.setting == setting
            assert str(err).startswith(f"{path}:")
            assert f": {setting}: expected " in str(err)


# --- the token -------------------------------------------------------------------------------


def test_token_comes_from_discord_token_only(tmp_path: Path) -> None:
    s = load_settings(None, {**KB, "DISCORD_TOKEN": f"  {TOKEN}\n"})
    assert s.token is not None and s.token.get_secret_value() == TOKEN
    assert load_settings(None, {**KB, "DISCORD_TOKEN": "   "}).token is None


def test_token_key_in_file_is_refused_with_directions(tmp_path: Path) -> None:
    path = write_config(tmp_path, f"knowledge_path: knowledge\ntoken: {TOKEN}\n")
    err = error_for(None, {"DISCORD_TOKEN": TOKEN})
    assert err.setting == "token"
    assert str(err).startswith(f"{path}:2: ") and "DISCORD_TOKEN" in str(err)
    assert TOKEN not in str(err)


def test_dk2_token_variable_is_refused() -> None:
    err = error_for(None, {"DK2_TOKEN": TOKEN})
    assert err.setting == "token" and "DISCORD_TOKEN" in str(err)
    assert TOKEN not in str(err)


@pytest.mark.parametrize("bad", [f"Bot {TOKEN}", f"{TOKEN[:10]} {TOKEN[10:]}"])
def test_malformed_token_error_does_not_quote_it(bad: str) -> None:
    err = error_for(None, {**KB, "DISCORD_TOKEN": bad})
    assert err.setting == "token"
    assert TOKEN[:10] not in str(err) and TOKEN[10:] not in str(err)


def test_token_never_in_repr_str_or_the_settings_log(tmp_path: Path) -> None:
    write_config(tmp_path, "log_level: debug\nknowledge_path: knowledge\n")
    s = load_settings(None, {"DISCORD_TOKEN": TOKEN})
    shown = (repr(s), str(s), f"{s}", "\n".join(settings_lines(s)), repr(s.token), f"{s.token}")
    for text in (*shown, s.model_dump_json(), str(s.model_dump())):
        assert TOKEN not in text
    assert repr(s.token) == "Secret('**********')"
    assert "token: set (from DISCORD_TOKEN)" in settings_lines(s)
    assert "token: unset (from DISCORD_TOKEN)" in settings_lines(load_settings(None, {}))


def test_the_settings_log_lists_every_setting(tmp_path: Path) -> None:
    lines = settings_lines(load_settings(None, {**KB, "DK2_DEV_GUILD_IDS": "5,6"}))
    for name in SETTING_NAMES:
        assert any(line.startswith(f"{name}: ") for line in lines), name
    assert "dev_guild_ids: 5, 6" in lines


def test_secret_cannot_be_pickled_nor_settings_holding_it() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(TOKEN))
    with pytest.raises(TypeError):
        pickle.dumps(load_settings(None, {**KB, "DISCORD_TOKEN": TOKEN}))


def test_secret_equality_compares_values(tmp_path: Path) -> None:
    assert Secret("a") == Secret("a")
    assert Secret("a") != Secret("b")
    kb = tmp_path / "knowledge"
    assert Settings(knowledge_path=kb, token=Secret("a")) == Settings(
        knowledge_path=kb, token=Secret("a")
    )


# --- knowledge_path: never guessed ------------------------------------------------------------


def test_missing_knowledge_path_without_a_file_says_how_to_set_it() -> None:
    err = error_for(None, {"DK2_RETENTION_DAYS": "7"})
    assert err.setting == "knowledge_path"
    message = str(err)
    assert message.startswith("knowledge_path is not set; ")
    assert "copy config.example.yaml to config.yaml" in message
    assert "DK2_KNOWLEDGE_PATH" in message


def test_missing_knowledge_path_in_a_file_names_the_file(tmp_path: Path) -> None:
    path = write_config(tmp_path, "retention_days: 7\n")
    err = error_for(None, {})
    assert err.setting == "knowledge_path"
    assert f"add the line `knowledge_path: <folder>` to {path}" in str(err)
    assert "DK2_KNOWLEDGE_PATH" in str(err)


def test_knowledge_path_must_be_an_existing_folder(tmp_path: Path) -> None:
    write_config(tmp_path, "# dk2\nknowledge_path: knowledg\n")
    err = error_for(None, {})
    assert str(err) == (
        f"{tmp_path / 'config.yaml'}:2: knowledge_path: expected an existing folder of knowledge "
        'YAML (relative to the directory dk2 starts in), got "knowledg"'
    )
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    err = error_for(None, {"DK2_KNOWLEDGE_PATH": "a-file"})
    assert str(err).startswith("DK2_KNOWLEDGE_PATH: expected an existing folder")


def test_settings_built_in_code_never_read_the_process_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DK2_RETENTION_DAYS", "5")
    write_config(tmp_path, "retention_days: 6\n")
    assert Settings(knowledge_path=tmp_path / "knowledge").retention_days == 90
    with pytest.raises(ValidationError):
        Settings()  # type: ignore[call-arg]


# --- every setting: a bad value names the setting, its source and what to type ---------------

# One value each setting refuses, and words from what its message tells the operator to type.
BAD_VALUE = {
    "knowledge_path": ("no-such-folder", "an existing folder"),
    "dev_guild_ids": ("12 x", "Discord ids (positive whole numbers)"),
    "moderator_role_ids": ("-4", "Discord ids (positive whole numbers)"),
    "forum_channel_ids": ("forum", "Discord ids (positive whole numbers)"),
    "private_by_default": ("perhaps", "true or false (also yes/no, on/off, 1/0)"),
    "cooldown_rate": ("1001", "a whole number of commands from 1 to 1000"),
    "cooldown_per_seconds": ("-1", "a number of seconds greater than 0 and at most 86400"),
    "repeat_window_minutes": ("1441", "a whole number of minutes from 0 (the rule off)"),
    "log_level": ("loud", "one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    "discord_api_base": ("ws://x/api", "a https:// or http:// URL"),
    "discord_gateway_url": ("https://x/", "a wss:// or ws:// URL"),
    "database_path": ("", "a file path"),
    "retention_days": ("36501", "a whole number of days ≥ 1 (at most 36500)"),
    "watch_knowledge": ("sometimes", "true or false"),
    "gateway_pictures": ("pictures", "true or false"),
    "http_pictures": ("maybe", "true or false"),
    "http_host": ("two words", "a host name or IP address"),
    "http_port": ("65536", "a TCP port number from 1 to 65535"),
    "public_key": ("abc", "the application's public key: 64 hexadecimal characters"),
    "database_url": ("sqlite:///x", "a postgresql://"),  # never quoted: it may hold a password
    "shard_count": ("many", "a whole number of shards"),
    "shard_ids": ("7", "shard numbers below shard_count"),
}


def test_every_setting_has_a_bad_value_case() -> None:
    assert set(BAD_VALUE) == set(SETTING_NAMES)


@pytest.mark.parametrize("setting", SETTING_NAMES)
def test_every_setting_bad_in_the_environment_names_the_variable(setting: str) -> None:
    value, advice = BAD_VALUE[setting]
    if setting == "database_path":
        value = "a\0b"  # a blank variable counts as unset
    err = error_for(None, {**KB, env_name(setting): value})
    assert err.setting == setting
    assert str(err).startswith(f"{env_name(setting)}: expected {advice}")
    if setting in SECRET_SETTINGS:  # a key or a password: never shown
        assert str(err).endswith("got a value not shown here")
    else:
        assert str(err).endswith(f'got "{value}"' if value.isprintable() else f"got {value!r}")
    assert "\0" not in str(err)  # control characters are shown escaped


@pytest.mark.parametrize("setting", SETTING_NAMES)
def test_every_setting_bad_in_the_file_names_the_file_and_line(
    tmp_path: Path, setting: str
) -> None:
    value, advice = BAD_VALUE[setting]
    other = "log_level: info" if setting == "knowledge_path" else "knowledge_path: knowledge"
    path = write_config(tmp_path, f"{other}\n# comment\n{setting}: '{value}'\n")
    err = error_for(None, {})
    assert err.setting == setting
    assert str(err).startswith(f"{path}:3: {setting}: expected {advice}")
    hidden = setting in SECRET_SETTINGS
    assert str(err).endswith("got a value not shown here" if hidden else f'got "{value}"')


# --- the id list parser ----------------------------------------------------------------------

SNOWFLAKES = st.integers(min_value=1, max_value=2**64 - 1)
SEPARATORS = st.from_regex(r"\A[ ,\t\n]{0,3}\Z")


@settings(max_examples=100, deadline=None)
@given(
    ids=st.lists(SNOWFLAKES, max_size=6),
    seps=st.lists(st.sampled_from([",", " ", ", ", "\n"]), min_size=6, max_size=6),
    edge=SEPARATORS,
)
def test_ids_typed_with_any_separators_read_back_in_order_without_repeats(
    ids: list[int], seps: list[str], edge: str
) -> None:
    text = edge + "".join(f"{n}{sep}" for n, sep in zip(ids, seps, strict=False)) + edge
    with tempfile.TemporaryDirectory() as folder:
        environ = {"DK2_KNOWLEDGE_PATH": folder, "DK2_DEV_GUILD_IDS": text}
        assert load_settings(None, environ).dev_guild_ids == tuple(dict.fromkeys(ids))


@settings(max_examples=100, deadline=None)
@given(ids=st.lists(SNOWFLAKES, max_size=6))
def test_ids_as_a_yaml_list_read_back_in_order_without_repeats(ids: list[int]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump({"knowledge_path": folder, "moderator_role_ids": ids}))
        assert load_settings(path, {}).moderator_role_ids == tuple(dict.fromkeys(ids))


@settings(max_examples=100, deadline=None)
@given(
    name=st.text(
        st.characters(blacklist_characters="\0/~", blacklist_categories=("Cs",)),
        min_size=1,
        max_size=20,
    )
)
def test_any_relative_folder_name_resolves_against_the_start_directory(name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "config.yaml"
        path.write_text(yaml.safe_dump({"knowledge_path": folder, "database_path": name}))
        try:
            loaded = load_settings(path, {})
        except ConfigError as err:  # blank, or a folder such as "." is no database file
            assert not name.strip() or (Path.cwd() / name.strip()).is_dir()
            assert err.setting == "database_path"
        else:
            assert loaded.database_path == Path.cwd() / name.strip()


HOSTS = st.from_regex(r"\A[a-z][a-z0-9-]{0,20}(\.[a-z]{2,6}){0,2}\Z") | st.just("127.0.0.1")
URL_PATHS = st.from_regex(r"\A(/[a-zA-Z0-9._~-]{1,10}){0,3}/?\Z")


@settings(max_examples=100, deadline=None)
@given(
    scheme=st.sampled_from(["https", "http", "wss", "ws"]),
    host=HOSTS,
    port=st.none() | st.integers(min_value=1, max_value=65535),
    path=URL_PATHS,
)
def test_any_plain_url_is_kept_as_typed_for_its_own_setting_and_refused_for_the_other(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    url = f"{scheme}://{host}{f':{port}' if port else ''}{path}"
    fits, other = ("discord_api_base", "discord_gateway_url")
    if scheme.startswith("ws"):
        fits, other = other, fits
    with tempfile.TemporaryDirectory() as folder:
        base = {"DK2_KNOWLEDGE_PATH": folder}
        loaded = getattr(load_settings(None, {**base, env_name(fits): url}), fits)
        assert loaded == (url.rstrip("/") if fits == "discord_api_base" else url)
        with pytest.raises(ConfigError) as caught:
            load_settings(None, {**base, env_name(other): url})
        assert str(caught.value).startswith(f"{env_name(other)}: expected a ")


def test_the_command_line_knowledge_folder_wins_and_is_named_when_wrong(tmp_path: Path) -> None:
    (tmp_path / "other").mkdir()
    write_config(tmp_path, "knowledge_path: nowhere\n")
    loaded = load_settings(None, {"DK2_KNOWLEDGE_PATH": "nowhere"}, Path("other"))
    assert loaded.knowledge_path == tmp_path / "other"
    err = error_for_cli(Path("missing"))
    assert str(err).startswith("--knowledge: expected an existing folder of knowledge YAML")
    assert str(err).endswith('got "missing"')


def error_for_cli(knowledge: Path) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        load_settings(None, {}, knowledge)
    return caught.value


def test_only_settings_are_read_from_dk2_variables() -> None:
    """config_file and token are not settings: no DK2_ variable can set them. A variable
    like no setting (another tool's) is left alone; one nearly a setting is a typo."""
    loaded = load_settings(None, {**KB, "DK2_PG_BIN": "/usr/lib/postgresql/16/bin"})
    assert loaded.config_file is None and loaded.token is None
    err = error_for(None, {**KB, "DK2_CONFIG_FILE": "/etc/passwd"})
    assert (
        str(err)
        == "DK2_CONFIG_FILE: not a dk2 setting; did you mean DK2_CONFIG? (rename the variable)"
    )


# --- HTTP mode, PostgreSQL and shards ----------------------------------------------------------


def test_http_and_scaling_settings_default_to_one_local_process() -> None:
    s = load_settings(None, KB)
    assert (s.http_host, s.http_port) == ("127.0.0.1", 8080)
    assert s.public_key is None and s.database_url is None
    assert s.shard_count is None and s.shard_ids is None


def test_public_key_and_database_url_are_kept_out_of_the_log() -> None:
    key = "ab" * 32
    url = "postgresql://dk2:hunter2@db:5432/dk2"
    s = load_settings(None, {**KB, "DK2_PUBLIC_KEY": key.upper(), "DK2_DATABASE_URL": url})
    assert s.public_key is not None and s.public_key.get_secret_value() == key
    assert s.database_url is not None and s.database_url.get_secret_value() == url
    logged = "\n".join(settings_lines(s))
    assert "hunter2" not in logged and key not in logged
    assert "public_key: set" in logged and "database_url: set" in logged


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("DK2_PUBLIC_KEY", "not-a-key", "64 hexadecimal characters"),
        ("DK2_DATABASE_URL", "mysql://x:hunter2@y/z", "postgresql://"),
        ("DK2_HTTP_PORT", "70000", "port number from 1 to 65535"),
        ("DK2_SHARD_COUNT", "0", "whole number of shards"),
    ],
)
def test_bad_scaling_settings_say_what_to_type(variable: str, value: str, expected: str) -> None:
    err = error_for(None, {**KB, variable: value})
    assert variable in str(err) and expected in str(err)
    assert "hunter2" not in str(err)


def test_shard_ids_take_ranges_and_lists_below_the_count() -> None:
    s = load_settings(None, {**KB, "DK2_SHARD_COUNT": "8", "DK2_SHARD_IDS": "0-2, 5"})
    assert s.shard_ids == (0, 1, 2, 5)
    err = error_for(None, {**KB, "DK2_SHARD_COUNT": "4", "DK2_SHARD_IDS": "3-4"})
    assert "DK2_SHARD_IDS" in str(err) and "below shard_count" in str(err)
    err = error_for(None, {**KB, "DK2_SHARD_IDS": "1"})
    assert "shard_count" in str(err)
    # A range past any shard count is refused as typed, not built number by number.
    err = error_for(None, {**KB, "DK2_SHARD_COUNT": "8", "DK2_SHARD_IDS": "0-99999999999"})
    assert str(err) == (
        "DK2_SHARD_IDS: expected shard numbers below shard_count (e.g. 0,1 or 0-3), with "
        'shard_count set, got "0-99999999999"'
    )


# --- found by an audit of what operators type (stop 36) ----------------------------------------


@pytest.mark.parametrize("setting", sorted(SECRET_SETTINGS))
def test_a_token_pasted_into_a_secret_setting_is_never_shown(tmp_path: Path, setting: str) -> None:
    assert {"public_key", "database_url"} <= SECRET_SETTINGS
    err = error_for(None, {**KB, env_name(setting): TOKEN})
    assert TOKEN[:20] not in str(err) and str(err).endswith("got a value not shown here")
    path = write_config(tmp_path, f"knowledge_path: knowledge\n{setting}: {TOKEN}\n")
    err = error_for(path, {})
    assert str(err).startswith(f"{path}:2: {setting}: expected ")
    assert TOKEN[:20] not in str(err)


def test_a_token_typed_into_any_setting_is_not_echoed() -> None:
    err = error_for(None, {**KB, "DK2_LOG_LEVEL": TOKEN})
    assert str(err).endswith("got a value that looks like a bot token (not shown here)")
    assert TOKEN[:20] not in str(err)


@pytest.mark.parametrize(
    "line",
    [
        "http_port: 8080.0",
        "retention_days: 90.5",
        "dev_guild_ids: [123456789012345678.0]",  # as a float it is already another id
    ],
)
def test_a_decimal_point_in_a_whole_number_setting_is_refused(tmp_path: Path, line: str) -> None:
    path = write_config(tmp_path, f"knowledge_path: knowledge\n{line}\n")
    name = line.partition(":")[0]
    assert str(error_for(path, {})).startswith(f"{path}:2: {name}: expected ")


def test_the_database_path_must_not_be_a_folder(tmp_path: Path) -> None:
    err = error_for(None, {**KB, "DK2_DATABASE_PATH": str(tmp_path)})
    assert str(err) == (
        f"DK2_DATABASE_PATH: expected a file path (relative to the directory dk2 starts in), "
        f'got "{tmp_path}"'
    )


def test_a_misspelt_variable_is_refused_naming_the_one_meant() -> None:
    err = error_for(None, {**KB, "DK2_RETENTON_DAYS": "5"})
    assert err.setting == "retention_days"
    assert str(err) == (
        "DK2_RETENTON_DAYS: not a dk2 setting; did you mean DK2_RETENTION_DAYS? (rename the variable)"
    )
    err = error_for(None, {**KB, "DK2_LOGLEVEL": "DEBUG"})
    assert "did you mean DK2_LOG_LEVEL?" in str(err)


def test_a_variable_set_in_lower_case_is_named_as_it_was_set() -> None:
    err = error_for(None, {**KB, "dk2_retention_days": "abc"})
    assert str(err).startswith("dk2_retention_days: expected a whole number of days")


@pytest.mark.parametrize("key", ["discord_token", "DISCORD_TOKEN", "bot_token", "TOKEN"])
def test_any_token_key_in_the_file_gets_the_token_directions(tmp_path: Path, key: str) -> None:
    path = write_config(tmp_path, f"knowledge_path: knowledge\n{key}: {TOKEN}\n")
    err = error_for(path, {})
    assert str(err) == (
        f"{path}:2: the bot token can't go in the config file; remove the `{key}` line "
        "and set the DISCORD_TOKEN environment variable instead"
    )


@pytest.mark.parametrize("variable", ["DK2_DISCORD_TOKEN", "DK2_BOT_TOKEN", "dk2_token"])
def test_a_token_under_a_dk2_name_is_refused(variable: str) -> None:
    err = error_for(None, {**KB, variable: TOKEN})
    assert str(err) == (
        f"{variable}: the bot token is read only from DISCORD_TOKEN; rename the variable"
    )


@pytest.mark.parametrize(
    ("key", "meant"),
    [
        ("RETENTION_DAYS", "retention_days"),
        ("DK2_RETENTION_DAYS", "retention_days"),
        ("gateway_url", "discord_gateway_url"),
        ("retenton_days", "retention_days"),
    ],
)
def test_an_unknown_key_suggests_the_setting_meant(tmp_path: Path, key: str, meant: str) -> None:
    path = write_config(tmp_path, f"knowledge_path: knowledge\n{key}: 5\n")
    assert f"unknown setting `{key}`; did you mean `{meant}`? " in str(error_for(path, {}))


@pytest.mark.parametrize("quoted", [f'"{TOKEN}"', f"'{TOKEN}'"])
def test_a_quoted_token_is_refused_without_quoting_it(quoted: str) -> None:
    err = error_for(None, {**KB, "DISCORD_TOKEN": quoted})
    assert str(err) == "DISCORD_TOKEN: give the token without quotes around it"


def test_a_value_nested_by_aliases_is_shown_cut_short(tmp_path: Path) -> None:
    """Six levels of ten aliases are a million ids: the message shows a few, not all."""
    levels = ["  - &a0 [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]"]
    levels += [f"  - &a{n} [{', '.join([f'*a{n - 1}'] * 10)}]" for n in range(1, 6)]
    path = write_config(tmp_path, "knowledge_path: knowledge\ndev_guild_ids:\n" + "\n".join(levels))
    err = str(error_for(path, {}))
    assert err.startswith(f"{path}:2: dev_guild_ids: expected Discord ids")
    assert "[...]" in err and len(err) < 400


def test_a_database_url_with_a_space_is_refused_without_showing_it() -> None:
    err = error_for(None, {**KB, "DK2_DATABASE_URL": "postgresql://dk2:hun ter2@db/dk2"})
    assert str(err).startswith("DK2_DATABASE_URL: expected a postgresql://")
    assert "hun" not in str(err)


def test_command_line_options_win_over_the_file_and_are_named_when_wrong(tmp_path: Path) -> None:
    path = write_config(tmp_path, "knowledge_path: knowledge\nshard_count: 8\nshard_ids: 0-3\n")
    every = {"shard_count": ("--shards", "8"), "shard_ids": ("--shards", "")}
    assert load_settings(path, {}, options=every).shard_ids is None  # every shard, this process
    some = {"shard_count": ("--shards", "4"), "shard_ids": ("--shards", "2-3")}
    assert load_settings(path, {}, options=some).shard_ids == (2, 3)
    with pytest.raises(ConfigError) as caught:
        load_settings(path, {}, options={**some, "shard_ids": ("--shards", "0-9")})
    assert str(caught.value).startswith("--shards: expected shard numbers below shard_count")


def test_a_config_yaml_that_is_a_folder_or_a_broken_link_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "config.yaml").mkdir()
    assert str(error_for(None, KB)) == (
        f"{tmp_path}/config.yaml is a folder; make it the YAML config file or remove it"
    )
    (tmp_path / "config.yaml").rmdir()
    (tmp_path / "config.yaml").symlink_to(tmp_path / "gone.yaml")
    assert str(error_for(None, KB)).startswith(f"{tmp_path}/config.yaml is a link to nothing; ")
    assert str(error_for(tmp_path / "knowledge", KB)) == (
        f"--config: {tmp_path}/knowledge is a folder; point --config at a YAML file"
    )


@pytest.mark.parametrize("host", ["http://0.0.0.0", "localhost:8080", "0.0.0.0,::", "*", "[::]"])
def test_http_host_is_a_host_alone(host: str) -> None:
    err = error_for(None, {**KB, "DK2_HTTP_HOST": host})
    assert str(err) == (
        "DK2_HTTP_HOST: expected a host name or IP address to listen on, e.g. 127.0.0.1, 0.0.0.0 "
        f'or :: (no port), got "{host}"'
    )


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0", "::", "::1", "fe80::1", "dk2.example"])
def test_http_host_takes_names_and_addresses(host: str) -> None:
    assert load_settings(None, {**KB, "DK2_HTTP_HOST": host}).http_host == host
