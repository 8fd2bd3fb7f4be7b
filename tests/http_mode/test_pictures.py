"""The gauge picture in HTTP interactions mode, through the real endpoint on 127.0.0.1.

Discord refuses a multipart body as the HTTP response to an interaction, so the answer's
text is the response and the picture follows as an edit of that answer: a multipart
`PATCH .../messages/@original` whose `payload_json` the local Discord checks against the
spec's schema for that route, with an `attachments` entry for `files[0]` and the embed's image
at `attachment://gauge.png`. The `endpoint` fixture fails a test on any spec violation.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from tests.discord_layer.helpers import embed_text
from tests.e2e.harness import PIN_ID, button_ids, wait_until
from tests.fakediscord import FakeDiscord, Message
from tests.fakediscord.fixtures import require_spec
from tests.fakediscord.outgoing import Delivery
from tests.fakediscord.payloads import DEFAULT_ATTACHMENT_SIZE_LIMIT
from tests.fakediscord.recording import RecordedRequest
from tests.fakediscord.spec import DiscordSpec
from tests.fakediscord.uploads import png_size, upload_problems
from tests.http_mode.conftest import Endpoint, running_endpoint
from tests.pictures.reading import bar_top, marker_x, open_png, rgb, runs

EDIT = r"/webhooks/\d+/{token}/messages/@original"
ANY_EDIT = EDIT.format(token="[^/]+")


def kb() -> KnowledgeBase:
    knowledge = load_knowledge(default_knowledge_path()).knowledge
    assert knowledge is not None
    return knowledge


async def picture_edit(endpoint: Endpoint, delivery: Delivery) -> RecordedRequest:
    """The edit that adds the picture to this answer (waited for: it follows the response)."""
    assert delivery.handle is not None
    pattern = EDIT.format(token=delivery.handle.token)
    await wait_until(lambda: endpoint.fake.requests.matching("PATCH", pattern))
    (request,) = endpoint.fake.requests.matching("PATCH", pattern)
    return request


def shown_gauge(message: Message | None) -> dict[str, object]:
    """The gauge as the member sees it: the message's one attachment, shown as its image."""
    assert message is not None
    (attachment,) = message.attachments
    assert attachment["filename"] == "gauge.png" and attachment["content_type"] == "image/png"
    assert message.embeds[0]["image"]["url"] == attachment["url"]
    return attachment


@pytest.mark.parametrize(
    ("subcommand", "options", "value_text"),
    [
        ("dose", {"amount": "5000"}, "5,000 IU/day"),
        ("dose", {"amount": "400", "age": "2"}, "400 IU/day"),
        ("level", {"value": "42 ng/mL"}, "42 ng/mL"),
        ("level", {"value": "105 nmol/L"}, "42.1 ng/mL"),
    ],
)
async def test_dose_and_level_answers_get_their_gauge_as_a_multipart_upload(
    endpoint: Endpoint, subcommand: str, options: dict[str, object], value_text: str
) -> None:
    delivery = await endpoint.command(subcommand, options)
    # The response is the whole answer in words, at once, without the image it can't carry.
    assert delivery.status == 200 and delivery.type == 4 and delivery.elapsed < 3
    assert "image" not in delivery.embed and "attachments" not in delivery.data
    assert value_text in delivery.embed["title"] + delivery.embed["description"]

    request = await picture_edit(endpoint, delivery)
    assert request.status == 200 and request.multipart
    body = request.json  # the payload_json part
    path = request.path
    assert DiscordSpec.load().validate_request("PATCH", path, body) == []
    (entry,) = body["attachments"]
    assert entry["id"] == "0" and entry["filename"] == "gauge.png"
    assert value_text in entry["description"]  # alt text for screen readers
    assert body["embeds"][0]["image"]["url"] == "attachment://gauge.png"
    assert body["allowed_mentions"] == {"parse": []}
    (upload,) = request.uploads
    assert upload.field == "files[0]" and upload.filename == "gauge.png"
    assert png_size(upload.data) is not None
    assert upload_problems(body, request.uploads, DEFAULT_ATTACHMENT_SIZE_LIMIT) == []

    # What the member ends up with: the same answer, now showing the picture, button kept.
    assert delivery.handle is not None
    message = delivery.handle.original
    shown_gauge(message)
    assert message is not None
    assert value_text in embed_text(message)
    assert button_ids(message) == [PIN_ID]
    # The edit carries the same embed the response did, plus the image.
    edited = dict(body["embeds"][0])
    del edited["image"]
    assert edited == delivery.embed


async def test_the_uploaded_gauge_marks_the_members_value(endpoint: Endpoint) -> None:
    table = kb().bands["level"]
    colours = {rgb(band.colour) for band in table.bands}
    ids = [band.id for band in table.bands]
    for value, band in (("6", "deficient"), ("100", "high")):
        delivery = await endpoint.command("level", {"value": value})
        (upload,) = (await picture_edit(endpoint, delivery)).uploads
        image = open_png(upload.data)
        y = bar_top(image, colours) + 2
        drawn = runs(image, y, colours)
        assert [run.colour for run in drawn] == [rgb(b.colour) for b in table.bands]
        here = drawn[ids.index(band)]
        assert here.x0 < marker_x(image, y) < here.x1


async def test_a_private_answer_gets_its_gauge_and_stays_private(endpoint: Endpoint) -> None:
    delivery = await endpoint.command("dose", {"amount": "2000", "private": True})
    assert delivery.private
    await picture_edit(endpoint, delivery)
    assert delivery.handle is not None
    message = delivery.handle.original
    shown_gauge(message)
    assert message is not None and message.ephemeral


async def test_answers_without_a_gauge_and_errors_are_not_edited(endpoint: Endpoint) -> None:
    for subcommand, options in (("explain", {"term": "mgp"}), ("dose", {"amount": "abc"})):
        delivery = await endpoint.command(subcommand, options)
        assert delivery.type == 4 and delivery.handle is not None
        assert "image" not in delivery.embed
        edits = endpoint.fake.requests.matching("PATCH", EDIT.format(token=delivery.handle.token))
        assert edits == []
        assert delivery.handle.original is not None
        assert delivery.handle.original.attachments == []


async def test_the_same_question_uploads_the_same_bytes(endpoint: Endpoint) -> None:
    first = await endpoint.command("level", {"value": "33"})
    again = await endpoint.command("level", {"value": "33"})
    uploads = [(await picture_edit(endpoint, d)).uploads[0].data for d in (first, again)]
    assert uploads[0] == uploads[1]


async def test_a_refused_edit_leaves_the_answer_as_sent(endpoint: Endpoint) -> None:
    # Discord failing three times in a row (the first try and both retries).
    endpoint.fake.inject("PATCH", ANY_EDIT, status=500, times=3)
    delivery = await endpoint.command("dose", {"amount": "3000"})
    assert delivery.handle is not None
    await wait_until(lambda: len(endpoint.fake.requests.matching("PATCH", ANY_EDIT)) == 3)
    message = delivery.handle.original
    assert message is not None and message.attachments == [] and "image" not in message.embeds[0]
    assert "3,000 IU" in embed_text(message)  # the facts are all there in words


async def test_a_gauge_that_cannot_be_drawn_leaves_the_answer_as_sent(
    endpoint: Endpoint, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    import bot.discord_layer.pictures as pictures

    def broken(*_: object) -> bytes:
        raise OSError("the font file is gone")

    monkeypatch.setattr(pictures, "gauge_png", broken)
    delivery = await endpoint.command("dose", {"amount": "1234.5"})
    assert delivery.type == 4 and delivery.handle is not None
    await wait_until(lambda: "drawing the dose gauge failed" in caplog.text)
    assert endpoint.fake.requests.matching("PATCH", ANY_EDIT) == []
    assert delivery.handle.original is not None
    assert delivery.handle.original.attachments == []


async def test_the_moderators_stats_carry_the_chart_of_questions_per_day(
    endpoint: Endpoint,
) -> None:
    await endpoint.command("level", {"value": "42"})
    delivery = await endpoint.admin("stats", {"days": 7}, user=endpoint.people.role_moderator)
    assert delivery.type == 5 and delivery.private and delivery.handle is not None
    message = await delivery.handle.wait_for_original(loaded=True)
    assert message.ephemeral
    (attachment,) = message.attachments
    assert attachment["filename"] == "usage.png" and attachment["content_type"] == "image/png"
    assert message.embeds[0]["image"]["url"] == attachment["url"]
    assert "Questions per day" in str(attachment["description"])
    # The follow-up went as Discord takes files, and its JSON part matches the spec.
    (request,) = endpoint.fake.requests.matching("POST", r"/webhooks/\d+/" + delivery.handle.token)
    assert request.multipart and request.status in (200, 204)
    assert DiscordSpec.load().validate_request("POST", request.path, request.json) == []
    assert request.json["attachments"][0]["filename"] == "usage.png"
    assert request.json["embeds"][0]["image"]["url"] == "attachment://usage.png"
    (upload,) = request.uploads
    assert upload.field == "files[0]"
    assert png_size(upload.data) == (attachment["width"], attachment["height"])


async def test_stats_with_nothing_recorded_go_without_a_chart(endpoint: Endpoint) -> None:
    delivery = await endpoint.admin("stats", {"days": 7}, user=endpoint.people.role_moderator)
    assert delivery.handle is not None
    message = await delivery.handle.wait_for_original(loaded=True)
    assert message.attachments == [] and "image" not in message.embeds[0]
    (request,) = endpoint.fake.requests.matching("POST", r"/webhooks/\d+/" + delivery.handle.token)
    assert not request.multipart


async def test_an_answer_in_a_dm_through_a_members_install_gets_its_gauge_too(
    endpoint: Endpoint,
) -> None:
    payload = endpoint.fake.user_install_subcommand("dk2", "level", {"value": "42"}, where="dm")
    delivery = await endpoint.post(payload)
    assert delivery.type == 4 and delivery.handle is not None
    line = delivery.data.get("content")
    assert isinstance(line, str) and line  # the add-to-server line
    await picture_edit(endpoint, delivery)
    message = delivery.handle.original
    shown_gauge(message)
    assert message is not None
    # The edit leaves the rest as it was: the line, and no Pin button.
    assert message.content == line and button_ids(message) == []


async def test_with_http_pictures_off_answers_carry_the_text_gauge_and_no_edit(
    tmp_path: Path,
) -> None:
    require_spec()
    async with (
        FakeDiscord() as fake,
        running_endpoint(fake, tmp_path, http_pictures=False) as endpoint,
    ):
        for subcommand, options, gauge in (
            ("dose", {"amount": "5000"}, "▶above UL◀"),
            ("level", {"value": "42 ng/mL"}, "▶goal◀"),
        ):
            delivery = await endpoint.command(subcommand, options)
            assert delivery.status == 200 and delivery.type == 4 and delivery.spec_errors == []
            assert "image" not in delivery.embed and "attachments" not in delivery.data
            assert gauge in delivery.embed["description"]  # where the value sits, in words
            assert delivery.handle is not None
            route = EDIT.format(token=delivery.handle.token)
            # The work after a public answer ends by asking for its id (the no-repeats rule);
            # with pictures on, the picture's edit came first and gave it.
            await wait_until(lambda route=route: fake.requests.matching("GET", route))
            assert fake.requests.matching("PATCH", route) == []
            message = delivery.handle.original
            assert message is not None and message.attachments == []
            assert gauge in embed_text(message)
        assert fake.spec_violations == []
