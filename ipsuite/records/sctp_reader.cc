// SCTP records back to bytes: the common header and every chunk as
// engine/protocols/sctp.cc wrote it. A chunk's `value`, when present, is its whole value;
// otherwise its type's fields give it. Chunks, parameters and causes are padded to 4 bytes
// with zeros. A malformed chunk, parameter, cause or gap block is an error: its bytes are
// in no record. DATA and I-DATA need their user data, which only `extract --payload`
// writes.
#include "ipsuite/records/layer_readers.h"

namespace pcapkit::ipsuite::records {
namespace {

void Pad4(Bytes& b) {
  while (b.size() % 4 != 0) Put8(b, 0);
}

// Parameters or error causes: type (or code), length, value.
void PutTlvs(FieldReader& c, std::string_view key, std::string_view type_key, Bytes& v) {
  if (!c.Has(key)) return;
  c.EachObject(key, [&](FieldReader& t) {
    if (t.Has("error")) return t.Fail("error", "a malformed entry is in no record");
    Bytes value = t.Hex("value");
    uint16_t length = t.U16("length");
    if (t.ok() && length != value.size() + 4) return t.Fail("length", "not the value's length");
    Put16(v, t.U16(type_key));
    Put16(v, length);
    PutBytes(v, value);
    Pad4(v);
  });
}

void PutData(FieldReader& c, uint8_t type, Bytes& v) {
  Put32(v, c.U32("tsn"));
  Put16(v, c.U16("stream_id"));
  if (type == 0) {
    Put16(v, c.U16("stream_seq"));
    Put32(v, c.U32("ppid"));
  } else {
    Put16(v, c.U16("reserved"));
    Put32(v, c.U32("mid"));
    Put32(v, c.Has("ppid") ? c.U32("ppid") : c.U32("fsn"));
  }
  if (!c.Has("data")) return c.Fail("data", "missing: extract with --payload keeps user data");
  PutBytes(v, c.Hex("data"));
}

void PutSack(FieldReader& c, Bytes& v) {
  Put32(v, c.U32("cum_tsn_ack"));
  Put32(v, c.U32("a_rwnd"));
  Put16(v, c.U16("num_gap_blocks"));
  Put16(v, c.U16("num_dup_tsns"));
  c.EachObject("gap_blocks", [&](FieldReader& g) {
    if (g.Has("error")) return g.Fail("error", "a cut gap block is in no record");
    Put16(v, g.U16("start"));
    Put16(v, g.U16("end"));
  });
  if (c.Has("dup_tsns_error")) return c.Fail("dup_tsns_error", "cut duplicate TSNs");
  c.EachUint("dup_tsns", [&](uint64_t tsn) { Put32(v, uint32_t(tsn)); });
}

void PutForwardTsn(FieldReader& c, Bytes& v) {
  Put32(v, c.U32("new_cum_tsn"));
  c.EachObject("streams", [&](FieldReader& s) {
    Put16(v, s.U16("stream_id"));
    Put16(v, s.U16("stream_seq"));
  });
}

// The chunk's value from the fields of its type.
Bytes ChunkValue(FieldReader& c, uint8_t type) {
  Bytes v;
  if (c.Has("value")) return c.Hex("value");
  switch (type) {
    case 0:
    case 64:
      PutData(c, type, v);
      break;
    case 1:
    case 2:
      Put32(v, c.U32("initiate_tag"));
      Put32(v, c.U32("a_rwnd"));
      Put16(v, c.U16("outbound_streams"));
      Put16(v, c.U16("inbound_streams"));
      Put32(v, c.U32("initial_tsn"));
      PutTlvs(c, "params", "type", v);
      break;
    case 3:
      PutSack(c, v);
      break;
    case 6:
    case 9:
      PutTlvs(c, "causes", "code", v);
      break;
    case 7:
      Put32(v, c.U32("cum_tsn_ack"));
      break;
    case 10:
      PutBytes(v, c.Hex("cookie"));
      break;
    case 12:
    case 13:
      Put32(v, c.U32("lowest_tsn"));
      break;
    case 15:
      Put16(v, c.U16("shared_key_id"));
      Put16(v, c.U16("hmac_id"));
      PutBytes(v, c.Hex("hmac"));
      break;
    case 192:
      PutForwardTsn(c, v);
      break;
    case 128:
    case 193:
      Put32(v, c.U32("serial"));
      PutTlvs(c, "params", "type", v);
      break;
    default:  // HEARTBEAT (ACK), RE-CONFIG: parameters; the others: nothing
      PutTlvs(c, "params", "type", v);
  }
  return v;
}

}  // namespace

void ReadSctp(FieldReader& f, Packet& p) {
  Sctp sctp{.srcport = f.U16("srcport"),
            .dstport = f.U16("dstport"),
            .verification_tag = f.U32("verification_tag")};
  sctp.checksum = f.U32("checksum");  // --fix-checksums drops it: the CRC32c is computed
  Bytes& b = sctp.chunks;
  f.EachObject("chunks", [&](FieldReader& c) {
    if (c.Has("error")) return c.Fail("error", "a malformed chunk is in no record");
    uint8_t type = c.U8("type");
    uint16_t length = c.U16("length");
    Put8(b, type);
    Put8(b, c.U8("flags"));
    Put16(b, length);
    Bytes v = ChunkValue(c, type);
    if (c.ok() && length != v.size() + 4) return c.Fail("length", "not the chunk's length");
    PutBytes(b, v);
    Pad4(b);
  });
  p.Append(std::move(sctp));
}

}  // namespace pcapkit::ipsuite::records
