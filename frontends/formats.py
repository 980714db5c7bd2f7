"""Which frontend reads a model file, and importing it: the one place that knows the formats.

    detect(path, framework=None) -> "onnx" | "torch" | "tf" | "tflite" | "caffe" | "mlir"
    import_file(path, framework=None, **options) -> ImportedModel
    weights_file(path, framework=None, weights=None) -> Path | None

The format is `framework` when given, else the file's extension (`.onnx`, `.pt2`, `.pb` /
`.pbtxt`, `.tflite`, `.mlir`; a directory holding `saved_model.pb` is a TF SavedModel), else
its first bytes (a `.pt2` program is a zip archive, a TFLite flatbuffer has the identifier
"TFL3" at bytes 4..8; anything else is read as ONNX, whose loader says clearly when it is
not). Each frontend is imported only when a model of its format is given, so `import strata`
needs neither torch, TensorFlow nor any other framework.

The import options are one contract that every frontend of a graph format accepts (ONNX,
TF, TFLite, torch, and any added later, e.g. Caffe), each naming values its own way (ONNX
value names, TF `node` / `node:k`, TFLite tensor names, torch FX node names, Caffe blobs):

* `outputs`: the values to return, instead of the graph's outputs (sinks).
* `inputs`: values that become graph inputs (a sub-graph cut, HALO's `-inputs`). Each becomes
  an entry argument named after it, with the dtype and shape the model's own shape
  information gives it (ONNX shape inference / value_info, TF `_output_shapes` or the
  converters' inferred specs, TFLite tensor shapes, torch.export's recorded values), or the
  shape `input_shapes[name]` gives; a value with neither is a ModelImportError. Only what
  lies between the inputs and the outputs is imported: what only the cut values needed is
  dropped, graph inputs no longer needed disappear from the interface. The entry's inputs
  are the remaining graph inputs in graph order, then the cut values in the order given.
  A name that is not a value of the graph is a ModelImportError naming it and the nearest
  valid names (`common.check_names`).
* `input_shapes` (name -> full shape): for a graph input or a cut value; a non-static dim
  takes the given size, a static dim must be given as it is (else a ModelImportError). A
  shape for an original input that the cut drops still shapes the cut values where the
  frontend works their shapes out from the inputs (ONNX, TF; torch: it pins that input's
  symbols) and is checked against that input elsewhere. Unknown names are refused.
* `batch_size`: the leading dim of every input (cut values included) whose leading dim is
  not static; a positive integer. Caffe: the leading dim of every input, static or not (a
  deploy file's batch, e.g. CaffeNet's 10, is no property of the net: Caffe reshapes nets
  to any batch, and HALO's -batch-size overrides it the same way).
* Layout (`LAYOUTS`): `reorder_data_layout` is the layout values are held in inside the
  graph ("channel-first" | "channel-last"; default channel-first: nn's conv / pool ops are
  channel-first), `remove_input_transpose` / `remove_output_transpose` make the rank-4
  inputs / outputs take / give that layout instead of the model's own. Channel-first
  formats (ONNX, torch; Caffe) get it from `strata.frontends.layout.apply` after import;
  the NHWC formats (TF, TFLite) inside their importers, which hold conv / pool values
  channel-first anyway (see docs/frontends/tf.md).

A Caffe net (extension `.prototxt`) has its trained weights in a second file: `weights` (a
`.caffemodel`), else NAME.caffemodel beside NAME.prototxt when there is one
(`weights_file`); other formats refuse `weights`.

Dependency contract: the Strata core (errors, frontends.base); the frontends, lazily.
"""

from __future__ import annotations

import numbers
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from strata.errors import ModelImportError, ModelLoadError
from strata.frontends.base import ImportedModel

# framework name -> what it reads (for messages and --help)
FRAMEWORKS: dict[str, str] = {
    "onnx": "ONNX model (.onnx)",
    "torch": "PyTorch program saved by torch.export.save (.pt2)",
    "tf": "TensorFlow frozen GraphDef (.pb, .pbtxt) or SavedModel directory",
    "tflite": "TensorFlow Lite / LiteRT flatbuffer (.tflite)",
    "caffe": "Caffe net (.prototxt) with its trained weights (.caffemodel)",
    "mlir": "nn / linalg MLIR module (.mlir)",
}
SUFFIXES: dict[str, str] = {
    ".onnx": "onnx",
    ".pt2": "torch",
    ".pb": "tf",
    ".pbtxt": "tf",
    ".tflite": "tflite",
    ".prototxt": "caffe",
    ".mlir": "mlir",
}
# reorder_data_layout values (HALO's -reorder-data-layout)
LAYOUTS = ("channel-first", "channel-last")
_ZIP_MAGIC = b"PK\x03\x04"
_TFLITE_IDENTIFIER = b"TFL3"  # a TFLite flatbuffer's file identifier, at bytes 4..8


def check_framework(framework: str) -> str:
    if framework not in FRAMEWORKS:
        raise ModelLoadError(f"unknown framework '{framework}'; known: {', '.join(FRAMEWORKS)}")
    return framework


def detect(path: str | os.PathLike[str], framework: str | None = None) -> str:
    """The framework of the model file at `path` (see the module docstring)."""
    if framework:
        return check_framework(framework)
    p = Path(path)
    if p.is_dir() and (p / "saved_model.pb").is_file():
        return "tf"
    by_suffix = SUFFIXES.get(p.suffix.lower())
    if by_suffix is not None:
        return by_suffix
    try:
        with open(p, "rb") as f:
            head = f.read(8)
    except OSError:
        return "onnx"  # the ONNX loader reports the missing file
    if head[:4] == _ZIP_MAGIC:
        return "torch"
    return "tflite" if head[4:8] == _TFLITE_IDENTIFIER else "onnx"


def weights_file(
    path: str | os.PathLike[str],
    framework: str | None = None,
    weights: str | os.PathLike[str] | None = None,
) -> Path | None:
    """The weights file of the model at `path`: `weights` (checked), else for a Caffe net
    its sibling NAME.caffemodel, if any; None for formats that keep weights inside."""
    kind = detect(path, framework)
    if kind != "caffe":
        if weights is not None:
            raise ModelLoadError(
                f"a weights file is given, but a {kind} model keeps its weights inside; "
                "only Caffe nets (.prototxt) take one"
            )
        return None
    if weights is not None:
        w = Path(weights)
        if not w.is_file():
            raise ModelLoadError(f"Caffe weights '{weights}' do not exist or are not a file")
        return w.resolve()
    sibling = Path(path).with_suffix(".caffemodel")
    return sibling.resolve() if sibling.is_file() else None


def import_file(
    path: str | os.PathLike[str],
    framework: str | None = None,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | None = None,
    inputs: Sequence[str] | None = None,
    entry_func_name: str | None = None,
    label: str | None = None,
    input_structures: Mapping[str, Any] | None = None,
    context: Any = None,
    reorder_data_layout: str | None = None,
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    weights: str | os.PathLike[str] | None = None,
) -> ImportedModel:
    """Import the model at `path` with the frontend of its format (the options: see the
    module docstring; `weights`: a Caffe net's .caffemodel, see `weights_file`)."""
    kind = detect(path, framework)
    weights_path = weights_file(path, kind, weights)
    if reorder_data_layout is not None and reorder_data_layout not in LAYOUTS:
        raise ModelImportError(
            f"reorder_data_layout '{reorder_data_layout}' is not one of {', '.join(LAYOUTS)}"
        )
    if batch_size is not None and (not isinstance(batch_size, numbers.Integral) or batch_size < 1):
        raise ModelImportError(f"batch size must be a positive integer, got {batch_size!r}")
    if batch_size is not None:
        batch_size = int(batch_size)  # a numpy integer too
    if inputs is not None and not inputs:
        raise ModelImportError("the list of cut inputs is empty")
    if inputs and len(set(inputs)) != len(inputs):
        raise ModelImportError(f"inputs name a value twice: {list(inputs)}")
    if input_structures and kind != "onnx":
        raise ModelImportError(
            f"input structures cannot be given for a {kind} model: its inputs are tensors"
        )
    cuts = list(inputs) if inputs else None
    layout = {
        "reorder_data_layout": reorder_data_layout,
        "remove_input_transpose": remove_input_transpose,
        "remove_output_transpose": remove_output_transpose,
    }
    if kind == "mlir":
        given = [k for k, v in {**layout, "inputs": cuts}.items() if v]
        if given:
            raise ModelImportError(
                f"{', '.join(given)}: import options of the graph formats; an MLIR module is "
                "compiled as it is"
            )
        from strata.mlir_model import import_mlir_file

        return import_mlir_file(Path(path), entry_func_name=entry_func_name)
    if kind == "tf":
        from strata.frontends.tf import import_graph_def

        return import_graph_def(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=cuts,
            entry_func_name=entry_func_name or "main",
            reorder_data_layout=reorder_data_layout or "channel-first",
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
            context=context,
        )
    if kind == "tflite":
        from strata.frontends.tflite import import_model as import_tflite

        return import_tflite(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=cuts,
            entry_func_name=entry_func_name or "main",
            reorder_data_layout=reorder_data_layout or "channel-first",
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
            context=context,
        )
    from strata.frontends import layout as channel_first

    if kind == "caffe":
        from strata.frontends.caffe import import_net

        imported = import_net(
            path,
            weights_path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=cuts,
            entry_func_name=entry_func_name or "main",
            context=context,
        )
    elif kind == "torch":
        from strata.frontends.torch import import_program

        imported = import_program(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=cuts,
            entry_func_name=entry_func_name or "main",
            context=context,
        )
    else:
        from strata.frontends.onnx import import_model

        imported = import_model(
            path,
            input_shapes={k: tuple(v) for k, v in input_shapes.items()} if input_shapes else None,
            batch_size=batch_size,
            outputs=outputs,
            inputs=cuts,
            entry_func_name=entry_func_name or "main",
            label=label,
            input_structures=input_structures,
            context=context,
        )
    return channel_first.apply(
        imported, reorder_data_layout, remove_input_transpose, remove_output_transpose
    )
