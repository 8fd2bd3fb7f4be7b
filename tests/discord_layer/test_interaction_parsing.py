"""What dk2 reads out of interactions itself: option types and the Pin button's custom_id.

Property tests over real discord.Interaction objects built from INTERACTION_CREATE payloads:
any option values a client (an old one, or a forged payload) may send are either accepted
as the command declares them or reported, never a crash.
"""

from __future__ import annotations

import asyncio
from typing import Any

import discord
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.config import Settings
from bot.core.holder import KnowledgeHolder
from bot.core.loader import default_knowledge_path
from bot.discord_layer.admin_cog import MAX_STATS_DAYS, Dk2AdminCog
from bot.discord_layer.app import Dk2Bot
from bot.discord_layer.cog import Dk2Cog
from bot.discord_layer.intake import payload_problem
from bot.discord_layer.signature import option_problems, out_of_range
from bot.discord_layer.views import PinButton
from tests.discord_layer.helpers import knowledge
from tests.fakediscord import payloads


def _bot() -> Dk2Bot:
    holder = KnowledgeHolder(default_knowledge_path(), knowledge())
    config = Settings(knowledge_path=default_knowledge_path())

    async def build() -> Dk2Bot:
        bot = Dk2Bot(config, holder, record_usage=False)
        await bot.add_cog(Dk2Cog(holder, config))
        await bot.add_cog(Dk2AdminCog(holder, config))
        return bot

    bot = asyncio.run(build())
    state = bot._connection
    state.user = discord.ClientUser(state=state, data=payloads.user_payload(1, "dk2"))  # type: ignore[arg-type]
    return bot


BOT = _bot()


def _payload(subcommand: str, options: dict[str, object], group: str = "dk2") -> dict[str, Any]:
    return payloads.slash_subcommand(
        application_id=1,
        guild_id=2,
        channel_id=3,
        user_id=4,
        group=group,
        subcommand=subcommand,
        options=options,
        member_permissions=0,
        app_permissions=0,
    )


def _interaction(
    subcommand: str, options: dict[str, object], group: str = "dk2"
) -> discord.Interaction[Any]:
    payload = payloads.slash_subcommand(
        application_id=1,
        guild_id=2,
        channel_id=3,
        user_id=4,
        group=group,
        subcommand=subcommand,
        options=options,
        member_permissions=0,
        app_permissions=0,
    )
    return discord.Interaction(data=payload, state=BOT._connection)  # type: ignore[arg-type]


wire_values = st.one_of(
    st.text(max_size=50),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
)


@settings(max_examples=300)
@given(amount=wire_values, k2=wire_values, private=wire_values)
def test_dose_options_of_any_type_are_accepted_or_reported(
    amount: object, k2: object, private: object
) -> None:
    interaction = _interaction("dose", {"amount": amount, "k2": k2, "private": private})
    problems = option_problems(interaction)
    well_typed = isinstance(amount, str) and isinstance(k2, str) and isinstance(private, bool)
    assert (problems == []) == well_typed, problems


@given(term=wire_values)
def test_explain_term_must_be_text(term: object) -> None:
    problems = option_problems(_interaction("explain", {"term": term}))
    assert (problems == []) == isinstance(term, str)


@given(st.text(max_size=120))
def test_only_dk2_pin_ids_are_read_as_the_pin_button(custom_id: str) -> None:
    match = PinButton.__discord_ui_compiled_template__.fullmatch(custom_id)
    assert (match is not None) == (custom_id in {"dk2:pin:pin", "dk2:pin:unpin"})


@given(days=st.one_of(st.integers(), st.floats(allow_nan=True, allow_infinity=True)))
def test_stats_days_outside_the_declared_range_is_caught(days: float) -> None:
    interaction = _interaction("stats", {"days": days}, group="dk2-admin")
    wrong = out_of_range(interaction)
    in_range = isinstance(days, int) and 1 <= days <= MAX_STATS_DAYS
    if isinstance(days, float):
        return  # a float for an integer option is option_problems' to report
    assert (wrong is None) == in_range
    if wrong is not None:
        assert (wrong.name, wrong.minimum, wrong.maximum) == ("days", 1, MAX_STATS_DAYS)


json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=15,
)


@given(json_values)
def test_payload_problem_reads_any_json_without_raising(value: object) -> None:
    problem = payload_problem(value)
    assert problem is None or isinstance(problem, str)


REQUIRED = ["id", "application_id", "token", "type", "data"]


@given(
    key=st.sampled_from([*REQUIRED, "guild_id", "member"]),
    junk=st.one_of(
        st.none(),
        st.booleans(),
        st.text(max_size=5).filter(lambda text: not (text.isascii() and text.isdigit())),
        st.lists(st.integers()),
    ),
)
def test_a_real_payload_passes_and_a_broken_one_is_named(key: str, junk: object) -> None:
    payload = _payload("dose", {"amount": "5000"})
    assert payload_problem(payload) is None
    payload[key] = junk
    problem = payload_problem(payload)
    if key == "guild_id" and junk is None:
        assert problem is None  # a DM: no guild at all
    elif key == "token" and isinstance(junk, str) and junk:
        assert problem is None  # tokens are opaque text
    elif key == "member" and junk is None:
        assert problem is not None and "neither a member nor a user" in problem
    else:
        assert problem is not None
