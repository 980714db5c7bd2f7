"""The rows of docs/tflite-coverage.md, generated from the TFLite frontend's table (its
staleness: test_coverage_pages.py)."""

from __future__ import annotations


def test_coverage_rows() -> None:
    from strata.frontends.tflite import coverage, ops

    text = coverage.render()
    assert "| `CONV_2D` | all | integer kernel | `nn.conv`," in text
    assert "| `RESHAPE` | all | integers pass through | `nn.reshape` |" in text
    missing = text.split("## builtin operators without a converter")[1]
    assert "`CUMSUM`" in missing and "`CONV_2D`" not in missing
    assert all(f"| `{op}` |" in text for op, e in ops.TABLE.items() if e.available())
