// strata._runtime: placeholder, replaced by the CPU runtime work.
#include <pybind11/pybind11.h>
PYBIND11_MODULE(_runtime, m) { m.doc() = "Strata runtime"; }
