"""The rows of docs/torch-coverage.md, generated from the PyTorch frontend's table (its
staleness: test_coverage_pages.py)."""

from __future__ import annotations

import pytest

pytest.importorskip("torch")


def test_coverage_rows() -> None:
    from strata.frontends.torch import coverage, ops

    text = coverage.render()
    for op in ("aten.convolution.default", "aten.native_layer_norm.default", "aten.addmm.default"):
        assert f"| `{op}` | yes |" in text
    assert "| `aten.relu.default` | yes | `nn.relu`, `nn.cast` |" in text
    missing = text.split("## core ATen ops without a converter")[1]
    assert "`aten.sort.default`" in missing and "`aten.relu.default`" not in missing
    assert all(f"`{op}`" in text for op, e in ops.TABLE.items() if e.available())
