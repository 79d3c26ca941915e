#include "platform/kafka/kafka_config.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

namespace firstline::platform {

absl::StatusOr<std::string> ResolveBootstrap(const KafkaConfig& config) {
  if (!config.bootstrap_servers.empty()) return config.bootstrap_servers;
  if (config.bootstrap_file.empty()) {
    return absl::InvalidArgumentError(
        "kafka: neither --kafka-bootstrap nor --kafka-bootstrap-file is set");
  }
  std::ifstream in(config.bootstrap_file);
  if (!in) {
    return absl::UnavailableError(
        absl::StrCat("kafka: cannot read bootstrap file ", config.bootstrap_file));
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text(absl::StripAsciiWhitespace(ss.str()));
  if (text.empty()) {
    return absl::UnavailableError(
        absl::StrCat("kafka: bootstrap file ", config.bootstrap_file, " is empty"));
  }
  return text;
}

}  // namespace firstline::platform
