// The columns of `to_pandas`: the fields -e selects, read from every frame into typed
// arrays without the GIL, then handed to Python as numpy arrays (text as str objects).
#pragma once

#include <pybind11/pybind11.h>

namespace pcapkit::python {

namespace py = pybind11;

// A list of (name, type, values, mask) per field: `type` is "int", "float", "bool",
// "text" or "object"; `values` a numpy array; `mask` a bool array marking missing cells,
// or None when none is missing.
py::list ReadColumns(py::object source, const py::list& fields, const std::string& occurrence,
                     const py::dict& keywords);

}  // namespace pcapkit::python
