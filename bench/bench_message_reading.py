"""Latency of reading a member's message for "Answer with dk2" (bot.core.message_reading):
a dose, a level, a question, unsure or off-topic, from chat text as members write it.

Prints median and p99 per kind of message, and the share read as each kind. The reading
runs once per click, before dk2's first response; target: under 5 ms at p99 on a 2-core
machine (the question search is most of it). Run: .venv/bin/python bench/bench_message_reading.py
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.core.loader import default_knowledge_path, load_knowledge
from bot.core.message_reading import read_message

MESSAGES = {
    "dose": [
        "I take 5000 IU of D3 daily with 100mcg K2, is that ok?",
        "I've been taking 50000 IU weekly for 3 years",
        "is 10000 IU too much?",
        "2 x 5000 IU twice a week plus k2 mk-7 200 mcg",
    ],
    "level": [
        "my level came back at 28 ng/ml, should I worry?",
        "My 25(OH)D is 75 nmol/L",
        "labs say <10 ng/mL, what now",
    ],
    "question": [
        "can I take vitamin D with warfarin",
        "does k2 help my bones",
        "why do people pair d3 with k2 anyway",
    ],
    "unsure": [
        "should I take K2 with vitamin D?",
        "my level is 30 ng/ml and I take 2000 IU a day",
        "I take 1000 IU in summer and 5000 IU in winter",
    ],
    "off-topic": [
        "anyone watching the game tonight?",
        "what's the best laptop for gaming",
        "So I went to the pharmacy this morning and the queue was long again. " * 8,
    ],
}
ROUNDS = 200


def main() -> None:
    kb = load_knowledge(default_knowledge_path()).knowledge
    assert kb is not None
    for texts in MESSAGES.values():  # build the search index and warm the caches
        for text in texts:
            read_message(kb, text)
    for expected, texts in MESSAGES.items():
        timings: list[float] = []
        read_as: dict[str, int] = {}
        for _ in range(ROUNDS):
            for text in texts:
                started = time.perf_counter()
                kind = read_message(kb, text).kind
                timings.append(time.perf_counter() - started)
                read_as[kind] = read_as.get(kind, 0) + 1
        timings.sort()
        median = statistics.median(timings) * 1e3
        p99 = timings[int(len(timings) * 0.99) - 1] * 1e3
        shares = ", ".join(f"{kind} {count / len(timings):.0%}" for kind, count in read_as.items())
        print(f"{expected:10} median {median:6.2f} ms  p99 {p99:6.2f} ms  read as: {shares}")


if __name__ == "__main__":
    main()
