"""The control-flow acceptance model: a PyTorch module with data-dependent branches and a
bidirectional LSTM, exported to ONNX (If + LSTM nodes) with dynamic batch and sequence axes,
compiled once and checked against ONNX Runtime at three input sizes -- through the Python API
and through `stratac`'s header and library linked into a C program.

The TorchScript exporter (`dynamo=False`) turns a scripted function's `if` on a tensor value
into ONNX `If` (the branches capture the module's weights from the outer graph) and
`nn.LSTM` into ONNX `LSTM`.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import strata

torch = pytest.importorskip("torch")

FEATURES, HIDDEN, CLASSES = 5, 6, 3
SIZES = [(1, 1), (2, 7), (3, 16)]  # (batch, seq)


def _export(path: Path) -> onnx.ModelProto:
    @torch.jit.script
    def project(x: torch.Tensor, w_pos: torch.Tensor, w_neg: torch.Tensor) -> torch.Tensor:
        if bool(x.mean() > 0):
            return torch.matmul(x, w_pos)
        return torch.matmul(x, w_neg) - 1.0

    @torch.jit.script
    def gate(out: torch.Tensor, h: torch.Tensor) -> torch.Tensor:
        if bool(h.sum() > 0):
            return torch.relu(out)
        return out * 0.5

    class Net(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.w_pos = torch.nn.Parameter(torch.randn(FEATURES, FEATURES))
            self.w_neg = torch.nn.Parameter(torch.randn(FEATURES, FEATURES))
            self.lstm = torch.nn.LSTM(FEATURES, HIDDEN, batch_first=True, bidirectional=True)
            self.head = torch.nn.Linear(2 * HIDDEN, CLASSES)

        def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
            out, (h, _) = self.lstm(project(x, self.w_pos, self.w_neg))
            return self.head(gate(out, h)), h

    torch.manual_seed(0)
    net = Net().eval()
    with torch.no_grad():
        torch.onnx.export(
            net,
            (torch.randn(2, 4, FEATURES),),
            str(path),
            dynamo=False,
            opset_version=17,
            input_names=["x"],
            output_names=["y", "h"],
            dynamic_axes={
                "x": {0: "batch", 1: "seq"},
                "y": {0: "batch", 1: "seq"},
                "h": {1: "batch"},
            },
        )
    model = onnx.load(str(path))
    ops = [n.op_type for n in model.graph.node]
    assert ops.count("If") == 2 and ops.count("LSTM") == 1, ops
    return model


def _inputs() -> list[np.ndarray]:
    """Inputs at each size, positive and negative (each branch of both Ifs is taken)."""
    rng = np.random.default_rng(5)
    out = []
    for batch, seq in SIZES:
        base = np.abs(rng.standard_normal((batch, seq, FEATURES))).astype(np.float32)
        out += [base, -base]
    return out


def _reference(path: Path, xs: list[np.ndarray]) -> list[list[np.ndarray]]:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return [session.run(None, {"x": x}) for x in xs]


def test_python_api_matches_onnxruntime_at_three_sizes(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    _export(path)
    compiled = strata.compile(str(path), cache_dir=tmp_path / "cache", num_threads=1)
    assert compiled.meta.abi == "dynamic"
    assert [i.shape for i in compiled.inputs] == [("batch", "seq", FEATURES)]
    xs = _inputs()
    for x, want in zip(xs, _reference(path, xs), strict=True):
        got = compiled.run({"x": x})
        for g, w in zip(got, want, strict=True):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


C_PROGRAM = r"""
/* Runs the model on the input file argv[1] (int64 dims[3], then the floats) and writes each
 * output (int64 dims[3], then the floats) to argv[2]. */
#include <stdio.h>
#include <stdlib.h>

#include "net.h"

static long count(const int64_t* dims) { return (long)(dims[0] * dims[1] * dims[2]); }

int main(int argc, char** argv) {
  if (argc != 3) return 10;
  FILE* in = fopen(argv[1], "rb");
  int64_t x_shape[3];
  if (!in || fread(x_shape, sizeof(int64_t), 3, in) != 3) return 11;
  float* x = malloc(sizeof(float) * (size_t)count(x_shape));
  if (fread(x, sizeof(float), (size_t)count(x_shape), in) != (size_t)count(x_shape)) return 12;
  fclose(in);
  if (net_init(NULL) != STRATA_OK) return 13;
  float* y = NULL;
  float* h = NULL;
  int64_t y_shape[3], h_shape[3];
  int rc = net(x, x_shape, &y, y_shape, &h, h_shape);
  if (rc != STRATA_OK) return 20 + rc;
  FILE* out = fopen(argv[2], "wb");
  fwrite(y_shape, sizeof(int64_t), 3, out);
  fwrite(y, sizeof(float), (size_t)count(y_shape), out);
  fwrite(h_shape, sizeof(int64_t), 3, out);
  fwrite(h, sizeof(float), (size_t)count(h_shape), out);
  fclose(out);
  free(x);
  free(y);
  free(h);
  net_fini();
  return 0;
}
"""


def _read_outputs(path: Path) -> list[np.ndarray]:
    data = path.read_bytes()
    out, pos = [], 0
    for _ in range(2):
        dims = np.frombuffer(data, np.int64, 3, pos)
        pos += 24
        n = int(np.prod(dims))
        out.append(np.frombuffer(data, np.float32, n, pos).reshape(dims))
        pos += 4 * n
    return out


@pytest.mark.skipif(shutil.which("cc") is None, reason="needs a C compiler")
def test_c_program_with_stratac_header_matches_onnxruntime(tmp_path: Path) -> None:
    path = tmp_path / "net.onnx"
    _export(path)
    out = tmp_path / "out"
    stratac = Path(sys.executable).parent / "stratac"
    subprocess.run([str(stratac), str(path), "-o", str(out / "net")], check=True)
    header = (out / "net.h").read_text()
    assert "const float* x,\n    const int64_t x_shape[3]," in header
    assert "float** out_y,\n    int64_t out_y_shape[3]," in header
    src = tmp_path / "main.c"
    src.write_text(C_PROGRAM)
    exe = tmp_path / "main"
    subprocess.run(
        ["cc", "-Wall", "-Werror", "-o", str(exe), str(src), f"-I{out}", str(out / "net.so"),
         f"-Wl,-rpath,{out}"],
        check=True,
    )  # fmt: skip
    xs = _inputs()
    for k, (x, want) in enumerate(zip(xs, _reference(path, xs), strict=True)):
        feed, result = tmp_path / f"x{k}.bin", tmp_path / f"y{k}.bin"
        feed.write_bytes(np.array(x.shape, np.int64).tobytes() + x.tobytes())
        subprocess.run([str(exe), str(feed), str(result)], check=True)
        for g, w in zip(_read_outputs(result), want, strict=True):
            assert g.shape == w.shape
            np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
