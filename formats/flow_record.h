// A flow record (docs/schema.md "Flow records"): the fields of one FlowRecord, in the
// order `pcapkit flows` writes them. Shared by the flows report and trace's index.
#pragma once

#include <span>

#include "engine/protocols/registry.h"
#include "pcapkit/emitter.h"
#include "pcapkit/flows.h"

namespace pcapkit::formats {

// The members WriteFlowFields may write (-e's names for flow records).
std::span<const protocols::FieldSpec> FlowFields();
// The members extract --flow-id adds to a frame record of an IP flow (`community_id`,
// `flow`), spliced in by the flow stage: -e selects them with --flow-id.
std::span<const protocols::FieldSpec> FrameFlowFields();

// Members of the record object (the caller opens and closes it).
void WriteFlowFields(const FlowRecord& r, Emitter& out);

// The protocol as a flow record names it: "tcp", "udp", "sctp", "icmp", "icmpv6", else
// the number.
std::string FlowProtocolName(uint8_t proto);

}  // namespace pcapkit::formats
