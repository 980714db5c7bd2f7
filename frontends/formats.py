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

The layout options (`reorder_data_layout`, `remove_input_transpose`,
`remove_output_transpose`) apply to the TF frontend, whose graphs are NHWC; the other formats
refuse them (TFLite models are imported channel-first inside already).

A Caffe net (extension `.prototxt`) has its trained weights in a second file: `weights` (a
`.caffemodel`), else NAME.caffemodel beside NAME.prototxt when there is one
(`weights_file`); other formats refuse `weights`.

Dependency contract: the Strata core (errors, frontends.base); the frontends, lazily.
"""

from __future__ import annotations

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
    entry_func_name: str | None = None,
    label: str | None = None,
    input_structures: Mapping[str, Any] | None = None,
    context: Any = None,
    reorder_data_layout: str | None = None,
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    weights: str | os.PathLike[str] | None = None,
) -> ImportedModel:
    """Import the model at `path` with the frontend of its format (`weights`: a Caffe
    net's .caffemodel; see `weights_file`)."""
    kind = detect(path, framework)
    weights_path = weights_file(path, kind, weights)
    layout_given = [
        name
        for name, v in (
            ("reorder_data_layout", reorder_data_layout),
            ("remove_input_transpose", remove_input_transpose),
            ("remove_output_transpose", remove_output_transpose),
        )
        if v
    ]
    if layout_given and kind != "tf":
        raise ModelImportError(
            f"{', '.join(layout_given)}: layout options apply to TensorFlow (NHWC) models; "
            f"this is a {kind} model, which is channel-first already"
        )
    if kind == "tf":
        if input_structures:
            raise ModelImportError(
                "input structures cannot be given for a TensorFlow graph: its inputs are tensors"
            )
        from strata.frontends.tf import import_graph_def

        return import_graph_def(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            entry_func_name=entry_func_name or "main",
            reorder_data_layout=reorder_data_layout or "channel-first",
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
            context=context,
        )
    if kind == "caffe":
        if input_structures:
            raise ModelImportError(
                "input structures cannot be given for a Caffe net: its inputs are tensors"
            )
        from strata.frontends.caffe import import_net

        return import_net(
            path,
            weights_path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            entry_func_name=entry_func_name or "main",
            context=context,
        )
    if kind == "mlir":
        from strata.mlir_model import import_mlir_file

        return import_mlir_file(Path(path), entry_func_name=entry_func_name)
    if kind == "torch":
        if input_structures:
            raise ModelImportError(
                "input structures cannot be given for a PyTorch program: its inputs are tensors"
            )
        from strata.frontends.torch import import_program

        return import_program(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            entry_func_name=entry_func_name or "main",
            context=context,
        )
    if kind == "tflite":
        if input_structures:
            raise ModelImportError(
                "input structures cannot be given for a TFLite model: its inputs are tensors"
            )
        from strata.frontends.tflite import import_model as import_tflite

        return import_tflite(
            path,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            entry_func_name=entry_func_name or "main",
            context=context,
        )
    from strata.frontends.onnx import import_model

    return import_model(
        path,
        input_shapes={k: tuple(v) for k, v in input_shapes.items()} if input_shapes else None,
        batch_size=batch_size,
        outputs=outputs,
        entry_func_name=entry_func_name or "main",
        label=label,
        input_structures=input_structures,
        context=context,
    )
