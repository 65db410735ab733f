// The process runner under the foreign engines and pcapkit bench: exit codes, signals, a
// program that is not there, stderr's tail, large output read as it comes, and a child
// ended early that leaves neither a zombie nor a descriptor behind.
#include "engine/io/subprocess.h"

#include <dirent.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>

using pcapkit::io::ProcessOptions;
using pcapkit::io::ProcessResult;
using pcapkit::io::RunProcess;
using pcapkit::io::StreamingChild;

namespace {

std::vector<std::string> Sh(const std::string& script) {
  return {"/bin/sh", "-c", script};
}

int OpenFds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) ++n;
  closedir(d);
  return n;
}

// Processes of group `pgrp` that are not zombies, from /proc/*/stat.
int LiveInGroup(pid_t pgrp) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream f(e.path() / "stat");
    std::string text((std::istreambuf_iterator<char>(f)), {});
    size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(text.substr(paren + 1));
    char state = 0;
    long ppid = 0, group = 0;
    rest >> state >> ppid >> group;
    if (group == pgrp && state != 'Z' && state != 'X') ++n;
  }
  return n;
}

std::string TempPath(const std::string& name) {
  return std::filesystem::temp_directory_path() /
         ("pcapkit-subprocess-" + std::to_string(getpid()) + "-" + name);
}

TEST(RunProcess, ExitCodesAndStdoutFile) {
  ProcessResult r;
  ASSERT_TRUE(RunProcess(Sh("exit 0"), {}, &r).ok());
  EXPECT_TRUE(r.exited_ok());
  ASSERT_TRUE(RunProcess(Sh("exit 7"), {}, &r).ok());
  EXPECT_EQ(r.exit_code, 7);
  EXPECT_EQ(r.signal, 0);
  EXPECT_FALSE(r.exited_ok());

  ProcessOptions o;
  o.stdout_path = TempPath("out");
  o.has_stdin_data = true;
  o.stdin_data = "from the parent\n";
  ASSERT_TRUE(RunProcess(Sh("cat; echo done"), o, &r).ok());
  std::ifstream f(o.stdout_path);
  std::stringstream text;
  text << f.rdbuf();
  EXPECT_EQ(text.str(), "from the parent\ndone\n");
  std::filesystem::remove(o.stdout_path);
  EXPECT_GT(r.wall_seconds, 0);
  EXPECT_GT(r.peak_rss_bytes, 0u);
}

TEST(RunProcess, SignalsAreReportedAsSignals) {
  ProcessResult r;
  ASSERT_TRUE(RunProcess(Sh("kill -TERM $$"), {}, &r).ok());
  EXPECT_EQ(r.signal, SIGTERM);
  EXPECT_EQ(r.exit_code, -1);
}

// The child dies of SIGPIPE even when the parent ignores it (dispositions are reset).
TEST(RunProcess, ChildGetsDefaultSignalDispositions) {
  signal(SIGPIPE, SIG_IGN);
  ProcessResult r;
  ASSERT_TRUE(RunProcess(Sh("yes | head -c 10 >/dev/null; kill -PIPE $$"), {}, &r).ok());
  signal(SIGPIPE, SIG_DFL);
  EXPECT_EQ(r.signal, SIGPIPE);
}

TEST(RunProcess, MissingProgramIsAClearStatus) {
  ProcessResult r;
  auto s = RunProcess({"pcapkit-no-such-program", "x"}, {}, &r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pcapkit-no-such-program"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("No such file"), std::string::npos) << s.message();
  s = RunProcess({"/nonexistent/python3"}, {}, &r);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("/nonexistent/python3"), std::string::npos);
  ProcessOptions o;
  o.stdout_path = "/nonexistent/dir/out";
  EXPECT_FALSE(RunProcess(Sh("true"), o, &r).ok());
}

TEST(RunProcess, StderrKeepsTheLast64KiB) {
  ProcessResult r;
  // 200,000 bytes of 'a', then a last line the tail must hold.
  ASSERT_TRUE(
      RunProcess(Sh("head -c 200000 /dev/zero | tr '\\0' a >&2; echo THE-END >&2"), {}, &r).ok());
  EXPECT_EQ(r.stderr_text.size(), pcapkit::io::kStderrTail);
  EXPECT_EQ(r.stderr_text.substr(r.stderr_text.size() - 8), "THE-END\n");
}

TEST(RunProcess, NoDescriptorLeaks) {
  int before = OpenFds();
  ProcessResult r;
  for (int i = 0; i < 20; ++i) ASSERT_TRUE(RunProcess(Sh("echo x >&2"), {}, &r).ok());
  RunProcess({"pcapkit-no-such-program"}, {}, &r);
  EXPECT_EQ(OpenFds(), before);
}

TEST(StreamingChild, ReadsLinesAsTheyComeWhileStderrFlows) {
  StreamingChild c;
  // 100,000 lines on stdout and 1 MB on stderr at once: no deadlock, every line whole.
  ASSERT_TRUE(c.Start(Sh("head -c 1000000 /dev/zero >&2 & seq 1 100000; wait"), {}).ok());
  std::string_view line;
  bool eof = false;
  uint64_t n = 0, sum = 0;
  for (;;) {
    ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
    if (eof) break;
    ++n;
    sum += std::stoull(std::string(line));
  }
  EXPECT_EQ(n, 100000u);
  EXPECT_EQ(sum, 100000ull * 100001 / 2);
  ProcessResult r;
  ASSERT_TRUE(c.Wait(&r).ok());
  EXPECT_TRUE(r.exited_ok());
  EXPECT_EQ(r.stderr_text.size(), pcapkit::io::kStderrTail);
  EXPECT_FALSE(c.running());
}

TEST(StreamingChild, LastLineWithoutNewlineAndStdinData) {
  StreamingChild c;
  ProcessOptions o;
  o.has_stdin_data = true;
  o.stdin_data = "one\ntwo";
  ASSERT_TRUE(c.Start(Sh("cat"), o).ok());
  std::string_view line;
  bool eof = false;
  ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
  EXPECT_EQ(line, "one");
  ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
  EXPECT_EQ(line, "two");
  EXPECT_FALSE(eof);
  ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
  EXPECT_TRUE(eof);
}

TEST(StreamingChild, KillEndsAnEndlessChildAndItsGroup) {
  int before = OpenFds();
  StreamingChild c;
  // The grandchild (yes) writes for ever; killing the group ends both.
  ASSERT_TRUE(c.Start(Sh("yes line | cat; echo unreachable >&2"), {}).ok());
  std::string_view line;
  bool eof = false;
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
    ASSERT_EQ(line, "line");
  }
  pid_t pid = c.pid();
  c.Kill();
  ProcessResult r;
  ASSERT_TRUE(c.Wait(&r).ok());
  EXPECT_EQ(r.signal, SIGKILL);
  EXPECT_EQ(::kill(pid, 0), -1);  // reaped: no zombie left
  // The grandchildren die too (a moment later: SIGKILL is delivered asynchronously).
  for (int i = 0; i < 100 && LiveInGroup(pid) > 0; ++i) usleep(10000);
  EXPECT_EQ(LiveInGroup(pid), 0);
  EXPECT_EQ(OpenFds(), before);
}

TEST(StreamingChild, DestructorKillsAndReaps) {
  int before = OpenFds();
  pid_t pid;
  {
    StreamingChild c;
    ASSERT_TRUE(c.Start(Sh("sleep 30"), {}).ok());
    pid = c.pid();
  }
  EXPECT_EQ(::kill(pid, 0), -1);
  EXPECT_EQ(waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(OpenFds(), before);
}

// Waiting without reading: stdout closes first, the writer dies of SIGPIPE.
TEST(StreamingChild, EarlyCloseEndsAWriter) {
  StreamingChild c;
  ASSERT_TRUE(c.Start(Sh("exec yes"), {}).ok());
  ProcessResult r;
  ASSERT_TRUE(c.Wait(&r).ok());
  EXPECT_EQ(r.signal, SIGPIPE);
}

TEST(StreamingChild, MissingProgramAndOverlongLine) {
  StreamingChild c;
  auto s = c.Start({"pcapkit-no-such-program"}, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("pcapkit-no-such-program"), std::string::npos);
  EXPECT_FALSE(c.running());

  StreamingChild d;
  d.set_max_line(1000);
  ASSERT_TRUE(d.Start(Sh("head -c 5000 /dev/zero"), {}).ok());
  std::string_view line;
  bool eof = false;
  EXPECT_FALSE(d.ReadLine(&line, &eof).ok());
}

TEST(StreamingChild, StopFlagEndsAWaitOnAQuietChild) {
  StreamingChild c;
  std::atomic<bool> stop{true};
  c.set_stop(&stop);
  ASSERT_TRUE(c.Start(Sh("sleep 30"), {}).ok());
  std::string_view line;
  bool eof = false;
  ASSERT_TRUE(c.ReadLine(&line, &eof).ok());
  EXPECT_TRUE(eof);
}

}  // namespace
