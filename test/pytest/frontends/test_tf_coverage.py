"""The rows of docs/tf-coverage.md, generated from the TensorFlow frontend's table (its
staleness: test_coverage_pages.py)."""

from __future__ import annotations


def test_coverage_rows() -> None:
    from strata.frontends.tf import coverage, ops

    text = coverage.render()
    assert "| `Conv2D` | `nn.conv`, `nn.transpose` |  |" in text
    assert "| `AddV2` | `nn.add` | yes |" in text
    assert "| `VarHandleOp` | variables: freeze the graph" in text
    assert all(f"| `{op}` |" in text for op, e in ops.TABLE.items() if e.available())
