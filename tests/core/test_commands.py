"""Chat lines to requests, as members type them: options in any place, and the message that
says what to type when a line can't be read, with the values it names."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.core.commands import Request, console_text, parse_request, reply_for_text, run
from bot.core.model import KnowledgeBase

LIMIT = 200  # units.yaml max_input_chars: the most one option may hold
ALL_COMMANDS = "`/dk2 dose`, `/dk2 level`, `/dk2 explain`, `/dk2 topics`, `/dk2 about`, `/dk2 help`"


def request(text: str) -> Request:
    parsed = parse_request(text, LIMIT)
    assert isinstance(parsed, Request), parsed
    return parsed


def error(kb: KnowledgeBase, text: str) -> tuple[str, str]:
    """The reply's command and the error message a member reads for `text`."""
    reply, _ = reply_for_text(kb, text)
    assert not reply.ok
    assert reply.error is not None
    return reply.command, reply.error


# -- the whole line ---------------------------------------------------------------------------


def test_a_line_over_four_options_long_is_refused_before_reading(kb: KnowledgeBase) -> None:
    # Four options' worth (4 x 200 characters) is read; one character more is not.
    line = "/dk2 explain " + "x" * (801 - len("/dk2 explain "))
    assert len(line) == 801
    command, message = error(kb, line)
    assert command == "unknown"
    assert message == ("That is 801 characters; dk2 reads at most 200. Shorten it and try again.")
    at_limit = line[:-1]
    assert request(at_limit) == Request("explain", {"term": "x" * 787})
    # The explain option itself is then held to 200 characters by its own reader.
    command, message = error(kb, at_limit)
    assert command == "explain"
    assert "That is 787 characters; dk2 reads at most 200." in message


def test_a_long_line_of_several_short_options_is_read(kb: KnowledgeBase) -> None:
    line = "/dk2 dose 5000 IU" + " " * 300 + "k2:100"
    assert 200 < len(line) <= 800
    assert request(line) == Request("dose", {"amount": "5000 IU", "k2": "100"})


@pytest.mark.parametrize("prefix", ["/dk2 ", "dk2 ", "  /DK2   ", "/Dk2\t"])
def test_the_prefix_is_optional_and_any_case(prefix: str) -> None:
    assert request(prefix + "level 42") == Request("level", {"value": "42"})


def test_only_one_prefix_is_taken_off(kb: KnowledgeBase) -> None:
    command, message = error(kb, "/dk2 dk2 level 42")
    assert command == "unknown"
    assert message.startswith("dk2 doesn't have a `dk2` command.")


def test_a_word_starting_with_dk2_is_not_the_prefix(kb: KnowledgeBase) -> None:
    _, message = error(kb, "dk2x level 42")
    assert message.startswith("dk2 doesn't have a `dk2x` command.")


@pytest.mark.parametrize("line", ["/dk2", "dk2", "  /dk2   ", ""])
def test_no_command_lists_every_command(kb: KnowledgeBase, line: str) -> None:
    command, message = error(kb, line)
    assert command == "unknown"
    assert message == f"Type a command after /dk2: {ALL_COMMANDS}."


def test_an_unknown_command_offers_the_commands_and_explain(kb: KnowledgeBase) -> None:
    _, message = error(kb, "/dk2 Why`s d3 good")
    # The name keeps its case; backticks are dropped inside the code span.
    assert message == (
        f"dk2 doesn't have a `Whys` command. Try {ALL_COMMANDS}. "
        "To ask a question, type `/dk2 explain Whys d3 good`."
    )


def test_an_unknown_commands_name_and_words_are_cut_to_fit(kb: KnowledgeBase) -> None:
    name = "a" * 40
    words = " ".join(["word"] * 30)  # 149 characters
    _, message = error(kb, f"/dk2 {name} {words}")
    assert f"have a `{'a' * 31}…` command." in message
    rest = f"{name} {words}"[:99] + "…"
    assert f"type `/dk2 explain {rest}`." in message


def test_the_command_name_is_read_in_any_case() -> None:
    assert request("/dk2 DOSE 5000") == Request("dose", {"amount": "5000"})
    assert request("/dk2 Topics") == Request("topics")


# -- options ----------------------------------------------------------------------------------


def test_an_unknown_option_names_the_commands_options(kb: KnowledgeBase) -> None:
    command, message = error(kb, "/dk2 dose 5000 Colour:red")
    assert command == "dose"
    assert message == (
        "`colour` isn't an option of `/dk2 dose`. Its options are: "
        "`amount`, `k2`, `age`, `private`."
    )
    _, message = error(kb, "/dk2 level 42 k2:100")
    assert message == ("`k2` isn't an option of `/dk2 level`. Its options are: `value`, `private`.")


def test_an_unknown_options_name_is_shown_as_typed_in_its_code_span(kb: KnowledgeBase) -> None:
    # Inside a code span Discord shows "_" as it is: escaping it would show a backslash.
    _, message = error(kb, "/dk2 level 42 my_option:1")
    assert message.startswith("`my_option` isn't an option of `/dk2 level`.")


def test_an_unknown_options_long_name_is_cut(kb: KnowledgeBase) -> None:
    _, message = error(kb, "/dk2 level 42 " + "b" * 40 + ":1")
    assert message.startswith(f"`{'b' * 31}…` isn't an option of `/dk2 level`.")


def test_an_option_given_twice_is_named(kb: KnowledgeBase) -> None:
    command, message = error(kb, "/dk2 dose 5000 k2:100 K2:200")
    assert command == "dose"
    assert message == "`k2` was given twice. Give each option once."


def test_option_names_are_read_in_any_case() -> None:
    assert request("/dk2 dose Amount:5000 K2:100") == Request(
        "dose", {"amount": "5000", "k2": "100"}
    )


def test_a_colon_inside_a_word_is_not_an_option() -> None:
    # An option name starts a word: "k2:" after "d3-" is part of the question.
    assert request("/dk2 explain the d3-k2:1 ratio") == Request(
        "explain", {"term": "the d3-k2:1 ratio"}
    )


@pytest.mark.parametrize("word", ["yes", "Y", "true", "1", "ON"])
def test_private_yes_words(word: str) -> None:
    assert request(f"/dk2 level 42 private:{word}") == Request("level", {"value": "42"}, True)


@pytest.mark.parametrize("word", ["no", "N", "False", "0", "off"])
def test_private_no_words(word: str) -> None:
    assert request(f"/dk2 level 42 private:{word}") == Request("level", {"value": "42"}, False)


def test_no_private_option_leaves_the_choice_to_the_server() -> None:
    assert request("/dk2 level 42").private is None


@pytest.mark.parametrize("word", ["maybe", "yess", "2", ""])
def test_private_takes_yes_or_no(kb: KnowledgeBase, word: str) -> None:
    command, message = error(kb, f"/dk2 about private:{word}")
    assert command == "about"
    assert message == "`private`: `private` takes yes or no, for example `private:yes`."


# -- what text after an option belongs to ------------------------------------------------------


def test_text_after_private_is_the_main_option() -> None:
    assert request("/dk2 level private:yes 42 ng/mL") == Request(
        "level", {"value": "42 ng/mL"}, True
    )


def test_k2_takes_one_amount_and_the_rest_is_the_dose() -> None:
    assert request("/dk2 dose k2:100 5000") == Request("dose", {"k2": "100", "amount": "5000"})
    assert request("/dk2 dose k2:100 mcg 5000 IU weekly") == Request(
        "dose", {"k2": "100 mcg", "amount": "5000 IU weekly"}
    )
    # A number may start with its decimal mark.
    assert request("/dk2 dose k2:90 .5 mg") == Request("dose", {"k2": "90", "amount": ".5 mg"})
    assert request("/dk2 dose k2:90 ,5 mg") == Request("dose", {"k2": "90", "amount": ",5 mg"})


def test_a_k2_amount_with_one_number_keeps_all_its_words() -> None:
    assert request("/dk2 dose 5000 k2:100 mcg mk-7") == Request(
        "dose", {"amount": "5000", "k2": "100 mcg mk-7"}
    )
    assert request("/dk2 dose 5000 k2:") == Request("dose", {"amount": "5000", "k2": ""})


def test_an_age_takes_its_number_and_unit(kb: KnowledgeBase) -> None:
    assert request("/dk2 dose age:8 months 400") == Request(
        "dose", {"age": "8 months", "amount": "400"}
    )
    reply, _ = reply_for_text(kb, "/dk2 dose age:8 months 400")
    assert reply.ok and reply.data["daily_iu"] == 400


def test_text_after_a_long_option_stays_in_it() -> None:
    assert request("/dk2 dose amount:5000 IU daily") == Request("dose", {"amount": "5000 IU daily"})


def test_a_number_besides_a_named_amount_is_not_guessed_to_be_k2(kb: KnowledgeBase) -> None:
    # Not 6,000 IU of D3 and 5,000 µg of K2: which was meant is a guess.
    _, message = error(kb, "/dk2 dose 5000 amount:6000")
    assert message == (
        "dk2 didn't expect “5000” after the `amount`. Give `amount` once. Type K2 as `k2:100`."
    )
    _, message = error(kb, "/dk2 dose 100 amount:5000")
    assert message.startswith("dk2 didn't expect “100” after the `amount`.")


def test_text_no_option_can_take_is_named_with_the_option(kb: KnowledgeBase) -> None:
    command, message = error(kb, "/dk2 dose amount:5000 k2:100 200")
    assert command == "dose"
    assert message == (
        "dk2 didn't expect “200” after the `amount`. Give `amount` once. Type K2 as `k2:100`."
    )
    _, message = error(kb, "/dk2 level 43 value:42")
    assert message == "dk2 didn't expect “43” after the `value`. Give `value` once."


@pytest.mark.parametrize("name", ["topics", "about", "help"])
def test_commands_without_options_refuse_extra_text(kb: KnowledgeBase, name: str) -> None:
    """The refusal says what to type instead: the command alone, or the words as a question
    (it never ends on an empty hint)."""
    command, message = error(kb, f"/dk2 {name} *please*")
    assert command == name
    assert message == kb.messages.get(
        "errors.extra_text_alone", text="\\*please\\*", command=name, rest=f"{name} *please*"
    )
    assert f"Type `/dk2 {name}` alone" in message
    assert f"`/dk2 explain {name} *please*`" in message
    assert not message.endswith(" ")


@pytest.mark.parametrize(
    ("typed", "command"),
    [("5000 IU", "dose"), ("125 mcg weekly", "dose"), ("5000", "dose"), ("42 ng/mL", "level")],
)
def test_a_bare_amount_asked_as_a_question_points_to_its_command(
    kb: KnowledgeBase, typed: str, command: str
) -> None:
    """`/dk2 explain 5000 IU` (and `5000 IU` typed alone in the console) has no topic: the
    reply says which command places it, with the member's words as typed."""
    reply, _ = reply_for_text(kb, f"/dk2 explain {typed}")
    assert f"`/dk2 {command} {typed}`" in reply.body
    assert "/dk2 topics" not in reply.body
    console, _ = reply_for_text(kb, console_text(typed))
    assert f"`/dk2 {command} {typed}`" in console.body
    _, message = error(kb, f"/dk2 {typed}")
    assert f"`/dk2 {command} {typed}`" in message


@pytest.mark.parametrize("typed", ["is 5000 IU too much", "zzqx blorft"])
def test_a_question_is_not_pointed_to_a_dose(kb: KnowledgeBase, typed: str) -> None:
    reply, _ = reply_for_text(kb, f"/dk2 explain {typed}")
    assert "/dk2 dose" not in reply.body and "/dk2 level" not in reply.body


@settings(
    max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.integers(min_value=1, max_value=99_999), st.sampled_from(["IU", "mcg", "µg", "iu"]))
def test_any_bare_dose_asked_as_a_question_gets_the_dose_command(
    kb: KnowledgeBase, number: int, unit: str
) -> None:
    typed = f"{number} {unit}"
    reply, _ = reply_for_text(kb, f"/dk2 explain {typed}")
    if reply.data.get("topic") is None and not reply.data.get("suggestions"):
        assert f"`/dk2 dose {typed}`" in reply.body


def test_extra_text_is_cut_to_sixty_characters(kb: KnowledgeBase) -> None:
    _, message = error(kb, "/dk2 help " + "z" * 70)
    assert f"“{'z' * 59}…”" in message
    _, message = error(kb, "/dk2 level " + "z" * 70 + " value:42")
    assert message == f"dk2 didn't expect “{'z' * 59}…” after the `value`. Give `value` once."
    _, message = error(kb, "/dk2 level " + "z" * 60 + " value:42")
    assert message == f"dk2 didn't expect “{'z' * 60}” after the `value`. Give `value` once."


# -- running a request ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "start"),
    [
        ("dose", "`amount`: Type a vitamin D3 amount"),
        ("level", "`value`: Type your blood test result"),
        ("explain", "Type a topic or a question"),
    ],
)
def test_a_request_without_its_main_option_asks_for_it(
    kb: KnowledgeBase, command: str, start: str
) -> None:
    reply = run(kb, Request(command))
    assert not reply.ok and reply.command == command
    assert (reply.error or "").startswith(start)


def test_run_passes_every_dose_option(kb: KnowledgeBase) -> None:
    reply = run(kb, Request("dose", {"amount": "400", "k2": "45"}))
    assert reply.ok and reply.data["daily_iu"] == 400 and reply.data["k2_mcg"] == 45
    reply = run(kb, Request("dose", {"amount": "400", "age": "8 months"}))
    assert reply.title == "400 at 8 months: at or below the upper limit for this age"


@pytest.mark.parametrize(
    ("command", "title"),
    [("topics", "What dk2 can explain"), ("about", "About dk2"), ("help", "How to ask dk2")],
)
def test_run_answers_the_catalogue_commands(kb: KnowledgeBase, command: str, title: str) -> None:
    reply, parsed = reply_for_text(kb, f"/dk2 {command} private:no")
    assert reply.ok and reply.command == command and reply.title == title
    assert parsed == Request(command, {}, False)


def test_run_answers_level_and_explain_from_their_options(kb: KnowledgeBase) -> None:
    assert run(kb, Request("level", {"value": "42 ng/mL"})).data["band"]
    assert run(kb, Request("explain", {"term": "mgp"})).data["topic"] == "mgp"


# -- the console ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "text"),
    [
        ("dose 5000", "/dk2 dose 5000"),
        ("dose 5000 IU weekly", "/dk2 dose 5000 IU weekly"),
        ("LEVEL 42", "/dk2 LEVEL 42"),
        ("topics", "/dk2 topics"),
        ("/dk2 level 42", "/dk2 level 42"),
        ("dk2 help", "dk2 help"),
        ("is d3 safe without k2?", "/dk2 explain is d3 safe without k2?"),
        ("dosage of k2", "/dk2 explain dosage of k2"),
        ("", "/dk2 explain "),
        ("   ", "/dk2 explain    "),
    ],
)
def test_a_console_line_without_a_command_is_a_question(line: str, text: str) -> None:
    assert console_text(line) == text
