// Turning a record's layers back into builder layers: one reader per protocol key, each
// reading its layer's fields (never its child's) and appending the layer to the packet.
// What the record leaves out or cannot say is a kept error naming the field.
#pragma once

#include <span>
#include <string_view>
#include <vector>

#include "ipsuite/records/field_reader.h"

namespace pcapkit::ipsuite::records {

using LayerReadFn = void (*)(FieldReader& fields, Packet& packet);

struct LayerReader {
  std::string_view key;  // the record key: "ipv4"
  LayerReadFn read;
};

// Every protocol `build` rebuilds, by record key.
const LayerReader* FindLayerReader(std::string_view key);
// Every reader, sorted by key.
const std::vector<LayerReader>& AllLayerReaders();

// The readers, by the files that hold them (each file lists its own; keys unique).
std::span<const LayerReader> LinkReaders();         // link_readers.cc
std::span<const LayerReader> WifiReaders();         // wifi_readers.cc
std::span<const LayerReader> InternetReaders();     // ip_readers.cc
std::span<const LayerReader> TransportReaders();    // transport_readers.cc
std::span<const LayerReader> ApplicationReaders();  // application_readers.cc
std::span<const LayerReader> GtpcReaders();         // gtpc_readers.cc: gtpv1c, gtpv2

// A `raw` layer: its bytes, which only `extract --payload` writes.
void ReadRaw(FieldReader&, Packet&);
// DNS, in a file of its own (dns_reader.cc) for its size; listed by ApplicationReaders().
void ReadDns(FieldReader&, Packet&);
// SCTP, in a file of its own (sctp_reader.cc); listed by TransportReaders().
void ReadSctp(FieldReader&, Packet&);
// GTP version 1's header and extension headers (gtpc_readers.cc), for GTP-U and GTPv1-C.
void PutGtpv1Header(FieldReader&, Bytes&);

// Kind-length-value options as IPv4 and TCP records list them: `kind_key` names the kind
// ("type" in IPv4, "kind" in TCP); `value` reads the members a kind decodes into its data.
using OptionValueFn = Bytes (*)(uint8_t kind, FieldReader& option);
std::vector<Option> ReadKindLengthOptions(FieldReader& layer, std::string_view kind_key,
                                          OptionValueFn value);

}  // namespace pcapkit::ipsuite::records
