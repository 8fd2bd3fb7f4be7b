"""The `python -m bot reply --json` contract: one declared model per reply kind.

Every reply of a kind carries every key of its model (`null` when a value is absent, never a
missing key); numbers are rounded as the reply shows them; `sources` names each source with its
id, title, article section and citation. `reply_schema()` is the JSON Schema published in
`schema/reply.schema.json` (`python -m bot schema --output reply` writes it).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag, TypeAdapter

from bot.core.numbers import fmt, shown_number
from bot.core.reply import Reply, render_text


def _as_shown(places: int) -> BeforeValidator:
    """Round a figure as the reply shows it (`fmt` with `places` decimals)."""
    return BeforeValidator(
        lambda value: value if value is None else shown_number(fmt(Decimal(repr(value)), places))
    )


class Source(BaseModel):
    """A source the reply leans on, as listed in the knowledge's sources.yaml."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(description="the source's id in sources.yaml, e.g. `article`, `iom-2011`")
    title: str = Field(description="its short name, as replies show it")
    section: str | None = Field(description="the article section quoted; null for a whole source")
    citation: str | None = Field(description="the full citation")


class _Reply(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    command: str = Field(description="the command answered")
    ok: bool = Field(description="false only for an error reply")
    title: str
    text: str = Field(description="the whole reply as plain text, as the console shows it")
    private: bool | None = Field(
        description="`private:` as typed, or true where dk2 always answers privately (a "
        "question it has no answer for echoes the member's words); null when not given"
    )
    sources: list[Source]
    disclaimer: str | None = Field(description="the not-medical-advice line, on health replies")


class _Band(_Reply):
    ok: Literal[True]
    band: str = Field(description="the band's id in knowledge/bands")
    label: str = Field(description="the band's label, as the title shows it")
    cautions: list[str] = Field(description="ids of the cautions shown (cautions.yaml)")
    hints: list[str] = Field(description="checks on how the amount was typed, if any")


class DoseReply(_Band):
    """`/dk2 dose`: a daily vitamin D3 dose placed on the dose bands."""

    command: Literal["dose"]
    daily_iu: Annotated[float, _as_shown(0)] = Field(description="daily dose in IU, as shown")
    daily_mcg: Annotated[float, _as_shown(2)] = Field(description="the same in µg, as shown")
    k2_mcg: Annotated[float | None, _as_shown(2)] = Field(
        description="the daily K2 amount in µg, as shown; null when none was given"
    )
    k2_band: str | None = Field(description="the K2 amount's band id, if one was given")
    k2_form: str | None = Field(description="the K2 form named (e.g. `mk-7`), if any")
    k2_pairing: str | None = Field(description="how the band pairs K2 (`pairing` in the band)")
    age_months: float | None = Field(description="the age given with `age:`, in months")
    limit_iu: float | None = Field(description="a child's upper limit in IU/day, for `age:`")
    warning: str | None = Field(description="id of the caution shown first, if any")


class LevelReply(_Band):
    """`/dk2 level`: a blood 25(OH)D result placed on the level bands."""

    command: Literal["level"]
    ng_ml: Annotated[float, _as_shown(1)] = Field(description="the result in ng/mL, as shown")
    nmol_l: Annotated[float, _as_shown(1)] = Field(description="the result in nmol/L, as shown")
    bound: Literal["<", ">"] | None = Field(
        description="`<` or `>` when the lab reported a bound (`<10`): the result is below or "
        "above the figures; null for a plain result"
    )
    unit_assumed: bool = Field(description="true when no unit was typed and ng/mL was assumed")
    warning: str | None = Field(description="id of the caution shown first, if any")


class ExplainReply(_Reply):
    """`/dk2 explain`: a curated topic, or suggestions when none matched confidently."""

    ok: Literal[True]
    command: Literal["explain"]
    topic: str | None = Field(description="the topic's id; null when nothing matched")
    kind: Literal["article", "reference"] | None = Field(description="where the answer is from")
    match: str = Field(description="how the topic was found (`exact`, ...), `none` if not")
    suggestions: list[str] = Field(description="topic ids to try when nothing matched")
    out_of_scope: bool | None = Field(
        None, description="true when the question is about something dk2 doesn't cover"
    )
    urgent: bool | None = Field(
        None, description="true when the question says someone may need urgent care now"
    )


class TopicsReply(_Reply):
    """`/dk2 topics`: every topic id dk2 can explain."""

    ok: Literal[True]
    command: Literal["topics"]
    topics: list[str]


class AboutReply(_Reply):
    """`/dk2 about`: what dk2 is, its sources and the knowledge version."""

    ok: Literal[True]
    command: Literal["about"]
    version: str = Field(description="the knowledge-base version")
    loaded_at: str = Field(description="when it was loaded, ISO 8601")


class HelpReply(_Reply):
    """`/dk2 help`: every command with an example."""

    ok: Literal[True]
    command: Literal["help"]
    commands: list[str] = Field(description="the commands listed, in order")


class ErrorReply(_Reply):
    """Bad input, for any command: what to type instead."""

    ok: Literal[False]
    command: str = Field(description="the command tried, or `unknown`")
    error: str = Field(description="the message saying what to type instead")
    error_key: str = Field(description="which message (the key under `errors` in messages.yaml)")
    error_option: str | None = Field(description="the option that is wrong, when one is")


KINDS: dict[str, type[_Reply]] = {
    "dose": DoseReply,
    "level": LevelReply,
    "explain": ExplainReply,
    "topics": TopicsReply,
    "about": AboutReply,
    "help": HelpReply,
    "error": ErrorReply,
}


def _kind(value: Any) -> str:
    """The reply kind: its command, or `error` for any reply that isn't ok."""
    if isinstance(value, dict):
        return "error" if value.get("ok") is False else str(value.get("command"))
    return "error" if getattr(value, "ok", None) is False else str(getattr(value, "command", ""))


AnyReply = Annotated[
    Annotated[DoseReply, Tag("dose")]
    | Annotated[LevelReply, Tag("level")]
    | Annotated[ExplainReply, Tag("explain")]
    | Annotated[TopicsReply, Tag("topics")]
    | Annotated[AboutReply, Tag("about")]
    | Annotated[HelpReply, Tag("help")]
    | Annotated[ErrorReply, Tag("error")],
    Discriminator(_kind),
]
_ADAPTER: TypeAdapter[Any] = TypeAdapter(AnyReply)


def reply_json(reply: Reply, private: bool | None) -> dict[str, Any]:
    """The `reply --json` object for `reply`, checked against its kind's model."""
    model = KINDS[_kind(reply)]
    values: dict[str, Any] = {
        "command": reply.command,
        "ok": reply.ok,
        "title": reply.title,
        "text": render_text(reply),
        "private": private,
        "sources": [
            {"id": s.id, "title": s.title, "section": s.section, "citation": s.citation}
            for s in reply.sources
        ],
        "disclaimer": reply.disclaimer,
        **({"error": reply.error} if not reply.ok else {}),
        **reply.data,  # a reply dk2 always shows privately says so: data["private"] is True
    }
    return model.model_validate(values).model_dump(mode="json")


def reply_schema() -> dict[str, Any]:
    """The JSON Schema every `reply --json` object validates against."""
    schema = _ADAPTER.json_schema(mode="serialization")
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "dk2 reply --json",
        "description": "One object per reply; `ok` false and any `command` is an ErrorReply.",
        **schema,
    }
