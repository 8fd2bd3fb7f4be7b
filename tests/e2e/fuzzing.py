"""Interaction payloads for the fuzz suite: from Discord's OpenAPI spec, and real ones mutated.

Two sources, mixed:

- **from the spec**: the parts of an INTERACTION_CREATE that Discord's OpenAPI document
  describes (`InteractionTypes`, `SnowflakeType`, `UserResponse`, `MessageComponentTypes`,
  `ApplicationCommandType`, `ApplicationCommandOptionType`, `InteractionContextType`), put
  together into one interaction schema and drawn with :func:`from_schema`, then laid over a
  real payload, so what the spec allows lands in each field dk2 reads;
- **mutations of real payloads** (the fake's builders: every subcommand, autocomplete, Pin
  and Unpin clicks): keys deleted, values replaced by other JSON (wrong types, huge strings
  and numbers, control characters, bidi overrides, nested junk), strings spliced.

Each payload keeps a fresh, valid ``id`` and ``token``: Discord always sends those, and
without them no reply is possible (the fake could not even tell which interaction a reply
is for).

``from_schema`` is a small converter for the JSON Schema keywords this document uses
(``$ref``, ``type``, ``const``, ``enum``, ``oneOf``/``anyOf``/``allOf``, ``pattern``,
lengths, bounds, ``properties``, ``items``). hypothesis-jsonschema would be the library
for it, but its 0.23 release draws object properties through Hypothesis internals that
Hypothesis 6.17x no longer has (``'many' object has no attribute 'more'``).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import secrets
from collections.abc import Callable, Sequence
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from tests.fakediscord.spec import default_spec_path

__all__ = [
    "ANSWERABLE_TYPES",
    "from_schema",
    "interaction_schema",
    "payloads",
]

ANSWERABLE_TYPES = (2, 3, 4, 5)  # command, component, autocomplete, modal submit
_REF = re.compile(r"#/components/schemas/([A-Za-z0-9_]+)")
_fresh = itertools.count(1)

Json = Any


@cache
def _spec_schemas(path: Path | None = None) -> dict[str, Any]:
    document = json.loads((path or default_spec_path()).read_text(encoding="utf-8"))
    schemas: dict[str, Any] = document["components"]["schemas"]
    return schemas


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def interaction_schema() -> dict[str, Any]:
    """An INTERACTION_CREATE ``d`` as far as Discord's spec describes its parts."""
    leaf_option = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 40},
            "type": _ref("ApplicationCommandOptionType"),
            "value": {"type": ["string", "integer", "number", "boolean"]},
            "focused": {"type": "boolean"},
        },
        "required": ["name", "type"],
    }
    option = {
        **leaf_option,
        "properties": {
            **leaf_option["properties"],
            "options": {"type": "array", "maxItems": 3, "items": leaf_option},
        },
    }
    return {
        "type": "object",
        "properties": {
            "type": _ref("InteractionTypes"),
            "guild_id": _ref("SnowflakeType"),
            "channel_id": _ref("SnowflakeType"),
            "user": _ref("UserResponse"),
            "member": {
                "type": "object",
                "properties": {
                    "user": _ref("UserResponse"),
                    "roles": {"type": "array", "maxItems": 3, "items": _ref("SnowflakeType")},
                    "permissions": {"type": "string", "pattern": "^[0-9]{1,20}$"},
                },
            },
            "data": {
                "type": "object",
                "properties": {
                    "name": {"type": "string", "maxLength": 40},
                    "custom_id": {"type": "string", "maxLength": 120},
                    "component_type": _ref("MessageComponentTypes"),
                    "type": _ref("ApplicationCommandType"),
                    "options": {"type": "array", "maxItems": 3, "items": option},
                    "values": {"type": "array", "maxItems": 3, "items": {"type": "string"}},
                },
            },
            "context": _ref("InteractionContextType"),
            "app_permissions": {"type": "string", "pattern": "^[0-9]{1,20}$"},
            "locale": {"type": "string", "maxLength": 10},
        },
    }


# -- a JSON Schema → Hypothesis converter for the keywords the spec uses ----------------------


def from_schema(schema: Json, schemas: dict[str, Any] | None = None) -> st.SearchStrategy[Json]:
    """A strategy for values valid against ``schema``; ``$ref``s resolve in ``schemas``
    (default: the spec's ``components.schemas``). Unknown keywords are ignored."""
    return _Converter(schemas if schemas is not None else _spec_schemas()).convert(schema, 0)


class _Converter:
    MAX_DEPTH = 6

    def __init__(self, schemas: dict[str, Any]) -> None:
        self.schemas = schemas

    def convert(self, schema: Json, depth: int) -> st.SearchStrategy[Json]:
        if schema is True or schema == {}:
            return _any_json()
        if not isinstance(schema, dict) or depth > self.MAX_DEPTH:
            return st.none()
        if "$ref" in schema:
            match = _REF.fullmatch(schema["$ref"])
            target = self.schemas.get(match[1]) if match else None
            return self.convert(target, depth + 1) if target is not None else st.none()
        if "const" in schema:
            return st.just(schema["const"])
        if "enum" in schema:
            return st.sampled_from(schema["enum"])
        for key in ("oneOf", "anyOf"):
            if key in schema:
                return st.one_of([self.convert(sub, depth + 1) for sub in schema[key]])
        if "allOf" in schema:
            concrete = [s for s in schema["allOf"] if "$ref" not in s] or schema["allOf"]
            return self.convert(concrete[0], depth + 1)
        kind = schema.get("type")
        if isinstance(kind, list):
            return st.one_of([self.convert({**schema, "type": k}, depth) for k in kind])
        return self._typed(schema, kind, depth)

    def _typed(self, schema: dict[str, Any], kind: object, depth: int) -> st.SearchStrategy[Json]:
        if kind == "null":
            return st.none()
        if kind == "boolean":
            return st.booleans()
        if kind == "integer":
            return st.integers(schema.get("minimum"), schema.get("maximum"))
        if kind == "number":
            return st.floats(
                schema.get("minimum"), schema.get("maximum"), allow_nan=False, allow_infinity=False
            )
        if kind == "string":
            if "pattern" in schema:
                text: st.SearchStrategy[str] = st.from_regex(schema["pattern"], fullmatch=True)
            else:
                text = st.text(max_size=min(int(schema.get("maxLength", 40)), 200))
            low, high = schema.get("minLength", 0), schema.get("maxLength")
            return text.filter(lambda s: len(s) >= low and (high is None or len(s) <= high))
        if kind == "array":
            items = self.convert(schema.get("items", {}), depth + 1)
            return st.lists(
                items,
                min_size=schema.get("minItems", 0),
                max_size=min(schema.get("maxItems", 3), 5),
            )
        if kind == "object" or "properties" in schema:
            return self._object(schema, depth)
        return _any_json()

    def _object(self, schema: dict[str, Any], depth: int) -> st.SearchStrategy[Json]:
        properties: dict[str, Any] = schema.get("properties", {})
        required = set(schema.get("required", []))
        fields = {name: self.convert(sub, depth + 1) for name, sub in properties.items()}

        @st.composite
        def build(draw: st.DrawFn) -> dict[str, Json]:
            out: dict[str, Json] = {}
            for name, strategy in fields.items():
                if name in required or draw(st.booleans()):
                    out[name] = draw(strategy)
            return out

        return build()


# -- junk: what a broken or hostile client could put anywhere -----------------------------------

_NASTY_TEXT = st.sampled_from(
    [
        "",
        "\x00",
        "\x1b[31mred\x1b[0m",
        "\u202eevil\u202c",
        "@everyone",
        "<@123>",
        "**bold** `code` [x](http://x)",
        "ng/mL" * 50,
        "9" * 400,
        "Z\u0301\u0302\u0303\u0304" * 30,
        "\ud800",
        "dk2:pin:pin",
        "dk2:pin:unpin",
        "dk2:pin:pinX",
        "x" * 5000,
    ]
)


def _any_json() -> st.SearchStrategy[Json]:
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=2**63, max_value=2**200),
        st.floats(allow_nan=False, allow_infinity=False),
        st.text(max_size=30),
        _NASTY_TEXT,
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3), st.dictionaries(st.text(max_size=8), inner, max_size=3)
        ),
        max_leaves=8,
    )


# -- mutations of real payloads ---------------------------------------------------------------


def _paths(value: Json, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path into a payload (dict keys and list indexes)."""
    found: list[tuple[Any, ...]] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(inner, (*prefix, index)))
    return found


def _parent(payload: Json, path: tuple[Any, ...]) -> Json:
    node = payload
    for key in path[:-1]:
        node = node[key]
    return node


@st.composite
def _mutated(draw: st.DrawFn, bases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    payload = copy.deepcopy(draw(st.sampled_from(bases)))
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(payload)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        try:
            parent = _parent(payload, path)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier mutation removed or replaced what led here
        key = path[-1]
        action = draw(st.sampled_from(["delete", "replace", "splice"]))
        if action == "delete":
            del parent[key]
        elif action == "splice" and isinstance(parent[key], str):
            text: str = parent[key]
            at = draw(st.integers(0, len(text)))
            parent[key] = text[:at] + draw(_NASTY_TEXT) + text[at:]
        else:
            parent[key] = draw(_any_json())
    return payload


@st.composite
def _from_spec(draw: st.DrawFn, bases: Sequence[dict[str, Any]]) -> dict[str, Any]:
    payload = copy.deepcopy(draw(st.sampled_from(bases)))
    overlay: dict[str, Any] = draw(from_schema(interaction_schema()))
    for key, value in overlay.items():
        if key == "data" and isinstance(value, dict) and isinstance(payload.get("data"), dict):
            payload["data"].update(value)  # keep what the spec left out, e.g. the command's id
        else:
            payload[key] = value
    return payload


def payloads(
    bases: Sequence[dict[str, Any]], *, fresh_token: Callable[[], str] | None = None
) -> st.SearchStrategy[dict[str, Any]]:
    """Payloads from the spec and from mutating ``bases`` (real payloads), each with a new
    id and token."""
    make_token = fresh_token or (lambda: "fuzz" + secrets.token_urlsafe(24))

    def fresh(payload: dict[str, Any]) -> dict[str, Any]:
        payload["id"] = str(1_400_000_000_000_000_000 + next(_fresh))
        payload["token"] = make_token()
        return payload

    return st.one_of(
        _mutated(bases), _from_spec(bases), st.sampled_from(bases).map(copy.deepcopy)
    ).map(fresh)
