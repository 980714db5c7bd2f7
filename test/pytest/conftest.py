"""Shared pytest set-up: an isolated compile cache per test session, and no compile progress
display (STRATA_PROGRESS=0; even under `pytest -s` on a terminal)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True, scope="session")
def _strata_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("strata-cache")
    old = os.environ.get("STRATA_CACHE_DIR")
    os.environ["STRATA_CACHE_DIR"] = str(path)
    os.environ.setdefault("STRATA_PROGRESS", "0")
    yield path
    if old is None:
        os.environ.pop("STRATA_CACHE_DIR", None)
    else:
        os.environ["STRATA_CACHE_DIR"] = old
