"""The commands dk2 syncs, as Discord describes them, read back to check what arrives.

The endpoint dispatches by command name and type (ids differ per application and per guild
sync), and answers an interaction whose options don't match what dk2 declares (a client
showing an older `/dk2`, or a forged body) with the "out of date" reply, as the gateway does.
The declarations come from the very command tree `python -m bot sync` sends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from bot.http.incoming import Option

__all__ = ["DeclaredCommands", "DeclaredOption"]

_STRING: Final = 3
_INTEGER: Final = 4
_BOOLEAN: Final = 5
_NUMBER: Final = 10
_GROUPING: Final = (1, 2)  # subcommand, subcommand group
_INFINITIES: Final = (float("inf"), float("-inf"))


@dataclass(frozen=True, slots=True)
class DeclaredOption:
    name: str
    type: int
    required: bool
    min_value: float | None = None
    max_value: float | None = None

    def accepts(self, value: object) -> bool:
        """Whether `value` has the wire type of this option and lies in its range."""
        if self.type == _STRING:
            return isinstance(value, str)
        if self.type == _BOOLEAN:
            return isinstance(value, bool)
        if self.type in (_INTEGER, _NUMBER):
            if isinstance(value, bool) or not isinstance(value, int | float):
                return False
            # orjson reads an integer too big for 64 bits as a (whole) float.
            return self.type == _NUMBER or isinstance(value, int) or value.is_integer()
        return True  # ids of users, channels, roles: dk2 declares none

    def in_range(self, value: object) -> bool:
        """Whether a number lies within the declared min/max (anything else: True)."""
        if isinstance(value, bool) or not isinstance(value, int | float):
            return True
        if value != value or value in _INFINITIES:
            return False
        low_ok = self.min_value is None or value >= self.min_value
        return low_ok and (self.max_value is None or value <= self.max_value)


class DeclaredCommands:
    """Command path (`("dk2", "dose")`) and type → its declared options."""

    def __init__(self, commands: Sequence[Mapping[str, Any]]) -> None:
        self._leaves: dict[tuple[tuple[str, ...], int], dict[str, DeclaredOption]] = {}
        # Each leaf's required options, in declared order: checked on every command.
        self._required: dict[tuple[tuple[str, ...], int], tuple[str, ...]] = {}
        for command in commands:
            self._add((command["name"],), int(command.get("type", 1)), command)

    def _add(self, path: tuple[str, ...], kind: int, node: Mapping[str, Any]) -> None:
        options = node.get("options") or []
        subs = [o for o in options if o.get("type") in _GROUPING]
        if subs:
            for sub in subs:
                self._add((*path, sub["name"]), kind, sub)
            return
        self._leaves[(path, kind)] = {
            o["name"]: DeclaredOption(
                o["name"],
                int(o["type"]),
                bool(o.get("required", False)),
                o.get("min_value"),
                o.get("max_value"),
            )
            for o in options
        }
        self._required[(path, kind)] = tuple(
            name for name, spec in self._leaves[(path, kind)].items() if spec.required
        )

    def out_of_range(
        self, path: tuple[str, ...], kind: int, options: Sequence[Option]
    ) -> DeclaredOption | None:
        """The first number option outside its declared range, as the gateway reports it."""
        declared = self._leaves.get((path, kind), {})
        for option in options:
            spec = declared.get(option.name)
            if spec is not None and not spec.in_range(option.value):
                return spec
        return None

    def fits(self, path: tuple[str, ...], kind: int, options: Sequence[Option]) -> bool:
        """Whether a command's options match the declaration and lie in range: `problems`
        (not partial) empty and `out_of_range` None, in one pass. Every command is checked
        so; only one that doesn't fit is asked what is wrong."""
        declared = self._leaves.get((path, kind))
        if declared is None:
            return False
        for option in options:
            spec = declared.get(option.name)
            if spec is None or option.type != spec.type:
                return False
            if spec.type == _STRING:  # most options: text, which has no range
                if not isinstance(option.value, str):
                    return False
            elif not (spec.accepts(option.value) and spec.in_range(option.value)):
                return False
        for name in self._required[(path, kind)]:
            for option in options:
                if option.name == name:
                    break
            else:
                return False
        return True

    @property
    def paths(self) -> list[tuple[str, ...]]:
        return sorted(path for path, _ in self._leaves)

    def problems(
        self, path: tuple[str, ...], kind: int, options: Sequence[Option], *, partial: bool
    ) -> list[str]:
        """How the options sent differ from the declaration (empty when they match).

        `partial` is autocomplete: the focused option is text still being typed, and
        required options may not be filled in yet.
        """
        declared = self._leaves.get((path, kind))
        if declared is None:
            return [f"unknown command /{' '.join(path)} (type {kind})"]
        problems: list[str] = []
        for option in options:
            spec = declared.get(option.name)
            if spec is None:
                problems.append(f"unknown option {option.name!r}")
            elif option.focused and partial:
                continue
            elif option.type != spec.type or not spec.accepts(option.value):
                problems.append(
                    f"option {option.name!r} is type {option.type} "
                    f"({type(option.value).__name__}), expected {spec.type}"
                )
        required = self._required[(path, kind)]
        if not partial and required:
            sent = {option.name for option in options}
            problems += [
                f"required option {name!r} missing" for name in required if name not in sent
            ]
        return problems
