"""Property: any text typed as an unknown term is stored and read back normalised."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from usage_helpers import T0

from bot.usage import UsageEvent, UsageStore, normalise_term


def _expected(text: str) -> str:
    """The rule, spelled out independently for text without control characters."""
    return " ".join(text.lower().split())[:200].rstrip()


@settings(max_examples=60, deadline=None)
@given(typed=st.text(max_size=400))
async def test_any_text_is_stored_and_read_back_normalised(typed: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        store = UsageStore(Path(folder) / "usage.sqlite3", clock=lambda: T0)
        store.start()
        try:
            await store.record(UsageEvent("explain", False, 1, term=typed))
            # The same words typed differently count as the same term.
            await store.record(UsageEvent("explain", False, 1, term=f" \t{typed}\n "))
            summary = await store.summary(1)
        finally:
            await store.close()

    assert summary.error is None
    assert store.dropped == 0
    assert summary.total_unanswered == 2
    stored = normalise_term(typed)
    if not stored:
        assert summary.unanswered_terms == ()
        return
    assert summary.unanswered_terms == ((stored, 2),)
    assert len(stored) <= 200
    assert stored == stored.strip()
    assert stored == " ".join(stored.split())
    assert stored == stored.lower()


@given(typed=st.text(alphabet=st.characters(codec="ascii", exclude_categories=["Cc"])))
def test_normalising_lowercases_and_collapses_whitespace(typed: str) -> None:
    assert normalise_term(typed) == _expected(typed)


def test_unencodable_and_control_characters_do_not_break_a_term() -> None:
    assert normalise_term("vit\x00amin \ud800 D\x07") == "vit amin ? d"
