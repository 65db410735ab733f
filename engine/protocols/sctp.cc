// SCTP (RFC 9260, IP protocol 132): the common header, then its chunks as a list. Each
// chunk has its type, flags and length, and the fields of its type: DATA and I-DATA
// (RFC 8260), INIT and INIT ACK with their parameters, SACK's gap blocks and duplicate
// TSNs, HEARTBEAT's parameters, ABORT's and ERROR's causes, SHUTDOWN's cumulative TSN,
// COOKIE ECHO's cookie, ECNE and CWR, FORWARD TSN (RFC 3758), AUTH (RFC 4895), ASCONF and
// ASCONF-ACK (RFC 5061), RE-CONFIG (RFC 6525); any other type, or a chunk shorter than its
// type's fixed fields, is its value in hex. Chunks are padded to 4 bytes; one whose length
// is below 4 or runs past the packet ends the list with an `error` entry.
//
// The chunks are the layer's own: the packet has no single payload. A DATA chunk's user
// data is counted (`data_len`) and, with --payload, written as hex; its protocol is named
// only by the PPID, which too few stacks set for a dispatch table to be worth it.
#include "engine/protocols/common.h"
#include "engine/util/tlv.h"

namespace pcapkit::protocols {
namespace {

using util::TlvCursor;
using util::TlvEntry;
using util::TlvError;
using util::TlvLayout;

constexpr uint32_t kCommonHeader = 12;

enum Chunk : uint8_t {
  kData = 0,
  kInit = 1,
  kInitAck = 2,
  kSack = 3,
  kHeartbeat = 4,
  kHeartbeatAck = 5,
  kAbort = 6,
  kShutdown = 7,
  kError = 9,
  kCookieEcho = 10,
  kEcne = 12,
  kCwr = 13,
  kShutdownComplete = 14,
  kAuth = 15,
  kIData = 64,
  kAsconfAck = 128,
  kReconfig = 130,
  kForwardTsn = 192,
  kAsconf = 193,
};

// Chunks, and the parameters and error causes inside them, share one layout: a type, a
// 16-bit length counting the header, padding to 4 bytes.
constexpr TlvLayout kChunkLayout{.type_at = 0,
                                 .type_size = 1,
                                 .length_at = 2,
                                 .length_size = 2,
                                 .length_counts = util::TlvLength::kEntry,
                                 .align = 4,
                                 .cut_header_is_error = true};
constexpr TlvLayout kParamLayout{.type_at = 0,
                                 .type_size = 2,
                                 .length_at = 2,
                                 .length_size = 2,
                                 .length_counts = util::TlvLength::kEntry,
                                 .align = 4,
                                 .cut_header_is_error = true};

void Dissect(const uint8_t*, uint32_t len, DissectResult& out) {
  if (len < kCommonHeader) {
    out.error = "SCTP: common header truncated";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

const char* TlvErrorText(TlvError e) {
  switch (e) {
    case TlvError::kHeaderCut:
      return "header runs past its list";
    case TlvError::kBadLength:
      return "length below 4";
    default:
      return "runs past its list";
  }
}

// Parameters (INIT, HEARTBEAT, ASCONF, RE-CONFIG) or error causes (ABORT, ERROR): type,
// length and value, the last entry an error when one is malformed.
void WriteTlvs(const char* key, const char* type_key, const uint8_t* p, uint32_t n, Emitter& out) {
  out.BeginArray(key);
  TlvCursor list(p, n, kParamLayout);
  TlvEntry e;
  while (list.Next(e)) {
    out.BeginObject();
    out.Uint(type_key, e.type);
    if (e.error == TlvError::kHeaderCut) {
      out.Plain("error", TlvErrorText(e.error));
      out.EndObject();
      break;
    }
    out.Uint("length", Be16(e.header + 2));
    if (e.error != TlvError::kNone) {
      out.Plain("error", TlvErrorText(e.error));
      out.EndObject();
      break;
    }
    out.Hex("value", e.value, e.value_len);
    out.EndObject();
  }
  out.EndArray();
}

void WriteUserData(const uint8_t* v, uint32_t n, uint32_t at, Emitter& out) {
  out.Uint("data_len", n - at);
  if (out.payload()) out.Hex("data", v + at, n - at);
}

// DATA (RFC 9260 §3.3.1) and I-DATA (RFC 8260 §2.1): their flags, fixed fields and data.
void WriteData(uint8_t type, uint8_t flags, const uint8_t* v, uint32_t n, Emitter& out) {
  out.Bool("i", (flags & 0x08) != 0);
  out.Bool("u", (flags & 0x04) != 0);
  out.Bool("b", (flags & 0x02) != 0);
  out.Bool("e", (flags & 0x01) != 0);
  out.Uint("tsn", Be32(v));
  out.Uint("stream_id", Be16(v + 4));
  if (type == kData) {
    out.Uint("stream_seq", Be16(v + 6));
    out.Uint("ppid", Be32(v + 8));
    return WriteUserData(v, n, 12, out);
  }
  out.Uint("reserved", Be16(v + 6));
  out.Uint("mid", Be32(v + 8));
  out.Uint((flags & 0x02) != 0 ? "ppid" : "fsn", Be32(v + 12));
  WriteUserData(v, n, 16, out);
}

void WriteInit(const uint8_t* v, uint32_t n, Emitter& out) {
  out.Uint("initiate_tag", Be32(v));
  out.Uint("a_rwnd", Be32(v + 4));
  out.Uint("outbound_streams", Be16(v + 8));
  out.Uint("inbound_streams", Be16(v + 10));
  out.Uint("initial_tsn", Be32(v + 12));
  WriteTlvs("params", "type", v + 16, n - 16, out);
}

// SACK (§3.3.4): as many gap blocks and duplicate TSNs as the chunk holds of those it
// counts; a shortfall is an error entry (blocks) or `dup_tsns_error`. True when they are
// the whole chunk.
bool WriteSack(const uint8_t* v, uint32_t n, Emitter& out) {
  uint32_t gaps = Be16(v + 8), dups = Be16(v + 10), at = 12;
  out.Uint("cum_tsn_ack", Be32(v));
  out.Uint("a_rwnd", Be32(v + 4));
  out.Uint("num_gap_blocks", gaps);
  out.Uint("num_dup_tsns", dups);
  out.BeginArray("gap_blocks");
  for (uint32_t i = 0; i < gaps; ++i, at += 4) {
    out.BeginObject();
    if (at + 4 > n) {
      out.Plain("error", "gap block runs past the chunk");
      out.EndObject();
      break;
    }
    out.Uint("start", Be16(v + at));
    out.Uint("end", Be16(v + at + 2));
    out.EndObject();
  }
  out.EndArray();
  if (at > n) return out.Plain("dup_tsns_error", "duplicate TSNs run past the chunk"), false;
  out.BeginArray("dup_tsns");
  uint32_t i = 0;
  for (; i < dups && at + 4 <= n; ++i, at += 4) out.Uint({}, Be32(v + at));
  out.EndArray();
  if (i < dups) out.Plain("dup_tsns_error", "duplicate TSNs run past the chunk");
  return at == n;
}

// True when the streams are the whole chunk.
bool WriteForwardTsn(const uint8_t* v, uint32_t n, Emitter& out) {
  out.Uint("new_cum_tsn", Be32(v));
  out.BeginArray("streams");
  for (uint32_t at = 4; at + 4 <= n; at += 4) {
    out.BeginObject();
    out.Uint("stream_id", Be16(v + at));
    out.Uint("stream_seq", Be16(v + at + 2));
    out.EndObject();
  }
  out.EndArray();
  return (n - 4) % 4 == 0;
}

void WriteAuth(const uint8_t* v, uint32_t n, Emitter& out) {
  out.Uint("shared_key_id", Be16(v));
  out.Uint("hmac_id", Be16(v + 2));
  out.Hex("hmac", v + 4, n - 4);
}

// The fixed fields' size of the types detailed here (0 for the others).
uint32_t FixedSize(uint8_t type) {
  switch (type) {
    case kData:
    case kSack:
      return 12;
    case kIData:
    case kInit:
    case kInitAck:
      return 16;
    case kShutdown:
    case kEcne:
    case kCwr:
    case kForwardTsn:
    case kAuth:
    case kAsconf:
    case kAsconfAck:
      return 4;
  }
  return 0;
}

// The fields of the chunk's type; false when it has none here, or they leave bytes of the
// value unaccounted for: the whole value is then written in hex too.
bool WriteTyped(uint8_t type, uint8_t flags, const uint8_t* v, uint32_t n, Emitter& out) {
  if (n < FixedSize(type)) return false;
  switch (type) {
    case kData:
    case kIData:
      return WriteData(type, flags, v, n, out), true;
    case kInit:
    case kInitAck:
      return WriteInit(v, n, out), true;
    case kSack:
      return WriteSack(v, n, out);
    case kHeartbeat:
    case kHeartbeatAck:
    case kReconfig:
      return WriteTlvs("params", "type", v, n, out), true;
    case kAbort:
    case kError:
      if (type == kAbort) out.Bool("t", (flags & 0x01) != 0);
      return WriteTlvs("causes", "code", v, n, out), true;
    case kShutdown:
      return out.Uint("cum_tsn_ack", Be32(v)), n == 4;
    case kShutdownComplete:
      return out.Bool("t", (flags & 0x01) != 0), n == 0;
    case kCookieEcho:
      return out.Hex("cookie", v, n), true;
    case kEcne:
    case kCwr:
      return out.Uint("lowest_tsn", Be32(v)), n == 4;
    case kForwardTsn:
      return WriteForwardTsn(v, n, out);
    case kAuth:
      return WriteAuth(v, n, out), true;
    case kAsconf:
    case kAsconfAck:
      out.Uint("serial", Be32(v));
      return WriteTlvs("params", "type", v + 4, n - 4, out), true;
  }
  return n == 0;  // SHUTDOWN ACK, COOKIE ACK: no value
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("srcport", Be16(p));
  out.Uint("dstport", Be16(p + 2));
  out.Uint("verification_tag", Be32(p + 4));
  out.Uint("checksum", Be32(p + 8));
  out.BeginArray("chunks");
  TlvCursor chunks(p + kCommonHeader, l.hdr_len - kCommonHeader, kChunkLayout);
  TlvEntry c;
  while (chunks.Next(c)) {
    out.BeginObject();
    out.Uint("type", c.type);
    if (c.error == TlvError::kHeaderCut) {
      out.Plain("error", "chunk header runs past the packet");
      out.EndObject();
      break;
    }
    uint8_t flags = c.header[1];
    out.Uint("flags", flags);
    out.Uint("length", Be16(c.header + 2));
    if (c.error != TlvError::kNone) {
      out.Plain("error", c.error == TlvError::kBadLength ? "chunk length below 4"
                                                         : "chunk runs past the packet");
      out.EndObject();
      break;
    }
    if (!WriteTyped(uint8_t(c.type), flags, c.value, c.value_len, out) && c.value_len > 0)
      out.Hex("value", c.value, c.value_len);
    out.EndObject();
  }
  out.EndArray();
}

constexpr FieldSpec kFields[] = {
    {"srcport", kInt, "source port", "sctp.srcport"},
    {"dstport", kInt, "destination port", "sctp.dstport"},
    {"verification_tag", kInt, "verification tag", "sctp.verification_tag"},
    {"checksum", kInt, "CRC32c, as on the wire (not verified)", "sctp.checksum"},
    {"chunks", kList, "the chunks, in order", nullptr},
    {"chunks[].type", kInt,
     "chunk type: 0 DATA, 1 INIT, 2 INIT ACK, 3 SACK, 4/5 HEARTBEAT/ACK, 6 ABORT, 7 "
     "SHUTDOWN, 8 SHUTDOWN ACK, 9 ERROR, 10/11 COOKIE ECHO/ACK, 14 SHUTDOWN COMPLETE, 15 "
     "AUTH, 64 I-DATA, 128 ASCONF-ACK, 130 RE-CONFIG, 132 PAD, 192 FORWARD TSN, 193 ASCONF",
     "sctp.chunk_type"},
    {"chunks[].flags", kInt, "chunk flags", "sctp.chunk_flags"},
    {"chunks[].length", kInt, "chunk length: header and value, padding not included",
     "sctp.chunk_length"},
    {"chunks[].error", kText,
     "the chunk's header is cut, its length is below 4 or it runs past the packet (the list "
     "ends there)",
     nullptr},
    {"chunks[].value", kHex,
     "the chunk's whole value, when it is not detailed here (another type, shorter than its "
     "type's fixed fields) or has bytes its fields leave out",
     nullptr},
    {"chunks[].i", kBool, "DATA, I-DATA: the I bit (RFC 7053: respond immediately)",
     "sctp.data_i_bit"},
    {"chunks[].u", kBool, "DATA, I-DATA: unordered", "sctp.data_u_bit"},
    {"chunks[].b", kBool, "DATA, I-DATA: first fragment", "sctp.data_b_bit"},
    {"chunks[].e", kBool, "DATA, I-DATA: last fragment", "sctp.data_e_bit"},
    {"chunks[].tsn", kInt, "DATA, I-DATA: transmission sequence number", "sctp.data_tsn_raw"},
    {"chunks[].stream_id", kInt, "DATA, I-DATA: stream identifier", "sctp.data_sid"},
    {"chunks[].stream_seq", kInt, "DATA: stream sequence number", "sctp.data_ssn"},
    {"chunks[].ppid", kInt,
     "DATA, and I-DATA with B set: payload protocol identifier (as on the wire)",
     "sctp.data_payload_proto_id"},
    {"chunks[].reserved", kInt, "I-DATA: the reserved 16 bits", "sctp.data_reserved"},
    {"chunks[].mid", kInt, "I-DATA: message identifier", "sctp.data_mid"},
    {"chunks[].fsn", kInt, "I-DATA without B: fragment sequence number", "sctp.data_fsn"},
    {"chunks[].data_len", kInt, "DATA, I-DATA: bytes of user data (padding not included)", nullptr},
    {"chunks[].data", kHex, "DATA, I-DATA: the user data (with --payload)", nullptr},
    {"chunks[].initiate_tag", kInt, "INIT, INIT ACK: initiate tag", nullptr},
    {"chunks[].a_rwnd", kInt, "INIT, INIT ACK, SACK: advertised receiver window credit", nullptr},
    {"chunks[].outbound_streams", kInt, "INIT, INIT ACK: number of outbound streams", nullptr},
    {"chunks[].inbound_streams", kInt, "INIT, INIT ACK: number of inbound streams", nullptr},
    {"chunks[].initial_tsn", kInt, "INIT, INIT ACK: initial TSN", nullptr},
    {"chunks[].params", kList,
     "INIT, INIT ACK, HEARTBEAT (ACK), ASCONF (ACK), RE-CONFIG: the parameters", nullptr},
    {"chunks[].params[].type", kInt, "parameter type", nullptr},
    {"chunks[].params[].length", kInt, "parameter length: header and value", nullptr},
    {"chunks[].params[].value", kHex, "parameter value", nullptr},
    {"chunks[].params[].error", kText,
     "the parameter's header is cut, its length below 4 or it runs past the chunk (the list "
     "ends there)",
     nullptr},
    {"chunks[].cum_tsn_ack", kInt, "SACK, SHUTDOWN: cumulative TSN ack", nullptr},
    {"chunks[].num_gap_blocks", kInt, "SACK: number of gap ack blocks it says it holds",
     "sctp.sack_number_of_gap_blocks"},
    {"chunks[].num_dup_tsns", kInt, "SACK: number of duplicate TSNs it says it holds",
     "sctp.sack_number_of_duplicated_tsns"},
    {"chunks[].gap_blocks", kList, "SACK: the gap ack blocks", nullptr},
    {"chunks[].gap_blocks[].start", kInt, "offset from the cumulative TSN ack",
     "sctp.sack_gap_block_start"},
    {"chunks[].gap_blocks[].end", kInt, "offset from the cumulative TSN ack",
     "sctp.sack_gap_block_end"},
    {"chunks[].gap_blocks[].error", kText, "the block runs past the chunk (the list ends there)",
     nullptr},
    {"chunks[].dup_tsns", kList, "SACK: the duplicate TSNs", nullptr},
    {"chunks[].dup_tsns[]", kInt, "a duplicate TSN", "sctp.sack_duplicate_tsn"},
    {"chunks[].dup_tsns_error", kText, "SACK: the duplicate TSNs run past the chunk", nullptr},
    {"chunks[].t", kBool, "ABORT, SHUTDOWN COMPLETE: the T bit (the tag is reflected)", nullptr},
    {"chunks[].causes", kList, "ABORT, ERROR: the error causes", nullptr},
    {"chunks[].causes[].code", kInt, "cause code", "sctp.cause_code"},
    {"chunks[].causes[].length", kInt, "cause length: header and value", "sctp.cause_length"},
    {"chunks[].causes[].value", kHex, "cause-specific information", nullptr},
    {"chunks[].causes[].error", kText,
     "the cause's header is cut, its length below 4 or it runs past the chunk (the list ends "
     "there)",
     nullptr},
    {"chunks[].cookie", kHex, "COOKIE ECHO: the state cookie", "sctp.cookie"},
    {"chunks[].lowest_tsn", kInt, "ECNE, CWR: lowest TSN", nullptr},
    {"chunks[].new_cum_tsn", kInt, "FORWARD TSN: new cumulative TSN", "sctp.forward_tsn_tsn"},
    {"chunks[].streams", kList, "FORWARD TSN: the streams and their sequence numbers", nullptr},
    {"chunks[].streams[].stream_id", kInt, "stream identifier", "sctp.forward_tsn_sid"},
    {"chunks[].streams[].stream_seq", kInt, "stream sequence number", "sctp.forward_tsn_ssn"},
    {"chunks[].shared_key_id", kInt, "AUTH: shared key identifier", "sctp.shared_key_id"},
    {"chunks[].hmac_id", kInt, "AUTH: HMAC identifier", "sctp.hmac_id"},
    {"chunks[].hmac", kHex, "AUTH: the HMAC", "sctp.hmac"},
    {"chunks[].serial", kInt, "ASCONF, ASCONF-ACK: serial number", nullptr},
};

}  // namespace

const Registration kRegistration("sctp", [](Registry& r) {
  r.Add(
      {.name = "SCTP",
       .key = "sctp",
       .layer = LayerLevel::kTransport,
       .dissect = Dissect,
       .write = Write,
       .fields = kFields,
       .summary = "RFC 9260. The common header, then every chunk (type, flags, length and the "
                  "fields of its type) as a list entry; a chunk whose length is below 4 or runs "
                  "past the packet ends the list with an `error` entry. The checksum is not "
                  "verified. DATA's user data is not dissected further: `data_len`, and the bytes "
                  "with --payload. A packet shorter than its 12-byte header is `raw`."},
      {{Table::kIpProto, 132}});
});

}  // namespace pcapkit::protocols
