#include "testing/run_cli.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace testutil {

static std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

CliResult RunCli(const std::vector<std::string>& args, const std::string& stdin_path) {
  char out_name[] = "/tmp/pcapkit-cli-out-XXXXXX";
  char err_name[] = "/tmp/pcapkit-cli-err-XXXXXX";
  char rss_name[] = "/tmp/pcapkit-cli-rss-XXXXXX";
  int out_fd = mkstemp(out_name), err_fd = mkstemp(err_name), rss_fd = mkstemp(rss_name);
  close(rss_fd);
  // pcapkit runs under GNU time, which measures its peak RSS: a child forked from this
  // (possibly large) test process would count the test's own pages in its peak, since
  // Linux carries the pre-exec high-water mark across exec.
  std::vector<std::string> argv_s{"/usr/bin/time", "-f", "%M", "-o", rss_name, PCAPKIT_CLI};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = fork();
  if (pid == 0) {
    int in_fd = open(stdin_path.empty() ? "/dev/null" : stdin_path.c_str(), O_RDONLY);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    execv(argv[0], argv.data());
    _exit(127);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  close(out_fd);
  close(err_fd);
  CliResult r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out_name);
  r.err = Slurp(err_name);
  // The last line of time's report: "Command terminated by signal N" may come before it.
  std::istringstream rss(Slurp(rss_name));
  for (std::string line; std::getline(rss, line);)
    if (!line.empty() && line.find_first_not_of("0123456789") == std::string::npos)
      r.max_rss_kb = std::atol(line.c_str());
  unlink(rss_name);
  unlink(out_name);
  unlink(err_name);
  return r;
}

}  // namespace testutil
