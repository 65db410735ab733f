#include "engine/io/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

extern char** environ;

namespace pcapkit::io {

namespace {

double Now() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return double(ts.tv_sec) + double(ts.tv_nsec) * 1e-9;
}

std::string ErrnoText(const std::string& what, int err) {
  return what + ": " + strerror(err);
}

void CloseFd(int* fd) {
  if (*fd >= 0) ::close(*fd);
  *fd = -1;
}

// Keeps the last kStderrTail bytes; trims in halves so appending stays linear.
void AppendTail(std::string* tail, const char* data, size_t n) {
  tail->append(data, n);
  if (tail->size() > 2 * kStderrTail) tail->erase(0, tail->size() - kStderrTail);
}

void TrimTail(std::string* tail) {
  if (tail->size() > kStderrTail) tail->erase(0, tail->size() - kStderrTail);
}

// The child's stdin: the data in an unlinked memory file, or the named file.
Status OpenStdin(const ProcessOptions& o, int* fd) {
  if (!o.has_stdin_data) {
    *fd = ::open(o.stdin_path.c_str(), O_RDONLY | O_CLOEXEC);
    return *fd >= 0 ? Status::Ok() : Status::IoError(ErrnoText(o.stdin_path, errno));
  }
  *fd = ::memfd_create("pcapkit-stdin", MFD_CLOEXEC);
  if (*fd < 0) return Status::IoError(ErrnoText("memfd_create", errno));
  size_t done = 0;
  while (done < o.stdin_data.size()) {
    ssize_t w = ::write(*fd, o.stdin_data.data() + done, o.stdin_data.size() - done);
    if (w < 0 && errno == EINTR) continue;
    if (w < 0) {
      int err = errno;
      CloseFd(fd);
      return Status::IoError(ErrnoText("writing a child's stdin", err));
    }
    done += size_t(w);
  }
  ::lseek(*fd, 0, SEEK_SET);
  return Status::Ok();
}

// Starts argv with the three descriptors as its stdin, stdout and stderr; every other
// descriptor of ours is close-on-exec. posix_spawnp reports a program it could not run
// as its return value (glibc waits for the exec), so no exit-127 guessing.
Status Spawn(const std::vector<std::string>& argv, int in, int out, int err, bool new_group,
             pid_t* pid) {
  if (argv.empty() || argv[0].empty()) return Status::InvalidArgument("no program to run");
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_adddup2(&fa, in, 0);
  posix_spawn_file_actions_adddup2(&fa, out, 1);
  posix_spawn_file_actions_adddup2(&fa, err, 2);
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t all, none;
  sigfillset(&all);
  sigemptyset(&none);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setsigmask(&attr, &none);
  short flags = POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK;
  if (new_group) {
    flags |= POSIX_SPAWN_SETPGROUP;
    posix_spawnattr_setpgroup(&attr, 0);
  }
  posix_spawnattr_setflags(&attr, flags);
  int rc = argv[0].find('/') == std::string::npos
               ? posix_spawnp(pid, args[0], &fa, &attr, args.data(), environ)
               : posix_spawn(pid, args[0], &fa, &attr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    *pid = -1;
    return Status::InvalidArgument(ErrnoText("cannot run " + argv[0], rc));
  }
  return Status::Ok();
}

void FillResult(int status, const rusage& ru, double start, ProcessResult* r) {
  r->exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r->signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  r->peak_rss_bytes = uint64_t(ru.ru_maxrss) * 1024;
  r->wall_seconds = Now() - start;
  r->user_seconds = double(ru.ru_utime.tv_sec) + double(ru.ru_utime.tv_usec) * 1e-6;
  r->system_seconds = double(ru.ru_stime.tv_sec) + double(ru.ru_stime.tv_usec) * 1e-6;
}

// wait4 without WNOHANG when `block`; true once the child is reaped into *r.
bool Reap(pid_t pid, bool block, double start, ProcessResult* r) {
  int status = 0;
  rusage ru{};
  for (;;) {
    pid_t got = ::wait4(pid, &status, block ? 0 : WNOHANG, &ru);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return got < 0;  // an error (ECHILD): nothing left to wait for
    FillResult(status, ru, start, r);
    return true;
  }
}

}  // namespace

Status RunProcess(const std::vector<std::string>& argv, const ProcessOptions& o, ProcessResult* r) {
  *r = ProcessResult();
  int in = -1, out = -1, pipe_fds[2] = {-1, -1};
  Status s = OpenStdin(o, &in);
  if (!s.ok()) return s;
  out = ::open(o.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (out < 0) {
    s = Status::IoError(ErrnoText(o.stdout_path, errno));
  } else if (::pipe2(pipe_fds, O_CLOEXEC) != 0) {
    s = Status::IoError(ErrnoText("pipe", errno));
  }
  pid_t pid = -1;
  double start = Now();
  if (s.ok()) s = Spawn(argv, in, out, pipe_fds[1], false, &pid);
  CloseFd(&in);
  CloseFd(&out);
  CloseFd(&pipe_fds[1]);
  if (!s.ok()) {
    CloseFd(&pipe_fds[0]);
    return s;
  }
  char chunk[16384];
  for (;;) {
    ssize_t n = ::read(pipe_fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    AppendTail(&r->stderr_text, chunk, size_t(n));
  }
  CloseFd(&pipe_fds[0]);
  TrimTail(&r->stderr_text);
  std::string tail = std::move(r->stderr_text);
  Reap(pid, true, start, r);
  r->stderr_text = std::move(tail);
  return Status::Ok();
}

StreamingChild::~StreamingChild() {
  if (pid_ > 0) {
    Kill();
    ProcessResult ignored;
    Wait(&ignored);
  }
  CloseFds();
}

void StreamingChild::CloseFds() {
  CloseFd(&out_fd_);
  CloseFd(&err_fd_);
}

Status StreamingChild::Start(const std::vector<std::string>& argv, const ProcessOptions& o) {
  if (pid_ > 0) return Status::InvalidArgument("a child is already running");
  buf_.clear();
  stderr_.clear();
  pos_ = scanned_ = 0;
  out_eof_ = false;
  int in = -1, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  Status s = OpenStdin(o, &in);
  if (s.ok() && (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0))
    s = Status::IoError(ErrnoText("pipe", errno));
  start_ = Now();
  if (s.ok()) s = Spawn(argv, in, out_pipe[1], err_pipe[1], true, &pid_);
  CloseFd(&in);
  CloseFd(&out_pipe[1]);
  CloseFd(&err_pipe[1]);
  out_fd_ = out_pipe[0];
  err_fd_ = err_pipe[0];
  if (!s.ok()) CloseFds();
  return s;
}

// Reads what stderr holds (all of it until EOF when `block`); false once it is closed.
bool StreamingChild::DrainStderr(bool block) {
  char chunk[16384];
  while (err_fd_ >= 0) {
    if (!block) {
      pollfd p{err_fd_, POLLIN, 0};
      if (::poll(&p, 1, 0) <= 0) return true;
    }
    ssize_t n = ::read(err_fd_, chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      CloseFd(&err_fd_);
      break;
    }
    AppendTail(&stderr_, chunk, size_t(n));
  }
  return false;
}

// Waits for stdout or stderr (a quarter second at most when a stop flag may be raised)
// and takes what came: stdout bytes into buf_, stderr into the tail.
Status StreamingChild::Fill() {
  if (pos_ > 0) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  pollfd fds[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
  int n = ::poll(fds, err_fd_ >= 0 ? 2 : 1, stop_ != nullptr ? 250 : -1);
  if (n < 0 && errno != EINTR) return Status::IoError(ErrnoText("poll", errno));
  if (n <= 0) return Status::Ok();
  if (err_fd_ >= 0 && fds[1].revents != 0) DrainStderr(false);
  if (fds[0].revents == 0) return Status::Ok();
  size_t old = buf_.size();
  buf_.resize(old + 65536);
  ssize_t got = ::read(out_fd_, buf_.data() + old, 65536);
  int err = errno;
  buf_.resize(old + (got > 0 ? size_t(got) : 0));
  if (got == 0) out_eof_ = true;
  if (got < 0 && err != EINTR && err != EAGAIN)
    return Status::IoError(ErrnoText("reading a child's output", err));
  return Status::Ok();
}

Status StreamingChild::ReadLine(std::string_view* line, bool* eof) {
  *line = {};
  *eof = false;
  if (out_fd_ < 0) {
    *eof = true;
    return Status::Ok();
  }
  for (;;) {
    size_t nl = buf_.find('\n', pos_ + scanned_);
    if (nl != std::string::npos) {
      *line = std::string_view(buf_).substr(pos_, nl - pos_);
      pos_ = nl + 1;
      scanned_ = 0;
      return Status::Ok();
    }
    scanned_ = buf_.size() - pos_;
    if (scanned_ > max_line_)
      return Status::IoError("a child's output line is longer than " + std::to_string(max_line_) +
                             " bytes");
    if (out_eof_ || (stop_ != nullptr && stop_->load(std::memory_order_relaxed))) {
      if (scanned_ == 0 || !out_eof_) {
        *eof = true;
        return Status::Ok();
      }
      *line = std::string_view(buf_).substr(pos_);
      pos_ = buf_.size();
      scanned_ = 0;
      return Status::Ok();
    }
    Status s = Fill();
    if (!s.ok()) return s;
  }
}

void StreamingChild::Kill(int sig) {
  if (pid_ <= 0) return;
  ::kill(-pid_, sig);  // the group: what the child started too
  ::kill(pid_, sig);
}

// Stdout is closed first (a child still writing gets SIGPIPE); stderr is drained while
// polling for the exit, so neither a child blocked on a full stderr pipe nor a grandchild
// that keeps stderr open holds Wait() back.
Status StreamingChild::Wait(ProcessResult* r) {
  *r = ProcessResult();
  CloseFd(&out_fd_);
  if (pid_ <= 0) {
    CloseFds();
    return Status::InvalidArgument("no child to wait for");
  }
  bool reaped = false;
  while (!reaped) {
    if (err_fd_ >= 0) {
      pollfd p{err_fd_, POLLIN, 0};
      if (::poll(&p, 1, 100) > 0) DrainStderr(false);
    }
    reaped = Reap(pid_, err_fd_ < 0, start_, r);
  }
  DrainStderr(false);
  CloseFds();
  TrimTail(&stderr_);
  r->stderr_text = stderr_;
  pid_ = -1;
  return Status::Ok();
}

}  // namespace pcapkit::io
