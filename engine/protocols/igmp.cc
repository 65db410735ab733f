// IGMP (IP protocol 2): version 1 (RFC 1112), 2 (RFC 2236) and 3 (RFC 3376). The version
// follows from the type and, for a query, the length: an 8-byte query is v1 when its
// maximum response time is 0, else v2; a longer one is v3, with its source list. A v3
// report is a list of group records, each with its sources. A message is all header: it
// carries nothing further.
#include "engine/protocols/common.h"

namespace pcapkit::protocols {
namespace {

constexpr uint8_t kQuery = 0x11, kV1Report = 0x12, kV2Report = 0x16, kLeave = 0x17,
                  kV3Report = 0x22;

void Dissect(const uint8_t* p, uint32_t len, DissectResult& out) {
  if (len < 8) {
    out.error = "IGMP: message truncated";
    return;
  }
  if (p[0] == kQuery && len > 8 && len < 12) {
    out.error = "IGMP: version 3 query truncated";
    return;
  }
  Carry(out, len, len, Table::kNone, 0);
}

// 0 when the type is not one of the three versions' (DVMRP, mtrace...).
uint32_t VersionOf(const uint8_t* p, uint32_t len) {
  switch (p[0]) {
    case kQuery:
      return len >= 12 ? 3 : p[1] == 0 ? 1 : 2;
    case kV1Report:
      return 1;
    case kV2Report:
    case kLeave:
      return 2;
    case kV3Report:
      return 3;
  }
  return 0;
}

// `count` IPv4 addresses at p[at, end), as many as are there; returns where they end.
uint32_t WriteSources(const uint8_t* p, uint32_t end, uint32_t at, uint32_t count, Emitter& out) {
  uint32_t room = at <= end ? (end - at) / 4 : 0, n = count < room ? count : room;
  out.BeginArray("sources");
  for (uint32_t i = 0; i < n; ++i) out.Ipv4({}, p + at + 4 * i);
  out.EndArray();
  return at + 4 * n;
}

// The fields after the group address; returns where they end.
uint32_t WriteV3Query(const uint8_t* p, uint32_t len, Emitter& out) {
  out.Uint("resv", p[8] >> 4);
  out.Bool("s", (p[8] & 0x08) != 0);
  out.Uint("qrv", p[8] & 0x07);
  out.Uint("qqic", p[9]);
  uint32_t sources = Be16(p + 10);
  out.Uint("num_sources", sources);
  uint32_t end = WriteSources(p, len, 12, sources, out);
  if (end < 12 + 4 * sources) out.Plain("sources_error", "source list runs past the message");
  return end;
}

// The fields after the checksum; returns where the last whole group record ends.
uint32_t WriteV3Report(const uint8_t* p, uint32_t len, Emitter& out) {
  out.Uint("reserved2", Be16(p + 4));
  uint32_t records = Be16(p + 6);
  out.Uint("num_records", records);
  out.BeginArray("records");
  uint32_t at = 8;
  for (uint32_t r = 0; r < records; ++r) {
    out.BeginObject();
    if (at + 8 > len) {
      out.Plain("error", "group record runs past the message");
      out.EndObject();
      break;
    }
    uint32_t sources = Be16(p + at + 2), aux_words = p[at + 1];
    out.Uint("type", p[at]);
    out.Uint("aux_len", aux_words);
    out.Uint("num_sources", sources);
    out.Ipv4("group", p + at + 4);
    uint64_t end = at + 8 + 4 * uint64_t(sources) + 4 * uint64_t(aux_words);
    WriteSources(p, len, at + 8, sources, out);
    if (end > len) {  // its sources or its auxiliary data: the list ends here
      out.Plain("error", "group record runs past the message");
      out.EndObject();
      break;
    }
    if (aux_words > 0) out.Hex("aux_data", p + end - 4 * aux_words, 4 * aux_words);
    out.EndObject();
    at = uint32_t(end);
  }
  out.EndArray();
  return at;
}

void Write(const LayerContext& l, Emitter& out) {
  const uint8_t* p = l.p;
  out.Uint("type", p[0]);
  if (uint32_t version = VersionOf(p, l.hdr_len)) out.Uint("version", version);
  if (p[0] == kV3Report) {
    out.Uint("reserved1", p[1]);
  } else {
    out.Uint("max_resp", p[1]);
  }
  out.Uint("checksum", Be16(p + 2));
  uint32_t used = 8;
  if (p[0] == kV3Report) {
    used = WriteV3Report(p, l.hdr_len, out);
  } else {
    out.Ipv4("group", p + 4);
    if (p[0] == kQuery && l.hdr_len >= 12) used = WriteV3Query(p, l.hdr_len, out);
  }
  // DVMRP's and mtrace's fields, a longer v1/v2 message's excess, a cut record or source.
  if (used < l.hdr_len) out.Hex("data", p + used, l.hdr_len - used);
}

constexpr FieldSpec kFields[] = {
    {"type", kInt,
     "message type: 0x11 query, 0x12 v1 report, 0x16 v2 report, 0x17 leave, 0x22 v3 report",
     "igmp.type"},
    {"version", kInt, "1, 2 or 3, from the type and (queries) the length; absent for other types",
     "igmp.version"},
    {"max_resp", kInt, "maximum response time (v2: tenths of a second; v3: the code)",
     "igmp.max_resp"},
    {"reserved1", kInt, "v3 report: the reserved byte after the type", nullptr},
    {"checksum", kInt, "as on the wire (not verified)", "igmp.checksum"},
    {"reserved2", kInt, "v3 report: the 16 reserved bits after the checksum", nullptr},
    {"group", kIpv4, "group address (all but v3 reports)", "igmp.maddr"},
    {"resv", kInt, "v3 query: the 4 reserved bits before S", nullptr},
    {"s", kBool, "v3 query: suppress router-side processing", "igmp.s"},
    {"qrv", kInt, "v3 query: querier's robustness variable", "igmp.qrv"},
    {"qqic", kInt, "v3 query: querier's query interval code", "igmp.qqic"},
    {"num_sources", kInt, "v3 query: number of sources the message says it holds", "igmp.num_src"},
    {"sources", kList, "v3 query: the source addresses", nullptr},
    {"sources[]", kIpv4, "a source address", "igmp.saddr"},
    {"sources_error", kText, "the source list runs past the message", nullptr},
    {"num_records", kInt, "v3 report: number of group records it says it holds",
     "igmp.num_grp_recs"},
    {"records", kList, "v3 report: the group records", nullptr},
    {"records[].type", kInt,
     "record type (1-6: mode is include/exclude, change to..., allow, block)", "igmp.record_type"},
    {"records[].aux_len", kInt, "auxiliary data length, in 4-byte words", "igmp.aux_data_len"},
    {"records[].num_sources", kInt, "number of sources", "igmp.num_src"},
    {"records[].group", kIpv4, "the record's multicast address", "igmp.maddr"},
    {"records[].sources", kList, "its source addresses", nullptr},
    {"records[].sources[]", kIpv4, "a source address", "igmp.saddr"},
    {"records[].aux_data", kHex, "auxiliary data", nullptr},
    {"records[].error", kText, "the record runs past the message (the list ends there)", nullptr},
    {"data", kHex,
     "the bytes after the fields above: other types' (DVMRP, mtrace) after the group, a v1/v2 "
     "message's past 8 bytes, a cut source, a group record that runs past the message on",
     nullptr},
};

}  // namespace

const Registration kRegistration("igmp", [](Registry& r) {
  r.Add({.name = "IGMP",
         .key = "igmp",
         .layer = LayerLevel::kInternet,
         .dissect = Dissect,
         .write = Write,
         .fields = kFields,
         .summary = "Versions 1 to 3. A message shorter than 8 bytes, or a v3 query shorter "
                    "than 12, is `raw` with an error; a source list or group record that runs "
                    "past the message ends with an `error` entry."},
        {{Table::kIpProto, 2}});
});

}  // namespace pcapkit::protocols
