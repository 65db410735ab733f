// Child processes for the engines that are other programs (issue 16: dpkt, scapy and
// tshark through their adapters) and for timing whole runs (pcapkit bench). Nothing here
// throws: a program that cannot be started is a Status naming it, not a mysterious exit
// 127. The child gets default signal dispositions and an empty signal mask, whatever the
// parent ignores or blocks (a Python adapter must die of SIGPIPE like any filter).
#pragma once

#include <sys/types.h>

#include <atomic>
#include <csignal>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/util/status.h"

namespace pcapkit::io {

struct ProcessOptions {
  // Where the child's stdout goes (created or truncated).
  std::string stdout_path = "/dev/null";
  // What the child reads on stdin: `stdin_data` when set (held in an unlinked memory file,
  // so the parent never blocks on a pipe the child does not read yet), else this file.
  std::string stdin_path = "/dev/null";
  std::string stdin_data;
  bool has_stdin_data = false;
};

// How a child ended and what it cost.
struct ProcessResult {
  int exit_code = -1;  // -1 when a signal ended it
  int signal = 0;      // the signal that ended it, 0 for a normal exit
  uint64_t peak_rss_bytes = 0;
  double wall_seconds = 0;
  double user_seconds = 0;
  double system_seconds = 0;
  std::string stderr_text;  // the last kStderrTail bytes the child wrote on stderr
  bool exited_ok() const { return signal == 0 && exit_code == 0; }
};

inline constexpr size_t kStderrTail = 64 * 1024;

// Runs argv (argv[0] searched in PATH when it has no '/') to completion. A status that is
// not OK means the program could not be started (or waited for); how it ended is in *r.
Status RunProcess(const std::vector<std::string>& argv, const ProcessOptions& o, ProcessResult* r);

// A child whose stdout the parent reads line by line as it is produced, stderr drained at
// the same time (poll on both) into a bounded tail. The child runs in its own process
// group, so Kill() also reaches what it started (tshark under its adapter). Destroying a
// running child kills and reaps it.
class StreamingChild {
 public:
  StreamingChild() = default;
  ~StreamingChild();
  StreamingChild(const StreamingChild&) = delete;
  StreamingChild& operator=(const StreamingChild&) = delete;

  // `o.stdout_path` is ignored: stdout is the pipe ReadLine reads.
  Status Start(const std::vector<std::string>& argv, const ProcessOptions& o);
  // The next line without its '\n', valid until the next call; *eof (and an empty line)
  // once stdout is closed and read. A last line without '\n' is still returned. A line
  // longer than `max_line` bytes is an error.
  Status ReadLine(std::string_view* line, bool* eof);
  // Raised (SIGINT), `*stop` makes ReadLine report the end within a quarter second.
  void set_stop(const std::atomic<bool>* stop) { stop_ = stop; }
  void set_max_line(size_t n) { max_line_ = n; }
  // Ends the child and its process group (SIGKILL by default); Wait() still reaps it.
  void Kill(int sig = SIGKILL);
  // Closes stdout, drains stderr and reaps the child into *r (stderr_text: the tail).
  Status Wait(ProcessResult* r);
  bool running() const { return pid_ > 0; }
  pid_t pid() const { return pid_; }
  const std::string& stderr_tail() const { return stderr_; }

 private:
  bool DrainStderr(bool block);
  Status Fill();
  void CloseFds();

  pid_t pid_ = -1;
  int out_fd_ = -1;
  int err_fd_ = -1;
  bool out_eof_ = false;
  const std::atomic<bool>* stop_ = nullptr;
  size_t max_line_ = 64 << 20;
  std::string buf_;  // unread stdout bytes start at pos_
  size_t pos_ = 0;
  size_t scanned_ = 0;  // bytes after pos_ already searched for '\n'
  std::string stderr_;
  double start_ = 0;
};

}  // namespace pcapkit::io
