#include "reader.h"

#include <pybind11/stl.h>

#include <cstring>
#include <string>
#include <type_traits>

namespace pcapkit::python {

namespace {

// Takes keyword `name` out of `left` when it is there (None: left as it is); a value of
// the wrong type is a TypeError naming the option.
template <class T>
void Take(py::dict& left, const char* name, T& into) {
  if (!left.contains(name)) return;
  py::object v = left[name];
  PyDict_DelItemString(left.ptr(), name);
  if (v.is_none()) return;
  bool text = py::isinstance<py::str>(v);
  if constexpr (std::is_same_v<T, std::string>) {
    if (!text)
      throw py::type_error(std::string("option ") + name + ": a str, not " +
                           py::str(py::type::of(v).attr("__name__")).cast<std::string>());
  } else if (text) {
    // pybind11 would take "1" for a number; jspcap's options never were strings.
    throw py::type_error(std::string("option ") + name + ": not a str");
  }
  try {
    into = v.cast<T>();
  } catch (const py::cast_error&) {
    throw py::type_error(std::string("option ") + name + ": cannot take a " +
                         py::str(py::type::of(v).attr("__name__")).cast<std::string>());
  }
}

// A binary file object read through `readinto` (or `read`), with the GIL taken for each
// call: the reader runs with it released.
// `file` is borrowed: CaptureHold keeps it alive, and the reader may end on a thread
// without the GIL.
std::shared_ptr<CaptureSource> FileObjectCapture(py::handle file) {
  std::string name = py::hasattr(file, "name") ? py::str(file.attr("name")).cast<std::string>()
                                               : std::string("<file object>");
  auto read = [file](uint8_t* out, size_t n) -> size_t {
    py::gil_scoped_acquire gil;
    try {
      if (py::hasattr(file, "readinto")) {
        auto view = py::reinterpret_steal<py::object>(
            PyMemoryView_FromMemory(reinterpret_cast<char*>(out), Py_ssize_t(n), PyBUF_WRITE));
        py::object got = file.attr("readinto")(view);
        return got.is_none() ? 0 : got.cast<size_t>();
      }
      py::bytes got = file.attr("read")(n);
      std::string_view bytes = got;
      size_t k = std::min(bytes.size(), n);
      std::memcpy(out, bytes.data(), k);
      return k;
    } catch (py::error_already_set& e) {
      throw std::runtime_error(e.what());  // the reader stops with an InputError
    }
  };
  return CallbackCapture(read, name);
}

void SourceInto(py::object source, ExtractOptions& o, CaptureHold& hold) {
  hold.source = source;
  if (py::isinstance<py::str>(source) || py::hasattr(source, "__fspath__")) {
    o.input = py::str(py::module_::import("os").attr("fspath")(source)).cast<std::string>();
  } else if (PyObject_CheckBuffer(source.ptr())) {
    hold.buffer = py::buffer(source).request();
    auto* p = static_cast<const uint8_t*>(hold.buffer.ptr);
    o.source = MemoryCapture({p, size_t(hold.buffer.size * hold.buffer.itemsize)}, "<bytes>");
  } else if (py::hasattr(source, "readinto") || py::hasattr(source, "read")) {
    o.source = FileObjectCapture(hold.source);
  } else {
    throw py::type_error("a capture is a path, '-', a bytes-like object or a binary file");
  }
}

// The options of a whole extraction: its report, reassembly and trace.
void WholeRunOptions(py::dict& left, ExtractOptions& o) {
  std::string format, reassemble, trace_format;
  Take(left, "output", o.output);
  Take(left, "format", format);
  if (!format.empty()) o.format = ParseOutputFormat(format);
  Take(left, "files", o.files);
  Take(left, "force", o.force);
  Take(left, "nofile", o.nofile);
  Take(left, "verbose", o.verbose);
  Take(left, "reassemble", reassemble);
  if (!reassemble.empty()) ParseReassembly(reassemble, o.reassembly);
  Take(left, "strict", o.reassembly.strict);
  Take(left, "reassembly_output", o.reassembly_output);
  Take(left, "trace", o.trace.folder);
  Take(left, "trace_format", trace_format);
  if (!trace_format.empty()) o.trace.format = ParseOutputFormat(trace_format);
  Take(left, "threads", o.threads);
  Take(left, "protocols", o.analyse.protocols);  // analyse's --protocols
  o.quiet = true;                                // no progress line from a library call
}

}  // namespace

ExtractOptions OptionsFrom(py::object source, const py::dict& keywords, bool whole_run,
                           CaptureHold& hold) {
  py::dict left = py::dict(keywords);  // a copy: what is taken out is removed
  ExtractOptions o;
  std::string layer, engine;
  Take(left, "layer", layer);
  if (!layer.empty() && layer != "none") o.stop_layer = ParseLayerLevel(layer);
  Take(left, "protocol", o.stop_protocol);
  Take(left, "payload", o.payload);
  Take(left, "names", o.names);
  Take(left, "filter", o.filter);
  Take(left, "frames", o.frames);
  Take(left, "count", o.count);
  Take(left, "max_layers", o.max_layers);
  Take(left, "max_record_length", o.max_record);
  Take(left, "extension", o.auto_extension);
  Take(left, "engine", engine);
  if (!engine.empty() && engine != "default") {
    o.strategy = ParseStrategy(engine);
    o.engine = engine;
  }
  if (whole_run) WholeRunOptions(left, o);
  if (!whole_run && IsForeignEngine(o.strategy))
    throw FormatError("engine " + engine + " writes reports only: use extract() to run it");
  if (!left.empty()) {
    std::string names;
    for (auto item : left)
      names += (names.empty() ? "" : ", ") + py::str(item.first).cast<std::string>();
    throw py::type_error("unexpected keyword argument(s): " + names);
  }
  SourceInto(std::move(source), o, hold);
  return o;
}

Reader::Reader(py::object source, const py::dict& keywords) {
  ExtractOptions o = OptionsFrom(std::move(source), keywords, false, hold_);
  style_ = {o.payload, o.names};
  py::gil_scoped_release nogil;  // opening reads the capture's header
  extractor_ = std::make_unique<Extractor>(std::move(o));
}

const Frame* Reader::Next() {
  py::gil_scoped_release nogil;
  return extractor_->Next();
}

py::dict Run(py::object source, const py::dict& keywords) {
  CaptureHold hold;
  ExtractOptions o = OptionsFrom(std::move(source), keywords, true, hold);
  if (!o.nofile) ResolveOutput(o);
  ExtractSummary s;
  {
    py::gil_scoped_release nogil;
    Extractor extractor(std::move(o));
    s = extractor.Run();
  }
  py::dict out;
  out["frames"] = s.frames;
  out["bytes"] = s.bytes;
  out["output"] = s.output;
  out["files"] = s.files;
  out["reassembly_output"] = s.reassembly_output;
  out["reassembly_records"] = s.reassembly_records;
  out["trace_files"] = s.trace_files;
  out["trace_index"] = s.trace_index;
  return out;
}

}  // namespace pcapkit::python
