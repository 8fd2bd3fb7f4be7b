"""The real dk2 process, started as an operator starts it: login, sync, every /dk2 subcommand
with its error paths, autocomplete, and interactions Discord's spec would never produce.

One bot process serves the whole module; each test types as a fresh member, so the per-member
cooldown of one test never leaks into another.
"""

from __future__ import annotations

import pytest

from bot.discord_layer.embeds import ERROR_COLOUR
from tests.e2e.harness import PIN_ID, Dk2Session, button_ids, embed_text, private_text
from tests.fakediscord import Message, is_valid_command_name
from tests.fakediscord.payloads import OPTION_INTEGER
from tests.fakediscord.spec import command_name_errors

pytestmark = pytest.mark.asyncio(loop_scope="module")

CORE_SUBCOMMANDS = ["dose", "level", "explain", "topics", "about"]
SYNC_ROUTE = r"/applications/\d+/guilds/\d+/commands"


def public_answer(message: Message | None) -> Message:
    """A public, non-error answer with dk2's Pin button, as every member sees it."""
    assert message is not None and not message.ephemeral
    assert message.embeds and message.embeds[0].get("color") != ERROR_COLOUR
    assert button_ids(message) == [PIN_ID]
    return message


# -- start-up -------------------------------------------------------------------------------


async def test_login_asks_for_no_privileged_intent(dk2: Dk2Session) -> None:
    fake = dk2.fake
    paths = [(r.method, r.path) for r in fake.requests]
    assert paths.index(("GET", "/users/@me")) < paths.index(("GET", "/oauth2/applications/@me"))
    identify = await fake.wait_for_identify()
    assert identify["token"] == fake.token
    assert identify["intents"] == 1  # GUILDS only: slash commands and buttons need nothing else
    assert "connected as dk2" in dk2.bot.log()


async def test_commands_are_synced_once_to_the_dev_guild_within_discords_rules(
    dk2: Dk2Session,
) -> None:
    fake = dk2.fake
    (sync,) = fake.requests.matching("PUT", SYNC_ROUTE)
    assert sync.status == 200  # the fake refuses (400) a body Discord's spec would refuse
    assert command_name_errors(sync.json) == []
    command, admin, menu = sync.json
    assert (menu["name"], menu["type"]) == ("Answer with dk2", 3)  # Apps → on a message
    assert command["name"] == "dk2" and is_valid_command_name(command["name"])
    assert admin["name"] == "dk2-admin" and int(admin["default_member_permissions"]) == 1 << 5
    names = [option["name"] for option in command["options"]]
    assert names[: len(CORE_SUBCOMMANDS)] == CORE_SUBCOMMANDS
    for option in command["options"]:
        assert 1 <= len(option["description"]) <= 100
    assert fake.requests.matching("PUT", r"/applications/\d+/commands") == []  # nothing global
    assert [c["name"] for c in fake.commands(fake.guild.id)] == [
        "dk2",
        "dk2-admin",
        "Answer with dk2",
    ]
    assert fake.spec_violations == []


async def test_the_log_is_clean_and_never_shows_the_token(dk2: Dk2Session) -> None:
    log = dk2.bot.log()
    assert "synced to guild" in log
    assert dk2.fake.token not in log
    assert dk2.bot.log_problems() == []


# -- every subcommand -------------------------------------------------------------------------


async def test_dose_is_a_public_answer_with_k2_advice_and_sources(dk2: Dk2Session) -> None:
    handle = await dk2.command("dose", {"amount": "5000", "k2": "100"})
    answer = public_answer(handle.original)
    text = embed_text(answer)
    assert "5,000 IU" in text
    assert "Vitamin K2" in text
    sources, disclaimer = answer.embeds[0]["footer"]["text"].splitlines()
    assert sources.startswith("Sources: article section") and disclaimer.startswith("dk2 is")


async def test_weekly_dose_is_averaged_per_day(dk2: Dk2Session) -> None:
    handle = await dk2.command("dose", {"amount": "50000 IU weekly"})
    assert "7,143 IU/day" in embed_text(public_answer(handle.original))


async def test_level_places_a_result_in_either_unit(dk2: Dk2Session) -> None:
    ng = await dk2.command("level", {"value": "42 ng/mL"})
    nmol = await dk2.command("level", {"value": "105 nmol/L"})
    assert "42" in embed_text(public_answer(ng.original))
    assert "105" in embed_text(public_answer(nmol.original))


async def test_explain_quotes_the_curated_answer(dk2: Dk2Session) -> None:
    handle = await dk2.command("explain", {"term": "mgp"})
    answer = public_answer(handle.original)
    assert answer.embeds[0]["title"] == "Matrix Gla protein (MGP)"


async def test_explain_without_an_answer_says_so_privately(dk2: Dk2Session) -> None:
    handle = await dk2.command("explain", {"term": "zzqqxx"})
    message = handle.original
    assert message is not None and message.ephemeral  # only the asker sees their own words
    assert button_ids(message) == []  # nothing to pin
    text = embed_text(message)
    assert "no curated answer for “zzqqxx”" in text and "/dk2 topics" in text


async def test_text_typed_into_explain_is_never_posted_publicly_or_raw(dk2: Dk2Session) -> None:
    """Anyone could make dk2 say 200 characters of their choosing in a channel; the echo
    also carried bidi overrides, NUL and ESC."""
    typed = "zz \u202ebuy now\u202c \x00\x1b[31m **free** @everyone [link](http://x)"
    handle = await dk2.command("explain", {"term": typed})
    message = handle.original
    assert message is not None and message.ephemeral
    assert button_ids(message) == []
    text = embed_text(message)
    for bad in ("\u202e", "\u202c", "\x00", "\x1b", "**free**", "[link]("):
        assert bad not in text
    assert "@everyone" not in text.replace("\\@everyone", "")  # only escaped: plain text
    assert "buy now" in text


async def test_topics_lists_everything_in_one_or_more_messages(dk2: Dk2Session) -> None:
    handle = await dk2.command("topics")
    first = public_answer(handle.original)
    assert first.embeds[0]["title"] == "What dk2 can explain"
    for page in handle.followups:
        public_answer(page)


async def test_about_names_the_sources(dk2: Dk2Session) -> None:
    handle = await dk2.command("about")
    assert public_answer(handle.original).embeds[0]["title"] == "About dk2"


async def test_private_answers_only_the_member_sees_without_a_pin_button(
    dk2: Dk2Session,
) -> None:
    handle = await dk2.command("dose", {"amount": "2000", "private": True})
    message = handle.original
    assert message is not None and message.ephemeral
    assert button_ids(message) == []
    assert "2,000 IU" in embed_text(message)


# -- error paths: the member is told privately what to type instead -----------------------------


@pytest.mark.parametrize(
    ("subcommand", "options", "says"),
    [
        ("dose", {"amount": "abc"}, "couldn't find a number in “abc”"),
        ("dose", {"amount": "5000", "k2": "lots"}, "`k2`: dk2 couldn't find a number"),
        ("dose", {"amount": "5" * 300}, "dk2 reads at most 200"),
        ("level", {"value": "abc"}, "Type a result such as"),
        ("level", {"value": "42 mg"}, "doesn't know the unit “mg”"),
        ("level", {"value": "-5"}, "can't be negative"),
    ],
)
async def test_bad_input_gets_a_private_explanation(
    dk2: Dk2Session, subcommand: str, options: dict[str, object], says: str
) -> None:
    handle = await dk2.command(subcommand, options)
    message = handle.original
    assert message is not None and message.ephemeral  # nobody else sees the mistake
    assert message.embeds[0]["color"] == ERROR_COLOUR
    assert button_ids(message) == []
    assert says in embed_text(message)


async def test_a_member_typing_too_fast_is_told_when_to_retry(dk2: Dk2Session) -> None:
    member = dk2.new_member()
    for _ in range(5):  # the default cooldown: 5 commands per 30 s
        public_answer((await dk2.command("about", user=member)).original)
    sixth = await dk2.command("about", user=member)
    text = await private_text(sixth)
    assert "at most 5 times every 30 seconds" in text
    # Someone else is not slowed down by it.
    public_answer((await dk2.command("about")).original)


# -- autocomplete ------------------------------------------------------------------------------


async def test_explain_suggests_topics_as_the_member_types(dk2: Dk2Session) -> None:
    callback = await dk2.autocomplete("explain", {"term": "mg"}, "term")
    assert callback.type == 8 and callback.accepted
    assert callback.data is not None
    choices = callback.data["choices"]
    assert 1 <= len(choices) <= 25
    assert "mgp" in [choice["value"] for choice in choices]
    for choice in choices:
        assert 1 <= len(choice["name"]) <= 100 and 1 <= len(choice["value"]) <= 100


async def test_autocomplete_with_nothing_typed_still_offers_choices(dk2: Dk2Session) -> None:
    callback = await dk2.autocomplete("explain", {"term": ""}, "term")
    assert callback.accepted and callback.data is not None
    assert 1 <= len(callback.data["choices"]) <= 25


async def test_autocomplete_never_counts_against_the_cooldown(dk2: Dk2Session) -> None:
    member = dk2.new_member()
    for _ in range(8):
        assert (await dk2.autocomplete("explain", {"term": "k"}, "term", user=member)).accepted
    public_answer((await dk2.command("about", user=member)).original)


# -- interactions a stale client (or a broken one) could send ------------------------------------


async def outdated(dk2: Dk2Session, payload: dict[str, object]) -> str:
    handle = await dk2.dispatch(payload)
    return await private_text(handle)


async def test_an_unknown_subcommand_says_the_commands_are_out_of_date(dk2: Dk2Session) -> None:
    fake = dk2.fake
    text = await outdated(dk2, fake.slash_subcommand("dk2", "frobnicate", {"x": "1"}))
    assert "older version of dk2's commands" in text
    assert dk2.bot.running


async def test_an_unknown_top_level_command_says_the_same(dk2: Dk2Session) -> None:
    text = await outdated(dk2, dk2.fake.slash_command("vitamins", {"q": "d3"}))
    assert "older version of dk2's commands" in text


async def test_a_wrong_option_type_is_treated_as_an_old_command_not_a_crash(
    dk2: Dk2Session,
) -> None:
    mark = dk2.bot.mark()
    payload = dk2.fake.slash_subcommand("dk2", "dose", {"amount": 5000}, user=dk2.new_member())
    (amount,) = payload["data"]["options"][0]["options"]
    assert amount["type"] == OPTION_INTEGER  # what a client with an older /dk2 would send
    text = await outdated(dk2, payload)
    assert "older version of dk2's commands" in text
    assert dk2.bot.log_problems(mark) == []


async def test_a_missing_required_option_is_treated_the_same(dk2: Dk2Session) -> None:
    mark = dk2.bot.mark()
    text = await outdated(dk2, dk2.fake.slash_subcommand("dk2", "level", {}))
    assert "older version of dk2's commands" in text
    assert dk2.bot.log_problems(mark) == []


async def test_after_all_that_dk2_still_answers_and_logged_no_traceback(dk2: Dk2Session) -> None:
    public_answer((await dk2.command("about")).original)
    assert dk2.bot.running
    assert dk2.bot.log_problems() == []
    assert dk2.fake.spec_violations == []
