"""Reading gauge links back: what dk2 signed reads back exactly, anything else reads as None."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

from hypothesis import given
from hypothesis import strategies as st

from bot.http.gauge_links import MAX_LINK_CHARS, GaugeLinks, endpoint_url

BASE = "https://dk2.example.org/discord/interactions"
names = st.text(min_size=1, max_size=20)
values = st.text(max_size=60)


def query_of(url: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(url).query, keep_blank_values=True))


@given(command=names, options=st.dictionaries(names, values, max_size=4))
def test_a_link_reads_back_as_the_command_and_options_it_was_made_for(
    command: str, options: dict[str, str]
) -> None:
    links = GaugeLinks(BASE, "token")
    url = links.link(command, options)
    if url is None:  # only when too long for Discord
        return
    assert url.startswith(BASE + "?") and len(url) <= MAX_LINK_CHARS
    assert links.read(query_of(url)) == (command, options)
    # Another process with the same bot token reads it too; one with another token doesn't.
    assert GaugeLinks(BASE, "token").read(query_of(url)) == (command, options)
    assert GaugeLinks(BASE, "other token").read(query_of(url)) is None


@given(
    options=st.dictionaries(names, values, max_size=3),
    position=st.integers(min_value=0),
    replacement=st.sampled_from("AQgw_-0"),
)
def test_a_link_changed_anywhere_is_refused(
    options: dict[str, str], position: int, replacement: str
) -> None:
    links = GaugeLinks(BASE, "token")
    url = links.link("dose", options)
    assert url is not None
    query = query_of(url)
    for name in ("gauge", "sig"):
        text = query[name]
        at = position % len(text)
        if text[at] == replacement:
            continue
        changed = dict(query, **{name: text[:at] + replacement + text[at + 1 :]})
        assert links.read(changed) is None


@given(query=st.dictionaries(st.sampled_from(["gauge", "sig", "x"]), st.text(max_size=80)))
def test_any_query_is_read_without_raising(query: dict[str, str]) -> None:
    assert GaugeLinks(BASE, "token").read(query) is None


def test_a_base_with_a_query_of_its_own_keeps_it() -> None:
    links = GaugeLinks("https://h.example/i?route=dk2", "token")
    url = links.link("level", {"value": "42"})
    assert url is not None and url.startswith("https://h.example/i?route=dk2&gauge=")
    assert links.read(query_of(url)) == ("level", {"value": "42"})


def test_the_endpoint_url_is_taken_only_when_it_is_a_web_address() -> None:
    assert endpoint_url({"interactions_endpoint_url": BASE}) == BASE
    for bad in (None, "", "ftp://h/i", "https://h/a b", "https://h/i#x", 42):
        assert endpoint_url({"interactions_endpoint_url": bad}) is None
    assert endpoint_url({}) is None
    assert endpoint_url(["not", "an", "object"]) is None
