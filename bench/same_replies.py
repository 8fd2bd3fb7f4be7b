"""Whether a change to the dose and level code changes any reply: record every reply (the
Reply's repr, its text and its JSON) for a few thousand varied inputs, then compare.

The inputs are tidy and forum-typed doses (units, frequencies, labels, counts, ranges,
separators, words), with and without a K2 amount (forms, mg, mistypes) and an age, levels in
both units with lab notation, and bad input of every kind, from a fixed seed; each is asked
twice, and the second reply (which may come from a memo) must equal the first. A refactoring
for speed records before and compares after every step:

    .venv/bin/python bench/same_replies.py record /tmp/replies.json
    .venv/bin/python bench/same_replies.py compare /tmp/replies.json

The recording depends on the knowledge base too, so record and compare on the same one.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.dose import dose_reply
from bot.core.level import level_reply
from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.model import KnowledgeBase
from bot.core.reply import render_text, to_json_dict

# (command, text, k2, age): a level has neither K2 nor age.
Case = tuple[str, str, str | None, str | None]

NUMBERS = ["5000", "5,000", "5.000", "5 000", "5k", "0.1", "1.25", "125", "400", "50000"]
NUMBERS += ["50,000", "10000", "2000", "4000", "4000.4", "4,000.4", "1", "0", "-5", "1e5"]
NUMBERS += ["abc", "nan", "5,5", "1.234,5", "5'000", "999999", "2000000", "0.00001", ".5"]
NUMBERS += ["100", "25", "1000000", "60000", "7000", "3999.99", "600", "800", "40", "45"]
NUMBERS += ["12345678901234567890", "1,00,0", "200", "20", "3", "10", "6000", "1500"]
D_UNITS = ["", " IU", " iu", " mcg", " µg", " ug", " mg", " units", " micrograms", " i.u."]
D_UNITS += [" bananas", " ng/ml"]
FREQUENCIES = ["", " daily", " weekly", " every other day", " twice a week", " /week"]
FREQUENCIES += [" monthly", " 3x/week", " every 2 weeks", " a day", " per month"]
FREQUENCIES += [" fortnightly", " once a week", " every three days", " daily weekly"]
PREFIXES = ["", "D3 ", "D2 ", "vitamin d3 ", "2 x ", "1 capsule of ", "i take ", "my dose is "]
PREFIXES += ["up to ", "2 drops ", "take "]
SUFFIXES = ["", " d3", " D2", " for my baby", " for 2 weeks", " softgels", " (125 mcg)"]
SUFFIXES += [" k2 100 mcg", " and 100 mcg k2", " mk-4 45 mg", " 100 mcg", " 100", " plus stuff"]
SUFFIXES += [" 400 100", " drops", " capsule", " for my son"]
K2S: list[str | None] = [None, None, None, "", "100 mcg", "100 mcg MK-7", "90 mcg mk7", "1 mg"]
K2S += ["45 mg mk-4", "200", "abc", "0.1 mg", "100 iu", "1000 mcg", "100 mcg menaquinone-4"]
K2S += ["5 mcg", "100 mcg mk-7 daily", "700 mcg weekly", "100 mcg k2", "mk-4", "0", "1e3"]
K2S += ["100-200 mcg", "2 x 100 mcg", "180 mcg", "320 mcg mk-7", "75"]
AGES: list[str | None] = [None] * 12 + ["", "2", "6 months", "40", "abc", "17", "18"]
AGES += ["8 weeks", "0", "120", "1 year", "30 yo"]
GOOD_K2S: list[str | None] = [None, None, "100 mcg", "100 mcg MK-7", "45 mg mk-4", "1 mg"]
GOOD_K2S += ["200 mcg weekly", "100 mcg k2", "90 mcg mk 7", "10 mcg", "1500 mcg", "0.5 mg"]
LEVEL_NUMBERS = ["42", "18", "12.5", "12,5", "200", "105", "30", "50", "75", "0", "-3", "1e2"]
LEVEL_NUMBERS += ["abc", "nan", "1000", "1001", "2500", "150", "20", "29.99", "30.0", "49.9"]
LEVEL_NUMBERS += ["100", "12", "11.99", "4.999", "125", "1.000", "60", "10", "8", "250"]
LEVEL_NUMBERS += ["374.4", "74.88"]
LEVEL_UNITS = ["", " ng/mL", " ng/ml", " nmol/L", " nmol/l", " nmol", " ng", " mcg", " bananas"]
LEVEL_PREFIXES = ["", "<", ">", "< ", "my level is ", "25(OH)D ", "less than ", "above "]
LEVEL_PREFIXES += ["result: ", "25-hydroxyvitamin d "]
LEVEL_SUFFIXES = ["", " (30 ng/mL)", " (75 nmol/L)", " last week", " 42", " and 18"]
FIXED_DOSES = ["5000", "125 mcg", "50,000 IU weekly", "0.1 mg", "1000 IU daily", "5k"]
FIXED_DOSES += ["60000 monthly", "10000 IU every other day", "50000 IU D2 weekly", "2 x 5000 IU"]
FIXED_DOSES += ["1000-2000 IU", "5.000 IU", "400 IU for my baby", "10000 IU twice a week"]
FIXED_DOSES += ["5 000 IU k2 100 mcg", "", "   ", "x" * 250, "1000 IU - 2000 IU"]
FIXED_DOSES += ["1000 to 5000 IU", "4000-4000", "2000-1000", "5000 IU d3 100 mcg k2"]
FIXED_DOSES += ["k2 100 mcg", "d3 k2 100", "5000 IU 125 mcg", "1.25 mg", "1.25 mg weekly"]
FIXED_DOSES += ["50 mcg", "10 mcg", "250 mcg", "2 drops", "5000 softgels", "1 drop of 1000 IU"]
FIXED_DOSES += ["5000 IU daily weekly", "−5000", "５０００ IU", "5000\u200b IU", "∞"]
FIXED_DOSES += ["5000 IU every day for the next 2 weeks"]
FIXED_LEVELS = ["42", "42 ng/mL", "105 nmol/L", "12.5", "200", "my level is 18", "<10 ng/ml"]
FIXED_LEVELS += ["25(OH)D 42 ng/mL", "12,5 nmol/l", "", "75 nmol/L (30 ng/mL)", ">150", "<12"]
FIXED_LEVELS += ["29.95", "30", "74.9 nmol/L", "75 nmol/l", "50.1 nmol/L", "1.000"]


def cases() -> list[Case]:
    """Every input, in a fixed order (the seed is fixed)."""
    rng = random.Random(20261203)
    found: list[Case] = []
    for amount in FIXED_DOSES:
        found += [("dose", amount, None, None), ("dose", amount, "100 mcg", None)]
    for _ in range(3000):  # forum-typed, often wrong
        amount = rng.choice(PREFIXES) + rng.choice(NUMBERS) + rng.choice(D_UNITS)
        amount += rng.choice(FREQUENCIES) + rng.choice(SUFFIXES)
        if rng.random() < 0.15:
            amount = amount.upper()
        found.append(("dose", amount, rng.choice(K2S), rng.choice(AGES)))
    for _ in range(2500):  # mostly valid: a spread of amounts, units and frequencies
        found.append(("dose", _good_dose(rng), _good_k2(rng), rng.choice(AGES)))
    for i in range(0, 3000, 7):  # as bench_core's dose* row makes them
        found.append(("dose", f"{2000 + i} IU every other day", f"{90 + i % 50} mcg MK-7", None))
    levels = list(FIXED_LEVELS)
    for _ in range(1500):
        level = rng.choice(LEVEL_PREFIXES) + rng.choice(LEVEL_NUMBERS)
        levels.append(level + rng.choice(LEVEL_UNITS) + rng.choice(LEVEL_SUFFIXES))
    for i in range(300):
        levels += [f"{5 + i * 0.37:.2f} ng/mL", f"{10 + i * 1.13:.2f} nmol/L"]
    found += [("level", level, None, None) for level in levels]
    return found


def _good_dose(rng: random.Random) -> str:
    unit = rng.choice(["", " IU", " mcg", " mg", " µg"])
    scale = {"": 1.0, " IU": 1.0, " mcg": 0.025, " µg": 0.025, " mg": 0.000025}[unit]
    value = rng.choice(
        [
            float(rng.randint(1, 80000)),
            float(rng.randint(100, 12000)),
            round(rng.uniform(0.5, 60000), rng.choice([0, 1, 2, 3])),
        ]
    )
    number = f"{value * scale:.{rng.choice([0, 1, 2, 3, 4])}f}"
    if rng.random() < 0.2 and "." not in number and len(number) > 3:
        number = f"{int(number):,}"
    amount = number + unit
    amount += rng.choice(
        ["", "", " daily", " weekly", " monthly", " every other day", " twice a week", " /week"]
    )
    if rng.random() < 0.2:
        amount = rng.choice(["D3 ", "vitamin d3 ", "2 x ", "i take "]) + amount
    if rng.random() < 0.1:
        amount += rng.choice([" k2 100 mcg", " and 100 mcg mk-7", " mk-4 45 mg", " d3"])
    return amount


def _good_k2(rng: random.Random) -> str | None:
    k2 = rng.choice(GOOD_K2S)
    if rng.random() < 0.3:
        k2 = f"{round(rng.uniform(0.5, 2000), rng.choice([0, 1, 2]))} mcg"
        k2 += rng.choice(["", " mk-7", " MK-4", " k2", " daily"])
    return k2


def answer(kb: KnowledgeBase, case: Case) -> dict[str, Any]:
    """One case's reply as recorded: the Reply's repr, its text and its JSON."""
    command, text, k2, age = case
    reply = dose_reply(kb, text, k2, age) if command == "dose" else level_reply(kb, text)
    as_json = json.dumps(to_json_dict(reply), sort_keys=True, ensure_ascii=False)
    return {"case": list(case), "repr": repr(reply), "text": render_text(reply), "json": as_json}


def main() -> int:
    mode, path = sys.argv[1], Path(sys.argv[2])
    kb = load_knowledge(default_knowledge_path()).knowledge
    assert kb is not None
    inputs = cases()
    replies = [answer(kb, case) for case in inputs]
    again = [answer(kb, case) for case in inputs]
    repeated = sum(first != second for first, second in zip(replies, again, strict=True))
    if mode == "record":
        path.write_text(json.dumps(replies, ensure_ascii=False), encoding="utf-8")
        ok = sum('"ok": true' in reply["json"] for reply in replies)
        print(f"recorded {len(replies)} replies ({ok} answers, {len(replies) - ok} input errors)")
        return 1 if repeated else 0
    recorded = json.loads(path.read_text(encoding="utf-8"))
    if [reply["case"] for reply in recorded] != [reply["case"] for reply in replies]:
        print("the recording holds other inputs: record again with this script")
        return 2
    differ = [(old, new) for old, new in zip(recorded, replies, strict=True) if old != new]
    for old, new in differ[:5]:
        print("differs:", old["case"])
        for key in ("repr", "text", "json"):
            if old[key] != new[key]:
                print(f"  {key}\n    was: {old[key][:600]}\n    now: {new[key][:600]}")
    print(
        f"{len(replies)} replies compared: {len(differ)} differ, {repeated} differ when asked again"
    )
    return 1 if differ or repeated else 0


if __name__ == "__main__":
    sys.exit(main())
