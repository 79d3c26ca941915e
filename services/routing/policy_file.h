#pragma once

#include <filesystem>
#include <string>

#include "absl/status/status.h"
#include "routing/routing_engine.h"

namespace firstline::routing {

// A policy file feeding an engine: ReloadIfChanged() parses the file again when its
// modification time moved and swaps the policy in (the next decision uses it). A file that no
// longer validates is refused and the running policy stays, with the errors in the status.
class PolicyFile {
 public:
  explicit PolicyFile(std::string path) : path_(std::move(path)) {}

  // Loads the file for the first time (the service refuses to start on errors).
  absl::StatusOr<std::shared_ptr<const Policy>> Load();
  // OK when unchanged or reloaded.
  absl::Status ReloadIfChanged(RoutingEngine& engine);
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  std::filesystem::file_time_type loaded_mtime_{};
  std::filesystem::file_time_type refused_mtime_{};
};

}  // namespace firstline::routing
