// TCP (RFC 9293) with its options decoded by kind. The payload goes to the port table,
// lower port first (PyPCAPKit's rule); with nothing bound it stays `raw`. A malformed
// option ends the option list with an `error` entry but keeps the TCP layer: the fixed
// header is still sound.
#include "engine/protocols/common.h"
#include "engine/protocols/kind_length_options.h"

namespace pcapkit::protocols {
namespace {

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 20) {
    out.error = "TCP: header truncated";
    return;
  }
  uint32_t hdr = uint32_t(p[12] >> 4) * 4;
  if (hdr < 20) {
    out.error = "TCP: data offset below 20 bytes";
    return;
  }
  if (hdr > len) {
    out.error = "TCP: header length exceeds the captured bytes";
    return;
  }
  uint16_t sport = Be16(p), dport = Be16(p + 2);
  Carry(out, hdr, len, Table::kTcpPort, sport < dport ? sport : dport);
  out.next_key2 = sport < dport ? dport : sport;
  out.has_key2 = true;
}

const char* OptionName(uint8_t kind) {
  switch (kind) {
    case 0:
      return "EOL";
    case 1:
      return "NOP";
    case 2:
      return "MSS";
    case 3:
      return "WS";
    case 4:
      return "SACK_PERM";
    case 5:
      return "SACK";
    case 8:
      return "TS";
    case 19:
      return "MD5";
    case 28:
      return "UTO";
    case 29:
      return "AO";
    case 30:
      return "MPTCP";
    case 34:
      return "TFO";
    case 253:
    case 254:
      return "EXP";
    default:
      return "unknown";
  }
}

// Multipath TCP (RFC 8684): the subtype, and the fields of those decoded.
void WriteMptcp(const uint8_t* v, uint32_t vlen, Emitter& out) {
  static const char* const kSubtypes[] = {"MP_CAPABLE", "MP_JOIN",      "DSS",
                                          "ADD_ADDR",   "REMOVE_ADDR",  "MP_PRIO",
                                          "MP_FAIL",    "MP_FASTCLOSE", "MP_TCPRST"};
  uint8_t subtype = v[0] >> 4;
  out.Uint("subtype", subtype);
  if (subtype < 9) out.Plain("subtype_name", kSubtypes[subtype]);
  if (subtype == 0) {
    out.Uint("version", v[0] & 15);
    if (vlen >= 2) out.Uint("flags", v[1]);
    if (vlen >= 10) out.Hex("sender_key", v + 2, 8);
    if (vlen >= 18) out.Hex("receiver_key", v + 10, 8);
  } else if (subtype == 2 && vlen >= 2) {
    out.Uint("flags", v[1]);
    out.Hex("data", v + 2, vlen - 2);
  } else if (subtype == 4) {
    out.BeginArray("address_ids");
    for (uint32_t i = 1; i < vlen; ++i) out.Uint({}, v[i]);
    out.EndArray();
  } else {
    out.Hex("data", v + 1, vlen - 1);
  }
}

void WriteOptionValue(uint8_t kind, const uint8_t* v, uint32_t vlen, Emitter& out) {
  if (kind == 2 && vlen == 2) {
    out.Uint("mss", Be16(v));
  } else if (kind == 3 && vlen == 1) {
    out.Uint("shift", v[0]);
  } else if (kind == 5 && vlen % 8 == 0) {
    out.BeginArray("blocks");
    for (uint32_t i = 0; i < vlen; i += 8) {
      out.BeginObject();
      out.Uint("left", Be32(v + i));
      out.Uint("right", Be32(v + i + 4));
      out.EndObject();
    }
    out.EndArray();
  } else if (kind == 8 && vlen == 8) {
    out.Uint("tsval", Be32(v));
    out.Uint("tsecr", Be32(v + 4));
  } else if (kind == 28 && vlen == 2) {
    out.Bool("granularity", (v[0] & 0x80) != 0);
    out.Uint("timeout", Be16(v) & 0x7fff);
  } else if (kind == 19 && vlen == 16) {
    out.Hex("signature", v, 16);
  } else if (kind == 29 && vlen >= 2) {  // TCP-AO (RFC 5925)
    out.Uint("key_id", v[0]);
    out.Uint("rnext_key_id", v[1]);
    out.Hex("mac", v + 2, vlen - 2);
  } else if (kind == 30 && vlen >= 1) {
    WriteMptcp(v, vlen, out);
  } else if (kind == 34) {  // TCP Fast Open cookie (RFC 7413)
    out.Hex("cookie", v, vlen);
  } else if (kind != 4 || vlen != 0) {
    out.Hex("data", v, vlen);
  }
}

void Write(const LayerContext& l, Emitter& out) {
  Tcp tcp(l.p, l.length, l.hdr_len);
  out.Uint("srcport", tcp.srcport());
  out.Uint("dstport", tcp.dstport());
  out.Uint("seq", tcp.seq());
  out.Uint("ack", tcp.ack());
  out.Uint("hdr_len", tcp.hdr_len());
  out.BeginObject("flags");
  out.Bool("cwr", tcp.cwr());
  out.Bool("ece", tcp.ece());
  out.Bool("urg", tcp.urg());
  out.Bool("ack", tcp.ack_flag());
  out.Bool("psh", tcp.psh());
  out.Bool("rst", tcp.rst());
  out.Bool("syn", tcp.syn());
  out.Bool("fin", tcp.fin());
  out.EndObject();
  out.Uint("window_size", tcp.window_size());
  out.Uint("checksum", tcp.checksum());
  out.Uint("urgent_pointer", tcp.urgent_pointer());
  if (l.hdr_len > 20)
    WriteKindLengthOptions(l.p + 20, l.hdr_len - 20, "kind", OptionName, WriteOptionValue, out);
}

}  // namespace

const Registration kRegistration("tcp", [](Registry& r) {
  r.Add({.id = ProtocolId::kTcp,
         .name = "TCP",
         .key = "tcp",
         .layer = LayerLevel::kTransport,
         .dissect = Dissect,
         .write = Write},
        {{Table::kIpProto, 6}});
});

}  // namespace pcapkit::protocols
