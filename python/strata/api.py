"""The public Python API: `compile`, `load` and `CompiledModel`.

`compile` hashes the model and options, looks the artifacts up in the on-disk cache
(strata.cache) and otherwise compiles them in an isolated child process (strata.worker);
`CompiledModel` runs the very shared library a C program would link, through the native
runtime module `strata._runtime` (no copies of C-contiguous inputs of the right dtype; outputs
are allocated here and filled in place).

Dependency contract: numpy, onnx (only to serialise a ModelProto), strata.cache, strata.dtypes,
strata.worker, strata.progress, strata.errors, strata.structure, strata.frontends.base (TensorInfo),
strata.targets.cpu.artifact, strata.targets.cpu.machine (the target CPU, part of the
cache key), strata._runtime.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from strata import cache as cache_mod
from strata import dtypes
from strata.errors import InputMismatchError, ModelImportError, ModelLoadError, StrataError
from strata.frontends.base import TensorInfo
from strata.structure import GraphValue, Spec, flatten, from_json, rebuild
from strata.targets.cpu.artifact import ArtifactMeta, TensorMeta, find_meta
from strata.targets.cpu.machine import describe as describe_machine
from strata.targets.cpu.schedules import get_schedule
from strata.worker import CompileStats

if TYPE_CHECKING:
    from strata.profile import Profile

TARGETS = ("cpu", "odla", "cxx")
PLANNED_TARGETS = ("cuda", "halide")
# the keyword options each target takes (beyond the common ones of `compile`)
_TARGET_OPTIONS = {
    "cpu": ("emit_data_as_c", "mcpu", "schedule", "tune_seconds"),
    "odla": (
        "odla_runtime",
        "emit_data_as_c",
        "exec_mode",
        "emit_value_id_as_int",
        "emit_value_reset",
        "print_mem_stats",
    ),
    "cxx": (),
}
_ARTIFACT_SUFFIXES = (".h", ".so", ".bin", "_data.c", ".cc", "_kernels.o", ".json")


def check_target(target: str) -> None:
    if target not in TARGETS:
        planned = f" ('{target}' is planned but not built yet)" if target in PLANNED_TARGETS else ""
        raise StrataError(
            f"unknown target '{target}'{planned}; available targets: {', '.join(TARGETS)}"
        )


def _tensor_info(t: TensorMeta) -> TensorInfo:
    return TensorInfo(t.name, tuple(t.shape), dtypes.numpy_dtype(t.dtype))


class CompiledModel:
    """A compiled model loaded from its artifact directory (NAME.so, NAME.bin, NAME.json)."""

    def __init__(
        self, directory: str | os.PathLike[str], meta_path: str | os.PathLike[str] | None = None
    ) -> None:
        """`meta_path`: the NAME.json to use when the directory holds several models."""
        from strata import _runtime

        self.directory = Path(directory)
        # set by strata.compile when it compiled (not on a cache hit or strata.load)
        self.compile_stats: CompileStats | None = None
        try:
            meta_file = Path(meta_path) if meta_path is not None else find_meta(self.directory)
            self.meta = ArtifactMeta.read(meta_file)
        except ValueError as e:
            raise ModelLoadError(str(e)) from None
        self.inputs = [_tensor_info(t) for t in self.meta.inputs]
        self.outputs = [_tensor_info(t) for t in self.meta.outputs]
        # graph inputs / outputs of sequence or optional type: (name, structure) of each
        # graph value over the flat tensors above (None: every graph value is a tensor)
        self.structure: tuple[list[tuple[str, GraphValue]], list[tuple[str, GraphValue]]] | None
        self.structure = None
        rec = self.meta.extra.get("structure")
        if rec:
            try:
                self.structure = (
                    [(str(r["name"]), from_json(r["value"])) for r in rec["inputs"]],
                    [(str(r["name"]), from_json(r["value"])) for r in rec["outputs"]],
                )
            except (KeyError, TypeError, ValueError) as e:
                raise ModelLoadError(f"malformed structure in {self.meta.name}.json: {e}") from None
        # strata.compile sets this: how to build this model's profiling variant
        self._profile_variant: Callable[[], CompiledModel] | None = None
        lib = self.directory / self.meta.library
        wfile = str(self.directory / self.meta.weights) if self.meta.weights else None
        try:
            self._model: Any = _runtime.Model(str(lib.resolve()), self.meta.name, wfile)
        except (RuntimeError, ValueError) as e:
            raise ModelLoadError(f"cannot load compiled model from {self.directory}: {e}") from None

    @property
    def name(self) -> str:
        return self.meta.name

    def __repr__(self) -> str:
        ins = ", ".join(i.describe() for i in self.inputs)
        outs = ", ".join(o.describe() for o in self.outputs)
        return f"<CompiledModel {self.name!r} ({ins}) -> ({outs}) at {self.directory}>"

    # ---- running -----------------------------------------------------------------------------

    def run(self, inputs: Mapping[str, Any] | Sequence[Any]) -> list[Any]:
        """Run on `inputs` (dict name -> array, or a list in graph-input order).

        Returns the outputs in graph-output order. Inputs must match the compiled shapes and
        dtypes exactly (InputMismatchError otherwise); non-contiguous arrays are copied.
        A model compiled with sequence / optional graph values (`structure`) takes and
        returns them as Python values: a list per sequence, None or the element per optional,
        with the length and item shapes it was compiled for.
        """
        if self.structure is not None:
            return self._run_structured(inputs, *self.structure)
        return self._run_flat(inputs)

    def _run_structured(
        self,
        inputs: Mapping[str, Any] | Sequence[Any],
        ins: list[tuple[str, GraphValue]],
        outs: list[tuple[str, GraphValue]],
    ) -> list[Any]:
        names = [n for n, _ in ins]
        if isinstance(inputs, Mapping):
            unknown = [k for k in inputs if k not in names]
            missing = [n for n in names if n not in inputs]
            if unknown or missing:
                raise InputMismatchError(
                    f"the model's inputs are {', '.join(repr(n) for n in names)}; got "
                    f"{', '.join(repr(str(k)) for k in inputs) or 'none'}"
                )
            values = [inputs[n] for n in names]
        elif isinstance(inputs, Sequence) and not isinstance(inputs, (str, bytes)):
            values = list(inputs)
            if len(values) != len(names):
                raise InputMismatchError(
                    f"expected {len(names)} input(s) ({', '.join(names)}), got {len(values)}"
                )
        else:
            raise InputMismatchError(
                f"inputs must be a dict or a list, got {type(inputs).__name__}"
            )
        try:
            flat = flatten([t for _, t in ins], values, names)
        except ValueError as e:
            raise InputMismatchError(f"input {e}") from None
        results = self._run_flat(flat)
        return [rebuild(t, results) for _, t in outs]

    def _run_flat(self, inputs: Mapping[str, Any] | Sequence[Any]) -> list[np.ndarray]:
        arrays = self._check_inputs(inputs)
        if self._model is None:
            raise StrataError(f"model '{self.name}' is closed")
        # string tensors cross the C ABI as arrays of `const char*` (int64 handles here);
        # `keep` holds the input strings until the outputs (which may point at them, e.g.
        # Identity) are converted on return
        keep: list[bytes] = []
        arrays = [_to_handles(a, keep) if dtypes.is_string(a.dtype) else a for a in arrays]
        out_dtypes = [_HANDLE if dtypes.is_string(o.dtype) else o.dtype for o in self.outputs]
        if self.meta.abi == "dynamic":
            try:
                got = self._model.run_dynamic(
                    arrays, out_dtypes, [len(o.shape) for o in self.outputs]
                )
                return _from_handles(got, self.outputs)
            except ValueError as e:
                raise InputMismatchError(
                    f"{e}; the model's inputs are {self._expected()}"
                ) from None
            except RuntimeError as e:
                raise StrataError(f"running model '{self.name}' failed: {e}") from None
        outs = [
            np.empty([int(d) for d in o.dims], dtype=t)  # type: ignore[arg-type]
            for o, t in zip(self.outputs, out_dtypes, strict=True)
        ]
        try:
            self._model.run(arrays, outs)
        except ValueError as e:
            raise InputMismatchError(str(e)) from None
        except RuntimeError as e:
            raise StrataError(f"running model '{self.name}' failed: {e}") from None
        return _from_handles(outs, self.outputs)

    __call__ = run

    def _expected(self) -> str:
        return ", ".join(i.describe() for i in self.inputs)

    def _check_inputs(self, inputs: Mapping[str, Any] | Sequence[Any]) -> list[np.ndarray]:
        if isinstance(inputs, Mapping):
            names = {i.name for i in self.inputs}
            unknown = [k for k in inputs if k not in names]
            if unknown:
                raise InputMismatchError(
                    f"unknown input name(s) {', '.join(repr(str(k)) for k in unknown)}; "
                    f"the model's inputs are {self._expected()}"
                )
            missing = [i for i in self.inputs if i.name not in inputs]
            if missing:
                raise InputMismatchError(
                    f"missing input(s) {', '.join(m.describe() for m in missing)}; "
                    f"the model's inputs are {self._expected()}"
                )
            values = [inputs[i.name] for i in self.inputs]
        elif isinstance(inputs, Sequence) and not isinstance(inputs, (str, bytes)):
            values = list(inputs)
            if len(values) != len(self.inputs):
                raise InputMismatchError(
                    f"expected {len(self.inputs)} input(s) ({self._expected()}), got {len(values)}"
                )
        else:
            raise InputMismatchError(
                f"inputs must be a dict name -> array or a list of arrays, got "
                f"{type(inputs).__name__}"
            )
        arrays = [_check_one(info, v) for info, v in zip(self.inputs, values, strict=True)]
        _check_symbols(self.inputs, arrays)
        return arrays

    # ---- profiling ---------------------------------------------------------------------------

    @property
    def profiling(self) -> bool:
        """Whether this is a profiling build (compiled with `profile=True`)."""
        return "profile" in self.meta.extra

    def profile(
        self,
        inputs: Mapping[str, Any] | Sequence[Any] | None = None,
        repeats: int = 10,
        warmup: int = 2,
    ) -> Profile:
        """Time every kernel over `repeats` runs (after `warmup` untimed ones) on `inputs`
        (default: random inputs of the compiled shapes) and return a `strata.profile.Profile`
        (`.table()`, `.to_html(path)`). A model from `strata.compile` builds its profiling
        variant (cached) for this; a model loaded from artifacts must be a profiling build
        (`stratac --profile`, `strata.compile(..., profile=True)`).
        """
        from strata import profile as profile_mod

        if not self.profiling:
            if self._profile_variant is None:
                raise StrataError(
                    f"model '{self.name}' was built without profiling counters; compile it with "
                    "strata.compile(..., profile=True) or stratac --profile"
                )
            with self._profile_variant() as variant:
                return variant.profile(inputs, repeats=repeats, warmup=warmup)
        if self._model is None:
            raise StrataError(f"model '{self.name}' is closed")
        if inputs is None:
            if self.structure is not None:
                raise StrataError(
                    f"model '{self.name}' takes sequence / optional inputs: pass inputs to profile"
                )
            inputs = profile_mod.random_inputs(self.inputs)
        lib = (self.directory / self.meta.library).resolve()
        return profile_mod.measure(self, str(lib), inputs, repeats=repeats, warmup=warmup)

    # ---- artifacts ---------------------------------------------------------------------------

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Copy the artifacts (NAME.h, NAME.so, NAME.bin or NAME_data.c, NAME.json) to `path`."""
        dest = Path(path)
        dest.mkdir(parents=True, exist_ok=True)
        for suffix in _ARTIFACT_SUFFIXES:
            src = self.directory / f"{self.name}{suffix}"
            if src.exists():
                shutil.copy2(src, dest / src.name)
        return dest

    def close(self) -> None:
        """Release the library (NAME_fini); the model cannot run afterwards."""
        model, self._model = getattr(self, "_model", None), None
        if model is not None:
            model.close()

    def __enter__(self) -> CompiledModel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        with contextlib.suppress(Exception):  # never raise from a finaliser
            self.close()


_HANDLE = np.dtype(np.int64)  # a string element below nn: the address of its UTF-8 bytes


def _to_handles(arr: np.ndarray, keep: list[bytes]) -> np.ndarray:
    """A string array as an int64 array of `const char*`: each element's UTF-8 bytes (kept
    alive in `keep` for the call; CPython NUL-terminates a bytes object's buffer)."""
    flat = []
    for v in arr.reshape(-1):
        b = v if isinstance(v, bytes) else str(v).encode("utf-8")
        keep.append(b)
        flat.append(ctypes.cast(ctypes.c_char_p(b), ctypes.c_void_p).value or 0)
    return np.asarray(flat, dtype=_HANDLE).reshape(arr.shape)


def _from_handles(outs: Sequence[np.ndarray], infos: Sequence[TensorInfo]) -> list[np.ndarray]:
    """String outputs (int64 handles to the library's strings) as numpy object arrays of str;
    the library keeps those strings until this thread's next call, so they are copied now."""
    result = []
    for arr, info in zip(outs, infos, strict=True):
        if dtypes.is_string(info.dtype):
            text = [ctypes.string_at(int(p)).decode("utf-8") for p in arr.reshape(-1)]
            conv = np.empty(len(text), dtype=object)
            conv[:] = text
            arr = conv.reshape(arr.shape)
        result.append(arr)
    return result


def _check_strings(info: TensorInfo, value: Any) -> np.ndarray:
    """A string input: an object / str / bytes array (or nested lists) of str or bytes."""
    arr = np.asarray(value, dtype=object)
    for v in arr.reshape(-1):
        if not isinstance(v, (str, bytes)):
            raise InputMismatchError(
                f"input '{info.name}': expected strings, got an element of type {type(v).__name__}"
            )
        if (isinstance(v, str) and "\0" in v) or (isinstance(v, bytes) and b"\0" in v):
            raise InputMismatchError(
                f"input '{info.name}': a string holds a NUL character, which the C ABI's "
                "NUL-terminated strings cannot carry"
            )
    return arr


def _check_one(info: TensorInfo, value: Any) -> np.ndarray:
    if dtypes.is_string(info.dtype):
        if isinstance(value, np.ndarray) and not dtypes.is_string(value.dtype):
            raise InputMismatchError(
                f"input '{info.name}': expected strings, got dtype {value.dtype.name}"
            )
        value = _check_strings(info, value)
    if isinstance(value, np.ndarray):
        arr = value
    else:
        try:
            arr = np.asarray(value, dtype=info.dtype)
        except (TypeError, ValueError) as e:
            raise InputMismatchError(
                f"input '{info.name}': cannot convert {type(value).__name__} to {info.dtype.name}"
                f" ({e})"
            ) from None
    if arr.dtype != info.dtype:
        raise InputMismatchError(
            f"input '{info.name}': expected dtype {info.dtype.name}, got {arr.dtype.name}"
        )
    if arr.ndim != len(info.shape) or any(
        isinstance(want, int) and got != want
        for got, want in zip(arr.shape, info.shape, strict=True)
    ):
        shown = ", ".join("?" if d is None else str(d) for d in info.shape)
        raise InputMismatchError(
            f"input '{info.name}': expected shape [{shown}], got {list(arr.shape)}"
        )
    return np.ascontiguousarray(arr)


def _check_symbols(infos: Sequence[TensorInfo], arrays: Sequence[np.ndarray]) -> None:
    """Dims that share a symbolic name (e.g. 'batch') must have one size in every input."""
    seen: dict[str, tuple[str, int, int]] = {}
    for info, arr in zip(infos, arrays, strict=True):
        for k, d in enumerate(info.shape):
            if not isinstance(d, str):
                continue
            if d not in seen:
                seen[d] = (info.name, k, int(arr.shape[k]))
                continue
            name, kk, size = seen[d]
            if arr.shape[k] != size:
                raise InputMismatchError(
                    f"dim '{d}' is {size} in input '{name}' (dim {kk}) but {arr.shape[k]} in "
                    f"input '{info.name}' (dim {k}); dims with one name must be equal"
                )


def load(path: str | os.PathLike[str]) -> CompiledModel:
    """Load a model saved with `CompiledModel.save` or written by `stratac -o OUT/NAME`.

    `path`: the artifact directory, the `OUT/NAME` prefix given to stratac, or `NAME.json`.
    """
    p = Path(path)
    prefix_meta = p.parent / f"{p.name}.json"
    if p.is_dir():
        return CompiledModel(p)
    if p.is_file() and p.suffix == ".json":
        return CompiledModel(p.parent, p)
    if prefix_meta.is_file():
        return CompiledModel(p.parent, prefix_meta)
    raise ModelLoadError(
        f"'{path}' is neither a directory of Strata artifacts nor an OUT/NAME prefix "
        f"with a NAME.json"
    )


# ---- compiling -------------------------------------------------------------------------------


def _model_source(
    model: Any, tmp: Path, example_inputs: Any = None, dynamic_shapes: Any = None
) -> tuple[str, str, str | None]:
    """(path for the worker, sha256 of the model's bytes, its name in error messages)."""
    program = _torch_program(model, tmp, example_inputs, dynamic_shapes)
    if program is not None:
        return program
    if example_inputs is not None or dynamic_shapes is not None:
        raise StrataError(
            "example_inputs / dynamic_shapes are for a torch.nn.Module (or ExportedProgram); "
            f"got a {type(model).__name__}"
        )
    if isinstance(model, (str, os.PathLike)):
        path = Path(model)
        if path.is_dir() and (path / "saved_model.pb").is_file():  # a TF SavedModel
            return str(path.resolve()), _digest_dir(path), None
        if not path.is_file():
            raise ModelLoadError(f"model file '{model}' does not exist or is not a file")
        return str(path.resolve()), cache_mod.digest_file(path), None
    if isinstance(model, (bytes, bytearray, memoryview)):
        data, label = bytes(model), "<model bytes>"
    elif type(model).__name__ == "GraphDef" and hasattr(model, "SerializeToString"):
        data = model.SerializeToString()  # TF's or tensorboard's GraphDef class
        path = tmp / "model.pb"
        path.write_bytes(data)
        return str(path), cache_mod.digest_bytes(data), "<GraphDef>"
    elif hasattr(model, "SerializeToString"):
        data, label = model.SerializeToString(), "<ModelProto>"
    else:
        raise ModelLoadError(
            f"cannot compile a {type(model).__name__}: pass a path, bytes, an onnx.ModelProto, "
            "a torch.nn.Module or a torch.export.ExportedProgram"
        )
    # bytes of a TFLite flatbuffer carry its file identifier at 4..8; anything else is ONNX
    path = tmp / ("model.tflite" if data[4:8] == b"TFL3" else "model.onnx")
    path.write_bytes(data)
    return str(path), cache_mod.digest_bytes(data), label


def _weights_source(
    model_path: str, digest: str, imp: Mapping[str, Any], weights: Any
) -> tuple[str | None, str]:
    """A Caffe net's weights file (given, or found beside the net) and the digest of the
    model and it together; (None, digest) for models that keep their weights inside."""
    from strata.frontends.formats import weights_file

    path = weights_file(model_path, imp.get("framework"), weights)
    if path is None:
        return None, digest
    return str(path), cache_mod.digest_bytes(f"{digest}+{cache_mod.digest_file(path)}".encode())


def _digest_dir(path: Path) -> str:
    """A digest of every file under `path` (names and contents)."""
    parts = [
        f"{p.relative_to(path)}:{cache_mod.digest_file(p)}"
        for p in sorted(path.rglob("*"))
        if p.is_file()
    ]
    return cache_mod.digest_bytes("\n".join(parts).encode())


def _torch_program(
    model: Any, tmp: Path, example_inputs: Any, dynamic_shapes: Any
) -> tuple[str, str, str] | None:
    """A torch.nn.Module (exported here with torch.export.export) or an ExportedProgram,
    saved as a .pt2 file for the compile worker; None for any other model. torch is only
    looked at when the caller has imported it (a torch model implies it has)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return None
    if isinstance(model, torch.export.ExportedProgram):
        if example_inputs is not None or dynamic_shapes is not None:
            raise StrataError(
                "example_inputs / dynamic_shapes are given to torch.export.export; an "
                "ExportedProgram already has them"
            )
        program, label = model, "<ExportedProgram>"
    elif isinstance(model, torch.nn.Module):
        if example_inputs is None:
            raise StrataError(
                f"compiling a torch.nn.Module ({type(model).__name__}) needs example_inputs=(...) "
                "for torch.export.export"
            )
        args = (
            tuple(example_inputs)
            if isinstance(example_inputs, (list, tuple))
            else (example_inputs,)
        )
        try:
            program = torch.export.export(model, args, dynamic_shapes=dynamic_shapes)
        except Exception as e:  # torch raises many kinds (UserError, guard failures, ...)
            raise ModelImportError(
                f"torch.export.export failed on {type(model).__name__}: {type(e).__name__}: {e}"
            ) from None
        label = f"<{type(model).__name__}>"
    else:
        return None
    path = tmp / "model.pt2"
    torch.export.save(program, str(path))
    return str(path), _program_digest(torch, program), label


def _program_digest(torch: Any, program: Any) -> str:
    """A cache digest of an exported program: its graph, signature and weights (the .pt2
    archive itself holds non-deterministic metadata)."""
    h = hashlib.sha256()
    h.update(str(program.graph_module.code).encode())
    h.update(str(program.graph_signature).encode())
    h.update(str(program.range_constraints).encode())
    for name, t in sorted({**program.state_dict, **program.constants}.items()):
        h.update(name.encode())
        if hasattr(t, "detach"):
            arr = t.detach().cpu().contiguous()
            h.update(f"{arr.dtype}{tuple(arr.shape)}".encode())
            h.update(arr.reshape(-1).view(torch.uint8).numpy().tobytes())
    return h.hexdigest()


def _import_options(
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    outputs: Sequence[str] | str | None,
    entry_func_name: str | None,
    input_structures: Mapping[str, Spec] | None = None,
    layout: Mapping[str, Any] | None = None,
    inputs: Sequence[str] | str | None = None,
) -> dict[str, Any]:
    if isinstance(outputs, str):
        outputs = [o for o in outputs.split(",") if o]
    if isinstance(inputs, str):
        inputs = [i for i in inputs.split(",") if i]
    extra: dict[str, Any] = {"input_structures": dict(input_structures)} if input_structures else {}
    if inputs:  # only when set, so the cache keys of uncut models stay
        extra["inputs"] = [str(i) for i in inputs]
    # the layout options only when set, so the cache keys of models without them stay
    extra.update({k: v for k, v in (layout or {}).items() if v})
    return {
        **extra,
        "input_shapes": {k: [int(d) for d in v] for k, v in (input_shapes or {}).items()} or None,
        "batch_size": batch_size,
        "outputs": list(outputs) if outputs else None,
        "entry_func_name": entry_func_name,
    }


def _layout_options(
    reorder: str | None, remove_input_transpose: bool, remove_output_transpose: bool
) -> dict[str, Any]:
    """The layout options as import options (checked here, before compiling)."""
    from strata.frontends.formats import LAYOUTS

    if reorder is not None and reorder not in LAYOUTS:
        raise StrataError(
            f"reorder_data_layout must be one of {', '.join(LAYOUTS)}, got {reorder!r}"
        )
    return {
        "reorder_data_layout": reorder,
        "remove_input_transpose": bool(remove_input_transpose),
        "remove_output_transpose": bool(remove_output_transpose),
    }


def compile(
    model: Any,
    target: str = "cpu",
    num_threads: int | None = None,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None = None,
    batch_size: int | None = None,
    outputs: Sequence[str] | str | None = None,
    inputs: Sequence[str] | str | None = None,
    entry_func_name: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    save_temps: str | os.PathLike[str] | None = None,
    input_structures: Mapping[str, Spec] | None = None,
    profile: bool = False,
    progress: bool | None = None,
    example_inputs: Sequence[Any] | None = None,
    dynamic_shapes: Any = None,
    framework: str | None = None,
    reorder_data_layout: str | None = None,
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    weights: str | os.PathLike[str] | None = None,
    **options: Any,
) -> CompiledModel:
    """Compile `model` for `target`: an ONNX path, bytes or ModelProto; a `.pt2` file
    (torch.export.save); a `.mlir` file; a TensorFlow frozen GraphDef (`.pb` / `.pbtxt`
    path or GraphDef message) or SavedModel directory; a TFLite / LiteRT `.tflite` file; a
    Caffe `.prototxt` (with `weights`); a `torch.nn.Module` (exported here with
    `torch.export.export(module, example_inputs, dynamic_shapes=dynamic_shapes)`) or a
    `torch.export.ExportedProgram`. `framework` ("onnx", "torch", "tf", "tflite", "caffe",
    "mlir") overrides the format a file's extension (or first bytes) gives; see
    `strata.frontends.formats`.
    `outputs` / `inputs`: names of values to return / to take as inputs instead of the
    graph's own (a sub-graph cut, HALO's -outputs / -inputs; a list or a comma-separated
    string); `input_shapes` may name cut inputs too. `reorder_data_layout` ("channel-first" |
    "channel-last"), `remove_input_transpose`, `remove_output_transpose`: the layout values
    are held in inside the graph and whether the rank-4 inputs / outputs take / give it
    instead of the model's own (every graph format; docs/interfaces.md "Import options").
    `weights`: a Caffe net's `.caffemodel` (a `.prototxt` path is the model); without it,
    NAME.caffemodel beside NAME.prototxt is used when it exists (docs/frontends/caffe.md).

    `num_threads`: threads of the generated code (None: all cores, through OpenMP; 1: plain
    sequential code). `save_temps`: a directory for each stage's IR. Other options:
    `emit_data_as_c=True` compiles the weights into the library; `mcpu="haswell"` (an LLVM CPU
    name, default "native": this host) is the CPU the code is generated and scheduled for;
    `schedule` names how contractions run (targets/cpu/schedules.py: "default" — the
    micro-kernel library where the CPU has a variant of it, generated register tiles
    elsewhere —, "tuned" — the default with the library's cache blocks measured per call
    shape within `tune_seconds` (default 120; results kept on disk per CPU under
    $STRATA_TUNING_DIR or CACHE_DIR/tuning and reused by later compiles) —, "tiled" —
    generated register tiles only —, or "none": plain loops).
    `target="odla"` compiles through the odla dialect into an ODLA C++ program linked against
    an ODLA runtime: `odla_runtime="ref"` (the default) or `"dnnl"` (oneDNN; see
    docs/odla.md), `emit_data_as_c`
    as for the cpu target, and HALO's `exec_mode="compile"|"interpret"`,
    `emit_value_id_as_int`, `emit_value_reset` (interpret only) and `print_mem_stats` (prints
    the program's memory statistics, also on a cache hit; docs/odla.md); it needs static
    shapes (give `input_shapes` / `batch_size` for a model with dynamic dims) and takes
    neither `num_threads` > 1 nor `profile`. `target="cxx"` writes the loop path as portable
    C++17 (NAME.cc, NAME.h, NAME.bin; docs/cxx.md) and builds NAME.so from it with the
    system C++ compiler; it takes no target options, one thread, no `profile` (dynamic dims
    get the cpu target's dynamic ABI).
    Artifacts are cached in `cache_dir` (default $STRATA_CACHE_DIR or ~/.cache/strata).
    `input_structures`: for each graph input of sequence or optional type, the structure to
    specialise on (a spec, as `strata.structure_of(value)` makes it from a value).
    `profile=True` builds the profiling variant (timers around every kernel and a kernel
    table; see `CompiledModel.profile` and docs/profile.md); it is cached apart from the
    ordinary build.

    `progress`: show the compile's stages as they run (on stderr; a cache hit shows nothing).
    None (default): a progress bar when stderr is a terminal, nothing otherwise (scripts,
    logs, CI); `STRATA_PROGRESS=0|1` overrides that default. True: always (a bar on a
    terminal, else one line per stage). False: never. The returned model's `compile_stats`
    gives the compile's wall time and peak memory (None on a cache hit).
    """

    check_target(target)
    if target == "cxx":
        return _compile_cxx(
            model,
            num_threads,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=inputs,
            weights=weights,
            entry_func_name=entry_func_name,
            cache_dir=cache_dir,
            save_temps=save_temps,
            input_structures=input_structures,
            profile=profile,
            progress=progress,
            example_inputs=example_inputs,
            dynamic_shapes=dynamic_shapes,
            framework=framework,
            reorder_data_layout=reorder_data_layout,
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
            **options,
        )
    if target == "odla":
        return _compile_odla(
            model,
            num_threads,
            input_shapes=input_shapes,
            batch_size=batch_size,
            outputs=outputs,
            inputs=inputs,
            entry_func_name=entry_func_name,
            cache_dir=cache_dir,
            save_temps=save_temps,
            input_structures=input_structures,
            profile=profile,
            progress=progress,
            example_inputs=example_inputs,
            dynamic_shapes=dynamic_shapes,
            framework=framework,
            reorder_data_layout=reorder_data_layout,
            remove_input_transpose=remove_input_transpose,
            remove_output_transpose=remove_output_transpose,
            weights=weights,
            **options,
        )
    variant: Callable[[], CompiledModel] | None = None
    if not profile:

        def variant() -> CompiledModel:  # CompiledModel.profile() builds the profiling variant
            return compile(
                model,
                target,
                num_threads,
                input_shapes=input_shapes,
                batch_size=batch_size,
                outputs=outputs,
                inputs=inputs,
                entry_func_name=entry_func_name,
                cache_dir=cache_dir,
                input_structures=input_structures,
                profile=True,
                example_inputs=example_inputs,
                dynamic_shapes=dynamic_shapes,
                framework=framework,
                reorder_data_layout=reorder_data_layout,
                remove_input_transpose=remove_input_transpose,
                remove_output_transpose=remove_output_transpose,
                weights=weights,
                **options,
            )

    _check_options(target, options)
    if num_threads is not None and (not isinstance(num_threads, int) or num_threads < 1):
        raise StrataError(f"num_threads must be a positive integer, got {num_threads!r}")
    name = entry_func_name or "model"
    imp = _import_request(
        input_shapes,
        batch_size,
        outputs,
        entry_func_name,
        input_structures,
        framework,
        _layout_options(reorder_data_layout, remove_input_transpose, remove_output_transpose),
        inputs,
    )
    mcpu = options.get("mcpu") or "native"
    if not isinstance(mcpu, str):
        raise StrataError(f"mcpu must be an LLVM CPU name such as 'haswell', got {mcpu!r}")
    schedule = options.get("schedule") or "default"
    if not isinstance(schedule, str):
        raise StrataError(f"schedule must be a schedule name, got {schedule!r}")
    get_schedule(schedule)  # unknown names raise, listing the known ones
    cpu = {
        "name": name,
        "emit_data_as_c": bool(options.get("emit_data_as_c", False)),
        "num_threads": num_threads,
        "mcpu": mcpu,
        "schedule": schedule,
    }
    if "tune_seconds" in options:
        cpu["tune_seconds"] = check_tune_seconds(options["tune_seconds"], schedule)
    if profile:  # only when set, so the ordinary build's cache key stays as it was
        cpu["profile"] = True
    cache = cache_mod.Cache(Path(cache_dir) if cache_dir is not None else None)
    compiled = _compile_in_worker(
        model,
        target,
        "cpu",
        cpu,
        imp=imp,
        cache=cache,
        weights=weights,
        example_inputs=example_inputs,
        dynamic_shapes=dynamic_shapes,
        save_temps=save_temps,
        progress=progress,
        key_extra={"machine": describe_machine(mcpu).key()},  # the probed host for "native"
        request_options=cpu if schedule != "tuned" else {**cpu, "tuning_dir": _tuning_dir(cache)},
    )
    return _with_variant(compiled, variant)


def _import_request(
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    outputs: Sequence[str] | str | None,
    entry_func_name: str | None,
    input_structures: Mapping[str, Spec] | None,
    framework: str | None,
    layout: dict[str, Any],
    inputs: Sequence[str] | str | None,
) -> dict[str, Any]:
    """The import options of a compile request (checked; part of the cache key)."""
    imp = _import_options(
        input_shapes, batch_size, outputs, entry_func_name, input_structures, layout, inputs
    )
    if framework is not None:
        from strata.frontends.formats import check_framework

        imp["framework"] = check_framework(framework)  # only when set: old cache keys stay
    return imp


def _compile_in_worker(
    model: Any,
    target: str,
    options_key: str,
    backend: dict[str, Any],
    *,
    imp: dict[str, Any],
    cache: cache_mod.Cache,
    weights: str | os.PathLike[str] | None,
    example_inputs: Sequence[Any] | None,
    dynamic_shapes: Any,
    save_temps: str | os.PathLike[str] | None,
    progress: bool | None,
    key_extra: Mapping[str, Any] | None = None,
    request_options: dict[str, Any] | None = None,
) -> CompiledModel:
    """What every target's compile shares: the model's source and digest, the cache key
    (the import options, the back end's options `backend` under `options_key`, `key_extra`),
    the cache lookup, and on a miss the build in the isolated worker (which gets
    `request_options`, default `backend`). The result has `compile_stats` set when it was
    built, None on a cache hit."""
    from strata import __version__

    with tempfile.TemporaryDirectory(prefix="strata-model-") as tmp:
        model_path, digest, label = _model_source(model, Path(tmp), example_inputs, dynamic_shapes)
        weights_path, digest = _weights_source(model_path, digest, imp, weights)
        fields = {"target": target, "import": imp, options_key: backend, **(key_extra or {})}
        key = cache_mod.cache_key(digest, fields, __version__)
        hit = cache.lookup(key) if save_temps is None else None
        if hit is not None:
            return CompiledModel(hit)
        request = {
            "model": model_path,
            "label": label,
            "framework": imp.get("framework"),
            "weights": weights_path,
            "target": target,
            "import": imp,
            options_key: request_options if request_options is not None else backend,
        }
        entry, stats = _build(cache, key, request, options_key, save_temps, progress)
    compiled = CompiledModel(entry)
    compiled.compile_stats = stats
    return compiled


def _tuning_dir(cache: cache_mod.Cache) -> str:
    """Where a `tuned` compile keeps its measurements (resolved here, not in the worker,
    which may have been started with another environment)."""
    from strata.targets.cpu.tuner import tuning_dir

    return str(tuning_dir(cache.root))


def check_tune_seconds(value: Any, schedule: str) -> float:
    """A valid tuning budget (seconds) for `schedule`, or a StrataError."""
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise StrataError(f"tune_seconds must be a positive number of seconds, got {value!r}")
    if schedule != "tuned":
        raise StrataError(f"tune_seconds applies to schedule 'tuned' only, not '{schedule}'")
    return float(value)


def _check_options(target: str, options: Mapping[str, Any]) -> None:
    known = _TARGET_OPTIONS[target]
    unknown = sorted(set(options) - set(known))
    if unknown:
        raise StrataError(
            f"unknown compile option(s) {', '.join(unknown)} for target '{target}'; known: "
            f"{', '.join(known)}"
        )


def _build(
    cache: cache_mod.Cache,
    key: str,
    request: dict[str, Any],
    options_key: str,
    save_temps: str | os.PathLike[str] | None,
    progress: bool | None,
) -> tuple[Path, CompileStats]:
    """Compile `request` into the cache entry `key` in a child process (its back-end options
    under `request[options_key]`); returns the entry's directory and the compile's stats."""
    from strata.progress import Progress, choose_mode
    from strata.worker import run_isolated

    staging = cache.staging_dir(key)
    temps = Path(save_temps) if save_temps is not None else None
    if temps is not None:
        temps.mkdir(parents=True, exist_ok=True)
    request = {
        **request,
        "out_dir": str(staging),
        options_key: {**request[options_key], "save_temps": str(temps) if temps else None},
    }
    try:
        display = Progress.open(choose_mode(progress))
        try:
            stats = run_isolated(request, on_progress=display.update)
        except BaseException:
            display.close(ok=False)
            raise
        display.close(ok=True)
        return cache.commit(key, staging), stats
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _compile_odla(
    model: Any,
    num_threads: int | None,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    outputs: Sequence[str] | str | None,
    entry_func_name: str | None,
    cache_dir: str | os.PathLike[str] | None,
    save_temps: str | os.PathLike[str] | None,
    input_structures: Mapping[str, Spec] | None,
    profile: bool,
    progress: bool | None,
    example_inputs: Sequence[Any] | None = None,
    dynamic_shapes: Any = None,
    framework: str | None = None,
    reorder_data_layout: str | None = None,
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    inputs: Sequence[str] | str | None = None,
    weights: str | os.PathLike[str] | None = None,
    **options: Any,
) -> CompiledModel:
    """`compile(model, target="odla", ...)`: the same cache, worker and loader as the CPU
    target, with the odla back end's options."""
    from strata.targets.odla.runtimes import DEFAULT_RUNTIME, runtime

    _check_options("odla", options)
    if num_threads not in (None, 1):
        raise StrataError(
            f"num_threads={num_threads!r}: the odla target runs the ODLA runtime's own code "
            "(libodla_ref is single-threaded, libodla_dnnl runs oneDNN's OpenMP threads: "
            "OMP_NUM_THREADS); leave num_threads unset or 1"
        )
    if profile:
        raise StrataError("profile=True is for the cpu target; the odla target has no profiler")
    rt = options.get("odla_runtime") or DEFAULT_RUNTIME
    if not isinstance(rt, str):
        raise StrataError(f"odla_runtime must be a runtime name such as 'ref', got {rt!r}")
    runtime(rt)  # unknown names fail here, before compiling
    name = entry_func_name or "model"
    imp = _import_request(
        input_shapes,
        batch_size,
        outputs,
        entry_func_name,
        input_structures,
        framework,
        _layout_options(reorder_data_layout, remove_input_transpose, remove_output_transpose),
        inputs,
    )
    odla: dict[str, Any] = {"name": name, "runtime": rt}
    if options.get("emit_data_as_c"):  # only when set: the default's cache key stays as it was
        odla["emit_data_as_c"] = True
    odla.update(_odla_emit_options(options).cache_fields())  # likewise: non-defaults only
    compiled = _compile_in_worker(
        model,
        "odla",
        "odla",
        odla,
        imp=imp,
        cache=cache_mod.Cache(Path(cache_dir) if cache_dir is not None else None),
        weights=weights,
        example_inputs=example_inputs,
        dynamic_shapes=dynamic_shapes,
        save_temps=save_temps,
        progress=progress,
    )
    if options.get("print_mem_stats"):  # a cache hit prints them too
        _print_mem_stats(compiled)
    return compiled


def _odla_emit_options(options: Mapping[str, Any]) -> Any:
    """The odla target's EmitOptions from compile()'s keywords (checked: a bad exec_mode or
    emit_value_reset without interpret mode is a StrataError before any work)."""
    from strata.targets.odla.options import EmitOptions

    exec_mode = options.get("exec_mode") or "compile"
    if not isinstance(exec_mode, str):
        raise StrataError(f"exec_mode must be 'compile' or 'interpret', got {exec_mode!r}")
    return EmitOptions(
        exec_mode, bool(options.get("emit_value_id_as_int")), bool(options.get("emit_value_reset"))
    )


def _print_mem_stats(compiled: CompiledModel) -> None:
    from strata.targets.odla.options import MemStats

    recorded = compiled.meta.extra.get("mem_stats")
    if not isinstance(recorded, dict):
        raise StrataError(
            f"the cached artifact {compiled.directory} records no memory statistics (it was "
            "compiled before they were measured): compile it again with another cache_dir"
        )
    print("\n".join(MemStats.from_dict(recorded).lines()))


def _compile_cxx(
    model: Any,
    num_threads: int | None,
    *,
    input_shapes: Mapping[str, Sequence[int]] | None,
    batch_size: int | None,
    outputs: Sequence[str] | str | None,
    entry_func_name: str | None,
    cache_dir: str | os.PathLike[str] | None,
    save_temps: str | os.PathLike[str] | None,
    input_structures: Mapping[str, Spec] | None,
    profile: bool,
    progress: bool | None,
    example_inputs: Sequence[Any] | None = None,
    dynamic_shapes: Any = None,
    framework: str | None = None,
    reorder_data_layout: str | None = None,
    remove_input_transpose: bool = False,
    remove_output_transpose: bool = False,
    inputs: Sequence[str] | str | None = None,
    weights: str | os.PathLike[str] | None = None,
    **options: Any,
) -> CompiledModel:
    """`compile(model, target="cxx", ...)`: the same cache, worker and loader as the CPU
    target; the back end writes portable C++ and builds it with the system compiler."""
    _check_options("cxx", options)
    if num_threads not in (None, 1):
        raise StrataError(
            f"num_threads={num_threads!r}: the cxx target writes sequential C++ (no OpenMP); "
            "leave num_threads unset or 1"
        )
    if profile:
        raise StrataError("profile=True is for the cpu target; the cxx target has no profiler")
    imp = _import_request(
        input_shapes,
        batch_size,
        outputs,
        entry_func_name,
        input_structures,
        framework,
        _layout_options(reorder_data_layout, remove_input_transpose, remove_output_transpose),
        inputs,
    )
    return _compile_in_worker(
        model,
        "cxx",
        "cxx",
        {"name": entry_func_name or "model"},
        imp=imp,
        cache=cache_mod.Cache(Path(cache_dir) if cache_dir is not None else None),
        weights=weights,
        example_inputs=example_inputs,
        dynamic_shapes=dynamic_shapes,
        save_temps=save_temps,
        progress=progress,
    )


def _with_variant(
    compiled: CompiledModel, variant: Callable[[], CompiledModel] | None
) -> CompiledModel:
    compiled._profile_variant = variant
    return compiled
