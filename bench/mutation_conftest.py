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

Emptied before every test while mutmut links tests to functions; while it checks a mutant,
emptied once, before that mutant's first test (see `_linking`).

The packaged embedding model (`shipped_embedder`) is kept loaded across tests unless
embedding.py itself is mutated: loading it takes about half a second, most of a search
test's time, and no other module's code runs inside it.
"""

from __future__ import annotations

import sys
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from mutmut.mutation.trampoline import get_mutant_under_test

settings.register_profile("mutation", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("mutation")

# Module-level memo dictionaries, by module.
_MEMOS = {"bot.core.tokens": ("_GRAMMARS",), "bot.core.amounts": ("_MEMO", "_UNIT_NAMES")}
_SETTINGS = Path(__file__).parents[1] / "pyproject.toml"
_MUTATED = (
    tomllib.loads(_SETTINGS.read_text("utf-8"))["tool"]["mutmut"]["only_mutate"]
    if _SETTINGS.exists()
    else ["bot/core/embedding.py"]  # unknown: keep nothing
)
# Caches kept across tests: module -> names.
_KEPT = {} if "bot/core/embedding.py" in _MUTATED else {"bot.core.embedding": {"shipped_embedder"}}


# The mutant whose run last emptied the caches.
_CLEARED_FOR: list[str] = []


def _linking() -> bool:
    """Whether mutmut is linking tests to functions (its stats run, or its clean run),
    rather than checking one mutant. While it checks a mutant, caches are emptied once, at
    that mutant's first test, and kept like in any pytest run: whatever they hold was then
    built with the mutant in place. Rebuilding the search index for every test made a
    search mutant take ten seconds and more."""
    current = get_mutant_under_test()
    if current in ("stats", "", "fail", "list_all_tests", "mutant_generation"):
        return True
    if [current] == _CLEARED_FOR:
        return False
    _CLEARED_FOR[:] = [current]
    return True


@pytest.fixture(autouse=True)
def _fresh_caches() -> Iterator[None]:
    if not _linking():
        yield
        return
    for name, module in list(sys.modules.items()):
        if not name.startswith("bot."):
            continue
        for key, value in list(vars(module).items()):
            if key in _KEPT.get(name, ()):
                continue
            clear = getattr(value, "cache_clear", None)
            if callable(clear) and hasattr(value, "cache_info"):
                clear()
        for memo in _MEMOS.get(name, ()):
            getattr(module, memo).clear()
    yield
