#pragma once

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace firstline::platform {

struct KafkaConfig {
  // Comma-separated host:port list. When empty, read from `bootstrap_file` (the dev broker
  // writes its mock cluster's address there).
  std::string bootstrap_servers;
  std::string bootstrap_file;
  std::string client_id = "firstline";
  // How long the producer keeps retrying a message before reporting failure. The outbox relay
  // simply republishes after a failure, so this bounds only how long one attempt waits.
  absl::Duration message_timeout = absl::Seconds(30);
  // Extra librdkafka properties (e.g. security.protocol) applied last.
  std::map<std::string, std::string> properties;
};

// Resolves bootstrap_servers, reading bootstrap_file if needed; names the file on error.
absl::StatusOr<std::string> ResolveBootstrap(const KafkaConfig& config);

}  // namespace firstline::platform
