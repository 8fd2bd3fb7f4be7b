"""How much of a phone screen each /dk2 dose reply takes, as Discord shows it (an embed).

The phone model (tests/discord_layer/phone.py): a 6.1-inch phone at Discord's default font,
PHONE_COLUMNS characters a row and PHONE_ROWS rows a screen. Prints every sample's rows and
screens, the longest first, and where the dose line ends (what the first screen must hold).
Run: .venv/bin/python bench/reply_size.py
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.discord_layer.phone import PHONE_COLUMNS, PHONE_ROWS, dose_samples, embed_rows


def main() -> None:
    rows = sorted(((embed_rows(reply), line) for line, reply in dose_samples()), reverse=True)
    print(f"phone screen: {PHONE_COLUMNS} columns x {PHONE_ROWS} rows")
    print(" rows  screens  reply")
    for count, line in rows:
        print(f"{count:5d}  {count / PHONE_ROWS:7.2f}  {line}")
    fitting = sum(count <= PHONE_ROWS for count, _ in rows)
    print(f"longest: {rows[0][0]} rows ({rows[0][1]}); {fitting} of {len(rows)} fit one screen")


if __name__ == "__main__":
    main()
