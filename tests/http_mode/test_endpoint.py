"""`POST /interactions` with real signed requests on 127.0.0.1, as Discord sends them.

Every response body must validate against the callback schema of Discord's OpenAPI spec (the
`endpoint` fixture checks each one), and every follow-up, edit and pin dk2 makes afterwards
goes to the local Discord, which checks those bodies too.
"""

from __future__ import annotations

import asyncio
import json
import time

import pytest
from nacl.signing import SigningKey

from bot.core.commands import Request, run
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from bot.discord_layer.answer_with import MENU_NAME
from bot.discord_layer.embeds import ERROR_COLOUR, paged_embeds, reply_embed
from bot.discord_layer.pictures import without_picture
from bot.http.declared import DeclaredCommands
from bot.http.run import command_definitions
from bot.http.server import MAX_BODY_BYTES
from tests.e2e.harness import PIN_ID, UNPIN_ID, button_ids, wait_until
from tests.fakediscord.outgoing import post_raw, sign
from tests.http_mode.conftest import Endpoint, knowledge_holder

EPHEMERAL = 64


def kb() -> KnowledgeBase:
    knowledge = load_knowledge(default_knowledge_path()).knowledge
    assert knowledge is not None
    return knowledge


def components(delivery_data: dict[str, object]) -> list[str]:
    rows = delivery_data.get("components") or []
    assert isinstance(rows, list)
    return [c["custom_id"] for row in rows for c in row["components"]]


# -- signatures ---------------------------------------------------------------------------


async def test_ping_is_answered_with_pong(endpoint: Endpoint) -> None:
    delivery = await endpoint.post({"type": 1, "id": "1", "token": "t", "application_id": "1"})
    assert delivery.status == 200 and delivery.body == {"type": 1}


@pytest.mark.parametrize(
    "case", ["unsigned", "other key", "other body", "stale", "future", "garbage"]
)
async def test_requests_not_signed_by_discord_now_are_refused_with_401(
    endpoint: Endpoint, case: str
) -> None:
    body = json.dumps({"type": 1}).encode()
    headers = sign(endpoint.key, body)
    if case == "unsigned":
        headers = {}
    elif case == "other key":
        headers = sign(SigningKey.generate(), body)
    elif case == "other body":
        headers = sign(endpoint.key, body + b" ")
    elif case == "stale":
        headers = sign(endpoint.key, body, str(int(time.time()) - 600))
    elif case == "future":
        headers = sign(endpoint.key, body, str(int(time.time()) + 600))
    else:
        headers = {"X-Signature-Ed25519": "zz" * 64, "X-Signature-Timestamp": "now"}
    status, _, _ = await post_raw(endpoint.url, body, headers, session=endpoint.session)
    assert status == 401


async def test_a_body_over_the_limit_is_refused_before_it_is_read(endpoint: Endpoint) -> None:
    body = b"{" + b" " * (MAX_BODY_BYTES + 10) + b"}"
    status, _, _ = await post_raw(
        endpoint.url, body, sign(endpoint.key, body), session=endpoint.session
    )
    assert status == 413

    async def chunks():  # no Content-Length: the size shows only while reading
        for _ in range(MAX_BODY_BYTES // 1024 + 2):
            yield b" " * 1024

    async with endpoint.session.post(
        endpoint.url, data=chunks(), headers=sign(endpoint.key, b"")
    ) as r:
        assert r.status == 413


async def test_signed_bodies_that_are_not_interactions_get_400(endpoint: Endpoint) -> None:
    for body in (
        b"{not json",
        b"[1, 2]",
        b'{"type": 99, "id": "1", "token": "t", "application_id": "1"}',
        b'{"type": 2}',
    ):
        status, answer, _ = await post_raw(
            endpoint.url, body, sign(endpoint.key, body), session=endpoint.session
        )
        assert status == 400, body
        assert "error" in answer


async def test_healthz_says_knowledge_and_database_are_fine(endpoint: Endpoint) -> None:
    async with endpoint.session.get(endpoint.base + "/healthz") as response:
        assert response.status == 200
        body = await response.json()
    assert body["ok"] is True and body["database"] == "ok"
    assert body["knowledge"] == kb().version


async def test_other_paths_get_404_and_other_methods_405_with_what_is_allowed(
    endpoint: Endpoint,
) -> None:
    session = endpoint.session
    async with session.post(endpoint.base + "/interaction", data=b"{}") as response:
        assert response.status == 404
        assert "error" in await response.json()
    async with session.get(endpoint.base + "/") as response:
        assert response.status == 404
    async with session.put(endpoint.url, data=b"{}") as response:
        assert (response.status, response.headers["Allow"]) == (405, "GET, HEAD, POST")
    async with session.post(endpoint.base + "/healthz", data=b"{}") as response:
        assert (response.status, response.headers["Allow"]) == (405, "GET, HEAD")
    async with session.head(endpoint.base + "/healthz") as response:
        assert response.status == 200 and await response.read() == b""


async def test_a_client_expecting_100_continue_gets_its_answer(endpoint: Endpoint) -> None:
    """Some HTTP clients (curl with a large body) ask before sending the body."""
    body = json.dumps({"type": 1}).encode()
    headers = {**sign(endpoint.key, body), "Content-Type": "application/json"}
    async with endpoint.session.post(
        endpoint.url, data=body, headers=headers, expect100=True
    ) as response:
        assert response.status == 200 and await response.json() == {"type": 1}
    headers["Expect"] = "something-else"
    async with endpoint.session.post(endpoint.url, data=body, headers=headers) as response:
        assert response.status == 417


# -- commands -----------------------------------------------------------------------------


async def test_dose_is_answered_inline_with_the_gateway_embed_and_pin_button(
    endpoint: Endpoint,
) -> None:
    delivery = await endpoint.command("dose", {"amount": "5000", "k2": "100"})
    assert delivery.status == 200 and delivery.type == 4
    assert not delivery.private
    reply = run(kb(), Request("dose", {"amount": "5000", "k2": "100"}))
    # The same renderer as gateway mode; a JSON response has no upload for the gauge picture.
    assert delivery.embed == without_picture(reply_embed(reply)).to_dict()
    assert "image" not in delivery.embed
    assert components(delivery.data) == [PIN_ID]
    assert delivery.data["allowed_mentions"] == {"parse": []}
    assert delivery.handle is not None and delivery.handle.original is not None
    assert delivery.elapsed < 3


@pytest.mark.parametrize(
    ("sub", "options", "title_word"),
    [
        ("level", {"value": "42 ng/mL"}, None),
        ("explain", {"term": "mgp"}, None),
        ("about", {}, "dk2"),
    ],
)
async def test_every_answer_subcommand_answers(
    endpoint: Endpoint, sub: str, options: dict[str, object], title_word: str | None
) -> None:
    delivery = await endpoint.command(sub, options)
    assert delivery.type == 4 and delivery.embed.get("color") != ERROR_COLOUR
    assert delivery.embed.get("footer") or sub == "about"
    if title_word:
        assert title_word in delivery.embed["title"]


async def test_private_answers_are_ephemeral_without_a_button(endpoint: Endpoint) -> None:
    delivery = await endpoint.command("level", {"value": "42", "private": True})
    assert delivery.private and "components" not in delivery.data


async def test_explain_with_no_curated_answer_is_private_as_on_the_gateway(
    endpoint: Endpoint,
) -> None:
    # The reply quotes what the member typed: posting it publicly would let anyone make dk2
    # say their words. Neither the default nor private:False makes it public.
    for options in ({"term": "zzqx-not-a-topic"}, {"term": "zzqx-not-a-topic", "private": False}):
        delivery = await endpoint.command("explain", options)
        assert delivery.embed["title"] == "No curated answer"
        assert delivery.private and "components" not in delivery.data


async def test_bad_input_is_a_private_red_answer_saying_what_to_type(endpoint: Endpoint) -> None:
    delivery = await endpoint.command("dose", {"amount": "lots"})
    assert delivery.private and delivery.embed["color"] == ERROR_COLOUR
    assert delivery.embed["description"]


async def test_topics_lists_every_topic_with_the_pin_button(endpoint: Endpoint) -> None:
    pages = paged_embeds(run(kb(), Request("topics")))
    delivery = await endpoint.command("topics")
    assert delivery.type == 4 and delivery.embed == pages[0].to_dict()
    assert components(delivery.data) == [PIN_ID]
    if len(pages) > 1:  # a longer knowledge base: the other pages follow
        assert delivery.handle is not None
        more = await delivery.handle.wait_for_followups(len(pages) - 1)
        assert [page.embeds[0] for page in more] == [page.to_dict() for page in pages[1:]]
    shown = json.dumps([page.to_dict() for page in pages], ensure_ascii=False)
    assert all(topic.title in shown for topic in kb().topics.values())


async def test_options_of_the_wrong_type_get_the_out_of_date_answer(endpoint: Endpoint) -> None:
    payload = endpoint.fake.slash_subcommand("dk2", "dose", {"amount": 5000})  # a number, not text
    delivery = await endpoint.post(payload)
    messages = kb().messages
    assert delivery.private and delivery.embed["title"] == messages.get("failure.outdated_title")
    unknown = await endpoint.post(endpoint.fake.slash_subcommand("dk2", "frobnicate"))
    assert unknown.private and unknown.embed["title"] == messages.get("failure.outdated_title")


async def test_a_number_out_of_range_says_what_to_type(endpoint: Endpoint) -> None:
    user = endpoint.people.role_moderator
    for days in (0, 10**30):  # 10^30 is past 64 bits: JSON readers make it a float
        delivery = await endpoint.admin("stats", {"days": days}, user=user)
        assert delivery.private and delivery.type == 4
        assert "`days` takes a number from 1 to" in delivery.embed["description"]


async def test_every_synced_command_is_answered(endpoint: Endpoint) -> None:
    definitions = await command_definitions(endpoint.settings, knowledge_holder())
    declared = DeclaredCommands(definitions)
    samples = {"amount": "1000", "value": "30", "term": "k2", "days": 7}
    user = endpoint.people.role_moderator
    assert declared.paths  # the /dk2 group's subcommands, and any other command synced
    for path in declared.paths:
        if path == (MENU_NAME,):  # Apps → Answer with dk2, on a member's message
            said = endpoint.fake.world.add_message(
                endpoint.fake.channel.id, content="can I take K2 with warfarin", author=user
            )
            delivery = await endpoint.post(
                endpoint.fake.message_command(said, MENU_NAME, user=user)
            )
            assert delivery.status == 200 and delivery.type == 5 and delivery.private, path
            continue
        assert len(path) == 2, path  # every other dk2 command is a subcommand of a group
        group = next(c for c in definitions if c["name"] == path[0])
        leaf = next(o for o in group["options"] if o["name"] == path[1])
        options = {
            o["name"]: samples[o["name"]] for o in leaf.get("options", []) if o.get("required")
        }
        delivery = await endpoint.post(
            endpoint.fake.slash_subcommand(path[0], path[1], options, user=user)
        )
        assert delivery.status == 200 and delivery.type in (4, 5), path
        assert delivery.embed.get("title") != kb().messages.get("failure.title"), path


async def test_cooldown_holds_per_member(tmp_path) -> None:
    from tests.fakediscord import FakeDiscord
    from tests.http_mode.conftest import running_endpoint

    async with FakeDiscord() as fake, running_endpoint(fake, tmp_path, cooldown_rate=2) as endpoint:
        first = [await endpoint.command("about") for _ in range(2)]
        third = await endpoint.command("about")
        other = await endpoint.command("about", user=endpoint.people.moderator)
    assert all(d.type == 4 and not d.private for d in first)
    assert third.private and third.embed["title"] == kb().messages.get("cooldown.title")
    assert not other.private


# -- moderators ---------------------------------------------------------------------------


async def test_reload_and_stats_are_for_moderators_only(endpoint: Endpoint) -> None:
    messages = kb().messages
    for sub in ("reload", "stats"):
        refused = await endpoint.admin(sub)
        assert refused.private and refused.embed["title"] == messages.get("moderators.title")
    reload = await endpoint.admin("reload", user=endpoint.people.role_moderator)
    assert reload.type == 5 and reload.private and reload.handle is not None
    done = await reload.handle.wait_for_original(loaded=True)
    assert done.embeds and done.ephemeral
    assert done.embeds[0]["title"] == kb().messages.get("reload.ok_title")


async def test_stats_counts_the_answers_given_over_http(endpoint: Endpoint) -> None:
    await endpoint.command("explain", {"term": "mgp"})
    await endpoint.command("explain", {"term": "quantum spin of kale"})
    stats = await endpoint.admin("stats", {"days": 7}, user=endpoint.people.role_moderator)
    assert stats.type == 5 and stats.handle is not None
    message = await stats.handle.wait_for_original(loaded=True)
    text = json.dumps(message.embeds)
    assert "mgp" in text and "quantum spin of kale" in text


async def test_pins_lists_dk2_answers_pinned_in_the_channel(endpoint: Endpoint) -> None:
    fake = endpoint.fake
    pinned = fake.world.add_message(
        fake.channel.id, embeds=[{"title": "Vitamin K2 and MGP"}], pinned=True
    )
    fake.world.add_message(fake.channel.id, content="someone else's", author=fake.user, pinned=True)
    delivery = await endpoint.command("pins")
    assert delivery.type == 5 and delivery.private and delivery.handle is not None
    message = await delivery.handle.wait_for_original(loaded=True)
    text = json.dumps(message.embeds)
    assert "Vitamin K2 and MGP" in text and str(pinned.id) in text
    assert "someone else" not in text


# -- autocomplete -------------------------------------------------------------------------


async def test_autocomplete_suggests_topics(endpoint: Endpoint) -> None:
    delivery = await endpoint.post(
        endpoint.fake.autocomplete("explain", {"term": "mg"}, "term", group="dk2")
    )
    assert delivery.type == 8
    choices = delivery.data["choices"]
    assert 1 <= len(choices) <= 25 and any(c["value"] == "mgp" for c in choices)


async def test_autocomplete_for_an_unknown_option_offers_nothing(endpoint: Endpoint) -> None:
    delivery = await endpoint.post(
        endpoint.fake.autocomplete("dose", {"amount": "50"}, "amount", group="dk2")
    )
    assert delivery.type == 8 and delivery.data["choices"] == []


# -- the Pin button -----------------------------------------------------------------------


async def answer_message(endpoint: Endpoint):
    delivery = await endpoint.command("level", {"value": "42"})
    assert delivery.handle is not None and delivery.handle.original is not None
    return delivery.handle.original


async def test_a_moderator_pins_and_unpins(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.moderator)
    assert click.type == 6 and click.elapsed < 3
    await wait_until(lambda: message.pinned and button_ids(message) == [UNPIN_ID])
    (put,) = endpoint.fake.requests.matching("PUT", r"/channels/\d+/messages/pins/\d+")
    assert "mod" in (put.audit_log_reason or "")
    click = await endpoint.click(message, UNPIN_ID, user=endpoint.people.moderator)
    await wait_until(lambda: not message.pinned and button_ids(message) == [PIN_ID])


async def test_a_member_cannot_pin(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.member)
    assert click.type == 4 and click.private
    assert click.embed["title"] == kb().messages.get("pin.not_moderator.title")
    assert not message.pinned


async def test_a_role_moderator_may_pin(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.role_moderator)
    assert click.type == 6
    await wait_until(lambda: message.pinned)


async def test_an_already_pinned_answer_flips_its_button_and_says_so(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    message.pinned_at = "2026-01-01T00:00:00+00:00"
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.moderator)
    assert click.type == 7 and components(click.data) == [UNPIN_ID]
    assert click.handle is not None
    (note,) = await click.handle.wait_for_followups(1)
    assert note.ephemeral and note.embeds[0]["title"] == kb().messages.get(
        "pin.already_pinned.title"
    )


async def test_a_slow_rate_limited_pin_still_answers_within_3_seconds(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    endpoint.fake.rate_limit("PUT", r"/channels/\d+/messages/pins/\d+", retry_after=3.5)
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.moderator)
    assert click.type == 6 and click.elapsed < 3
    assert not message.pinned
    await wait_until(lambda: message.pinned and button_ids(message) == [UNPIN_ID], timeout=10)


async def test_discord_refusing_the_pin_is_explained_privately(endpoint: Endpoint) -> None:
    message = await answer_message(endpoint)
    endpoint.fake.inject(
        "PUT",
        r"/channels/\d+/messages/pins/\d+",
        status=403,
        body={"code": 50013, "message": "Missing Permissions"},
    )
    click = await endpoint.click(message, PIN_ID, user=endpoint.people.moderator)
    assert click.type == 6 and click.handle is not None
    (note,) = await click.handle.wait_for_followups(1)
    assert note.ephemeral
    assert note.embeds[0]["title"] == kb().messages.get("pin.bot_lacks_permission.title")
    assert not message.pinned


async def test_many_requests_at_once_are_all_answered(endpoint: Endpoint) -> None:
    payloads = [
        endpoint.fake.slash_subcommand("dk2", "level", {"value": f"{20 + n}"}) for n in range(40)
    ]
    deliveries = await asyncio.gather(*(endpoint.post(p) for p in payloads))
    assert all(d.status == 200 and d.type == 4 for d in deliveries)
