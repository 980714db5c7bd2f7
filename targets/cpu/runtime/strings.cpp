// The string runtime of compiled models: the ops on string tensors that have no lowering to
// linalg are calls of these C functions (passes/lowering/strings.py builds the calls).
//
// A string element below nn is a handle: the address of a NUL-terminated UTF-8 string, held
// in an i64. Inputs point at the caller's strings; every string these functions make lives in
// the calling thread's arena, which `strata_str_reset` (called by the model's entry function
// when it starts) releases. So a model's string outputs stay valid until its next call on the
// same thread. Compiled with hidden visibility: each model library has its own copy.
//
// Regular expressions are std::regex's ECMAScript grammar, which reads the common subset of
// RE2 (ONNX's reference) the same way; the importer refuses RE2-only syntax. Case mapping is
// ASCII-only and locale-independent.
//
// Built by CMakeLists.txt into libstrata_strings.a (position-independent), installed beside
// strata/_runtime; targets/cpu/compiler.py links it into a model's NAME.so when the kernel
// calls a `strata_str_*` function.

#include <cstdint>
#include <cstring>
#include <memory>
#include <regex>
#include <string>
#include <unordered_map>
#include <vector>

namespace {

struct Arena {
  std::vector<std::unique_ptr<char[]>> blocks;
};

thread_local Arena arena;

const char* keep(const std::string& s) {
  std::unique_ptr<char[]> p(new char[s.size() + 1]);
  std::memcpy(p.get(), s.c_str(), s.size() + 1);
  const char* out = p.get();
  arena.blocks.push_back(std::move(p));
  return out;
}

// `n` NUL-terminated strings stored one after another (a constant of the generated code)
std::vector<const char*> unpack(const char* blob, int64_t n) {
  std::vector<const char*> out;
  out.reserve(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    out.push_back(blob);
    blob += std::strlen(blob) + 1;
  }
  return out;
}

char ascii_lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }
char ascii_upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 32) : c; }

bool equal_nocase(const char* a, const char* b) {
  for (; *a && *b; ++a, ++b)
    if (ascii_lower(*a) != ascii_lower(*b)) return false;
  return *a == *b;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// The pieces of `s` split at `delim` (empty: at runs of whitespace, dropping leading and
// trailing ones, as Python's str.split() does) with at most `maxsplit` splits (-1: no limit).
std::vector<std::string> split(const char* s, const char* delim, int64_t maxsplit) {
  std::vector<std::string> out;
  std::string str(s);
  if (*delim == '\0') {
    size_t i = 0, n = str.size();
    while (true) {
      while (i < n && is_space(str[i])) ++i;
      if (i >= n) break;
      if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) {
        out.push_back(str.substr(i));  // the rest, trailing whitespace kept (as Python)
        break;
      }
      size_t j = i;
      while (j < n && !is_space(str[j])) ++j;
      out.push_back(str.substr(i, j - i));
      i = j;
    }
    return out;
  }
  std::string d(delim);
  size_t start = 0;
  while (true) {
    if (maxsplit >= 0 && static_cast<int64_t>(out.size()) == maxsplit) break;
    size_t pos = str.find(d, start);
    if (pos == std::string::npos) break;
    out.push_back(str.substr(start, pos - start));
    start = pos + d.size();
  }
  out.push_back(str.substr(start));
  return out;
}

}  // namespace

extern "C" {

// Releases every string the calling thread's earlier calls made.
void strata_str_reset(void) { arena.blocks.clear(); }

const char* strata_str_concat(const char* a, const char* b) {
  return keep(std::string(a) + b);
}

int32_t strata_str_equal(const char* a, const char* b) { return std::strcmp(a, b) == 0; }

// Whether all of `s` matches `pattern` (compiled once per pattern and thread).
int32_t strata_str_regex_full_match(const char* s, const char* pattern) {
  thread_local std::unordered_map<const char*, std::regex> cache;
  auto it = cache.find(pattern);
  if (it == cache.end()) {
    try {
      it = cache.emplace(pattern, std::regex(pattern, std::regex::ECMAScript)).first;
    } catch (const std::regex_error&) {
      return 0;  // the importer checked the pattern; an engine refusal matches nothing
    }
  }
  return std::regex_match(s, it->second);
}

// StringNormalizer: 0 keeps the case, 1 lowers, 2 uppers it (ASCII letters only).
const char* strata_str_change_case(const char* s, int64_t action) {
  if (action == 0) return s;
  std::string out(s);
  for (char& c : out) c = action == 1 ? ascii_lower(c) : ascii_upper(c);
  return keep(out);
}

// Whether `s` is one of the `n` stopwords in `blob` (ASCII case folded unless sensitive).
int32_t strata_str_is_stopword(const char* s, const char* blob, int64_t n,
                               int64_t case_sensitive) {
  for (const char* w : unpack(blob, n))
    if (case_sensitive ? std::strcmp(s, w) == 0 : equal_nocase(s, w)) return 1;
  return 0;
}

// StringSplit: how many pieces `s` splits into.
int64_t strata_str_split_count(const char* s, const char* delim, int64_t maxsplit) {
  return static_cast<int64_t>(split(s, delim, maxsplit).size());
}

// StringSplit: piece `j` of `s` ("" past the last one).
const char* strata_str_split_part(const char* s, const char* delim, int64_t maxsplit,
                                  int64_t j) {
  std::vector<std::string> parts = split(s, delim, maxsplit);
  if (j < 0 || j >= static_cast<int64_t>(parts.size())) return "";
  return keep(parts[static_cast<size_t>(j)]);
}

// LabelEncoder: the index of `s` among the `n` keys in `blob`, -1 if absent.
int64_t strata_str_lookup(const char* s, const char* blob, int64_t n) {
  std::vector<const char*> keys = unpack(blob, n);
  for (size_t i = 0; i < keys.size(); ++i)
    if (std::strcmp(s, keys[i]) == 0) return static_cast<int64_t>(i);
  return -1;
}

}  // extern "C"
