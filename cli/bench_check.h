// `pcapkit bench --check`: each engine's NDJSON records against the default engine's
// (sequential), frame by frame and leaf by leaf.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace pcapkit::cli::bench {

// One field (a leaf's path, list indices written `[]`: "ethernet.ipv4.tcp.options[].kind").
struct FieldAgreement {
  uint64_t equal = 0;      // the engine wrote the reference's value
  uint64_t different = 0;  // the engine wrote another value
  uint64_t absent = 0;     // the engine wrote it; the reference's record has no such leaf
  uint64_t missing = 0;    // the reference has it; the engine did not write it
};

struct Agreement {
  std::string engine;
  bool ran = false;
  std::string reason;  // why it did not run (the tool missing: its Debian package)
  uint64_t reference_frames = 0;
  uint64_t frames = 0;  // records the engine wrote
  std::map<std::string, FieldAgreement> fields;
  // The first difference of each field: "record 3: sequential \"...\", dpkt \"...\"".
  std::map<std::string, std::string> examples;
  FieldAgreement total;
  // Whether `missing` leaves count against the engine: pcapkit's own strategies must write
  // every leaf; a foreign tool leaves out what it does not dissect (docs/cli.md).
  bool strict = false;
  bool agrees() const {
    return ran && frames == reference_frames && total.different == 0 && total.absent == 0 &&
           (!strict || total.missing == 0);
  }
};

// Compares the records of two NDJSON files, line i with line i. A foreign engine's
// `protocols` agrees when its layers are the first of the reference's (it stops where its
// tool does) and its `time` when it names the same instant (however many decimals). Throws
// InputError when a file cannot be read or a line is not JSON.
void CompareRecords(const std::string& reference_path, const std::string& path,
                    Agreement* agreement);

// The engine's agreement as text: a line for the engine ("agrees" or "DISAGREES"), then one
// per field that is not equal on every frame, and the count of those that are.
void PrintAgreement(const Agreement& a);

}  // namespace pcapkit::cli::bench
