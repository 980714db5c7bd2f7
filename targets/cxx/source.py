"""The text of NAME.cc: the translated kernels and the entry points around them.

    // includes, strata_bit_cast
    namespace {                      // internal linkage: several models link into one program
    <mlir-translate --mlir-to-cpp output: one static function per kernel, the kernel entry>
    }
    <weights loader: reads NAME.bin into a 64-byte aligned buffer (std::FILE, std::mutex)>
    NAME_init / NAME / NAME_fini, NAME__strata_run_packed / _num_args / _arg_nbytes

The entry points have C linkage (NAME.h declares them in `extern "C"`) and the CPU target's
C ABI, so `strata.load` runs the library built from NAME.cc with the existing loader.
Nothing but the C++17 standard library is needed; where <dlfcn.h> exists (POSIX),
`NAME_init(NULL)` finds NAME.bin next to the shared library (dladdr), elsewhere it needs a
path.

Dependency contract: `strata.targets.cpu.{abi,weights}`, `strata.targets.cxx.buffers`
(BUFFER_HELPERS) only.
"""

from __future__ import annotations

from strata.targets.cpu import abi
from strata.targets.cpu.weights import HEADER_SIZE, MAGIC, WEIGHTS_VERSION, WeightLayout
from strata.targets.cxx.buffers import BUFFER_HELPERS

SCRATCH_ALIGN = 64

PRELUDE = """#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <mutex>
#include <new>
#include <utility>
#if defined(__has_include)
#if __has_include(<dlfcn.h>)
#include <dlfcn.h>
#define STRATA_HAVE_DLADDR 1
#endif
#endif
"""

_HELPERS = """// The bits of `from` as a `To` (C++17 has no std::bit_cast).
template <typename To, typename From>
inline To strata_bit_cast(From from) {
  static_assert(sizeof(To) == sizeof(From), "strata_bit_cast: sizes differ");
  To to;
  std::memcpy(&to, &from, sizeof to);
  return to;
}
"""

# unsigned division of signless integers (arith.divui / remui; strata-cxx-prepare-emitc),
# written only where the kernels call them
INT_HELPERS = """// Unsigned division and remainder of the bits of a and b (as U, an unsigned type).
template <typename U, typename T>
inline T strata_divu(T a, T b) {
  return static_cast<T>(static_cast<U>(a) / static_cast<U>(b));
}
template <typename U, typename T>
inline T strata_remu(T a, T b) {
  return static_cast<T>(static_cast<U>(a) % static_cast<U>(b));
}
"""


def _helpers(kernels: str) -> str:
    """The helpers the kernels call."""
    used = "strata_divu<" in kernels or "strata_remu<" in kernels
    return _HELPERS + (INT_HELPERS if used else "")


_INVOKE = """// Calls the kernel entry with the buffers `args`, each converted to its parameter's
// type (a pointer to the element type or to an array of it: the buffers are dense,
// row-major).
template <typename... P, std::size_t... I>
void strata_invoke(void (*kernel)(P...), void* const* args, std::index_sequence<I...>) {
  kernel(static_cast<P>(args[I])...);
}
template <typename... P>
void strata_invoke(void (*kernel)(P...), void* const* args) {
  strata_invoke(kernel, args, std::index_sequence_for<P...>{});
}
"""


def _u64(values: list[int] | tuple[int, ...]) -> str:
    return "{" + ", ".join(f"{v}ULL" for v in values) + "}"


def _init_fini(name: str) -> str:
    """NAME_init / NAME_fini: reference-counted loading of the weights (both forms)."""
    return f"""int {name}_init(const char* weights_path) {{
  std::lock_guard<std::mutex> lock(g_lock);
  int rc = g_refs == 0 ? load_weights(weights_path) : STRATA_OK;
  if (rc == STRATA_OK) ++g_refs;
  return rc;
}}

void {name}_fini(void) {{
  std::lock_guard<std::mutex> lock(g_lock);
  if (g_refs > 0 && --g_refs == 0) free_data();
}}
"""


def render(
    name: str,
    version: str,
    kernels: str,
    layout: WeightLayout,
    inputs: list[abi.Tensor],
    outputs: list[abi.Tensor],
    scratch: list[int],
    nodes: int,
) -> str:
    """NAME.cc. `kernels` is the translator's output (without includes); `scratch` the byte
    size of each scratch buffer the kernel entry takes after the outputs; `nodes` the number
    of kernels (for the comment)."""
    nw = len(layout.offsets)
    kernel = f"{name}__strata_kernel"
    params = abi.entry_params(name, inputs, outputs)
    in_ids = [i for _, i in params[: len(inputs)]]
    out_ids = [i for _, i in params[len(inputs) :]]
    offs, pos = [], 0
    for size in scratch:
        offs.append(pos)
        pos += (size + SCRATCH_ALIGN - 1) // SCRATCH_ALIGN * SCRATCH_ALIGN
    total = pos
    nargs = len(inputs) + nw + len(outputs) + len(scratch)
    io = inputs + outputs
    scratch_tab = (
        f"const std::size_t kScratchOffsets[{len(scratch)}] = {{{', '.join(map(str, offs))}}};\n"
        if scratch
        else ""
    )
    fill_in = "".join(
        f"  args[{i}] = const_cast<void*>(static_cast<const void*>(in[{i}]));\n"
        for i in range(len(inputs))
    )
    fill_w = (
        f"  for (int i = 0; i < kNumWeights; ++i)\n"
        f"    args[{len(inputs)} + i] = const_cast<unsigned char*>(g_base + kOffsets[i]);\n"
        if nw
        else ""
    )
    first_out = len(inputs) + nw
    fill_out = "".join(f"  args[{first_out + j}] = out[{j}];\n" for j in range(len(outputs)))
    first_s = first_out + len(outputs)
    if scratch:
        alloc = f"""  // the intermediate results: one block per call (threads may call at once)
  void* block = ::operator new(kScratchBytes, std::align_val_t({SCRATCH_ALIGN}), std::nothrow);
  if (!block) return STRATA_ERR_ALLOC;
  for (int i = 0; i < kNumScratch; ++i)
    args[{first_s} + i] = static_cast<unsigned char*>(block) + kScratchOffsets[i];
"""
        release = f"  ::operator delete(block, std::align_val_t({SCRATCH_ALIGN}));\n"
    else:
        alloc = release = ""
    in_list = ", ".join(in_ids)
    out_list = ", ".join(out_ids)
    nbytes = _u64([t.nbytes for t in io]) if io else "{0}"
    packed_in = ", ".join(f"args[{i}]" for i in range(len(inputs)))
    packed_out = ", ".join(f"args[{len(inputs) + j}]" for j in range(len(outputs)))
    consts = f"""constexpr int kNumScratch = {len(scratch)};
constexpr std::size_t kScratchBytes = {total};
{scratch_tab}"""
    loader = _weights_loader(name, layout, consts)
    return f"""// {name}.cc: generated by Strata {version} (--target cxx). Do not edit.
//
// Model '{name}' as portable C++17: {nodes} loop-nest kernels (each named after the ONNX
// nodes it computes) and the entry points of {name}.h. Build it with any C++17 compiler, e.g.
//   c++ -std=c++17 -O3 -fPIC -shared {name}.cc -o {name}.so
// or compile it into your program; {name}_init() reads the weights file {name}.bin.
{PRELUDE}
#include "{name}.h"

namespace {{

{_helpers(kernels)}
{kernels}
{_INVOKE}
{loader}// Runs the model on `in` (the inputs) and `out` (the outputs).
int run(const void* const* in, void* const* out) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  void* args[{max(nargs, 1)}];
{fill_in}{fill_w}{fill_out}{alloc}  strata_invoke(&{kernel}, args);
{release}  (void)in;
  (void)out;
  return STRATA_OK;
}}

}}  // namespace

{_init_fini(name)}
int {name}({", ".join(d for d, _ in params) or "void"}) {{
  const void* in[{max(len(inputs), 1)}] = {{{in_list or "nullptr"}}};
  void* out[{max(len(outputs), 1)}] = {{{out_list or "nullptr"}}};
  return run(in, out);
}}

// For Strata's loader (strata._runtime): the same entry over an array of pointers.
extern "C" int {name}__strata_run_packed(void* const* args) {{
  const void* in[{max(len(inputs), 1)}] = {{{packed_in or "nullptr"}}};
  void* out[{max(len(outputs), 1)}] = {{{packed_out or "nullptr"}}};
  return run(in, out);
}}
extern "C" const int {name}__strata_num_args = {len(io)};
extern "C" const std::uint64_t {name}__strata_arg_nbytes[] = {nbytes};
"""


def _weights_loader(name: str, layout: WeightLayout, extra: str) -> str:
    """The tables of NAME.bin and the functions that read it (`extra`: more constants)."""
    nw = len(layout.offsets)
    tables = (
        f"const std::uint64_t kOffsets[{nw}] = {_u64(layout.offsets)};\n"
        f"const std::uint64_t kSizes[{nw}] = {_u64(layout.sizes)};\n"
        if nw
        else "const std::uint64_t* const kOffsets = nullptr;\n"
        "const std::uint64_t* const kSizes = nullptr;\n"
    )
    mid = ", ".join(str(b) for b in layout.model_id)
    magic = ", ".join(str(b) for b in MAGIC)
    title = f"the weights file {name}.bin (the Strata weights format, version {WEIGHTS_VERSION})"
    return f"""// ---- {title}

constexpr int kNumWeights = {nw};
{tables}const unsigned char kMagic[8] = {{{magic}}};
const unsigned char kModelId[16] = {{{mid}}};
{extra}
std::mutex g_lock;
int g_refs = 0;
unsigned char* g_data = nullptr;  // the file's bytes, 64-byte aligned
const unsigned char* g_base = nullptr;

std::uint64_t rd64(const unsigned char* p) {{
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}}
std::uint32_t rd32(const unsigned char* p) {{
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}}

int check_blob(const unsigned char* p, std::size_t n) {{
  if (n < {HEADER_SIZE} || std::memcmp(p, kMagic, 8) != 0 || rd32(p + 8) != {WEIGHTS_VERSION})
    return STRATA_ERR_FORMAT;
  if (rd32(p + 12) != kNumWeights || rd64(p + 16) != static_cast<std::uint64_t>(n) ||
      std::memcmp(p + 24, kModelId, 16) != 0 ||
      n < {HEADER_SIZE} + 16 * static_cast<std::size_t>(kNumWeights))
    return STRATA_ERR_MISMATCH;
  for (int i = 0; i < kNumWeights; ++i) {{
    if (rd64(p + {HEADER_SIZE} + 16 * i) != kOffsets[i] ||
        rd64(p + {HEADER_SIZE} + 16 * i + 8) != kSizes[i] || kOffsets[i] + kSizes[i] > n)
      return STRATA_ERR_MISMATCH;
  }}
  return STRATA_OK;
}}

void free_data() {{
  if (g_data) ::operator delete(g_data, std::align_val_t(64));
  g_data = nullptr;
  g_base = nullptr;
}}

int read_file(const char* path) {{
  std::FILE* f = std::fopen(path, "rb");
  if (!f) return STRATA_ERR_OPEN;
  int rc = STRATA_OK;
  long size = -1;
  if (std::fseek(f, 0, SEEK_END) == 0) size = std::ftell(f);
  if (size < 0 || std::fseek(f, 0, SEEK_SET) != 0) rc = STRATA_ERR_OPEN;
  else if (size < {HEADER_SIZE}) rc = STRATA_ERR_FORMAT;
  std::size_t n = size < 0 ? 0 : static_cast<std::size_t>(size);
  if (rc == STRATA_OK) {{
    g_data = static_cast<unsigned char*>(::operator new(n, std::align_val_t(64), std::nothrow));
    if (!g_data) rc = STRATA_ERR_ALLOC;
    else if (std::fread(g_data, 1, n, f) != n) rc = STRATA_ERR_OPEN;
    else rc = check_blob(g_data, n);
  }}
  std::fclose(f);
  if (rc == STRATA_OK) g_base = g_data;
  else free_data();
  return rc;
}}

int load_weights(const char* path) {{
  if (path) return read_file(path);
#ifdef STRATA_HAVE_DLADDR
  // NULL: {name}.bin in the directory of the shared library (or program) holding this code
  Dl_info info;
  if (!dladdr(reinterpret_cast<void*>(&check_blob), &info) || !info.dli_fname)
    return STRATA_ERR_NO_PATH;
  const char* slash = std::strrchr(info.dli_fname, '/');
  std::size_t dir = slash ? static_cast<std::size_t>(slash - info.dli_fname + 1) : 0;
  const char file[] = "{name}.bin";
  char buf[4096];
  if (dir + sizeof file > sizeof buf) return STRATA_ERR_NO_PATH;
  std::memcpy(buf, info.dli_fname, dir);
  std::memcpy(buf + dir, file, sizeof file);
  return read_file(buf);
#else
  return STRATA_ERR_NO_PATH;
#endif
}}

"""


_TAKE = """// Moves result `b` into a dense buffer from std::malloc (the caller's to free) and
// its dims into `shape`; nothing when `rc` is already an error.
template <typename T, int R>
int strata_take(const strata_buf<T, R>& b, void** out, std::int64_t* shape, int rc) {
  *out = nullptr;
  if (rc != STRATA_OK) return rc;
  for (int k = 0; k < R; ++k) shape[k] = static_cast<std::int64_t>(b.sizes[k]);
  strata_buf<T, R> d{};
  std::size_t n = strata_dense(d, b.sizes);
  d.data = static_cast<T*>(std::malloc(n ? n * sizeof(T) : 1));
  if (!d.data) return STRATA_ERR_ALLOC;
  strata_copy(b, d);
  *out = d.data;
  return STRATA_OK;
}
"""


def _targs(buf_type: str) -> str:
    """`float, 2` of `strata_buf<float, 2>`."""
    return buf_type.removeprefix("strata_buf<").removesuffix(">")


def _rows(rows: list[str]) -> str:
    return "{" + ", ".join(rows) + "}"


def render_dynamic(
    name: str,
    version: str,
    kernels: str,
    layout: WeightLayout,
    inputs: list[abi.Tensor],
    outputs: list[abi.Tensor],
    arg_types: list[str],
    result_types: list[str],
    weight_shapes: list[tuple[int, ...]],
    nodes: int,
) -> str:
    """NAME.cc for a kernel over dynamic buffers (strata-cxx-lower-buffers): the entry takes
    a `strata_buf<T, R>` per input and weight and a `strata_buf<T, R>*` per result (the
    `arg_types` / `result_types`). `NAME__strata_run_dynamic` is the CPU target's dynamic
    entry (checks the input dims, copies each result into a buffer from std::malloc); with
    a static interface `NAME` and `NAME__strata_run_packed` copy into the caller's buffers."""
    nin, nout, nw = len(inputs), len(outputs), len(weight_shapes)
    kernel = f"{name}__strata_kernel"
    decls = [
        f"const std::int64_t kInDims{i}[] = {abi.c_dims(t) if t.rank else '{0}'};"
        for i, t in enumerate(inputs)
    ]
    decls += [
        f"const std::int64_t kWShape{j}[] = {_rows([str(d) for d in ws]) if ws else '{0}'};"
        for j, ws in enumerate(weight_shapes)
    ]
    in_dims_tab = _rows([f"kInDims{i}" for i in range(nin)]) if nin else "{nullptr}"
    decls.append(f"const std::int64_t* const kInModelDims[{max(nin, 1)}] = {in_dims_tab};")
    decls.append(
        f"const int kInRank[{max(nin, 1)}] = "
        f"{_rows([str(t.rank) for t in inputs]) if nin else '{0}'};"
    )
    kargs = [f"strata_in<{_targs(arg_types[i])}>(in[{i}], in_shape[{i}])" for i in range(nin)]
    kargs += [
        f"strata_in<{_targs(arg_types[nin + j])}>(g_base + kOffsets[{j}], kWShape{j})"
        for j in range(nw)
    ]
    kargs += [f"&r{j}" for j in range(nout)]
    results = "".join(f"  {t} r{j}{{}};\n" for j, t in enumerate(result_types))
    take = "".join(
        f"  rc = strata_take(r{j}, &out[{j}], out_shape[{j}], rc);\n" for j in range(nout)
    )
    kept = ", ".join(f"static_cast<void*>(r{j}.data)" for j in range(nout))
    checks = abi.symbol_checks(inputs)
    call = ",\n        ".join(kargs)
    run = f"""// The dynamic entry: input pointers and dims in; each result into a buffer from
// std::malloc, its dims into out_shape. Kernel buffers are freed before returning.
int run_dynamic(const void* const* in, const std::int64_t* const* in_shape, void** out,
                std::int64_t* const* out_shape) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  for (int i = 0; i < {nin}; ++i)
    for (int k = 0; k < kInRank[i]; ++k) {{
      std::int64_t want = kInModelDims[i][k], got = in_shape[i][k];
      if (got < 0 || (want >= 0 && got != want)) return STRATA_ERR_SHAPE;
    }}
{checks + chr(10) if checks else ""}{results}  try {{
    {kernel}(
        {call});
  }} catch (const std::bad_alloc&) {{  // a kernel's buffer (those before it are lost)
    for (int j = 0; j < {nout}; ++j) out[j] = nullptr;
    return STRATA_ERR_ALLOC;
  }}
  int rc = STRATA_OK;
{take}  void* kept[{nout}] = {{{kept}}};
  for (int j = 0; j < {nout}; ++j) {{  // each kernel buffer once
    bool seen = false;
    for (int i = 0; i < j; ++i) seen = seen || kept[i] == kept[j];
    if (!seen) ::operator delete(kept[j], std::align_val_t(64));
  }}
  if (rc != STRATA_OK)
    for (int j = 0; j < {nout}; ++j) {{
      std::free(out[j]);
      out[j] = nullptr;
    }}
  return rc;
}}
"""
    if abi.is_dynamic_interface(inputs, outputs):
        dp = abi.dynamic_params(name, inputs, outputs)
        set_outputs = "".join(
            f"  *{o} = static_cast<{t.ctype}*>(out[{j}]);\n"
            for j, (o, t) in enumerate(zip(dp.outputs, outputs, strict=True))
        )
        ins = ", ".join(dp.inputs) or "nullptr"
        public = f"""int {name}({", ".join(dp.decls)}) {{
  const void* in[{max(nin, 1)}] = {{{ins}}};
  const std::int64_t* in_shape[{max(nin, 1)}] = {{{", ".join(dp.input_shapes) or "nullptr"}}};
  void* out[{nout}];
  std::int64_t* out_shape[{nout}] = {{{", ".join(dp.output_shapes)}}};
  int rc = run_dynamic(in, in_shape, out, out_shape);
  if (rc != STRATA_OK) return rc;
{set_outputs}  return STRATA_OK;
}}
"""
        static_part = ""
    else:
        params = abi.entry_params(name, inputs, outputs)
        in_ids = [i for _, i in params[:nin]]
        out_ids = [i for _, i in params[nin:]]
        io = inputs + outputs
        max_rank = max((t.rank for t in outputs), default=1) or 1
        out_bytes = _u64([t.nbytes for t in outputs])
        arg_bytes = _u64([t.nbytes for t in io]) if io else "{0}"
        static_part = f"""const std::uint64_t kOutBytes[{nout}] = {out_bytes};
const int kOutRank[{nout}] = {_rows([str(t.rank) for t in outputs])};
const std::uint64_t kOutItem[{nout}] = {_u64([t.itemsize for t in outputs])};

// A static interface over the dynamic entry: results copied into the caller's buffers.
int run_static(const void* const* in, void* const* dest) {{
  void* out[{nout}];
  std::int64_t got[{nout}][{max_rank}];
  std::int64_t* out_shape[{nout}];
  for (int j = 0; j < {nout}; ++j) out_shape[j] = got[j];
  int rc = run_dynamic(in, kInModelDims, out, out_shape);
  if (rc != STRATA_OK) return rc;
  for (int j = 0; j < {nout}; ++j) {{
    std::uint64_t n = 1;
    for (int k = 0; k < kOutRank[j]; ++k) n *= static_cast<std::uint64_t>(got[j][k]);
    if (n * kOutItem[j] != kOutBytes[j]) rc = STRATA_ERR_SHAPE;
    else std::memcpy(dest[j], out[j], static_cast<std::size_t>(kOutBytes[j]));
    std::free(out[j]);
  }}
  return rc;
}}
"""
        public = f"""int {name}({", ".join(d for d, _ in params) or "void"}) {{
  const void* in[{max(nin, 1)}] = {{{", ".join(in_ids) or "nullptr"}}};
  void* dest[{nout}] = {{{", ".join(out_ids)}}};
  return run_static(in, dest);
}}

// For Strata's loader (strata._runtime): the same entry over an array of pointers.
extern "C" int {name}__strata_run_packed(void* const* args) {{
  return run_static(args, args + {nin});
}}
extern "C" const int {name}__strata_num_args = {len(io)};
extern "C" const std::uint64_t {name}__strata_arg_nbytes[] = {arg_bytes};
"""
    loader = _weights_loader(name, layout, "\n".join(decls) + "\n")
    return f"""// {name}.cc: generated by Strata {version} (--target cxx). Do not edit.
//
// Model '{name}' as portable C++17: {nodes} loop-nest kernels (each named after the ONNX
// nodes it computes) and the entry points of {name}.h. Some dims are known only at run time,
// so buffers are strata_buf<T, R> values (pointer, offset, sizes, strides) and intermediate
// results are allocated as the kernels need them. Build it with any C++17 compiler, e.g.
//   c++ -std=c++17 -O3 -fPIC -shared {name}.cc -o {name}.so
// or compile it into your program; {name}_init() reads the weights file {name}.bin.
{PRELUDE}
#include "{name}.h"

namespace {{

{_helpers(kernels)}
{BUFFER_HELPERS}
{_TAKE}
{kernels}
{loader}
{run}
{static_part}
}}  // namespace

{_init_fini(name)}
// For Strata's loader (strata._runtime) and C callers that pass dims at run time.
extern "C" int {name}__strata_run_dynamic(const void* const* in,
                                          const std::int64_t* const* in_shape, void** out,
                                          std::int64_t* const* out_shape) {{
  return run_dynamic(in, in_shape, out, out_shape);
}}
extern "C" const int {name}__strata_dynamic = 1;

{public}"""
