"""Which usage row each reply becomes: topic or band, answered or not, the term only when
explain found nothing."""

from __future__ import annotations

import pytest

from bot.core.commands import Request, run
from bot.discord_layer.usage_hook import usage_event
from tests.discord_layer.helpers import knowledge


def test_explain_found_records_the_topic_and_no_text() -> None:
    reply = run(knowledge(), Request("explain", {"term": "matrix gla protein"}))
    event = usage_event(reply, guild_id=42, term="matrix gla protein")
    assert (event.command, event.answered, event.outcome, event.term) == (
        "explain",
        True,
        "mgp",
        None,
    )
    assert event.guild_id == 42


def test_explain_not_found_keeps_the_term_for_curators() -> None:
    reply = run(knowledge(), Request("explain", {"term": "flux capacitor"}))
    event = usage_event(reply, guild_id=None, term="flux capacitor")
    assert (event.answered, event.outcome, event.term) == (False, None, "flux capacitor")


@pytest.mark.parametrize(
    ("options", "k2"), [({"amount": "5000"}, False), ({"amount": "5000", "k2": "100"}, True)]
)
def test_dose_records_its_bands(options: dict[str, str], k2: bool) -> None:
    reply = run(knowledge(), Request("dose", options))
    event = usage_event(reply, guild_id=1, term=None)
    assert event.answered and event.outcome == reply.data["band"]
    assert (event.k2_band is not None) is k2 and event.k2_band == reply.data["k2_band"]


def test_level_and_input_errors() -> None:
    level = usage_event(run(knowledge(), Request("level", {"value": "42"})), guild_id=1)
    assert level.answered and level.outcome is not None and level.k2_band is None
    bad = usage_event(run(knowledge(), Request("dose", {"amount": "lots"})), guild_id=1)
    assert (bad.command, bad.answered, bad.outcome) == ("dose", False, None)
    about = usage_event(run(knowledge(), Request("about", {})), guild_id=1, term="ignored")
    assert (about.answered, about.outcome, about.term) == (True, None, None)
