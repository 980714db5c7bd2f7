// strata._runtime: loads a compiled model (NAME.so + NAME.bin) and runs it on numpy arrays.
//
// The library is the very artifact a C program links (see targets/cpu/abi.py): we resolve
// NAME_init / NAME_fini and one of two packed entries:
// * static interface: NAME__strata_run_packed (inputs then outputs, one pointer each), plus
//   NAME__strata_num_args / NAME__strata_arg_nbytes to check buffer sizes;
// * dynamic interface: NAME__strata_run_dynamic (input pointers and dims in; output buffers,
//   allocated by the library with malloc, and their dims out), whose outputs become numpy
//   arrays that own those buffers (released with free()).
// Arrays are passed without copies: they must be C-contiguous (outputs also writable) and of
// the expected byte size; the Python layer (strata.api) checks names, shapes and dtypes first.
// The GIL is released while the model runs. Errors raise RuntimeError / ValueError.
#include <dlfcn.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <cstdlib>
#include <algorithm>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace py = pybind11;

namespace {

using InitFn = int (*)(const char*);
using FiniFn = void (*)();
using RunFn = int (*)(void* const*);
using DynFn = int (*)(const void* const*, const int64_t* const*, void**, int64_t* const*);
using ErrFn = const char* (*)();

const char* status_text(int rc) {
  switch (rc) {
    case 0: return "success";
    case 1: return "the model is not initialised";
    case 2: return "the weights file cannot be opened or mapped";
    case 3: return "the weights file is not a Strata weights file of this version";
    case 4: return "the weights file belongs to another model";
    case 5: return "no weights path given and the library's own path is unknown";
    case 6: return "an input's dims do not fit the model";
    case 7: return "out of memory for an output buffer";
    case 8: return "the ODLA runtime failed to build or run the computation";
    default: return "unknown status";
  }
}

class Model {
 public:
  Model(const std::string& library, const std::string& name, py::object weights) {
    handle_ = dlopen(library.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (!handle_) {
      const char* err = dlerror();
      throw std::runtime_error("cannot load " + library + ": " + (err ? err : "?"));
    }
    init_ = reinterpret_cast<InitFn>(sym(name + "_init"));
    fini_ = reinterpret_cast<FiniFn>(sym(name + "_fini"));
    dyn_ = reinterpret_cast<DynFn>(dlsym(handle_, (name + "__strata_run_dynamic").c_str()));
    run_ = reinterpret_cast<RunFn>(dlsym(handle_, (name + "__strata_run_packed").c_str()));
    // optional: the message of the last failure (the ODLA target's runtime error)
    err_ = reinterpret_cast<ErrFn>(dlsym(handle_, (name + "__strata_last_error").c_str()));
    if (run_) {
      const int num = *reinterpret_cast<const int*>(sym(name + "__strata_num_args"));
      const auto* nbytes = reinterpret_cast<const uint64_t*>(sym(name + "__strata_arg_nbytes"));
      nbytes_.assign(nbytes, nbytes + num);
    } else if (!dyn_) {
      sym(name + "__strata_run_packed");  // throws: neither entry point exists
    }
    std::string path;
    if (!weights.is_none()) path = py::str(weights);
    int rc = init_(weights.is_none() ? nullptr : path.c_str());
    if (rc != 0) {
      std::string detail = detail_text();
      dlclose(handle_);
      handle_ = nullptr;
      throw std::runtime_error(name + "_init(" + (weights.is_none() ? "NULL" : path) +
                               ") failed with status " + std::to_string(rc) + ": " +
                               status_text(rc) + detail);
    }
    initialised_ = true;
    name_ = name;
  }

  ~Model() { close(); }

  void close() {
    if (initialised_) fini_();
    initialised_ = false;
    if (handle_) dlclose(handle_);
    handle_ = nullptr;
  }

  size_t num_args() const { return nbytes_.size(); }

  bool dynamic() const { return run_ == nullptr; }

  // Run a model with a dynamic interface: outputs are allocated by the library.
  std::vector<py::array> run_dynamic(const std::vector<py::array>& inputs,
                                     const std::vector<py::dtype>& out_dtypes,
                                     const std::vector<int>& out_ranks) {
    if (!initialised_) throw std::runtime_error("model '" + name_ + "' is closed");
    if (!dyn_) throw std::runtime_error("model '" + name_ + "' has a static interface");
    if (out_dtypes.size() != out_ranks.size())
      throw std::invalid_argument("out_dtypes and out_ranks differ in length");
    const size_t nin = inputs.size(), nout = out_dtypes.size();
    std::vector<const void*> in(nin);
    std::vector<std::vector<int64_t>> in_dims(nin);
    std::vector<const int64_t*> in_shape(nin);
    for (size_t i = 0; i < nin; ++i) {
      const py::array& a = inputs[i];
      if (!(a.flags() & py::array::c_style))
        throw std::invalid_argument("input array " + std::to_string(i) + " is not C-contiguous");
      in[i] = a.data();
      in_dims[i].assign(a.shape(), a.shape() + a.ndim());
      if (in_dims[i].empty()) in_dims[i].push_back(0);  // rank 0: never read
      in_shape[i] = in_dims[i].data();
    }
    std::vector<void*> out(nout, nullptr);
    std::vector<std::vector<int64_t>> out_dims(nout);
    std::vector<int64_t*> out_shape(nout);
    for (size_t j = 0; j < nout; ++j) {
      out_dims[j].assign(std::max(out_ranks[j], 1), 0);
      out_shape[j] = out_dims[j].data();
    }
    int rc;
    {
      py::gil_scoped_release release;
      rc = dyn_(in.data(), in_shape.data(), out.data(), out_shape.data());
    }
    if (rc == 6)
      throw std::invalid_argument(name_ + "(): " + status_text(rc));
    if (rc != 0)
      throw std::runtime_error(name_ + "() failed with status " + std::to_string(rc) + ": " +
                               status_text(rc));
    std::vector<py::array> result;
    result.reserve(nout);
    for (size_t j = 0; j < nout; ++j) {
      void* buf = out[j];
      py::capsule owner(buf, [](void* p) { std::free(p); });
      std::vector<py::ssize_t> shape(out_dims[j].begin(), out_dims[j].begin() + out_ranks[j]);
      result.emplace_back(out_dtypes[j], shape, buf, owner);
    }
    return result;
  }

  void run(const std::vector<py::array>& inputs, const std::vector<py::array>& outputs) {
    if (!initialised_) throw std::runtime_error("model '" + name_ + "' is closed");
    if (!run_) throw std::runtime_error("model '" + name_ + "' has a dynamic interface");
    if (inputs.size() + outputs.size() != nbytes_.size())
      throw std::invalid_argument("expected " + std::to_string(nbytes_.size()) +
                                  " input+output arrays, got " +
                                  std::to_string(inputs.size() + outputs.size()));
    std::vector<void*> ptrs;
    ptrs.reserve(nbytes_.size());
    for (size_t i = 0; i < inputs.size(); ++i)
      ptrs.push_back(check(inputs[i], i, false, "input"));
    for (size_t j = 0; j < outputs.size(); ++j)
      ptrs.push_back(check(outputs[j], inputs.size() + j, true, "output"));
    int rc;
    {
      py::gil_scoped_release release;
      rc = run_(ptrs.data());
    }
    if (rc != 0)
      throw std::runtime_error(name_ + "() failed with status " + std::to_string(rc) + ": " +
                               status_text(rc) + detail_text());
  }

 private:
  // ": MESSAGE" from NAME__strata_last_error when the library has one and it is not empty
  std::string detail_text() const {
    const char* msg = err_ ? err_() : nullptr;
    return msg && *msg ? std::string(": ") + msg : std::string();
  }

  void* sym(const std::string& s) {
    void* p = dlsym(handle_, s.c_str());
    if (!p) {
      dlclose(handle_);
      handle_ = nullptr;
      throw std::runtime_error("symbol '" + s + "' not found in the model library");
    }
    return p;
  }

  void* check(const py::array& a, size_t idx, bool writable, const char* what) {
    if (!(a.flags() & py::array::c_style))
      throw std::invalid_argument(std::string(what) + " array " + std::to_string(idx) +
                                  " is not C-contiguous");
    if (writable && !a.writeable())
      throw std::invalid_argument(std::string(what) + " array " + std::to_string(idx) +
                                  " is read-only");
    if (static_cast<uint64_t>(a.nbytes()) != nbytes_[idx])
      throw std::invalid_argument(std::string(what) + " array " + std::to_string(idx) + " has " +
                                  std::to_string(a.nbytes()) + " bytes, expected " +
                                  std::to_string(nbytes_[idx]));
    return const_cast<void*>(a.data());
  }

  void* handle_ = nullptr;
  InitFn init_ = nullptr;
  FiniFn fini_ = nullptr;
  RunFn run_ = nullptr;
  DynFn dyn_ = nullptr;
  ErrFn err_ = nullptr;
  std::vector<uint64_t> nbytes_;
  bool initialised_ = false;
  std::string name_;
};

}  // namespace

PYBIND11_MODULE(_runtime, m) {
  m.doc() = "Strata runtime: run a compiled model library on numpy arrays without copies";
  py::class_<Model>(m, "Model")
      .def(py::init<const std::string&, const std::string&, py::object>(), py::arg("library"),
           py::arg("name"), py::arg("weights") = py::none(),
           "dlopen `library`, call NAME_init(weights) (None: NAME.bin next to the library)")
      .def("run", &Model::run, py::arg("inputs"), py::arg("outputs"),
           "Run the model; outputs are filled in place. The GIL is released meanwhile.")
      .def("run_dynamic", &Model::run_dynamic, py::arg("inputs"), py::arg("out_dtypes"),
           py::arg("out_ranks"),
           "Run a model with a dynamic interface; returns the outputs, which own the buffers "
           "the library allocated. The GIL is released meanwhile.")
      .def_property_readonly("dynamic", &Model::dynamic)
      .def("close", &Model::close, "NAME_fini() and dlclose (idempotent)")
      .def_property_readonly("num_args", &Model::num_args);
}
