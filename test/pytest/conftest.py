"""Shared pytest set-up: an isolated compile cache per test session, no compile progress
display (STRATA_PROGRESS=0; even under `pytest -s` on a terminal), and CI's sample of the
big parametrized matrices.

A test marked `@pytest.mark.ci_sample(every=N)` is one of a matrix whose cases cover much the
same code (the same model on each runtime, each model of a family): by default only every
N-th of its cases runs, in the fixed order of their ids (the first always), or with
`ci_sample(ids=[...])` the cases with those parameter ids, which keeps
`scripts/test.sh` -- and so CI -- within its time. `STRATA_TEST_FULL=1` (or
`pytest --full`) runs every case; the skipped ones say so in the summary.
"""

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


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--full",
        action="store_true",
        help="run every case of the matrices marked ci_sample (also STRATA_TEST_FULL=1)",
    )


def full_run(config: pytest.Config) -> bool:
    return bool(config.getoption("--full")) or os.environ.get("STRATA_TEST_FULL") == "1"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if full_run(config):
        return
    groups: dict[str, list[pytest.Item]] = {}
    for item in items:
        if item.get_closest_marker("ci_sample") is not None:
            base = item.nodeid.split("[", 1)[0]
            groups.setdefault(base, []).append(item)
    for members in groups.values():
        mark = members[0].get_closest_marker("ci_sample")
        assert mark is not None
        ids = mark.kwargs.get("ids")
        every = int(mark.kwargs.get("every", 2))
        for i, item in enumerate(sorted(members, key=lambda it: it.nodeid)):
            param = item.nodeid.split("[", 1)[1].rstrip("]") if "[" in item.nodeid else ""
            kept = param in ids if ids is not None else i % every == 0
            if not kept:
                which = f"only {', '.join(ids)}" if ids is not None else f"1 in {every}"
                item.add_marker(
                    pytest.mark.skip(
                        reason=f"CI sample: {which} of this matrix runs "
                        "(STRATA_TEST_FULL=1 runs all)"
                    )
                )
