"""The messages.yaml model, built from the list of message keys and their placeholders
(bot.core.message_keys): rebuilt here from that list, it gives the schema committed in
knowledge/schema/messages.schema.json (what curators' editors read), reads the real
messages.yaml, and refuses a key the code never says."""

from __future__ import annotations

import json

import pytest
import yaml
from pydantic import ValidationError

from bot.core.message_keys import MESSAGE_FIELDS, _model, _tree, templates_of
from tests.core.conftest import KNOWLEDGE

COMMITTED = json.loads((KNOWLEDGE / "schema" / "messages.schema.json").read_text("utf-8"))


def test_the_rebuilt_model_gives_the_committed_schema() -> None:
    schema = _model("Messages", _tree()).model_json_schema()
    assert schema["$defs"] == COMMITTED["$defs"]
    assert schema["properties"] == COMMITTED["properties"]
    assert schema["required"] == COMMITTED["required"]
    # Nested groups are named after their path; each template says its placeholders.
    repeat = schema["$defs"]["Messages_repeat"]["properties"]
    assert repeat["text"]["description"] == "placeholders: {ago} {link}"
    assert repeat["just_now"]["description"] == "placeholders: none"
    pin = schema["$defs"]["Messages_pin_discord_error"]["properties"]["text"]
    assert pin["description"] == "placeholders: {action} {status}"


def test_the_rebuilt_model_reads_messages_yaml_into_every_key() -> None:
    data = yaml.safe_load((KNOWLEDGE / "messages.yaml").read_text("utf-8"))
    model = _model("Messages", _tree())
    templates = templates_of(model.model_validate(data))
    assert set(templates) == set(MESSAGE_FIELDS)
    assert templates["repeat.just_now"] == "just now"
    assert templates["errors.title"] == "Can't read that"


def test_the_rebuilt_model_refuses_unknown_and_missing_keys() -> None:
    data = yaml.safe_load((KNOWLEDGE / "messages.yaml").read_text("utf-8"))
    model = _model("Messages", _tree())
    with pytest.raises(ValidationError, match=r"repeat\.minute_agoo"):
        model.model_validate({**data, "repeat": {**data["repeat"], "minute_agoo": "x"}})
    without = {key: value for key, value in data["repeat"].items() if key != "just_now"}
    with pytest.raises(ValidationError, match=r"repeat\.just_now"):
        model.model_validate({**data, "repeat": without})
