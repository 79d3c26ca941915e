#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace firstline::testing {

// A child process started by a test; killed (SIGKILL) when destroyed unless stopped earlier.
class ChildProcess {
 public:
  // argv[0] is the program path; stdout and stderr go to `log_file` when set.
  ChildProcess(std::vector<std::string> argv, const std::string& log_file = "");
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  bool running();
  // Sends `signal` and waits up to `timeout_ms` for the exit; returns the exit status
  // (exit code, or 128+signal), or -1 when it did not exit in time.
  int Stop(int signal, int timeout_ms = 10000);

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// A TCP port on 127.0.0.1 that was free a moment ago.
int FreePort();

// A fresh directory under $TMPDIR, removed with its content on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The whole content of a file; empty when it cannot be read.
std::string ReadFile(const std::string& path);

// Directory holding the built binaries (set by CMake as FIRSTLINE_BINARY_DIR).
std::string BinaryPath(const std::string& relative);

}  // namespace firstline::testing
