#include "pcapkit/records.h"

#include "engine/packet/dissector.h"
#include "engine/protocols/registry.h"
#include "engine/util/status.h"
#include "engine/util/utf8.h"
#include "formats/field_collector.h"
#include "formats/field_selection.h"
#include "formats/fields_report.h"
#include "formats/reassembly_record.h"
#include "formats/record.h"

namespace pcapkit {

void DescribeFrame(const Frame& frame, Emitter& out, const RecordStyle& style) {
  out.set_names(style.names);
  out.set_payload(style.payload);
  formats::RecordOptions options{style.payload, nullptr, style.names};
  formats::WriteFrameRecord(frame, protocols::Registry::Builtin(), options, {}, out);
}

namespace {

template <class Record, class Write>
void DescribeReassembly(const Record& record, Emitter& out, const RecordStyle& style, Write write) {
  out.set_names(style.names);
  out.set_payload(style.payload);
  out.BeginObject();
  write(record, protocols::Registry::Builtin(), {style.payload, nullptr, style.names}, out);
  out.EndObject();
}

}  // namespace

void DescribeDatagram(const Datagram& datagram, Emitter& out, const RecordStyle& style) {
  DescribeReassembly(datagram, out, style, formats::WriteDatagramFields);
}

void DescribeStream(const StreamData& stream, Emitter& out, const RecordStyle& style) {
  DescribeReassembly(stream, out, style, formats::WriteStreamFields);
}

std::string ProtocolChain(const Frame& frame) {
  std::string chain;
  AppendProtocolChain(frame, protocols::Registry::Builtin(), chain);
  return chain;
}

std::string_view ValidUtf8(std::string_view text, std::string& scratch) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  if (util::IsUtf8(p, text.size())) return text;
  scratch.clear();
  for (size_t i = 0; i < text.size();) {
    size_t len = util::Utf8Length(p + i, text.size() - i);
    if (len == 0) {
      scratch += "\xEF\xBF\xBD";  // U+FFFD
      ++i;
    } else {
      scratch.append(text.data() + i, len);
      i += len;
    }
  }
  return scratch;
}

struct FieldColumns::Impl {
  formats::RecordOptions options;
  formats::FieldCollector collector;
};

FieldColumns::FieldColumns(const FieldOptions& fields, const RecordStyle& style)
    : impl_(std::make_unique<Impl>()) {
  const protocols::Registry& registry = protocols::Registry::Builtin();
  // --flow-id's members come from the flow stage, which records built alone do not pass.
  formats::FieldCatalogue catalogue{formats::FrameFields(), &registry, true};
  impl_->options = {style.payload, nullptr, style.names};
  Raise(formats::FieldSelection::Make(fields, catalogue, &impl_->options.fields));
}

FieldColumns::~FieldColumns() = default;

const std::vector<std::string>& FieldColumns::names() const {
  return impl_->options.fields->names();
}

FieldColumns::Type FieldColumns::type(size_t column) const {
  using protocols::FieldType;
  switch (impl_->options.fields->types(column)) {
    case FieldType::kInt:
      return Type::kInteger;
    case FieldType::kNumber:
      return Type::kNumber;
    case FieldType::kBool:
      return Type::kBool;
    case FieldType::kText:
    case FieldType::kHex:
    case FieldType::kMac:
    case FieldType::kIpv4:
    case FieldType::kIpv6:
    case FieldType::kIpv4 | FieldType::kIpv6:
      return Type::kText;
    default:
      return Type::kMixed;
  }
}

void FieldColumns::Collect(const Frame& frame) {
  impl_->collector.Reset(*impl_->options.fields);
  formats::CollectFrameFields(frame, protocols::Registry::Builtin(), impl_->options,
                              impl_->collector);
}

void FieldColumns::Values(size_t column, std::vector<Cell>& out) const {
  using Kind = formats::FieldCollector::Kind;
  out.clear();
  impl_->collector.ForEachValue(uint32_t(column), [&](Kind kind, std::string_view text) {
    Value value = kind == Kind::kNumber ? Value::kNumber
                  : kind == Kind::kJson ? Value::kJson
                                        : Value::kText;
    out.push_back({value, text});
  });
}

}  // namespace pcapkit
