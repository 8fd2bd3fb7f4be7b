"""Gauges linked from the endpoint's own URL when Discord reports one, through the real
endpoint on 127.0.0.1.

An HTTP-mode application has an Interactions Endpoint URL set in the developer portal, and
Discord reports it in the application object. With it, a dose or level answer's embed shows
its gauge from a signed link on that URL (the response body is the whole answer, nothing is
uploaded afterwards), and the endpoint draws the gauge when Discord's media proxy asks for it.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.http.gauge_links import GaugeLinks
from tests.fakediscord import FakeDiscord
from tests.fakediscord.fixtures import require_spec
from tests.http_mode.conftest import Endpoint, running_endpoint
from tests.pictures.reading import bar_top, marker_x, open_png, rgb, runs

ANY_EDIT = r"/webhooks/\d+/[^/]+/messages/@original"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def linked(tmp_path: Path) -> AsyncIterator[Endpoint]:
    """An endpoint whose application has its Interactions Endpoint URL set."""
    require_spec()
    port = free_port()
    async with FakeDiscord() as fake:
        fake.world.application.interactions_endpoint_url = f"http://127.0.0.1:{port}/interactions"
        async with running_endpoint(fake, tmp_path, http_port=port) as running:
            yield running
            for delivery in running.deliveries:
                assert delivery.spec_errors == [], delivery.body
            assert fake.spec_violations == []


async def fetch(endpoint: Endpoint, url: str) -> tuple[int, str, bytes]:
    async with endpoint.session.get(url) as response:
        return response.status, response.content_type, await response.read()


async def test_the_answer_shows_its_gauge_from_a_link_and_nothing_is_uploaded(
    linked: Endpoint,
) -> None:
    delivery = await linked.command("level", {"value": "100"})
    assert delivery.status == 200 and delivery.type == 4
    link = delivery.embed["image"]["url"]
    assert link.startswith(linked.url + "?")
    assert "attachments" not in delivery.data
    assert not delivery.private
    await asyncio.sleep(0.3)  # an edit would follow the response at once
    assert linked.fake.requests.matching("PATCH", ANY_EDIT) == []

    # What Discord's media proxy gets from the link: the gauge marking 100 ng/mL as high.
    status, kind, data = await fetch(linked, link)
    assert status == 200 and kind == "image/png"
    knowledge = load_knowledge(default_knowledge_path()).knowledge
    assert knowledge is not None
    table = knowledge.bands["level"]
    image = open_png(data)
    colours = {rgb(band.colour) for band in table.bands}
    y = bar_top(image, colours) + 2
    drawn = runs(image, y, colours)
    high = drawn[[band.id for band in table.bands].index("high")]
    assert high.x0 < marker_x(image, y) < high.x1


async def test_a_private_answer_links_its_gauge_and_stays_private(linked: Endpoint) -> None:
    delivery = await linked.command("dose", {"amount": "2000", "private": True})
    assert delivery.private
    status, kind, data = await fetch(linked, delivery.embed["image"]["url"])
    assert status == 200 and kind == "image/png" and data.startswith(b"\x89PNG")


async def test_links_dk2_did_not_give_out_are_refused(linked: Endpoint) -> None:
    delivery = await linked.command("dose", {"amount": "5000"})
    link = delivery.embed["image"]["url"]
    query = dict(parse_qsl(urlsplit(link).query))
    base = linked.url
    # Another value under this link's signature, a link signed with another token, no link.
    forged = GaugeLinks(base, "not the bot token").link("dose", {"amount": "5000"})
    assert forged is not None
    other = GaugeLinks(base, "x").link("dose", {"amount": "99999"})
    assert other is not None
    swapped = dict(parse_qsl(urlsplit(other).query))["gauge"]
    for url in (
        forged,
        f"{base}?{urlencode({'gauge': swapped, 'sig': query['sig']})}",
        f"{base}?{urlencode({'gauge': query['gauge']})}",
        base,
    ):
        status, kind, _ = await fetch(linked, url)
        assert (status, kind) == (404, "application/json"), url
    assert (await fetch(linked, link))[0] == 200


async def test_without_an_endpoint_url_the_gauge_is_uploaded_as_before(endpoint: Endpoint) -> None:
    delivery = await endpoint.command("dose", {"amount": "5000"})
    assert "image" not in delivery.embed
    assert delivery.handle is not None
    token = delivery.handle.token
    pattern = rf"/webhooks/\d+/{token}/messages/@original"
    for _ in range(100):
        if endpoint.fake.requests.matching("PATCH", pattern):
            break
        await asyncio.sleep(0.05)
    (edit,) = endpoint.fake.requests.matching("PATCH", pattern)
    assert edit.multipart
