"""What a member sees first on a phone: the band, any mistype hint and warning, the dose.

Whole dose replies are measured by bench/reply_size.py (rows beside a screen's rows); this
test holds the part that must never scroll away: everything before the first field.
"""

from __future__ import annotations

import pytest

from bot.core.reply import Reply
from tests.discord_layer.phone import PHONE_ROWS, dose_samples, embed_lines

SAMPLES = dose_samples()


@pytest.mark.parametrize(("line", "reply"), SAMPLES, ids=[line for line, _ in SAMPLES])
def test_the_first_screen_holds_the_band_hints_warning_and_dose(line: str, reply: Reply) -> None:
    assert reply.ok, reply.error
    rows = embed_lines(reply)
    first_screen = " ".join(rows[:PHONE_ROWS])
    assert reply.gauge is not None
    # The gauge ends the description: every row up to it is on the first screen.
    last_gauge_word = reply.gauge.split()[-1]
    gauge_row = max(i for i, row in enumerate(rows) if row.endswith(last_gauge_word))
    assert gauge_row < PHONE_ROWS, f"{line}: gauge on row {gauge_row + 1}"
    for hint in reply.data["hints"]:
        assert hint.split(".")[0].split()[0] in first_screen
    if reply.data.get("warning"):
        assert "⚠️" in rows[0] or any("⚠️" in row for row in rows[: PHONE_ROWS // 2])
