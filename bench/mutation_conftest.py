"""Copied to tests/conftest.py in each mutation work directory by bench/mutation.py (never
used by `make test`).

dk2 memoises: compiled token grammars and amount readings per knowledge base, compiled
patterns in lru_caches. mutmut links a function to the tests that ran it, so with the
caches kept across tests only the first test that filled a cache would be linked, and a
mutant there would be checked by that one test alone. Clearing them before every test
links every test that reads through the function.

Hypothesis keeps no deadline here: under mutmut's trampolines, at nice 19 on a shared
machine, an example can take longer than the 200 ms default, and a deadline failure in the
stats run stops the whole module's run.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("mutation", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mutation")

# Module-level memo dictionaries, by module.
_MEMOS = {"bot.core.tokens": ("_GRAMMARS",), "bot.core.amounts": ("_MEMO",)}


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    for name, module in list(sys.modules.items()):
        if not name.startswith("bot."):
            continue
        for value in list(vars(module).values()):
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and hasattr(value, "cache_info"):
                clear()
        for memo in _MEMOS.get(name, ()):
            getattr(module, memo).clear()
    yield
