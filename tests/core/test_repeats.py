"""Which answers are the same, and when an earlier one still counts."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.core.commands import Request, run
from bot.core.model import KnowledgeBase
from bot.core.repeats import PostedAnswer, answer_key, counts_as_repeat, jump_url, repeat_note
from bot.core.reply import Reply

T0 = 1_700_000_000.0


def key(kb: KnowledgeBase, command: str, **options: str) -> str | None:
    return answer_key(run(kb, Request(command, options)))


def test_the_same_band_is_the_same_answer_whatever_the_amount(kb: KnowledgeBase) -> None:
    assert key(kb, "dose", amount="3000 IU") == key(kb, "dose", amount="3500 IU")
    assert key(kb, "dose", amount="3000 IU") != key(kb, "dose", amount="400 IU")
    # K2 advice changes the answer.
    assert key(kb, "dose", amount="3000 IU") != key(kb, "dose", amount="3000 IU", k2="100 mcg")
    assert key(kb, "level", value="40 ng/mL") == key(kb, "level", value="100 nmol/L")
    assert key(kb, "explain", term="mgp") == key(kb, "explain", term="matrix gla protein")


def test_lists_and_notices_are_never_repeats(kb: KnowledgeBase) -> None:
    assert key(kb, "about") is None and key(kb, "topics") is None and key(kb, "help") is None


def test_errors_and_unanswered_questions_are_never_repeats(kb: KnowledgeBase) -> None:
    assert key(kb, "dose", amount="lots") is None
    assert key(kb, "explain", term="zzqx-not-a-topic") is None


@given(age=st.floats(0, 3 * 86_400), window=st.integers(0, 1440), pinned=st.booleans())
def test_an_earlier_answer_counts_inside_the_window_or_while_pinned(
    age: float, window: int, pinned: bool
) -> None:
    earlier = PostedAnswer(1, 2, 3, "explain:mgp", T0 - age, pinned)
    assert counts_as_repeat(earlier, T0, window) == (window > 0 and (pinned or age < window * 60))


def test_the_note_links_the_earlier_answer_and_says_when(kb: KnowledgeBase) -> None:
    earlier = PostedAnswer(10, 20, 30, "explain:mgp", T0 - 185)
    note = repeat_note(kb.messages, earlier, T0)
    assert "https://discord.com/channels/10/20/30" in note and "3 minutes ago" in note
    assert "a minute ago" in repeat_note(kb.messages, earlier, T0 - 120)
    pinned = PostedAnswer(10, 20, 30, "explain:mgp", T0 - 9 * 86_400, pinned=True)
    assert "pinned" in repeat_note(kb.messages, pinned, T0)
    assert jump_url(None, 20, 30) == "https://discord.com/channels/@me/20/30"


def test_answer_keys_name_the_topic_or_the_bands(kb: KnowledgeBase) -> None:
    # The keys the usage store keeps: topic ids and band ids as knowledge/ names them.
    assert key(kb, "explain", term="mgp") == "explain:mgp"
    assert key(kb, "explain", term="warfarin") == "explain:warfarin"
    assert key(kb, "dose", amount="3000 IU") == "dose:typical_pair_k2"
    assert key(kb, "dose", amount="3000 IU", k2="100 mcg") == "dose:typical_pair_k2:typical"
    assert key(kb, "level", value="40 ng/mL") == "level:goal"
    assert key(kb, "level", value="10 ng/mL") == "level:deficient"


def _reply(command: str, ok: bool = True, **data: object) -> Reply:
    return Reply(command=command, ok=ok, title="t", body="b", data=dict(data))


def test_a_level_key_is_its_band_alone() -> None:
    assert answer_key(_reply("level", band="goal", k2_band="typical")) == "level:goal"


def test_private_error_or_bandless_replies_are_never_repeats() -> None:
    # Whatever else they carry: a reply shown privately, an error, a band or topic left empty.
    assert answer_key(_reply("explain", topic="mgp", private=True)) is None
    assert answer_key(_reply("dose", band="typical", private=True)) is None
    assert answer_key(_reply("explain", topic="mgp", private=False)) == "explain:mgp"
    assert answer_key(_reply("dose", ok=False, band="typical")) is None
    assert answer_key(_reply("explain", ok=False, topic="mgp")) is None
    assert answer_key(_reply("explain", topic="")) is None
    assert answer_key(_reply("dose", band="")) is None
    assert answer_key(_reply("level", band="")) is None


def test_the_window_edges_from_both_sides() -> None:
    # A one-minute window is on; an answer exactly as old as the window no longer counts.
    fresh = PostedAnswer(1, 2, 3, "explain:mgp", T0 - 30)
    assert counts_as_repeat(fresh, T0, 1)
    assert not counts_as_repeat(fresh, T0, 0)
    assert not counts_as_repeat(PostedAnswer(1, 2, 3, "k", T0 - 60), T0, 1)
    assert counts_as_repeat(PostedAnswer(1, 2, 3, "k", T0 - 59.9), T0, 1)
    assert not counts_as_repeat(PostedAnswer(1, 2, 3, "k", T0 - 600), T0, 10)
    assert counts_as_repeat(PostedAnswer(1, 2, 3, "k", T0 - 600, pinned=True), T0, 1)


def test_the_note_says_just_now_under_a_minute_and_links_a_pinned_answer(
    kb: KnowledgeBase,
) -> None:
    recent = PostedAnswer(10, 20, 30, "explain:mgp", T0 - 59)
    assert repeat_note(kb.messages, recent, T0).startswith(
        "The same answer was posted in this channel just now: "
        "https://discord.com/channels/10/20/30."
    )
    pinned = PostedAnswer(10, 20, 30, "explain:mgp", T0, pinned=True)
    assert repeat_note(kb.messages, pinned, T0).startswith(
        "The same answer is pinned in this channel: https://discord.com/channels/10/20/30."
    )
