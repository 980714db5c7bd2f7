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

Dependency contract: `strata.targets.cpu.{abi,weights}` only.
"""

from __future__ import annotations

from strata.targets.cpu import abi
from strata.targets.cpu.weights import HEADER_SIZE, MAGIC, WEIGHTS_VERSION, WeightLayout

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
    mid = ", ".join(str(b) for b in layout.model_id)
    magic = ", ".join(str(b) for b in MAGIC)
    tables = (
        f"const std::uint64_t kOffsets[{nw}] = {_u64(layout.offsets)};\n"
        f"const std::uint64_t kSizes[{nw}] = {_u64(layout.sizes)};\n"
        if nw
        else "const std::uint64_t* const kOffsets = nullptr;\n"
        "const std::uint64_t* const kSizes = nullptr;\n"
    )
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
    return f"""// {name}.cc: generated by Strata {version} (--target cxx). Do not edit.
//
// Model '{name}' as portable C++17: {nodes} loop-nest kernels (each named after the ONNX
// nodes it computes) and the entry points of {name}.h. Build it with any C++17 compiler, e.g.
//   c++ -std=c++17 -O3 -fPIC -shared {name}.cc -o {name}.so
// or compile it into your program; {name}_init() reads the weights file {name}.bin.
{PRELUDE}
#include "{name}.h"

namespace {{

{_HELPERS}
{kernels}
{_INVOKE}
// ---- the weights file {name}.bin (the Strata weights format, version {WEIGHTS_VERSION})

constexpr int kNumWeights = {nw};
{tables}const unsigned char kMagic[8] = {{{magic}}};
const unsigned char kModelId[16] = {{{mid}}};
constexpr int kNumScratch = {len(scratch)};
constexpr std::size_t kScratchBytes = {total};
{scratch_tab}
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

// Runs the model on `in` (the inputs) and `out` (the outputs).
int run(const void* const* in, void* const* out) {{
  if (!g_base) return STRATA_ERR_NOT_INITIALIZED;
  void* args[{max(nargs, 1)}];
{fill_in}{fill_w}{fill_out}{alloc}  strata_invoke(&{kernel}, args);
{release}  (void)in;
  (void)out;
  return STRATA_OK;
}}

}}  // namespace

int {name}_init(const char* weights_path) {{
  std::lock_guard<std::mutex> lock(g_lock);
  int rc = g_refs == 0 ? load_weights(weights_path) : STRATA_OK;
  if (rc == STRATA_OK) ++g_refs;
  return rc;
}}

void {name}_fini(void) {{
  std::lock_guard<std::mutex> lock(g_lock);
  if (g_refs > 0 && --g_refs == 0) free_data();
}}

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
