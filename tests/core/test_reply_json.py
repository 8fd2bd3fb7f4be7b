"""The `reply --json` contract: every reply kind validates against the published JSON Schema."""

from __future__ import annotations

import io
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter, ValidationError

from bot.cli import main
from bot.core.model import KnowledgeBase
from bot.core.numbers import fmt, shown_number
from bot.core.reply import Reply
from bot.core.reply_json import KINDS, AnyReply, _as_shown, reply_json, reply_schema
from tests.core.conftest import KNOWLEDGE

REPO = Path(__file__).resolve().parents[2]
PUBLISHED = REPO / "schema" / "reply.schema.json"
VALIDATOR = jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8")))

# What a member may type, covering every reply kind and the variants within each.
SAMPLES = {
    "dose": [
        "/dk2 dose 5000",
        "/dk2 dose 50000 IU weekly k2:100",
        "/dk2 dose 125 mcg k2:0.1 mg mk-7",
        "/dk2 dose 1000-2000",
        "/dk2 dose 800 age:4",
        "/dk2 dose 60000",
    ],
    "level": [
        "/dk2 level 105 nmol/L",
        "/dk2 level 42",
        "/dk2 level 180 private:yes",
        "/dk2 level <10",
    ],
    "explain": [
        "/dk2 explain mgp",
        "/dk2 explain upper-limit",
        "/dk2 explain osteocalcn",
        "/dk2 explain recommend a good laptop",
    ],
    "topics": ["/dk2 topics", "/dk2 topics private:no"],
    "about": ["/dk2 about"],
    "help": ["/dk2 help"],
    "error": [
        "/dk2 dose -5",
        "/dk2 level abc",
        "/dk2 nonsense",
        "/dk2",
        "/dk2 dose 5000 bogus:1",
        "/dk2 dose 5000 private:perhaps",
        "/dk2 explain",
        "/dk2 topics extra words",
        "/dk2 level <abc",
        "/dk2 dose 5000 k2:lots",
    ],
}


def reply_for(text: str) -> tuple[int, dict[str, Any]]:
    """What `python -m bot reply --json` prints for `text`."""
    out, err = io.StringIO(), io.StringIO()
    code = main(["--knowledge", str(KNOWLEDGE), "reply", "--json", text], out, err)
    lines = out.getvalue().splitlines()
    assert len(lines) == 1, out.getvalue() + err.getvalue()
    return code, json.loads(lines[0])


def kind_of(data: dict[str, Any]) -> str:
    return str(data["command"]) if data["ok"] else "error"


def test_the_published_schema_is_the_one_the_models_give() -> None:
    published = json.loads(PUBLISHED.read_text(encoding="utf-8"))
    assert published == reply_schema(), (
        "schema/reply.schema.json is out of date: run `python -m bot schema --output reply`"
    )


def test_the_samples_cover_every_reply_kind() -> None:
    assert set(SAMPLES) == set(KINDS)


@pytest.mark.parametrize(
    ("kind", "text"), [(kind, text) for kind, texts in SAMPLES.items() for text in texts]
)
def test_every_reply_kind_validates_with_every_key_present(kind: str, text: str) -> None:
    code, data = reply_for(text)
    assert kind_of(data) == kind
    assert code == (0 if kind != "error" else 1)
    VALIDATOR.validate(data)
    assert list(data) == list(KINDS[kind].model_fields)  # every key, in the documented order


def test_absent_values_are_null_not_missing() -> None:
    _, plain = reply_for("/dk2 dose 5000")
    assert plain["k2_mcg"] is None and plain["k2_band"] is None and plain["private"] is None
    _, unmatched = reply_for("/dk2 explain recommend a good laptop")
    assert unmatched["topic"] is None and unmatched["kind"] is None
    assert unmatched["private"] is True  # it echoes the member's words: never public
    _, error = reply_for("/dk2 dose -5")
    assert error["sources"] == [] and error["disclaimer"] is None


def test_numbers_are_rounded_as_the_reply_shows_them() -> None:
    _, dose = reply_for("/dk2 dose 50000 IU weekly k2:0.1 mg")
    assert dose["daily_iu"] == 7143 and dose["daily_mcg"] == 178.57 and dose["k2_mcg"] == 100
    assert "7,143 IU/day (178.57 µg/day)" in dose["text"]
    _, level = reply_for("/dk2 level 105 nmol/L")
    assert level["ng_ml"] == 42.1 and level["nmol_l"] == 105
    assert "105 nmol/L (42.1 ng/mL)" in level["text"]


def test_sources_name_id_title_section_and_citation(kb: KnowledgeBase) -> None:
    _, dose = reply_for("/dk2 dose 5000")
    sources = dose["sources"]
    assert sources and all(set(s) == {"id", "title", "section", "citation"} for s in sources)
    for source in sources:
        assert source["id"] in kb.sources
        assert source["title"] == kb.sources[source["id"]].name
        assert source["citation"] == kb.sources[source["id"]].citation
        assert source["section"] is None or source["section"] in kb.sections
    assert {"id": "iom-2011", "section": None} in [
        {"id": s["id"], "section": s["section"]} for s in sources
    ]
    _, explain = reply_for("/dk2 explain mgp")
    assert [(s["id"], s["section"]) for s in explain["sources"]] == [
        ("article", kb.topics["mgp"].source.section)
    ]


@pytest.mark.parametrize(
    "broken",
    [
        {"drop": "k2_band"},  # a key missing
        {"add": ("colour", 1)},  # a key the contract doesn't have
        {"add": ("ok", False)},  # a failed reply without an error message
        {"add": ("daily_iu", "5000")},  # a number given as text
    ],
)
def test_the_schema_refuses_a_reply_that_breaks_the_contract(broken: dict[str, Any]) -> None:
    _, data = reply_for("/dk2 dose 5000")
    if "drop" in broken:
        del data[broken["drop"]]
    else:
        key, value = broken["add"]
        data[key] = value
    assert not VALIDATOR.is_valid(data)


def test_a_reply_whose_data_drifts_from_its_model_is_refused_not_printed() -> None:
    drifted = Reply("topics", True, "t", "b", data={"topics": [], "count": 0})
    with pytest.raises(ValidationError):
        reply_json(drifted, None)
    missing = Reply("about", True, "t", "b", data={"version": "v"})
    with pytest.raises(ValidationError):
        reply_json(missing, None)


def test_schema_command_writes_the_published_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out, err = io.StringIO(), io.StringIO()
    assert main(["schema", "--output", "reply", "--dir", str(tmp_path / "out")], out, err) == 0
    target = tmp_path / "out" / "reply.schema.json"
    assert target.read_text(encoding="utf-8") == PUBLISHED.read_text(encoding="utf-8")
    assert out.getvalue().strip() == f"wrote {target}"
    # Without --dir it goes to schema/ where it is run (the clone's root), knowledge unneeded.
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DK2_KNOWLEDGE_PATH", raising=False)
    monkeypatch.delenv("DK2_CONFIG", raising=False)
    assert main(["schema", "--output", "reply"], io.StringIO(), err) == 0, err.getvalue()
    assert (tmp_path / "schema" / "reply.schema.json").read_text() == target.read_text()


@settings(max_examples=100, deadline=None)
@given(
    # Every amount dk2 shows is ≥ 0 (negative input is refused) and far below 10⁹.
    value=st.decimals(min_value=Decimal(0), max_value=Decimal("1e9"), places=6),
    places=st.integers(min_value=0, max_value=4),
)
def test_shown_number_reads_back_exactly_what_fmt_showed(value: Decimal, places: int) -> None:
    shown = fmt(value, places)
    number = shown_number(shown)
    assert fmt(Decimal(repr(number)), places) == shown


def test_several_article_sections_are_one_line_for_people_and_separate_in_json() -> None:
    _, dose = reply_for("/dk2 dose 3000 k2:100")
    sections = [s["section"] for s in dose["sources"] if s["id"] == "article"]
    assert len(sections) == 2 and None not in sections
    source_line = next(line for line in dose["text"].splitlines() if line.startswith("Sources:"))
    assert source_line.count("article sections “") == 1
    assert all(f"“{section}”" in source_line for section in sections)


def test_figures_are_rounded_to_the_places_each_field_shows() -> None:
    # The rounding each numeric field applies (its model is built once, at import): IU whole,
    # µg to two decimals, ng/mL to one; an absent figure stays null.
    assert _as_shown(0).func(7142.857142857143) == 7143
    assert _as_shown(2).func(178.57142857142858) == 178.57
    assert _as_shown(1).func(42.06730769230769) == 42.1
    assert _as_shown(2).func(None) is None


@pytest.mark.parametrize(("kind", "text"), [(k, t[0]) for k, t in SAMPLES.items()])
def test_the_published_union_reads_each_printed_reply_back_as_its_kind(
    kind: str, text: str
) -> None:
    # A consumer validating `reply --json` output with the published union gets the model
    # of its kind: any reply with ok false is an ErrorReply, whatever its command.
    _, data = reply_for(text)
    parsed = TypeAdapter(AnyReply).validate_python(data)
    assert type(parsed) is KINDS[kind]


def test_the_union_refuses_what_is_not_a_reply() -> None:
    with pytest.raises(ValidationError):
        TypeAdapter(AnyReply).validate_python(object())
    with pytest.raises(ValidationError):
        TypeAdapter(AnyReply).validate_python({"command": "nonsense", "ok": True})
