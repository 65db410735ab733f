// One record of the `ftp` analyser — a command and its reply — and how it is written.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/analysis/analyser.h"
#include "engine/analysis/ftp_data.h"
#include "engine/analysis/ftp_text.h"

namespace pcapkit::analysis::ftp {

// Transfer commands: what they move, and which way (the client's view).
bool IsDownload(std::string_view command);  // RETR, LIST, NLST, MLSD
bool IsUpload(std::string_view command);    // STOR, STOU, APPE

// One record: a command and its reply (either may be missing), and the connection's state
// (user, directory) as it was then.
struct Entry {
  bool has_command = false;
  std::string command, arg;
  Position first, last;
  bool answered = false;
  uint16_t code = 0;
  std::string msg;
  std::vector<uint16_t> preliminary;
  std::shared_ptr<const std::string> user, cwd;
  bool has_endpoint = false;
  Endpoint endpoint;
  std::shared_ptr<Transfer> transfer;
  std::string error;
  size_t counted = 0;  // what queue_bytes_ holds of it
};

// What an entry holds: itself and its text.
size_t Size(const Entry& e);

// The record's own members (docs/schema.md "ftp").
void WriteFields(Emitter& out, const Entry& e);
// The members WriteFields writes (AnalyserInfo::fields).
std::span<const protocols::FieldSpec> Fields();

}  // namespace pcapkit::analysis::ftp
