"""Interactions dk2 can't read or doesn't know, sent to the real process: each one still gets
exactly one response within Discord's 3 seconds (a private apology with an error ref, "this
button is out of date", or empty autocomplete choices), the ref is in the log, and dk2 lives
on to answer the next member.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.harness import PIN_ID, Dk2Session, answered_once, button_ids, private_text
from tests.fakediscord.payloads import OPTION_STRING

pytestmark = pytest.mark.asyncio(loop_scope="module")

REF = re.compile(r"\(ref ([0-9A-F]{6})\)")
OUT_OF_DATE = "This button is out of date"


async def still_answers(dk2: Dk2Session) -> None:
    assert dk2.bot.running, dk2.bot.log()
    handle = await dk2.command("about")
    assert handle.original is not None and handle.original.embeds[0]["title"] == "About dk2"


async def apology_with_ref(dk2: Dk2Session, payload: dict[str, Any]) -> str:
    """Dispatch ``payload``; the private apology's ref, which the log names too."""
    mark = dk2.bot.mark()
    handle = await dk2.fake.dispatch_interaction(payload)
    await answered_once(dk2.fake, handle)
    text = await private_text(handle)
    match = REF.search(text)
    assert match is not None, text
    await dk2.bot.wait_for_log(f"ref {match[1]}", since=mark)
    return match[1]


async def answer_message(dk2: Dk2Session) -> Any:
    handle = await dk2.command("dose", {"amount": "2000"})
    assert handle.original is not None and button_ids(handle.original) == [PIN_ID]
    return handle.original


# -- 1. payloads discord.py can't parse, or dk2 can't answer as sent --------------------------


async def test_a_guild_id_that_is_not_a_number_is_answered_and_dk2_lives(dk2: Dk2Session) -> None:
    payload = dk2.fake.slash_subcommand("dk2", "about", user=dk2.new_member())
    payload["guild_id"] = "not-a-number"
    await apology_with_ref(dk2, payload)
    await still_answers(dk2)


async def test_a_command_without_data_gets_an_apology(dk2: Dk2Session) -> None:
    payload = dk2.fake.slash_subcommand("dk2", "about", user=dk2.new_member())
    del payload["data"]
    await apology_with_ref(dk2, payload)
    await still_answers(dk2)


async def test_a_command_from_nobody_gets_an_apology(dk2: Dk2Session) -> None:
    payload = dk2.fake.slash_subcommand("dk2", "about", user=dk2.new_member())
    del payload["member"]
    payload.pop("user", None)
    await apology_with_ref(dk2, payload)
    await still_answers(dk2)


async def test_a_click_without_data_gets_an_apology(dk2: Dk2Session) -> None:
    message = await answer_message(dk2)
    payload = dk2.fake.button_click(message, PIN_ID, user=dk2.people.moderator)
    del payload["data"]
    await apology_with_ref(dk2, payload)
    assert not message.pinned
    await still_answers(dk2)


# -- 3. components and autocomplete that match nothing dk2 has ---------------------------------


@pytest.mark.parametrize(
    "custom_id",
    ["dk2:pin:pinX", "dk2:pin:delete", "dk2:pin:pin" + "n" * 89, "zzz"],
    ids=["pinX", "delete", "over-long", "zzz"],
)
async def test_an_unknown_button_is_out_of_date(dk2: Dk2Session, custom_id: str) -> None:
    message = await answer_message(dk2)
    handle = await dk2.fake.dispatch_interaction(
        dk2.fake.button_click(message, custom_id, user=dk2.people.moderator)
    )
    await answered_once(dk2.fake, handle)
    assert OUT_OF_DATE in await private_text(handle)
    assert not message.pinned


async def test_a_pin_click_without_its_message_is_answered(dk2: Dk2Session) -> None:
    message = await answer_message(dk2)
    payload = dk2.fake.button_click(message, PIN_ID, user=dk2.people.moderator)
    del payload["message"]
    handle = await dk2.fake.dispatch_interaction(payload)
    await answered_once(dk2.fake, handle)
    assert "Discord didn't say which message" in await private_text(handle)
    assert not message.pinned


async def test_the_pin_id_sent_as_a_select_menu_is_out_of_date(dk2: Dk2Session) -> None:
    message = await answer_message(dk2)
    payload = dk2.fake.button_click(message, PIN_ID, user=dk2.people.moderator)
    payload["data"] = {"custom_id": PIN_ID, "component_type": 3, "values": ["x"]}
    handle = await dk2.fake.dispatch_interaction(payload)
    await answered_once(dk2.fake, handle)
    assert OUT_OF_DATE in await private_text(handle)
    assert not message.pinned


async def test_the_pin_id_sent_as_a_modal_submit_is_out_of_date(dk2: Dk2Session) -> None:
    message = await answer_message(dk2)
    payload = dk2.fake.button_click(message, PIN_ID, user=dk2.people.moderator)
    payload["type"] = 5
    payload["data"] = {"custom_id": PIN_ID, "components": []}
    handle = await dk2.fake.dispatch_interaction(payload)
    await answered_once(dk2.fake, handle)
    assert OUT_OF_DATE in await private_text(handle)
    assert not message.pinned


async def test_autocomplete_for_an_option_without_suggestions_gets_no_choices(
    dk2: Dk2Session,
) -> None:
    mark = dk2.bot.mark()
    payload = dk2.fake.autocomplete(
        "dose", {"amount": "50"}, "amount", group="dk2", user=dk2.people.member
    )
    (amount,) = payload["data"]["options"][0]["options"]
    assert amount["type"] == OPTION_STRING and amount["focused"]
    handle = await dk2.fake.dispatch_interaction(payload)
    callback = await answered_once(dk2.fake, handle)
    assert callback.type == 8 and callback.data == {"choices": []}
    assert dk2.bot.log_problems(mark) == []


async def test_autocomplete_for_an_unknown_command_gets_no_choices(dk2: Dk2Session) -> None:
    payload = dk2.fake.autocomplete(
        "frobnicate", {"x": "a"}, "x", group="dk2", user=dk2.people.member
    )
    handle = await dk2.fake.dispatch_interaction(payload)
    callback = await answered_once(dk2.fake, handle)
    assert callback.type == 8 and callback.data == {"choices": []}


async def test_after_all_that_dk2_answers_and_logged_no_traceback(dk2: Dk2Session) -> None:
    await still_answers(dk2)
    assert dk2.bot.log_problems() == []
    assert dk2.fake.spec_violations == []
