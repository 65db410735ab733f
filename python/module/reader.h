// A capture opened from Python: a path, "-" (stdin), a bytes-like object or a binary file
// object, with extract's options given as keywords (docs/python.md "Options"). Frames are
// read and dissected with the GIL released.
#pragma once

#include <pybind11/pybind11.h>

#include <memory>

#include "pcapkit/extractor.h"
#include "pcapkit/records.h"

namespace pcapkit::python {

namespace py = pybind11;

// What a run needs besides its options: the Python objects its capture lives in.
struct CaptureHold {
  py::object source;
  py::buffer_info buffer;  // a bytes-like capture, dissected where it lies
};

// extract's options from `keywords` and the capture from `source`. `whole_run`: the
// options only a whole extraction takes (output, format, reassembly, trace) are allowed
// too. An unknown keyword is a TypeError naming it.
ExtractOptions OptionsFrom(py::object source, const py::dict& keywords, bool whole_run,
                           CaptureHold& hold);

class Reader {
 public:
  Reader(py::object source, const py::dict& keywords);

  // The next frame, or null at the end; the GIL is released while it is read.
  const Frame* Next();
  // The same, by a caller that released the GIL already.
  const Frame* NextReleased() { return extractor_->Next(); }
  const RecordStyle& style() const { return style_; }

 private:
  CaptureHold hold_;
  RecordStyle style_;
  std::unique_ptr<Extractor> extractor_;
};

// extract(): the whole extraction as `pcapkit extract` runs it, with the GIL released; its
// summary as a dict.
py::dict Run(py::object source, const py::dict& keywords);

}  // namespace pcapkit::python
