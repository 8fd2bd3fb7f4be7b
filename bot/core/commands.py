"""Chat text to a reply: "/dk2 dose 5000 k2:100" as a member would type it.

The console and `python -m bot reply` go through here; the Discord layer receives options
already split by Discord and calls `run` directly, so both reach the same core functions.
Options may be positional or `name:value`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from bot.core.amounts import InputError, too_long
from bot.core.catalogue import about_reply, help_reply, topics_reply
from bot.core.dose import dose_reply
from bot.core.explain import amount_command, explain_reply
from bot.core.level import level_reply
from bot.core.model import KnowledgeBase
from bot.core.replies import input_error_reply
from bot.core.reply import Reply
from bot.core.sanitize import echo

# Each command and its options, the first being the one positional text fills.
COMMAND_OPTIONS: dict[str, tuple[str, ...]] = {
    "dose": ("amount", "k2", "age", "private"),
    "level": ("value", "private"),
    "explain": ("term", "private"),
    "topics": ("private",),
    "about": ("private",),
    "help": ("private",),
}
# Options whose value is one short thing: text after it is the command's main option, so
# `/dk2 dose k2:100 5000` reads like `/dk2 dose 5000 k2:100`.
# An age is a number and perhaps its unit ("age:8 months 400"), read like an amount.
_SHORT_VALUES = {"k2": "amount", "private": "word", "age": "amount"}
_DIGIT_START = re.compile(r"^[.,]?\d")
_OPTION = re.compile(r"(?:(?<=\s)|^)([a-z][a-z0-9_]*):", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*/?dk2\b\s*", re.IGNORECASE)
_MAX_OPTIONS = 4
# How much of a line an error quotes back as a command to type (`/dk2 explain …`).
_ECHO_REST = 100
_TRUE = {"yes", "y", "true", "1", "on"}
_FALSE = {"no", "n", "false", "0", "off"}


@dataclass(frozen=True, slots=True)
class Request:
    """One command as typed: its name, its options and whether the reply is private."""

    command: str
    options: dict[str, str] = field(default_factory=dict)
    private: bool | None = None


def _commands_hint() -> str:
    return ", ".join(f"`/dk2 {name}`" for name in COMMAND_OPTIONS)


def parse_request(text: str, max_chars: int) -> Request | tuple[str, InputError]:
    """Split chat text into a Request, or (command, error) saying what to type instead."""
    # Each option is held to the limit by its parser; a whole line may carry a few options,
    # but nothing longer than that is worth reading.
    if len(text) > max_chars * _MAX_OPTIONS and (error := too_long(text, max_chars)):
        return "", error
    body = _PREFIX.sub("", text, count=1).strip()
    if not body:
        return "", InputError("no_command", {"commands": _commands_hint()})
    name, _, rest = body.partition(" ")
    command = name.lower()
    if command not in COMMAND_OPTIONS:
        return "", InputError(
            "unknown_command",
            {
                "name": echo(name, 32, code=True),
                "commands": _commands_hint(),
                "rest": echo(body, _ECHO_REST, code=True),
            },
        )
    allowed = COMMAND_OPTIONS[command]
    pieces = _OPTION.split(rest)
    positional = pieces[0].strip()
    options: dict[str, str] = {}
    for index in range(1, len(pieces), 2):
        option = pieces[index].lower()
        value, after = _short_value(option, pieces[index + 1].strip())
        if after:
            positional = f"{positional} {after}".strip()
        if option not in allowed:
            listed = ", ".join(f"`{name}`" for name in allowed)
            return command, InputError(
                "unknown_option",
                {"name": echo(option, 32, code=True), "command": command, "options": listed},
            )
        if option in options:
            return command, InputError("duplicate_option", {"name": option})
        options[option] = value
    private: bool | None = None
    if "private" in options:
        flag = options.pop("private").lower()
        if flag not in _TRUE | _FALSE:
            return command, InputError("bad_private", option="private")
        private = flag in _TRUE
    if positional:
        error = _place_positional(command, positional, options)
        if error:
            return command, error
    return Request(command, options, private)


def _short_value(option: str, text: str) -> tuple[str, str]:
    """An option's own value and the text after it that belongs to the main option."""
    shape = _SHORT_VALUES.get(option)
    words = text.split()
    if shape is None or not words:
        return text, ""
    if shape == "word":
        return words[0], " ".join(words[1:])
    # An amount: the words up to the second number ("100 mcg 5000 IU": "100 mcg").
    seen_number = False
    for index, word in enumerate(words):
        if _DIGIT_START.match(word):
            if seen_number:
                return " ".join(words[:index]), " ".join(words[index:])
            seen_number = True
    return text, ""


def _place_positional(command: str, text: str, options: dict[str, str]) -> InputError | None:
    main = COMMAND_OPTIONS[command][0]
    if main == "private":
        # Nothing to place it in: say to type the command alone, or to ask it as a question.
        rest = echo(f"{command} {text}", _ECHO_REST, code=True)
        values = {"text": echo(text, 60), "command": command, "rest": rest}
        return InputError("extra_text_alone", values)
    if main not in options:
        options[main] = text
        return None
    # "/dk2 dose 5000 amount:6000": a second D3 amount, or K2? A guess either way, so K2 is
    # read only where it is named (`k2:100`, "k2 100") or follows the D3 amount.
    hint = f"Give `{main}` once." + (" Type K2 as `k2:100`." if command == "dose" else "")
    return InputError("extra_text", {"text": echo(text, 60), "what": f"`{main}`", "hint": hint})


def run(kb: KnowledgeBase, request: Request) -> Reply:
    """The reply to one parsed request: the same entry the Discord layer uses."""
    options = request.options
    handlers: dict[str, Callable[[], Reply]] = {
        "dose": lambda: _dose(kb, options),
        "level": lambda: level_reply(kb, options.get("value", "")),
        "explain": lambda: explain_reply(kb, options.get("term", "")),
        "topics": lambda: topics_reply(kb),
        "about": lambda: about_reply(kb),
        "help": lambda: help_reply(kb),
    }
    return handlers[request.command]()


def _dose(kb: KnowledgeBase, options: dict[str, str]) -> Reply:
    # "5000 IU 100 mcg" in `amount` is read as D3 then K2 by the dose reader itself.
    return dose_reply(kb, options.get("amount", ""), options.get("k2"), options.get("age"))


def console_text(text: str) -> str:
    """A console line as chat text: `dose 5000` is `/dk2 dose 5000`, and a line that starts
    with no command (`is d3 safe without k2?`) is a question for `/dk2 explain`."""
    if _PREFIX.match(text):
        return text
    first = text.split(maxsplit=1)[0].lower() if text.strip() else ""
    if first in COMMAND_OPTIONS:
        return f"/dk2 {text}"
    return f"/dk2 explain {text}"


def reply_for_text(kb: KnowledgeBase, text: str) -> tuple[Reply, Request | None]:
    """Everything from chat text to reply; never raises for any input."""
    parsed = parse_request(text, kb.units.max_input_chars)
    if isinstance(parsed, tuple):
        command, error = parsed
        if error.key == "unknown_command":
            # "/dk2 5000 IU": no command, but an amount a command places.
            body = _PREFIX.sub("", text, count=1).strip()
            if len(body) <= _ECHO_REST and (placing := amount_command(kb, body)):
                values = {
                    "name": error.values["name"],
                    "command": placing,
                    "rest": error.values["rest"],
                }
                error = InputError("unknown_command_amount", values)
        return input_error_reply(kb, command or "unknown", error), None
    return run(kb, parsed), parsed
