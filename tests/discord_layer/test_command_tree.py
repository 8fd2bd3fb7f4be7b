"""The command tree exactly as dk2 syncs it, checked against Discord's rules and its schema."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import referencing
from referencing.jsonschema import DRAFT202012

from bot.config import Settings
from bot.core.commands import COMMAND_OPTIONS
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path
from bot.discord_layer.admin_cog import Dk2AdminCog
from bot.discord_layer.app import Dk2Bot, bot_intents
from bot.discord_layer.cog import Dk2Cog
from tests.discord_layer.helpers import knowledge

SPEC_ENV = "DK2_DISCORD_SPEC"
REPO_ROOT = Path(__file__).resolve().parents[2]
# Discord's rule, with \p{L}\p{N} spelled as "a word character that is not _".
NAME_RULE = re.compile(r"^(?:[^\W_]|[-_'\u0900-\u097F\u0E00-\u0E7F]){1,32}$")
SUBCOMMAND, GROUP = 1, 2


async def synced_commands() -> list[dict[str, Any]]:
    """The JSON body dk2's `tree.sync()` sends (discord.py builds it with `to_dict`)."""
    bot = Dk2Bot(
        Settings(knowledge_path=default_knowledge_path()),
        KnowledgeHolder(default_knowledge_path(), knowledge()),
    )
    await bot.add_cog(Dk2Cog(bot.holder, bot.settings))
    await bot.add_cog(Dk2AdminCog(bot.holder, bot.settings))
    return [command.to_dict(bot.tree) for command in bot.tree.get_commands()]


def walk(options: list[dict[str, Any]], where: str) -> Iterator[tuple[str, dict[str, Any]]]:
    for option in options:
        path = f"{where} {option['name']}"
        yield path, option
        yield from walk(option.get("options") or [], path)


def text_size(command: dict[str, Any]) -> int:
    """Characters Discord counts towards one command's 8,000: names, descriptions, values."""
    size = len(command["name"]) + len(command.get("description") or "")
    for _, option in walk(command.get("options") or [], command["name"]):
        size += len(option["name"]) + len(option.get("description") or "")
        for choice in option.get("choices") or []:
            size += len(choice["name"]) + len(str(choice["value"]))
    return size


MANAGE_GUILD = 1 << 5


async def test_moderators_commands_are_hidden_from_members_by_default() -> None:
    """Discord applies default_member_permissions to whole commands only, so the moderators'
    commands are their own command: members don't see them in the picker."""
    command, admin = await synced_commands()
    assert command["name"] == "dk2" and command.get("default_member_permissions") is None
    assert admin["name"] == "dk2-admin"
    assert int(admin["default_member_permissions"]) == MANAGE_GUILD
    assert admin["contexts"] == [0]  # servers only
    assert admin["integration_types"] == [0]  # and only servers that added dk2
    subcommands = {o["name"]: [p["name"] for p in o.get("options", [])] for o in admin["options"]}
    assert subcommands == {"reload": [], "stats": ["days"]}
    (days,) = admin["options"][1]["options"]
    assert days["min_value"] == 1 and days["max_value"] >= 365


async def test_one_dk2_group_with_the_core_commands_and_options() -> None:
    command, _ = await synced_commands()
    assert command["name"] == "dk2"
    # Added to a server or to a member's own account; used in servers, DMs with dk2 and
    # group DMs (Discord's integration types 0, 1 and interaction contexts 0, 1, 2).
    assert sorted(command["integration_types"]) == [0, 1]
    assert sorted(command["contexts"]) == [0, 1, 2]
    subcommands = {o["name"]: o for o in command["options"]}
    # The members' commands (shared with the console), then the pinned-answers list.
    expected = {**COMMAND_OPTIONS, "pins": ()}
    assert list(subcommands) == list(expected)
    for name, option_names in expected.items():
        sub = subcommands[name]
        assert sub["type"] == SUBCOMMAND
        assert [o["name"] for o in sub.get("options", [])] == list(option_names)
    explain_term = subcommands["explain"]["options"][0]
    assert explain_term["autocomplete"] is True
    assert subcommands["dose"]["options"][0]["required"] is True
    assert not subcommands["dose"]["options"][1].get("required", False)


async def test_names_descriptions_counts_and_size_follow_discords_rules() -> None:
    commands = await synced_commands()
    for command in commands:
        assert NAME_RULE.match(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= 100
        assert len(command["options"]) <= 25
        assert text_size(command) <= 8000
        for path, option in walk(command["options"], command["name"]):
            assert NAME_RULE.match(option["name"]), path
            assert option["name"] == option["name"].lower(), path
            assert 1 <= len(option["description"]) <= 100, path
            assert len(option.get("options") or []) <= 25, path
            assert len(option.get("choices") or []) <= 25, path
            if option["type"] not in (SUBCOMMAND, GROUP):
                leaves = option.get("options") or []
                assert leaves == [], path
        for path, option in walk(command["options"], command["name"]):
            leaves = [o for o in option.get("options") or [] if o["type"] not in (1, 2)]
            required = [o.get("required", False) for o in leaves]
            assert required == sorted(required, reverse=True), f"{path}: required options first"


def spec_path() -> Path:
    override = os.environ.get(SPEC_ENV)
    if override:
        return Path(override)
    return REPO_ROOT.parent / "shared" / "discord-api-spec" / "openapi.json"


async def test_commands_match_discords_openapi_schema() -> None:
    path = spec_path()
    if not path.is_file():
        pytest.skip(f"Discord's OpenAPI spec not found at {path} (set {SPEC_ENV})")
    document = json.loads(path.read_text(encoding="utf-8"))
    uri = "urn:discord-openapi"
    registry: referencing.Registry[Any] = referencing.Registry().with_resource(
        uri, referencing.Resource.from_contents(document, default_specification=DRAFT202012)
    )
    schema = {"$ref": f"{uri}#/components/schemas/ApplicationCommandUpdateRequest"}
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    for command in await synced_commands():
        errors = [
            f"{list(e.absolute_path)}: {e.message[:200]}" for e in validator.iter_errors(command)
        ]
        assert errors == []


def test_no_privileged_intents() -> None:
    intents = bot_intents()
    assert intents.guilds
    assert not (intents.members or intents.presences or intents.message_content)
