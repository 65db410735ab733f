// Runs the pcapkit binary as a user would, capturing exit status, stdout, stderr and the
// child's peak RSS.
#pragma once

#include <string>
#include <vector>

namespace testutil {

struct CliResult {
  int status = -1;      // exit status
  std::string out;      // stdout
  std::string err;      // stderr
  long max_rss_kb = 0;  // peak resident set of pcapkit (measured by GNU time)
};

// `stdin_path` empty: /dev/null.
CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_path = "");

}  // namespace testutil
