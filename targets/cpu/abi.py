"""The C ABI of a compiled model: `NAME.h` and the C shim around the generated kernel.

The kernel (the lowered entry function, renamed `NAME__strata_kernel`) takes one pointer per
graph input, then one per weight, then one per graph output (bare-pointer memref convention).
The shim offers:

    int  NAME_init(const char* weights_path);   /* NULL: NAME.bin next to NAME.so */
    int  NAME(const T* in0, ..., T* out0, ...);
    void NAME_fini(void);

plus, for the Strata runtime, `NAME__strata_run_packed(void* const* args)` (inputs then
outputs), `NAME__strata_num_args` and `NAME__strata_arg_nbytes[]`.

Dependency contract: numpy, `strata.dtypes` and `strata.targets.cpu.weights` only.
"""

from __future__ import annotations

import keyword
import re
from dataclasses import dataclass

import numpy as np

from strata import dtypes
from strata.targets.cpu.weights import HEADER_SIZE, MAGIC, WEIGHTS_VERSION, WeightLayout

C_TYPES = {d.name: d.ctype for d in dtypes.DTYPES}
# A string element is a `strata_str` (NAME.h's typedef of `const char*`): inputs point at the
# caller's NUL-terminated UTF-8 strings; outputs at strings the library owns, valid until the
# model's next call on the same thread (the string runtime's arena).
C_TYPES[dtypes.STRING.name] = "strata_str"
_STRING_DOC = """ *
 * String tensors are arrays of strata_str (const char*, NUL-terminated UTF-8). Output strings
 * belong to the library and stay valid until the calling thread's next call of this model;
 * they may be the input strings themselves (e.g. Identity)."""

_C_KEYWORDS = {
    "auto", "break", "case", "char", "const", "continue", "default", "do", "double", "else",
    "enum", "extern", "float", "for", "goto", "if", "inline", "int", "long", "register",
    "restrict", "return", "short", "signed", "sizeof", "static", "struct", "switch", "typedef",
    "union", "unsigned", "void", "volatile", "while", "bool", "true", "false",
}  # fmt: skip

STATUS_CODES = (
    ("STRATA_OK", 0, "success"),
    ("STRATA_ERR_NOT_INITIALIZED", 1, "NAME() called before a successful NAME_init()"),
    ("STRATA_ERR_OPEN", 2, "the weights file cannot be opened or mapped"),
    ("STRATA_ERR_FORMAT", 3, "the weights file is not a Strata weights file of this version"),
    ("STRATA_ERR_MISMATCH", 4, "the weights file belongs to another model"),
    ("STRATA_ERR_NO_PATH", 5, "weights_path is NULL and the library's own path is unknown"),
    ("STRATA_ERR_SHAPE", 6, "an input's dims do not fit the model (or a result's size differs)"),
    ("STRATA_ERR_ALLOC", 7, "out of memory for an output buffer"),
    ("STRATA_ERR_RUNTIME", 8, "the ODLA runtime failed to build or run the computation"),
)


@dataclass(frozen=True)
class Tensor:
    """One argument of the C entry point."""

    name: str  # graph name
    shape: tuple[int | str | None, ...]  # static size, symbolic name, or None (unknown)
    dtype: str  # numpy dtype name

    @property
    def ctype(self) -> str:
        return C_TYPES[self.dtype]

    @property
    def rank(self) -> int:
        return len(self.shape)

    @property
    def is_static(self) -> bool:
        return all(isinstance(d, int) for d in self.shape)

    @property
    def itemsize(self) -> int:
        return int(np.dtype(self.dtype).itemsize)

    @property
    def numel(self) -> int:
        n = 1
        for d in self.shape:
            if not isinstance(d, int):
                raise ValueError(f"tensor '{self.name}' has a dynamic dim")
            n *= d
        return n

    @property
    def nbytes(self) -> int:
        return self.numel * np.dtype(self.dtype).itemsize


def c_identifier(name: str, taken: set[str], prefix: str = "") -> str:
    """A unique C identifier for a graph name."""
    ident = prefix + re.sub(r"[^A-Za-z0-9_]", "_", name)
    if not ident or ident[0].isdigit():
        ident = "t_" + ident
    if ident in _C_KEYWORDS or keyword.iskeyword(ident):
        ident += "_"
    base, i = ident, 1
    while ident in taken:
        ident = f"{base}_{i}"
        i += 1
    taken.add(ident)
    return ident


def _dims(t: Tensor) -> str:
    return " * ".join(str(d) for d in t.shape) or "1"


def entry_params(name: str, inputs: list[Tensor], outputs: list[Tensor]) -> list[tuple[str, str]]:
    """(C declaration, identifier) of each parameter of the static entry point `NAME`:
    the inputs, then the outputs (`out_` prefixed), as NAME.h declares them."""
    decls = _params(name, inputs, outputs)
    return [(d, re.split(r"[ \[]", d.removeprefix("const "))[1]) for d in decls]


def _params(name: str, inputs: list[Tensor], outputs: list[Tensor]) -> list[str]:
    taken = {name, f"{name}_init", f"{name}_fini"}
    params = []
    for t in inputs:
        ident = c_identifier(t.name, taken)
        params.append(f"const {t.ctype} {ident}[{_dims(t)}]")
    for t in outputs:
        ident = c_identifier(t.name, taken, "out_")
        params.append(f"{t.ctype} {ident}[{_dims(t)}]")
    return params


@dataclass
class _DynamicParams:
    """The entry point's parameters for a dynamic interface, and their C identifiers."""

    decls: list[str]
    inputs: list[str]
    input_shapes: list[str]
    outputs: list[str]
    output_shapes: list[str]


def dynamic_params(name: str, inputs: list[Tensor], outputs: list[Tensor]) -> _DynamicParams:
    """Each input is a pointer and its dims; each output a pointer the library sets to a
    malloc'ed buffer, and its dims."""
    taken = {name, f"{name}_init", f"{name}_fini"}
    p = _DynamicParams([], [], [], [], [])
    for t in inputs:
        ident = c_identifier(t.name, taken)
        shape = c_identifier(ident + "_shape", taken)
        p.decls += [f"const {t.ctype}* {ident}", f"const int64_t {shape}[{max(t.rank, 1)}]"]
        p.inputs.append(ident)
        p.input_shapes.append(shape)
    for t in outputs:
        ident = c_identifier(t.name, taken, "out_")
        shape = c_identifier(ident + "_shape", taken)
        p.decls += [f"{t.ctype}** {ident}", f"int64_t {shape}[{max(t.rank, 1)}]"]
        p.outputs.append(ident)
        p.output_shapes.append(shape)
    return p


def _describe(t: Tensor) -> str:
    shape = "x".join("?" if d is None else str(d) for d in t.shape) or "scalar"
    return f"{t.name!r} {t.dtype}[{shape}]".replace("*/", "* /")


def is_dynamic_interface(inputs: list[Tensor], outputs: list[Tensor]) -> bool:
    """Whether the entry point takes dims at run time (some input or output is not static)."""
    return not all(t.is_static for t in (*inputs, *outputs))


_STATIC_DOC = """ * Buffers are dense row-major arrays of the sizes given below."""

_DYNAMIC_DOC = """ * Dims marked ? or with a name are given at run time: pass each input's dims in
 * its NAME_shape array (dims with the same name must be equal); each output is allocated by the
 * library with malloc, its address stored in *out_NAME and its dims in out_NAME_shape. The
 * caller owns output buffers and releases them with free(). On an error no buffer is kept."""


def render_header(name: str, inputs: list[Tensor], outputs: list[Tensor], version: str) -> str:
    """The text of NAME.h."""
    guard = f"STRATA_{name.upper()}_H"
    codes = "\n".join(f"#define {c} {v} /* {d} */" for c, v, d in STATUS_CODES)
    dynamic = is_dynamic_interface(inputs, outputs)
    params = (
        dynamic_params(name, inputs, outputs).decls if dynamic else _params(name, inputs, outputs)
    )
    buffers = _DYNAMIC_DOC if dynamic else _STATIC_DOC
    doc_in = "\n".join(f" *   input  {i}: {_describe(t)}" for i, t in enumerate(inputs))
    doc_out = "\n".join(f" *   output {i}: {_describe(t)}" for i, t in enumerate(outputs))
    sig = ",\n    ".join(params) if params else "void"
    strings = any(dtypes.is_string(t.dtype) for t in (*inputs, *outputs))
    string_doc = _STRING_DOC if strings else ""
    return f"""/* {name}.h: generated by Strata {version}. Do not edit.
 *
 * Call {name}_init() once (it memory-maps the weights file; NULL means {name}.bin in the
 * directory of the shared library; a library built with --emit-data-as-c ignores the path),
 * then {name}() any number of times (thread-safe: it keeps no state between calls), then
 * {name}_fini(). {name}_init/{name}_fini are reference counted. Every function returns a
 * STRATA_* status code.
{buffers}{string_doc}
{doc_in}
{doc_out}
 */
#ifndef {guard}
#define {guard}

#include <stdint.h>

#ifndef STRATA_STR_DEFINED
#define STRATA_STR_DEFINED
typedef const char* strata_str; /* a string element: NUL-terminated UTF-8 */
#endif

#ifndef STRATA_STATUS_CODES
#define STRATA_STATUS_CODES
{codes}
#endif

#ifdef __cplusplus
extern "C" {{
#endif

int {name}_init(const char* weights_path);
int {name}(
    {sig});
void {name}_fini(void);

#ifdef __cplusplus
}}
#endif

#endif /* {guard} */
"""


def _u64_array(values: list[int] | tuple[int, ...]) -> str:
    return "{" + ", ".join(f"{v}ULL" for v in values) + "}"


# What the kernel calls for intermediate buffers: finalize-memref-to-llvm{use-generic-functions}
# emits calls to these generic names, which the compiler renames to `NAME__strata_alloc` /
# `NAME__strata_free` so that several models can be linked into one program.
GENERIC_ALLOC = "_mlir_memref_to_llvm_alloc"
GENERIC_FREE = "_mlir_memref_to_llvm_free"


def alloc_prefix(name: str) -> str:
    return f"{name}__strata"


def render_pool(prefix: str) -> str:
    """C source of the buffer pool the kernel allocates intermediate results from.

    Freed blocks are kept, by exact size, for the next call, so steady-state inference touches
    no fresh pages. With malloc, large buffers are mmap'ed and unmapped on every call unless
    the process happens to have raised glibc's mmap threshold: ResNet-50 took 235 ms per call
    in a fresh process, 32% of it in page faults, against 139 ms with this pool.
    `PREFIX_release_pool` (called by NAME_fini) frees the cached blocks.
    """
    return f"""typedef struct Block {{ struct Block* next; size_t size; }} Block;
#define BLOCK_HEADER 64 /* keeps the payload 64-byte aligned */
static pthread_mutex_t g_pool_lock = PTHREAD_MUTEX_INITIALIZER;
static Block* g_pool = 0;

__attribute__((visibility("hidden"))) void* {prefix}_alloc(size_t size) {{
  pthread_mutex_lock(&g_pool_lock);
  for (Block** link = &g_pool; *link; link = &(*link)->next) {{
    if ((*link)->size == size) {{
      Block* b = *link;
      *link = b->next;
      pthread_mutex_unlock(&g_pool_lock);
      return (unsigned char*)b + BLOCK_HEADER;
    }}
  }}
  pthread_mutex_unlock(&g_pool_lock);
  Block* b = (Block*)aligned_alloc(BLOCK_HEADER, (BLOCK_HEADER + size + 63) / 64 * 64);
  if (!b) return 0;
  b->size = size;
  return (unsigned char*)b + BLOCK_HEADER;
}}

__attribute__((visibility("hidden"))) void {prefix}_free(void* p) {{
  if (!p) return;
  Block* b = (Block*)((unsigned char*)p - BLOCK_HEADER);
  pthread_mutex_lock(&g_pool_lock);
  b->next = g_pool;
  g_pool = b;
  pthread_mutex_unlock(&g_pool_lock);
}}

static void {prefix}_release_pool(void) {{
  pthread_mutex_lock(&g_pool_lock);
  while (g_pool) {{
    Block* b = g_pool;
    g_pool = b->next;
    free(b);
  }}
  pthread_mutex_unlock(&g_pool_lock);
}}

"""


WEIGHTS_INCLUDES = """#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dlfcn.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
"""


def render_weights_load(data_symbol: str | None) -> str:
    """C statements that set `rc` (and `g_base`) by loading the weights in NAME_init."""
    if data_symbol:
        return (
            f"  (void)weights_path;\n"
            f"  rc = check_blob({data_symbol}, (size_t){data_symbol}_size);\n"
            f"  if (rc == STRATA_OK) g_base = {data_symbol};\n"
        )
    return "  rc = map_file(weights_path);\n"


def render_weights_loader(name: str, layout: WeightLayout, data_symbol: str | None) -> str:
    """C (and C++) source that finds, maps and checks the weights file NAME.bin (or the
    embedded NAME_data.c blob `data_symbol`): the weight tables, `g_lock`, `g_refs`, `g_map`,
    `g_map_size`, `g_base` (the file's first byte; weight i is at g_base + kOffsets[i]),
    `check_blob` and `map_file(path)` (NULL: NAME.bin next to the library). Needs
    WEIGHTS_INCLUDES and NAME.h (the STRATA_* codes) before it."""
    nw = len(layout.offsets)
    mid = ", ".join(str(b) for b in layout.model_id)
    tables = (
        f"static const uint64_t kOffsets[{nw}] = {_u64_array(layout.offsets)};\n"
        f"static const uint64_t kSizes[{nw}] = {_u64_array(layout.sizes)};\n"
        if nw
        else "static const uint64_t* kOffsets = 0;\nstatic const uint64_t* kSizes = 0;\n"
    )
    data_decl = (
        f"extern const unsigned char {data_symbol}[];\nextern const uint64_t {data_symbol}_size;\n"
        if data_symbol
        else ""
    )
    magic = ", ".join(str(b) for b in MAGIC)
    return f"""#define NUM_WEIGHTS {nw}
{data_decl}{tables}static const unsigned char kMagic[8] = {{{magic}}};
static const unsigned char kModelId[16] = {{{mid}}};

static pthread_mutex_t g_lock = PTHREAD_MUTEX_INITIALIZER;
static int g_refs = 0;
static void* g_map = 0;
static size_t g_map_size = 0;
static const unsigned char* g_base = 0;

static uint64_t rd64(const unsigned char* p) {{ uint64_t v; memcpy(&v, p, 8); return v; }}
static uint32_t rd32(const unsigned char* p) {{ uint32_t v; memcpy(&v, p, 4); return v; }}

static int check_blob(const unsigned char* p, size_t n) {{
  if (n < {HEADER_SIZE} || memcmp(p, kMagic, 8) != 0 || rd32(p + 8) != {WEIGHTS_VERSION})
    return STRATA_ERR_FORMAT;
  if (rd32(p + 12) != NUM_WEIGHTS || rd64(p + 16) != (uint64_t)n ||
      memcmp(p + 24, kModelId, 16) != 0 || n < {HEADER_SIZE} + 16 * (size_t)NUM_WEIGHTS)
    return STRATA_ERR_MISMATCH;
  for (int i = 0; i < NUM_WEIGHTS; ++i) {{
    if (rd64(p + {HEADER_SIZE} + 16 * i) != kOffsets[i] ||
        rd64(p + {HEADER_SIZE} + 16 * i + 8) != kSizes[i] || kOffsets[i] + kSizes[i] > n)
      return STRATA_ERR_MISMATCH;
  }}
  return STRATA_OK;
}}

static int default_path(char* buf, size_t size) {{
  Dl_info info;
  if (!dladdr((void*)&check_blob, &info) || !info.dli_fname) return STRATA_ERR_NO_PATH;
  const char* slash = strrchr(info.dli_fname, '/');
  size_t dir = slash ? (size_t)(slash - info.dli_fname + 1) : 0;
  const char* file = "{name}.bin";
  if (dir + strlen(file) + 1 > size) return STRATA_ERR_NO_PATH;
  memcpy(buf, info.dli_fname, dir);
  strcpy(buf + dir, file);
  return STRATA_OK;
}}

static int map_file(const char* path) {{
  char buf[4096];
  if (!path) {{
    int rc = default_path(buf, sizeof buf);
    if (rc != STRATA_OK) return rc;
    path = buf;
  }}
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return STRATA_ERR_OPEN;
  struct stat st;
  if (fstat(fd, &st) != 0 || st.st_size < {HEADER_SIZE}) {{
    close(fd);
    return st.st_size < {HEADER_SIZE} ? STRATA_ERR_FORMAT : STRATA_ERR_OPEN;
  }}
  void* m = mmap(0, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) return STRATA_ERR_OPEN;
  int rc = check_blob((const unsigned char*)m, (size_t)st.st_size);
  if (rc != STRATA_OK) {{
    munmap(m, (size_t)st.st_size);
    return rc;
  }}
  g_map = m;
  g_map_size = (size_t)st.st_size;
  g_base = (const unsigned char*)m;
  return STRATA_OK;
}}
"""


# LLVM lowers f32 -> bf16 conversions it cannot do natively (no AVX-512 BF16: bf16 scalars
# passed between kernels, selects) to calls of __truncsfbf2, which libgcc has only from GCC
# 13 on. Each NAME.so carries its own (hidden) copy: round to nearest even, NaN stays quiet.
# The bf16 result goes back in the low 16 bits of xmm0, where a float's bits go.
BF16_SUPPORT = """typedef union { float f; uint32_t u; } strata_f32_bits;
__attribute__((visibility("hidden"), weak)) float __truncsfbf2(float x) {
  strata_f32_bits v, r;
  v.f = x;
  uint32_t u = v.u;
  if ((u & 0x7fffffffu) > 0x7f800000u) r.u = (u >> 16) | 0x40u;
  else r.u = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
  return r.f;
}

"""


def render_shim(
    name: str,
    inputs: list[Tensor],
    outputs: list[Tensor],
    layout: WeightLayout,
    data_symbol: str | None,
    *,
    descriptors: bool = False,
    weight_shapes: list[tuple[int, ...]] | None = None,
) -> str:
    """The C source of the shim (entry points around the kernel).

    `descriptors`: the kernel was lowered for dynamic shapes and is called through MLIR's C
    interface (memref descriptors in, a struct of result descriptors out); `weight_shapes`
    (one per weight) are then needed to describe the weights."""
    nw = len(layout.offsets)
    if descriptors:
        entries = _descriptor_entries(name, inputs, outputs, weight_shapes or [])
    else:
        entries = _bare_entries(name, inputs, outputs, nw)
    load = render_weights_load(data_symbol)
    alloc = alloc_prefix(name)
    pool = render_pool(alloc)
    loader = render_weights_loader(name, layout, data_symbol)
    return f"""/* Generated by Strata: entry points of model {name!r}. */
{WEIGHTS_INCLUDES}#include "{name}.h"

{BF16_SUPPORT}{pool}{loader}
int {name}_init(const char* weights_path) {{
  int rc = STRATA_OK;
  pthread_mutex_lock(&g_lock);
  if (g_refs == 0) {{
{load}  }}
  if (rc == STRATA_OK) ++g_refs;
  pthread_mutex_unlock(&g_lock);
  return rc;
}}

void {name}_fini(void) {{
  pthread_mutex_lock(&g_lock);
  if (g_refs > 0 && --g_refs == 0) {{
    if (g_map) munmap(g_map, g_map_size);
    {alloc}_release_pool();
    g_map = 0;
    g_map_size = 0;
    g_base = 0;
  }}
  pthread_mutex_unlock(&g_lock);
}}

{entries}"""


def _bare_entries(name: str, inputs: list[Tensor], outputs: list[Tensor], nw: int) -> str:
    """Entry points over a kernel that takes bare pointers (inputs, weights, outputs)."""
    kernel = f"{name}__strata_kernel"
    nargs = len(inputs) + nw + len(outputs)
    kparams = ", ".join(["void*"] * nargs) or "void"
    params = _params(name, inputs, outputs)
    idents = [re.split(r"[ \[]", p.removeprefix("const "))[1] for p in params]
    in_ids, out_ids = idents[: len(inputs)], idents[len(inputs) :]
    wargs = [f"(void*)(g_base + kOffsets[{i}])" for i in range(nw)]
    kargs = ", ".join([f"(void*){i}" for i in in_ids] + wargs + [f"(void*){o}" for o in out_ids])
    packed = ", ".join(
        [f"args[{i}]" for i in range(len(inputs))]
        + wargs
        + [f"args[{len(inputs) + j}]" for j in range(len(outputs))]
    )
    io = inputs + outputs
    nbytes = _u64_array([t.nbytes for t in io]) if io else "{0}"
    return f"""extern void {kernel}({kparams});
const int {name}__strata_num_args = {len(io)};
const uint64_t {name}__strata_arg_nbytes[] = {nbytes};

int {name}({", ".join(params) or "void"}) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  {kernel}({kargs});
  return STRATA_OK;
}}

int {name}__strata_run_packed(void* const* args) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  (void)args;
  {kernel}({packed});
  return STRATA_OK;
}}
"""


def _words(rank: int) -> int:
    """8-byte words of a rank-r memref descriptor: allocated, aligned, offset, sizes, strides."""
    return 3 + 2 * rank


def c_dims(t: Tensor) -> str:
    """The model's dims for the shape check: the size, or -1 (any), per dim."""
    return "{" + ", ".join(str(d) if isinstance(d, int) else "-1" for d in t.shape) + "}"


def symbol_checks(inputs: list[Tensor]) -> str:
    """C statements: inputs dims that share a symbolic name must be equal."""
    first: dict[str, tuple[int, int]] = {}
    lines = []
    for i, t in enumerate(inputs):
        for k, d in enumerate(t.shape):
            if not isinstance(d, str):
                continue
            if d in first:
                fi, fk = first[d]
                lines.append(
                    f"  if (in_shape[{i}][{k}] != in_shape[{fi}][{fk}]) return STRATA_ERR_SHAPE;"
                    f" /* '{d}' */".replace("*/ */", "* / */")
                )
            else:
                first[d] = (i, k)
    return "\n".join(lines)


def _descriptor_entries(
    name: str, inputs: list[Tensor], outputs: list[Tensor], weight_shapes: list[tuple[int, ...]]
) -> str:
    """Entry points over a kernel lowered for dynamic shapes (MLIR's C interface).

    `NAME__strata_run_dynamic(in, in_shape, out, out_shape)` checks the input dims, builds a
    descriptor per input and weight, calls the kernel, and moves each result into a buffer
    from malloc (the kernel's own result buffers come from the model's pool and go back
    there; a buffer returned twice is freed once). The public `NAME` is that call with the
    dims as arguments when the interface is dynamic, or, for a static interface, copies the
    results into the caller's buffers (checking their sizes)."""
    kernel = f"_mlir_ciface_{name}__strata_kernel"
    nin, nout, nw = len(inputs), len(outputs), len(weight_shapes)
    alloc = alloc_prefix(name)
    kparams = ", ".join(["int64_t*"] * (1 + nin + nw))
    res_words = sum(_words(t.rank) for t in outputs)
    out_offsets, o = [], 0
    for t in outputs:
        out_offsets.append(o)
        o += _words(t.rank)
    wshape_rows = [
        "{" + ", ".join(str(d) for d in ws) + "}" if ws else "{0}" for ws in weight_shapes
    ]
    decls = [
        f"static const int64_t kInDims{i}[] = {c_dims(t) if t.rank else '{0}'};"
        for i, t in enumerate(inputs)
    ]
    decls += [f"static const int64_t kWShape{j}[] = {row};" for j, row in enumerate(wshape_rows)]
    in_ranks = "{" + ", ".join(str(t.rank) for t in inputs) + "}" if inputs else "{0}"
    out_ranks = "{" + ", ".join(str(t.rank) for t in outputs) + "}"
    out_sizes = "{" + ", ".join(str(t.itemsize) for t in outputs) + "}"
    out_offs = "{" + ", ".join(str(x) for x in out_offsets) + "}"
    in_dims_tab = "{" + ", ".join(f"kInDims{i}" for i in range(nin)) + "}" if nin else "{0}"
    descs = [f"  int64_t d_in{i}[{_words(t.rank)}];" for i, t in enumerate(inputs)]
    descs += [
        f"  int64_t d_in{i}_fill = describe(d_in{i}, in[{i}], in_shape[{i}], {t.rank});"
        for i, t in enumerate(inputs)
    ]
    descs += [f"  int64_t d_w{j}[{_words(len(ws))}];" for j, ws in enumerate(weight_shapes)]
    descs += [
        f"  (void)describe(d_w{j}, g_base + kOffsets[{j}], kWShape{j}, {len(ws)});"
        for j, ws in enumerate(weight_shapes)
    ]
    descs += [f"  (void)d_in{i}_fill;" for i in range(nin)]
    kargs = ", ".join(["res", *(f"d_in{i}" for i in range(nin)), *(f"d_w{j}" for j in range(nw))])
    dynamic = is_dynamic_interface(inputs, outputs)
    if dynamic:
        dp = dynamic_params(name, inputs, outputs)
        params, ins, in_shapes = dp.decls, dp.inputs, dp.input_shapes
        outs, out_shapes = dp.outputs, dp.output_shapes
        set_outputs = "\n".join(
            f"  *{o} = ({t.ctype}*)out[{j}];"
            for j, (o, t) in enumerate(zip(outs, outputs, strict=True))
        )
        public = f"""int {name}({", ".join(params)}) {{
  const void* in[{max(nin, 1)}] = {{{", ".join(f"(const void*){x}" for x in ins) or "0"}}};
  const int64_t* in_shape[{max(nin, 1)}] = {{{", ".join(in_shapes) or "0"}}};
  void* out[{nout}];
  int64_t* out_shape[{nout}] = {{{", ".join(out_shapes)}}};
  int rc = {name}__strata_run_dynamic(in, in_shape, out, out_shape);
  if (rc != STRATA_OK) return rc;
{set_outputs}
  return STRATA_OK;
}}
"""
    else:
        params = _params(name, inputs, outputs)
        idents = [re.split(r"[ \[]", p.removeprefix("const "))[1] for p in params]
        ins, outs = idents[:nin], idents[nin:]
        public = f"""static int run_static(const void* const* in, void* const* dest) {{
  void* out[{nout}];
  int64_t got[{nout}][{max((t.rank for t in outputs), default=1) or 1}];
  int64_t* out_shape[{nout}];
  for (int j = 0; j < {nout}; ++j) out_shape[j] = got[j];
  int rc = {name}__strata_run_dynamic(in, kInDimsTab, out, out_shape);
  if (rc != STRATA_OK) return rc;
  for (int j = 0; j < {nout}; ++j) {{
    int64_t n = 1;
    int same = 1;  /* a result of the model's static dims, not only of its size */
    for (int k = 0; k < kOutRank[j]; ++k) {{
      n *= got[j][k];
      if (got[j][k] != kOutDims[j][k]) same = 0;
    }}
    if (!same || (uint64_t)n * (uint64_t)kOutItem[j] != kOutBytes[j]) rc = STRATA_ERR_SHAPE;
    else memcpy(dest[j], out[j], (size_t)kOutBytes[j]);
    free(out[j]);
  }}
  return rc;
}}

int {name}({", ".join(params) or "void"}) {{
  const void* in[{max(nin, 1)}] = {{{", ".join(f"(const void*){x}" for x in ins) or "0"}}};
  void* dest[{nout}] = {{{", ".join(f"(void*){x}" for x in outs)}}};
  return run_static(in, dest);
}}

int {name}__strata_run_packed(void* const* args) {{
  return run_static((const void* const*)args, args + {nin});
}}
"""
        io = inputs + outputs
        decls.append(f"const int {name}__strata_num_args = {len(io)};")
        decls.append(
            f"const uint64_t {name}__strata_arg_nbytes[] = {_u64_array([t.nbytes for t in io])};"
        )
        decls.append(
            f"static const uint64_t kOutBytes[] = {_u64_array([t.nbytes for t in outputs])};"
        )
        decls += [
            f"static const int64_t kOutDims{j}[] = {c_dims(t) if t.rank else '{0}'};"
            for j, t in enumerate(outputs)
        ]
        out_dims = ", ".join(f"kOutDims{j}" for j in range(nout))
        decls.append(f"static const int64_t* const kOutDims[{nout}] = {{{out_dims}}};")
        decls.append(f"static const int64_t* const kInDimsTab[{max(nin, 1)}] = {in_dims_tab};")
    checks = symbol_checks(inputs)
    return f"""extern void {kernel}({kparams});
{chr(10).join(decls)}
static const int kInRank[] = {in_ranks};
static const int kOutRank[] = {out_ranks};
static const int kOutItem[] = {out_sizes};
static const int kOutWord[] = {out_offs};
static const int64_t* const kInModelDims[{max(nin, 1)}] = {in_dims_tab};
const int {name}__strata_dynamic = 1;

/* A memref descriptor of a dense row-major buffer: allocated, aligned, offset, sizes,
 * strides, as 8-byte words. */
static int64_t describe(int64_t* d, const void* data, const int64_t* dims, int rank) {{
  int64_t stride = 1;
  d[0] = (int64_t)(uintptr_t)data;
  d[1] = (int64_t)(uintptr_t)data;
  d[2] = 0;
  for (int k = rank - 1; k >= 0; --k) {{
    d[3 + k] = dims[k];
    d[3 + rank + k] = stride;
    stride *= dims[k];
  }}
  return stride;
}}

int {name}__strata_run_dynamic(const void* const* in, const int64_t* const* in_shape,
                               void** out, int64_t* const* out_shape) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  for (int i = 0; i < {nin}; ++i)
    for (int k = 0; k < kInRank[i]; ++k) {{
      int64_t want = kInModelDims[i][k], got = in_shape[i][k];
      if (got < 0 || (want >= 0 && got != want)) return STRATA_ERR_SHAPE;
    }}
{checks}
  (void)kInRank;
  int64_t res[{max(res_words, 1)}];
{chr(10).join(descs)}
  {kernel}({kargs});
  int rc = STRATA_OK;
  for (int j = 0; j < {nout}; ++j) {{
    const int64_t* d = res + kOutWord[j];
    int64_t n = 1;
    for (int k = 0; k < kOutRank[j]; ++k) {{
      out_shape[j][k] = d[3 + k];
      n *= d[3 + k];
    }}
    size_t bytes = (size_t)n * (size_t)kOutItem[j];
    out[j] = rc == STRATA_OK ? malloc(bytes ? bytes : 1) : 0;
    if (!out[j]) rc = STRATA_ERR_ALLOC;
    else memcpy(out[j], (const char*)(uintptr_t)d[1] + d[2] * kOutItem[j], bytes);
  }}
  for (int j = 0; j < {nout}; ++j) {{  /* each kernel buffer back to the pool, once */
    void* a = (void*)(uintptr_t)res[kOutWord[j]];
    int seen = 0;
    for (int i = 0; i < j; ++i) seen |= (void*)(uintptr_t)res[kOutWord[i]] == a;
    if (!seen) {alloc}_free(a);
  }}
  if (rc != STRATA_OK)
    for (int j = 0; j < {nout}; ++j) {{ free(out[j]); out[j] = 0; }}
  return rc;
}}

{public}"""
