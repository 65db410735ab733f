// pcapkit._pcapkit: the engine for the Python package `pcapkit` (python/pcapkit), which
// builds jspcap's interface on these few types (docs/python.md).
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "columns.h"
#include "dict_builder.h"
#include "pcapkit/protocols.h"
#include "reader.h"
#include "report_lines.h"

namespace pcapkit::python {

namespace {

// Python's classes of pcapkit's exceptions, made once with the module.
struct Exceptions {
  PyObject* error;
  PyObject* format;
  PyObject* input;
  PyObject* protocol_not_found;
  PyObject* output;
};
Exceptions exceptions;

void RaiseInputError(const InputError& e) {
  py::object error = py::reinterpret_borrow<py::object>(exceptions.input)(e.what());
  error.attr("file") = e.file();
  error.attr("frame") = e.frame();
  error.attr("offset") = e.offset();
  PyErr_SetObject(exceptions.input, error.ptr());
}

void Translate(std::exception_ptr thrown) {
  try {
    if (thrown) std::rethrow_exception(thrown);
  } catch (const InputError& e) {
    RaiseInputError(e);
  } catch (const FormatError& e) {
    PyErr_SetString(exceptions.format, e.what());
  } catch (const ProtocolNotFound& e) {
    PyErr_SetString(exceptions.protocol_not_found, e.what());
  } catch (const OutputError& e) {
    PyErr_SetString(exceptions.output, e.what());
  } catch (const Error& e) {
    PyErr_SetString(exceptions.error, e.what());
  }
}

py::object Steal(PyObject* built) {
  if (built == nullptr) throw py::error_already_set();
  return py::reinterpret_steal<py::object>(built);
}

// records(): one dict per frame, the object its ndjson line holds.
class Records {
 public:
  Records(py::object source, const py::kwargs& keywords) : reader_(std::move(source), keywords) {}
  py::object Next() {
    const Frame* frame = reader_.Next();
    if (frame == nullptr) throw py::stop_iteration();
    DescribeFrame(*frame, builder_, reader_.style());
    return Steal(builder_.Take());
  }

 private:
  Reader reader_;
  DictBuilder builder_;
};

// What extract() stores: each frame's record and protocol chain, and the reassembly
// records its frames complete, as (protocol, record, payload, packet chain or None).
class Frames {
 public:
  Frames(py::object source, const ReassemblyOptions& reassembly, const py::kwargs& keywords)
      : reader_(std::move(source), keywords), strict_(reassembly.strict) {
    if (reassembly.ipv4 || reassembly.ipv6 || reassembly.tcp)
      reassembler_ = std::make_unique<Reassembler>(
          reassembly,
          ReassemblyCallbacks{
              .datagram = [this](const Datagram& d) { Keep(d.ipv6 ? "ipv6" : "ipv4", d); },
              .stream = [this](const StreamData& s) { Keep("tcp", s); }});
  }

  // (record, chain) of the next frame.
  py::tuple Next() {
    const Frame* frame = reader_.Next();
    if (frame == nullptr) throw py::stop_iteration();
    DescribeFrame(*frame, builder_, reader_.style());
    py::object record = Steal(builder_.Take());
    if (reassembler_) reassembler_->Feed(*frame);
    if (failed_) throw py::error_already_set();
    return py::make_tuple(record, ProtocolChain(*frame));
  }
  // The reassembly records made since the last call; `finish`: the capture ended.
  py::list Reassembled(bool finish) {
    if (finish && reassembler_) reassembler_->Finish();
    if (failed_) throw py::error_already_set();
    py::list out = std::move(reassembled_);
    reassembled_ = py::list();
    return out;
  }

 private:
  void Describe(const Datagram& d) { DescribeDatagram(d, builder_, reader_.style()); }
  void Describe(const StreamData& s) { DescribeStream(s, builder_, reader_.style()); }
  // As the reassembly report: an incomplete record is kept only when strict.
  template <class Record>
  void Keep(const char* protocol, const Record& r) {
    if (failed_ || (!strict_ && r.status != ReassemblyStatus::kComplete)) return;
    Describe(r);
    PyObject* info = builder_.Take();
    if (info == nullptr) {
      failed_ = true;
      return;
    }
    bool complete = r.status == ReassemblyStatus::kComplete;
    py::object payload = complete
                             ? py::object(py::bytes(reinterpret_cast<const char*>(r.payload.data()),
                                                    r.payload.size()))
                             : py::object(py::none());
    py::object chain =
        r.packet ? py::object(py::str(ProtocolChain(*r.packet))) : py::object(py::none());
    reassembled_.append(
        py::make_tuple(protocol, py::reinterpret_steal<py::object>(info), payload, chain));
  }

  Reader reader_;
  DictBuilder builder_;
  std::unique_ptr<Reassembler> reassembler_;
  bool strict_;
  py::list reassembled_;
  bool failed_ = false;
};

py::list Protocols() {
  py::list out;
  for (const ProtocolDescription& p : ListProtocols())
    if (!p.transparent) out.append(py::make_tuple(p.name, p.key, LayerName(p.layer)));
  return out;
}

// `pcapkit fields KIND`: (name, type, protocol, meaning) of every -e name of the records
// of `kind` ("frame", "flow", "analysis").
py::list Fields(const std::string& kind) {
  RecordKind k = kind == "flow"       ? RecordKind::kFlow
                 : kind == "analysis" ? RecordKind::kAnalysis
                 : kind == "frame"    ? RecordKind::kFrame
                                      : throw FormatError(
                                            "fields: kind is 'frame', 'flow' or "
                                               "'analysis', not '" +
                                            kind + "'");
  py::list out;
  for (const SelectableField& f : SelectableFields(k))
    out.append(py::make_tuple(f.name, f.type, f.protocol, f.meaning));
  return out;
}

void DefineExceptions(py::module_& m) {
  auto make = [&](const char* name, PyObject* base, const char* doc) {
    PyObject* type =
        PyErr_NewExceptionWithDoc((std::string("pcapkit.") + name).c_str(), doc, base, nullptr);
    if (type == nullptr) throw py::error_already_set();
    m.add_object(name, py::reinterpret_borrow<py::object>(type));
    return type;
  };
  exceptions.error = make("Error", PyExc_Exception, "Root of pcapkit's exceptions.");
  exceptions.format =
      make("FormatError", exceptions.error,
           "Something asked that cannot be done as asked (an unknown format, field or protocol).");
  exceptions.input =
      make("InputError", exceptions.error,
           "The capture cannot be read further; `file`, `frame` and `offset` say where.");
  exceptions.protocol_not_found = make("ProtocolNotFound", exceptions.error,
                                       "A frame was asked for a layer it does not carry.");
  exceptions.output = make("OutputError", exceptions.error, "A report could not be written.");
  py::register_exception_translator(Translate);
}

}  // namespace

}  // namespace pcapkit::python

PYBIND11_MODULE(_pcapkit, m) {
  using namespace pcapkit::python;
  namespace pk = pcapkit;
  m.doc() = "pcapkit's engine; use the package `pcapkit` (docs/python.md).";
  DefineExceptions(m);

  py::class_<Records>(m, "Records")
      .def(py::init<py::object, const py::kwargs&>(), py::arg("source"))
      .def("__iter__", [](Records& r) -> Records& { return r; })
      .def("__next__", &Records::Next);

  py::class_<pk::ReassemblyOptions>(m, "ReassemblyOptions")
      .def(py::init<>())
      .def_readwrite("ipv4", &pk::ReassemblyOptions::ipv4)
      .def_readwrite("ipv6", &pk::ReassemblyOptions::ipv6)
      .def_readwrite("tcp", &pk::ReassemblyOptions::tcp)
      .def_readwrite("strict", &pk::ReassemblyOptions::strict)
      .def_readwrite("tcp_messages", &pk::ReassemblyOptions::tcp_messages);

  py::class_<Frames>(m, "Frames")
      .def(py::init<py::object, const pk::ReassemblyOptions&, const py::kwargs&>(),
           py::arg("source"), py::arg("reassembly"))
      .def("__iter__", [](Frames& f) -> Frames& { return f; })
      .def("__next__", &Frames::Next)
      .def("reassembled", &Frames::Reassembled, py::arg("finish") = false);

  py::class_<ReportLines>(m, "ReportLines")
      .def(py::init<py::object, const std::string&, const py::dict&>(), py::arg("source"),
           py::arg("kind"), py::arg("options"))
      .def("__iter__", [](ReportLines& r) -> ReportLines& { return r; })
      .def("__next__", &ReportLines::Next);

  m.def("run", &Run, py::arg("source"), py::arg("options"));
  m.def("columns", &ReadColumns, py::arg("source"), py::arg("fields"), py::arg("occurrence"),
        py::arg("options"));
  m.def("protocols", &Protocols);
  m.def("fields", &Fields, py::arg("kind"));
}
