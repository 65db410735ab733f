// Records without text in between: a frame's record described member by member to an
// Emitter of your own (pcapkit/emitter.h), or the fields -e selects handed out value by
// value. How a binding builds its own objects at the engine's speed: the Python module's
// dicts and DataFrame columns are made this way. docs/schema.md is the records' contract.
//
//   pcapkit::Extractor ex({.input = "in.pcap"});
//   MyEmitter out;
//   while (const pcapkit::Frame* f = ex.Next()) pcapkit::DescribeFrame(*f, out);
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "pcapkit/emitter.h"
#include "pcapkit/frame.h"
#include "pcapkit/options.h"
#include "pcapkit/reassembly.h"

namespace pcapkit {

// The options of `extract` that change what a frame's record holds.
struct RecordStyle {
  bool payload = false;  // --payload: raw layers' `data`, Ethernet padding
  bool names = false;    // --names: enumerations' `<key>_name` members
};

// Describes `frame`'s record as one object, the object an ndjson line of `extract` holds
// (without --flow-id's members, which a later stage adds).
void DescribeFrame(const Frame& frame, Emitter& out, const RecordStyle& style = {});

// A reassembly record as one object, as `reassemble` writes it (docs/schema.md
// "Reassembly records"); with `style.payload` incomplete ones also list the bytes of their
// received runs, as --strict has them.
void DescribeDatagram(const Datagram& datagram, Emitter& out, const RecordStyle& style = {});
void DescribeStream(const StreamData& stream, Emitter& out, const RecordStyle& style = {});

// "Ethernet:IPv4:TCP": the display names of a frame's layers, as `protocols` has them.
std::string ProtocolChain(const Frame& frame);

// Text as records hold it: `text` when it is valid UTF-8, else a copy in `scratch` with
// each byte that is not part of a valid sequence replaced by U+FFFD (what Emitter::Text's
// implementations write).
std::string_view ValidUtf8(std::string_view text, std::string& scratch);

// -e: the values of the selected fields of each frame record, column by column.
//
//   pcapkit::FieldColumns columns({.names = {"ipv4.src", "tcp.dstport"}});
//   columns.Collect(frame);
//   std::vector<pcapkit::FieldColumns::Cell> cells;
//   columns.Values(1, cells);  // {kNumber, "443"}
class FieldColumns {
 public:
  // How a value reads: kNumber is decimal text or `true`/`false`; kText any text (the
  // engine's own, or from the wire with invalid UTF-8 replaced); kJson an object or a
  // list selected whole, as JSON.
  enum class Value { kNumber, kText, kJson };
  // What docs/schema.md declares of a column's values.
  enum class Type { kInteger, kNumber, kBool, kText, kMixed };

  // Throws FormatError on a name frame records do not have (naming the nearest ones), a
  // duplicate, or an empty list.
  explicit FieldColumns(const FieldOptions& fields, const RecordStyle& style = {});
  ~FieldColumns();
  FieldColumns(const FieldColumns&) = delete;
  FieldColumns& operator=(const FieldColumns&) = delete;

  const std::vector<std::string>& names() const;
  Type type(size_t column) const;
  // One value of a column.
  struct Cell {
    Value kind;
    std::string_view text;
  };
  // Describes `frame`'s selected fields; Values then hands them out.
  void Collect(const Frame& frame);
  // Column `column`'s values in the frame last collected, in the order --occurrence gives
  // them (none: the field is absent), into `out` (cleared first). Valid until the next
  // Collect.
  void Values(size_t column, std::vector<Cell>& out) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pcapkit
