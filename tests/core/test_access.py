"""The shared rules both transports apply: who sees an answer, who may pin, who moderates."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.access import is_moderator, may_pin, shown_privately
from bot.core.commands import Request, run
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase


@pytest.fixture(scope="module")
def kb() -> KnowledgeBase:
    knowledge = load_knowledge(default_knowledge_path()).knowledge
    assert knowledge is not None
    return knowledge


@pytest.mark.parametrize("asked", [None, False, True])
@pytest.mark.parametrize("default", [False, True])
def test_a_curated_answer_follows_the_member_then_the_server(
    kb: KnowledgeBase, asked: bool | None, default: bool
) -> None:
    reply = run(kb, Request("explain", {"term": "mgp"}))
    assert reply.ok
    expected = default if asked is None else asked
    assert shown_privately(reply, asked, default) is expected


@pytest.mark.parametrize("asked", [None, False])
def test_an_error_is_private_even_when_asked_public(kb: KnowledgeBase, asked: bool | None) -> None:
    reply = run(kb, Request("dose", {"amount": "lots"}))
    assert not reply.ok
    assert shown_privately(reply, asked, private_by_default=False)


@pytest.mark.parametrize("asked", [None, False])
def test_a_reply_quoting_the_members_words_is_private(
    kb: KnowledgeBase, asked: bool | None
) -> None:
    # No curated answer: the reply repeats what was typed, so it must not be posted publicly.
    reply = run(kb, Request("explain", {"term": "zzqx-not-a-topic"}))
    assert reply.ok
    assert shown_privately(reply, asked, private_by_default=False)


MOD_ROLE = 555


def test_moderators_have_manage_server_or_a_configured_role() -> None:
    def check(*, in_server: bool = True, manage: bool = False, roles: tuple[int, ...] = ()) -> bool:
        return is_moderator(
            in_server=in_server, manage_guild=manage, roles=roles, moderator_roles=(MOD_ROLE,)
        )

    assert check(manage=True)
    assert check(roles=(1, MOD_ROLE))
    assert not check(roles=(1, 2))
    assert not check()
    assert not check(in_server=False, manage=True, roles=(MOD_ROLE,))  # never in a DM


def test_pinning_needs_pin_messages_or_a_configured_role_not_manage_server() -> None:
    def check(*, in_server: bool = True, pin: bool = False, roles: tuple[int, ...] = ()) -> bool:
        return may_pin(
            in_server=in_server, pin_messages=pin, roles=roles, moderator_roles=(MOD_ROLE,)
        )

    assert check(pin=True)
    assert check(roles=(MOD_ROLE,))
    assert not check(roles=(7,))
    assert not check(in_server=False, pin=True)


@given(
    in_server=st.booleans(),
    right=st.booleans(),
    roles=st.frozensets(st.integers(1, 20)),
    configured=st.frozensets(st.integers(1, 20)),
)
def test_both_rules_are_the_right_or_a_shared_role_in_a_server(
    in_server: bool, right: bool, roles: frozenset[int], configured: frozenset[int]
) -> None:
    expected = in_server and (right or bool(roles & configured))
    assert (
        is_moderator(
            in_server=in_server, manage_guild=right, roles=roles, moderator_roles=configured
        )
        is expected
    )
    assert (
        may_pin(in_server=in_server, pin_messages=right, roles=roles, moderator_roles=configured)
        is expected
    )
