"""The gauge picture through the real dk2 process: uploaded with the answer as Discord takes a
file (a multipart body whose JSON part matches Discord's spec, the embed pointing at the
upload), and it is the picture of the member's own value."""

from __future__ import annotations

import re

import pytest

from bot.core.loader import default_knowledge_path, load_knowledge
from tests.e2e.harness import Dk2Session, dk2_session, embed_text
from tests.fakediscord import Message
from tests.fakediscord.recording import RecordedRequest
from tests.fakediscord.uploads import png_size
from tests.pictures.reading import bar_top, marker_x, open_png, rgb, runs

pytestmark = pytest.mark.asyncio(loop_scope="module")

CALLBACK = r"/interactions/{id}/[^/]+/callback"


def callback_request(dk2: Dk2Session, interaction_id: int) -> RecordedRequest:
    (request,) = dk2.fake.requests.matching("POST", CALLBACK.format(id=interaction_id))
    return request


def gauge_attachment(message: Message | None) -> dict[str, object]:
    assert message is not None
    (attachment,) = message.attachments
    assert attachment["filename"] == "gauge.png" and attachment["content_type"] == "image/png"
    # Discord shows the upload as the embed's image.
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
async def test_dose_and_level_answers_carry_their_gauge(
    dk2: Dk2Session, subcommand: str, options: dict[str, object], value_text: str
) -> None:
    handle = await dk2.command(subcommand, options)
    request = callback_request(dk2, handle.id)
    # Accepted, with nothing sent back: dk2 doesn't ask for the message (no with_response).
    assert request.status == 204 and request.multipart
    # The JSON part names the upload and points the embed at it; the spec accepted it.
    data = request.json["data"]
    assert data["attachments"][0]["filename"] == "gauge.png"
    assert data["embeds"][0]["image"]["url"] == "attachment://gauge.png"
    (upload,) = request.uploads
    assert upload.field == "files[0]" and upload.filename == "gauge.png"
    assert png_size(upload.data) is not None
    attachment = gauge_attachment(handle.original)
    assert value_text in str(attachment["description"])  # alt text for screen readers
    assert value_text in embed_text(handle.original)  # and the same facts in the text
    assert dk2.fake.spec_violations == []


async def test_the_uploaded_gauge_marks_the_members_value(dk2: Dk2Session) -> None:
    low = await dk2.command("level", {"value": "6"})
    high = await dk2.command("level", {"value": "100"})
    kb = load_knowledge(default_knowledge_path()).knowledge  # what the bot answers from
    assert kb is not None
    table = kb.bands["level"]
    colours = {rgb(band.colour) for band in table.bands}
    ids = [band.id for band in table.bands]
    for handle, band in ((low, "deficient"), (high, "high")):
        (upload,) = callback_request(dk2, handle.id).uploads
        image = open_png(upload.data)
        y = bar_top(image, colours) + 2
        drawn = runs(image, y, colours)
        assert [run.colour for run in drawn] == [rgb(b.colour) for b in table.bands]
        # The marker is in the member's band.
        here = drawn[ids.index(band)]
        assert here.x0 < marker_x(image, y) < here.x1


async def test_a_private_answer_carries_the_gauge_too(dk2: Dk2Session) -> None:
    handle = await dk2.command("dose", {"amount": "2000", "private": True})
    assert handle.original is not None and handle.original.ephemeral
    gauge_attachment(handle.original)


async def test_other_answers_and_errors_are_plain_json(dk2: Dk2Session) -> None:
    for subcommand, options in (("explain", {"term": "mgp"}), ("dose", {"amount": "abc"})):
        handle = await dk2.command(subcommand, options)
        request = callback_request(dk2, handle.id)
        assert not request.multipart and request.uploads == []
        assert handle.original is not None and handle.original.attachments == []
        assert "image" not in handle.original.embeds[0]


async def test_the_same_question_uploads_the_same_bytes(dk2: Dk2Session) -> None:
    first = await dk2.command("level", {"value": "33"})
    again = await dk2.command("level", {"value": "33"})
    uploads = [callback_request(dk2, h.id).uploads[0].data for h in (first, again)]
    assert uploads[0] == uploads[1]
    # The second answer's body is the first one's, built once: it still shows its own gauge.
    assert png_size(uploads[1]) is not None
    assert gauge_attachment(again.original)["url"] != gauge_attachment(first.original)["url"]
    assert not re.search(rb"tIME|tEXt", uploads[0])  # no timestamp or text chunks


async def test_with_gateway_pictures_off_answers_carry_the_text_gauge_and_no_upload(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    workdir = tmp_path_factory.mktemp("no-pictures")
    async with dk2_session(workdir, env={"DK2_GATEWAY_PICTURES": "false"}) as session:
        for subcommand, options, gauge in (
            ("dose", {"amount": "5000"}, "▶above UL◀"),
            ("level", {"value": "42 ng/mL"}, "▶goal◀"),
            ("dose", {"amount": "3000", "private": True}, "▶upper typical◀"),
        ):
            handle = await session.command(subcommand, options)
            request = callback_request(session, handle.id)
            assert request.status == 204
            assert not request.multipart and request.uploads == []
            assert "attachments" not in request.json["data"]
            message = handle.original
            assert message is not None and message.attachments == []
            assert "image" not in message.embeds[0]
            assert gauge in message.embeds[0]["description"]  # where the value sits, in words
        assert session.fake.spec_violations == []
