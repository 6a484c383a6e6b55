"""Shared pytest configuration."""

from __future__ import annotations

import os

import pytest

# ----------------------------------------------------------------------------- slow tests
# Tests marked ``@pytest.mark.slow`` (the marker is declared in pyproject.toml) are
# skipped unless QUALCODE_SLOW=1, so the default run stays within a few minutes on
# two cores. Run everything with: QUALCODE_SLOW=1 .venv/bin/pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("QUALCODE_SLOW", "").strip() == "1":
        return
    skip = pytest.mark.skip(reason="slow: set QUALCODE_SLOW=1 to run it")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
