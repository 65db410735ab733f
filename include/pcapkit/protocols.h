// What pcapkit dissects: every registered protocol with its record key, its layer and
// where the dissector finds it (`pcapkit protocols`).
#pragma once

#include <string>
#include <vector>

#include "pcapkit/options.h"

namespace pcapkit {

// A field of a protocol's record (docs/schema.md).
struct FieldDescription {
  // "srcport"; "flags.syn" inside an object; "options[].mss" in the objects of a list;
  // "headers[][]" for the items of a list of lists.
  std::string path;
  // int, bool, text, hex, mac, ipv4, ipv6, number, object, list; alternatives joined by
  // "|" ("ipv4|ipv6|text|hex").
  std::string type;
  std::string meaning;
  // tshark's field holding the same value, when there is one ("tcp.srcport"); a suffix
  // " /8" or " /8-1" says tshark counts 8-byte units (minus one).
  std::string tshark;
};

struct ProtocolDescription {
  std::string name;  // display name in the chain: "IPv4"
  std::string key;   // record key: "ipv4"
  LayerLevel layer = LayerLevel::kNone;
  // Where it is looked for: "ethertype=0x800", "ip.proto=4", "tcp.port=(content)".
  std::vector<std::string> bound_to;
  std::string summary;  // what the record holds, beyond the field list
  std::vector<FieldDescription> fields;
  // Dispatches without a layer of its own (raw-IP link types pick IPv4 or IPv6): its key
  // appears in no record.
  bool transparent = false;
};

// Every protocol, by layer and then by key. A protocol registered twice (DNS over UDP
// and over TCP) is listed once, with the bindings of both (one record shape).
std::vector<ProtocolDescription> ListProtocols();

// `pcapkit fields --json`: the protocols, each with its fields, their types and tshark
// names, as one JSON document (a list, a protocol a line). The tshark engine's adapter
// reads its map of tshark fields from it (docs/cli.md "Foreign engines").
std::string ProtocolsJson(const std::vector<ProtocolDescription>& protocols);

// A name -e selects (docs/cli.md "Field selection"): "number", "tcp.flags.syn".
struct SelectableField {
  std::string name;
  std::string type;      // as FieldDescription's
  std::string protocol;  // the protocol key it belongs to; "frame", "flow" or "analysis"
                         // for a member of the record itself
  std::string meaning;
};

// The records -e selects from: frames (extract), flows (flows), transactions (analyse).
enum class RecordKind { kFrame, kFlow, kAnalysis };

// Every name -e takes for records of `kind`: the record's own members, then (frames)
// every protocol's fields by key. Analysis records also take their analysers' members by
// path (docs/schema.md "Analysis records"), which are not listed.
std::vector<SelectableField> SelectableFields(RecordKind kind);

// The name of a layer: "link", "internet", "transport", "application" ("-" for none).
const char* LayerName(LayerLevel layer);

}  // namespace pcapkit

namespace pcapkit {

// The records `pcapkit schema` describes: one kind, or all of them (then the root accepts
// a record of any kind).
enum class SchemaKind { kAll, kFrame, kFlow, kAnalysis, kReassembly };

// A JSON Schema (draft 2020-12) of the records of `kind` (one ndjson line, or one member
// of a json report), generated from the field tables docs/schema.md lists: one document,
// indented, ending in a newline. Its `$defs` hold one entry per record kind and per
// protocol layer.
std::string RecordSchema(SchemaKind kind);

}  // namespace pcapkit
