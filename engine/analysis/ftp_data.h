// FTP data connections (RFC 959 3.2): the connection a PORT, EPRT, PASV or EPSV announced
// is given, whatever its bytes look like, to an analyser that counts and hashes what it
// carries and reports to the control connection's analyser, which writes it into the
// record of the transfer command (RETR, STOR, LIST, ...). It writes no record itself.
#pragma once

#include <cstdint>
#include <memory>

#include "engine/analysis/analyser.h"

namespace pcapkit::analysis::ftp {

// Told when a data connection ends: the control analyser, while it lives.
class DataListener {
 public:
  virtual ~DataListener() = default;
  virtual void DataEnded() = 0;
};

// What one announced data connection became. Shared by the control analyser, the
// expectation and the data connection's analyser, so that whichever goes first leaves
// the others safe; the listener is weak for the same reason.
struct Transfer {
  std::weak_ptr<DataListener> listener;
  bool started = false;  // the connection came: its analyser was made
  bool ended = false;    // and it ended
  uint64_t flow = 0;     // the data conversation's
  char community_id[31] = {};
  uint64_t bytes = 0;   // of the payload direction: the first that carried anything
  uint64_t gaps = 0;    // its bytes that were never captured
  bool hashed = false;  // sha256 is the payload's (ended, no gaps)
  uint8_t sha256[32] = {};
};

// The expectation's `make`: the data connection's analyser, reporting to `transfer`.
std::unique_ptr<Analyser> MakeDataAnalyser(const std::shared_ptr<Transfer>& transfer,
                                           const Context& context);

}  // namespace pcapkit::analysis::ftp
