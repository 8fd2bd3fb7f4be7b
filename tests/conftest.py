"""Settings for every test: hypothesis never fails a test on time.

A property's first example may be the one that builds the search index (seconds), and the
2-core machine dk2 is developed on is often busy; speed is measured by bench/, not by tests.
"""

from __future__ import annotations

from hypothesis import settings

settings.register_profile("dk2", deadline=None)
settings.load_profile("dk2")
