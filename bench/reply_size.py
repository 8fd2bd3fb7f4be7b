"""How much of a phone screen each /dk2 dose reply takes, as Discord shows it (an embed).

A phone screen is modelled as PHONE_COLUMNS characters per row and PHONE_ROWS rows: Discord
on a 390-point-wide phone leaves an embed about 280 points of text width, roughly 40
characters of its 15-point font, and about 620 points of height between the channel header
and the message box, roughly 31 rows of 20 points, plus the rows a scrolled-up header frees.
Each embed part is wrapped at word boundaries; a field's name is one row. Prints every
sample's rows, the longest first, beside the budget. Run: .venv/bin/python bench/reply_size.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.discord_layer.phone import PHONE_COLUMNS, PHONE_ROWS, dose_samples, embed_rows


def main() -> None:
    rows = sorted(((embed_rows(reply), line) for line, reply in dose_samples()), reverse=True)
    print(f"phone screen: {PHONE_COLUMNS} columns x {PHONE_ROWS} rows")
    for count, line in rows:
        flag = "" if count <= PHONE_ROWS else "  OVER"
        print(f"{count:4d} rows  {line}{flag}")
    print(f"longest: {rows[0][0]} rows ({rows[0][1]}); budget {PHONE_ROWS}")


if __name__ == "__main__":
    main()
