"""The one reply model every dk2 answer is built as.

The core returns a `Reply`; the Discord layer renders it to an embed and the console and
CLI render it to plain text with `render_text`. Both read the same object, so they can't
drift apart.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any, NamedTuple

from bot.core.gauge import GaugeScale


class Section(NamedTuple):
    """A headed block of a reply (an embed field in chat). A named tuple, as `Picture`: one
    or two are built per reply, and a tuple builds in a third of a frozen dataclass's time."""

    name: str
    value: str


class Picture(NamedTuple):
    """The gauge picture that goes with a reply: a value marked on one band table.

    `label` is the value as the picture captions it ("5,000 IU/day"); `description` says
    what the picture shows in words, for screen readers (the reply's text says it too).
    """

    kind: str
    value: Decimal
    label: str
    description: str
    # A lab's "<12" or ">150": the value is an edge and the result lies below (-1) or
    # above (+1) it, so the marker sits just that side of the edge.
    side: int = 0
    # The scale drawn, when it is not the knowledge's band table `kind` (a child's limits).
    scale: GaugeScale | None = None

    @property
    def filename(self) -> str:
        """The name the picture is uploaded under (a property: not a field of the tuple)."""
        return "gauge.png"


class SourceRef(NamedTuple):
    """One source a reply leans on: its id and title in sources.yaml, the article section
    quoted (None for a whole source), its full citation, and the `label` replies show. (A
    named tuple: replies' cached parts are keyed by these, and a tuple hashes in C.)"""

    id: str
    title: str
    section: str | None
    citation: str | None
    # None: named already, in the label of the entry before (article sections) or beside the
    # line that leans on it ("(IOM 2011)"), so the sources line doesn't repeat it.
    label: str | None


class _ReplyFields(NamedTuple):
    command: str
    ok: bool
    title: str
    body: str
    sections: tuple[Section, ...]
    gauge: str | None
    sources: tuple[SourceRef, ...]
    disclaimer: str | None
    colour: int | None
    picture: Picture | None
    error: str | None
    data: dict[str, Any]


class Reply(_ReplyFields):
    """What dk2 answers to one command.

    `ok` is False for user errors (bad input); `error` then holds the message that says what
    to type instead. `data` carries the machine-readable facts (`daily_iu`, `band`, `topic`,
    ...) that `reply --json` prints and the usage log records (a new dict for each reply
    built without one). A named tuple: built in a third of a frozen dataclass's time.
    """

    __slots__ = ()

    def __new__(
        cls,
        command: str,
        ok: bool,
        title: str,
        body: str,
        sections: tuple[Section, ...] = (),
        gauge: str | None = None,
        sources: tuple[SourceRef, ...] = (),
        disclaimer: str | None = None,
        colour: int | None = None,
        picture: Picture | None = None,
        error: str | None = None,
        data: dict[str, Any] | None = None,
    ) -> Reply:
        data = {} if data is None else data
        fields = (command, ok, title, body, sections, gauge, sources, disclaimer, colour)
        return tuple.__new__(cls, (*fields, picture, error, data))

    @property
    def source_line(self) -> str | None:
        """The sources named in one line, as both renderings show it."""
        if not any(source.label for source in self.sources):
            return None
        return "Sources: " + "; ".join(s.label for s in self.sources if s.label)


def error_reply(command: str, message: str, *, title: str = "Can't read that") -> Reply:
    """A user error: a clear message, nothing else."""
    return Reply(command=command, ok=False, title=title, body=message, error=message)


def render_text(reply: Reply) -> str:
    """Render a reply as plain text, the way the console and `reply` show it."""
    lines: list[str] = [f"== {reply.title} =="]
    if reply.body:
        lines.append(reply.body)
    if reply.gauge:
        lines.append("")
        lines.append(reply.gauge)
    for section in reply.sections:
        lines.append("")
        lines.append(f"-- {section.name} --")
        lines.append(section.value)
    if reply.source_line:
        lines.append("")
        lines.append(reply.source_line)
    if reply.disclaimer:
        lines.append("")
        lines.append(reply.disclaimer)
    return "\n".join(lines)


def to_json_dict(reply: Reply) -> dict[str, Any]:
    """The `reply --json` object: the contract fields, then the command's own data."""
    out: dict[str, Any] = {
        "command": reply.command,
        "ok": reply.ok,
        "title": reply.title,
        "text": render_text(reply),
    }
    if not reply.ok:
        out["error"] = reply.error
    out.update(reply.data)
    return out
