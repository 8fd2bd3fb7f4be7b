"""JSON Schemas of the knowledge files, generated from their models, for curators' editors.

`python -m bot schema` writes one per file kind into `knowledge/schema/`; each knowledge YAML
names its schema in its first line, so an editor with a YAML extension completes keys and
flags a mistake while a curator types.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from pydantic import BaseModel

from bot.core.message_keys import MessagesFile
from bot.core.model import (
    AgeLimits,
    BandTable,
    CautionsFile,
    QuestionsFile,
    SearchSettings,
    SourcesFile,
    Topic,
    Units,
)

JsonSchema = dict[str, Any]
DRAFT = "https://json-schema.org/draft/2020-12/schema"

# Each kind of knowledge file: its model, and what it holds.
KNOWLEDGE_KINDS: dict[str, tuple[type[BaseModel], str]] = {
    "topic": (Topic, "One curated topic, answered by /dk2 explain (topics/<id>.yaml)."),
    "bands": (BandTable, "A band table for /dk2 dose or /dk2 level (bands/<kind>.yaml)."),
    "cautions": (CautionsFile, "Cautions that band replies attach (cautions.yaml)."),
    "units": (Units, "Unit spellings, conversion factors and input limits (units.yaml)."),
    "messages": (MessagesFile, "Every sentence dk2 says that is not a topic or band."),
    "search": (SearchSettings, "How /dk2 explain finds a topic (search.yaml)."),
    "sources": (SourcesFile, "Every source a reply may name (sources.yaml)."),
    "ages": (AgeLimits, "Upper limits by age, for /dk2 dose with age: (ages.yaml)."),
    "questions": (QuestionsFile, "Members' questions search learns from (questions.yaml)."),
}


def kind_of(relative: str) -> str | None:
    """The kind of knowledge file at `relative` ("topics/mgp.yaml" -> "topic")."""
    path = PurePosixPath(relative)
    if path.suffix != ".yaml":
        return None
    folders = {"topics": "topic", "bands": "bands"}
    if len(path.parts) == 2:
        return folders.get(path.parts[0])
    # A file of a kind that lives in a folder is not that kind at the top (topic.yaml).
    single = len(path.parts) == 1 and path.stem not in folders.values()
    return path.stem if single and path.stem in KNOWLEDGE_KINDS else None


def modeline(relative: str) -> str | None:
    """The first line a knowledge YAML starts with, naming its schema by a relative path."""
    kind = kind_of(relative)
    if kind is None:
        return None
    up = "../" * (len(PurePosixPath(relative).parts) - 1)
    return f"# yaml-language-server: $schema={up}schema/{kind}.schema.json"


def knowledge_schemas() -> dict[str, JsonSchema]:
    schemas = {}
    for kind, (model, description) in KNOWLEDGE_KINDS.items():
        schema = model.model_json_schema()
        schema["title"] = f"dk2 knowledge: {kind}"
        schema["description"] = description
        schemas[kind] = {"$schema": DRAFT, **schema}
    return schemas


def schema_text(schema: JsonSchema) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def write_schemas(schemas: Mapping[str, JsonSchema], folder: Path) -> list[Path]:
    """Write each schema as `<name>.schema.json` in `folder`; the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, schema in schemas.items():
        path = folder / f"{name}.schema.json"
        path.write_text(schema_text(schema), encoding="utf-8")
        written.append(path)
    return written
