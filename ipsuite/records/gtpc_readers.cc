// GTP records back to bytes, as engine/protocols/gtpv1.cc, gtpv1c.cc and gtpv2.cc wrote
// them: the header field by field, then every information element from its type, length
// and `value` (the decoded members beside it are not read: the value holds them). A
// malformed IE, extension header or piggybacked message is an error: its bytes are in no
// record.
#include "engine/protocols/gtpc_values.h"
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

// TS 29.060 §7.7: a TV IE (type below 128) is its type and value, a TLV one has a
// 2-byte length between them.
void PutV1Ies(FieldReader& f, Bytes& b) {
  f.EachObject("ies", [&](FieldReader& ie) {
    if (ie.Has("error")) return ie.Fail("error", "a malformed IE is in no record");
    uint8_t type = ie.U8("type");
    uint16_t length = ie.U16("length");
    Bytes value = ie.Hex("value");
    if (ie.ok() && length != value.size()) return ie.Fail("length", "not the value's length");
    // A TV IE's length is its type's: another one would be read back as other IEs.
    if (ie.ok() && type < 128 && length != protocols::gtpc::TvLength(type))
      return ie.Fail("length", "not the length TS 29.060 fixes for this type");
    Put8(b, type);
    if (type >= 128) Put16(b, length);
    PutBytes(b, value);
  });
}

void ReadGtpv1c(FieldReader& f, Packet& p) {
  Bytes b;
  PutGtpv1Header(f, b);
  if (f.Has("data")) PutBytes(b, f.Hex("data"));
  if (f.Has("ies")) PutV1Ies(f, b);
  p.Append(Raw{std::move(b)});
}

// TS 29.274 §8.2.1: type, length, CR flag and instance, value.
void PutV2Ies(FieldReader& f, Bytes& b) {
  f.EachObject("ies", [&](FieldReader& ie) {
    if (ie.Has("error")) return ie.Fail("error", "a malformed IE is in no record");
    uint16_t length = ie.U16("length");
    Bytes value = ie.Hex("value");
    if (ie.ok() && length != value.size()) return ie.Fail("length", "not the value's length");
    Put8(b, ie.U8("type"));
    Put16(b, length);
    Put8(b, uint8_t(ie.Uint("cr", 15) << 4 | ie.Uint("instance", 15)));
    PutBytes(b, value);
  });
}

void PutV2Message(FieldReader& f, Bytes& b) {
  uint8_t flags = f.U8("flags");
  Put8(b, flags);
  Put8(b, f.U8("message_type"));
  Put16(b, f.U16("length"));
  if (flags & 0x08) Put32(b, f.U32("teid"));
  uint32_t seq = uint32_t(f.Uint("seq", 0xffffff));
  Put8(b, uint8_t(seq >> 16));
  Put16(b, uint16_t(seq));
  if (flags & 0x04)
    Put8(b, uint8_t(f.Uint("priority", 15) << 4 | f.Uint("spare", 15)));
  else
    Put8(b, f.U8("spare"));
  PutV2Ies(f, b);
}

void ReadGtpv2(FieldReader& f, Packet& p) {
  Bytes b;
  PutV2Message(f, b);
  if (f.Has("piggybacked")) {
    FieldReader second = f.Object("piggybacked");
    if (second.Has("error")) return second.Fail("error", "a cut piggybacked message");
    PutV2Message(second, b);
  }
  p.Append(Raw{std::move(b)});
}

constexpr LayerReader kReaders[] = {{"gtpv1c", ReadGtpv1c}, {"gtpv2", ReadGtpv2}};

}  // namespace

void PutGtpv1Header(FieldReader& f, Bytes& b) {
  uint8_t flags = f.U8("flags");
  Put8(b, flags);
  Put8(b, f.U8("message_type"));
  Put16(b, f.U16("length"));
  Put32(b, f.U32("teid"));
  if (flags & 0x07) {
    Put16(b, f.U16("seq"));
    Put8(b, f.U8("npdu"));
    Put8(b, f.U8("next_type"));
  }
  if (!f.Has("ext_headers")) return;
  f.EachObject("ext_headers", [&](FieldReader& x) {
    if (x.Has("error")) return x.Fail("error", "a malformed extension header is in no record");
    uint8_t units = x.U8("length");
    Bytes content = x.Has("content") ? x.Hex("content") : Bytes{};
    if (x.ok() && content.size() + 2 != units * 4u)
      return x.Fail("content", "not the extension header's length");
    Put8(b, units);
    PutBytes(b, content);
    Put8(b, x.U8("next_type"));
  });
}

std::span<const LayerReader> GtpcReaders() {
  return kReaders;
}

}  // namespace pcapkit::ipsuite::records
