#include "formats/record.h"

#include "engine/packet/dissector.h"
#include "engine/util/time_format.h"

namespace pcapkit::formats {

using capture::MetaField;

void WriteFrameRecord(const Frame& frame, const protocols::Registry& registry,
                      const RecordOptions& options, std::string_view key, Emitter& out) {
  char buf[48];
  out.BeginObject(key);
  out.Uint("number", frame.number());
  out.Plain("time", std::string_view(buf, size_t(util::WriteIsoTime(buf, frame.time()) - buf)));
  out.Number("time_epoch",
             std::string_view(buf, size_t(util::WriteEpoch(buf, frame.time()) - buf)));
  out.Uint("cap_len", frame.cap_len());
  out.Uint("len", frame.len());
  out.Uint("interface", frame.interface());
  out.Uint("linktype", frame.linktype());
  // Display names are plain ASCII: build the chain in a stack buffer when it fits.
  char chain[512];
  size_t at = 0;
  bool fits = true;
  for (size_t i = 0; i < frame.layer_count() && fits; ++i) {
    std::string_view name = registry.Info(frame.layer(i).proto).name;
    if (at + name.size() + 1 >= sizeof chain)
      fits = false;
    else {
      if (i) chain[at++] = ':';
      name.copy(chain + at, name.size());
      at += name.size();
    }
  }
  if (fits) {
    out.Plain("protocols", std::string_view(chain, at));
  } else {
    std::string s;
    AppendProtocolChain(frame, registry, s);
    out.Plain("protocols", s);
  }
  out.Splice();

  WriteLayers(frame, registry, options, out);
  out.EndObject();
}

void WriteLayers(const Frame& frame, const protocols::Registry& registry,
                 const RecordOptions& options, Emitter& out) {
  const uint8_t* data = frame.data().data();
  for (size_t i = 0; i < frame.layer_count(); ++i) {
    const LayerSpan& l = frame.layer(i);
    const protocols::ProtocolInfo& info = registry.Info(l.proto);
    out.BeginObject(info.key);
    if (l.proto == ProtocolId::kRaw) {
      out.Uint("len", l.length);
      if (l.error) out.Plain("error", l.error);
      if (options.payload) out.Hex("data", data + l.offset, l.length);
    } else {
      info.write({data + l.offset, l.length, l.hdr_len, l.aux}, out);
    }
  }
  for (size_t i = 0; i < frame.layer_count(); ++i) out.EndObject();
}

void WriteMetaRecord(const capture::MetaRecord& meta, std::string_view key, Emitter& out) {
  out.BeginObject(key);
  for (const MetaField& f : meta.fields) {
    switch (f.kind) {
      case MetaField::kUint:
        out.Uint(f.key, f.u);
        break;
      case MetaField::kInt:
        out.Int(f.key, f.i);
        break;
      case MetaField::kBool:
        out.Bool(f.key, f.u != 0);
        break;
      case MetaField::kText:
        out.Text(f.key, f.text);
        break;
      case MetaField::kHex:
        out.Plain(f.key, f.text);
        break;
      case MetaField::kTextList:
        out.BeginArray(f.key);
        for (const std::string& s : f.list) out.Text({}, s);
        out.EndArray();
        break;
    }
  }
  out.EndObject();
}

void WriteAddress(Emitter& out, std::string_view key, bool ipv6, const uint8_t* p) {
  if (ipv6)
    out.Ipv6(key, p);
  else
    out.Ipv4(key, p);
}

}  // namespace pcapkit::formats
