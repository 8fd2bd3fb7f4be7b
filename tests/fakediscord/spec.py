"""Validation of request bodies against Discord's official OpenAPI 3.1 description.

The spec is test data owned by Discord: it is read from where the workspace keeps it (or from
``DK2_DISCORD_SPEC``) and never copied into the repository. It is loaded once per process and
each operation's validator is built on first use, because the file is over a megabyte and
building a validator walks a large part of it.
"""

from __future__ import annotations

import functools
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jsonschema
import referencing
from referencing.jsonschema import DRAFT202012

SPEC_ENV_VAR = "DK2_DISCORD_SPEC"

# A made-up base URI under which the whole spec is registered, so that the spec's own
# "#/components/schemas/..." references resolve wherever a sub-schema is used from.
_SPEC_URI = "urn:discord-openapi"

_HTTP_METHODS = ("get", "put", "post", "patch", "delete")
_VERDICTS_KEPT = 10_000  # distinct bodies remembered per spec (a few MB at most)

# Discord's rule is ^[-_'\p{L}\p{N}\p{sc=Deva}\p{sc=Thai}]{1,32}$ on the lowercased name.
# The `re` module has no \p classes, so: "[^\W_]" is any Unicode letter or digit (\w minus
# underscore), plus the explicitly allowed punctuation, plus the Devanagari and Thai blocks
# (which hold the combining marks that \w does not cover).
COMMAND_NAME_RE = re.compile(r"^(?:[^\W_]|[-_'\u0900-\u097F\u0E00-\u0E7F]){1,32}$")


def default_spec_path() -> Path:
    """Where the spec lives: ``$DK2_DISCORD_SPEC`` or ``<repo>/../shared/discord-api-spec``."""
    override = os.environ.get(SPEC_ENV_VAR)
    if override:
        return Path(override)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "discord-api-spec" / "openapi.json"


def is_valid_command_name(name: str) -> bool:
    """Whether Discord would accept ``name`` for a chat-input command or option."""
    return bool(COMMAND_NAME_RE.match(name)) and name == name.lower()


def command_name_errors(commands: Any) -> list[str]:
    """Names in a command-sync body that break Discord's naming rule, as messages.

    Only chat-input commands (type 1, the default) and their options are checked: user and
    message context-menu commands may contain spaces and capitals.
    """
    errors: list[str] = []

    def check_options(options: Any, where: str) -> None:
        for option in options or []:
            if not isinstance(option, dict):
                continue
            name = option.get("name", "")
            if not is_valid_command_name(str(name)):
                errors.append(f"{where}: invalid option name {name!r}")
            check_options(option.get("options"), f"{where} {name}")

    if not isinstance(commands, list):
        return errors
    for command in commands:
        if not isinstance(command, dict) or command.get("type", 1) != 1:
            continue
        name = command.get("name", "")
        if not is_valid_command_name(str(name)):
            errors.append(f"invalid command name {name!r}")
        check_options(command.get("options"), str(name))
    return errors


@dataclass(frozen=True)
class Operation:
    """One (method, path template) pair of the spec."""

    method: str
    template: str
    operation_id: str
    has_json_body: bool


class DiscordSpec:
    """Discord's OpenAPI document, answering "which operation is this" and "is this body valid"."""

    def __init__(self, document: dict[str, Any]) -> None:
        self._document = document
        resource = referencing.Resource.from_contents(document, default_specification=DRAFT202012)
        self._registry: referencing.Registry[Any] = referencing.Registry().with_resource(
            _SPEC_URI, resource
        )
        self._routes = self._compile_routes(document)
        self._validators: dict[tuple[str, str], jsonschema.protocols.Validator] = {}
        # Bots send the same body many times (the same answer to the same question), and
        # validating one embed against the spec takes milliseconds: remember the verdicts.
        self._verdicts: dict[tuple[str, str, str], tuple[str, ...]] = {}

    @classmethod
    def load(cls, path: Path | None = None) -> DiscordSpec:
        """The spec at ``path`` (default: :func:`default_spec_path`), parsed once per process."""
        return _load_cached(str((path or default_spec_path()).resolve()))

    @staticmethod
    def _compile_routes(document: dict[str, Any]) -> list[tuple[re.Pattern[str], Operation]]:
        routes: list[tuple[int, re.Pattern[str], Operation]] = []
        for template, item in document.get("paths", {}).items():
            parts = template.strip("/").split("/")
            pattern = "/".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts)
            literal_count = sum(not p.startswith("{") for p in parts)
            for method in _HTTP_METHODS:
                op = item.get(method)
                if op is None:
                    continue
                content = (op.get("requestBody") or {}).get("content", {})
                operation = Operation(
                    method=method.upper(),
                    template=template,
                    operation_id=op.get("operationId", ""),
                    has_json_body="application/json" in content,
                )
                routes.append((literal_count, re.compile(f"^/{pattern}$"), operation))
        # Literal segments beat parameters, so ".../messages/@original" is not taken for
        # ".../messages/{message_id}" and "/users/@me" not for "/users/{user_id}".
        routes.sort(key=lambda r: -r[0])
        return [(regex, op) for _, regex, op in routes]

    def match(self, method: str, path: str) -> Operation | None:
        """The spec's operation for ``method`` on ``path`` (relative to ``/api/v10``), if any."""
        method = method.upper()
        for regex, operation in self._routes:
            if operation.method == method and regex.match(path):
                return operation
        return None

    def _validator(self, operation: Operation) -> jsonschema.protocols.Validator:
        key = (operation.method, operation.template)
        validator = self._validators.get(key)
        if validator is None:
            pointer = "/".join(
                part.replace("~", "~0").replace("/", "~1")
                for part in (
                    "paths",
                    operation.template,
                    operation.method.lower(),
                    "requestBody",
                    "content",
                    "application/json",
                    "schema",
                )
            )
            schema = {"$ref": f"{_SPEC_URI}#/{quote(pointer, safe='/~@')}"}
            validator = jsonschema.Draft202012Validator(schema, registry=self._registry)
            self._validators[key] = validator
        return validator

    def validate_request(self, method: str, path: str, body: Any) -> list[str]:
        """Messages for every way ``body`` breaks the spec's request schema (empty if valid).

        Paths the spec does not describe, or operations without a JSON body, yield no errors:
        the fake's own handlers decide what to do with those.
        """
        operation = self.match(method, path)
        if operation is None or not operation.has_json_body:
            return []
        key = (operation.method, operation.template, json.dumps(body, sort_keys=True))
        verdict = self._verdicts.get(key)
        if verdict is not None:
            return list(verdict)
        errors = []
        for error in self._validator(operation).iter_errors(body):
            if error.context:
                error = _closest_branch_error(error)
            location = "/".join(str(p) for p in error.absolute_path) or "<body>"
            errors.append(f"{operation.operation_id}: {location}: {error.message[:300]}")
        if len(self._verdicts) < _VERDICTS_KEPT:
            self._verdicts[key] = tuple(errors)
        return errors


def _closest_branch_error(error: jsonschema.ValidationError) -> jsonschema.ValidationError:
    """For an anyOf/oneOf failure, the error from the branch meant for this body.

    Discord's unions are told apart by their ``type`` field (callback type, option type...),
    so a branch that already rejects ``type`` is not the one the sender meant.
    """
    branches: dict[Any, list[jsonschema.ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(sub.relative_schema_path[0], []).append(sub)
    meant = [errs for errs in branches.values() if not any(list(e.path) == ["type"] for e in errs)]
    candidates = [e for errs in meant for e in errs] or list(error.context or [])
    return jsonschema.exceptions.best_match(candidates) or error


@functools.lru_cache(maxsize=4)
def _load_cached(path: str) -> DiscordSpec:
    with open(path, encoding="utf-8") as fh:
        return DiscordSpec(json.load(fh))
