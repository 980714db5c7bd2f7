"""The rows of docs/caffe-coverage.md, generated from the Caffe frontend's table (its
staleness: test_coverage_pages.py)."""

from __future__ import annotations


def test_coverage_rows() -> None:
    from strata.frontends.caffe import coverage, importer, ops

    text = coverage.render()
    assert "| `Convolution` | `nn.conv` | yes |" in text
    assert "| `Pooling` | `nn.max_pool`, `nn.average_pool` |  |" in text
    assert all(f"| `{t}` |" in text for t, e in ops.TABLE.items() if e.available())
    assert all(f"| `{t}` |" in text for t in importer.INPUT_LAYERS)
    assert "| `SoftmaxWithLoss` | a training loss" in text
