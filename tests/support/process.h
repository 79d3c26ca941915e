#pragma once

#include <sys/types.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"

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

// Polls `done` every 50 ms until it holds or `timeout` passes; its last answer.
bool WaitFor(const std::function<bool()>& done, absl::Duration timeout);

// A dev broker in its own temp directory, for tests that run the real service binaries.
class DevBrokerProcess {
 public:
  DevBrokerProcess();
  bool ready();  // its bootstrap file is written (waits up to 10 s)
  const std::string& dir() const { return dir_.path(); }
  const std::string& bootstrap_file() const { return bootstrap_; }

 private:
  TempDir dir_;
  std::string bootstrap_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace firstline::testing
