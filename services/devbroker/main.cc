// firstline-devbroker: hosts librdkafka's mock Kafka cluster on loopback for development,
// demos and tests. In memory only; see docs/operations.md for its limits.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "devbroker/control_server.h"
#include "devbroker/mock_cluster.h"
#include "platform/core/log.h"
#include "platform/core/shutdown_signals.h"
#include "platform/kafka/topics.h"

namespace {

namespace fl = firstline;

// Written to a temp file and renamed, so readers never see half a line.
bool WriteAtomically(const std::string& path, const std::string& text) {
  if (path.empty()) return true;
  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    if (!out) return false;
    out << text << "\n";
    if (!out.good()) return false;
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  return !ec;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Firstline dev broker: an in-memory Kafka (librdkafka mock cluster) on loopback"};
  int brokers = 1;
  int partitions = 4;
  std::string bootstrap_file;
  std::string control_file;
  int control_port = 0;
  std::string log_level = "info";
  app.add_option("--brokers", brokers, "mock brokers")
      ->envname("FIRSTLINE_DEVBROKER_BROKERS")
      ->capture_default_str();
  app.add_option("--partitions", partitions, "partitions per topic")
      ->envname("FIRSTLINE_DEVBROKER_PARTITIONS")
      ->capture_default_str();
  app.add_option("--bootstrap-file", bootstrap_file, "write the bootstrap servers here")
      ->envname("FIRSTLINE_KAFKA_BOOTSTRAP_FILE");
  app.add_option("--control-port", control_port, "control socket port on 127.0.0.1 (0: free)")
      ->envname("FIRSTLINE_DEVBROKER_CONTROL_PORT")
      ->capture_default_str();
  app.add_option("--control-file", control_file, "write the control port here")
      ->envname("FIRSTLINE_DEVBROKER_CONTROL_FILE");
  app.add_option("--log-level", log_level, "log level")
      ->envname("FIRSTLINE_LOG_LEVEL")
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  const sigset_t signals = fl::platform::BlockShutdownSignals();
  fl::platform::Log::Init("devbroker", log_level);

  auto cluster = fl::devbroker::MockCluster::Create(brokers);
  if (!cluster.ok()) {
    fl::platform::Log::Error("devbroker_failed", {{"error", cluster.status().ToString()}});
    return 1;
  }
  for (std::string_view topic : fl::platform::topics::kAll) {
    if (auto st =
            (*cluster)->CreateTopic(absl::string_view(topic.data(), topic.size()), partitions);
        !st.ok()) {
      fl::platform::Log::Error("devbroker_failed", {{"error", st.ToString()}});
      return 1;
    }
  }
  auto control = fl::devbroker::ControlServer::Start(**cluster, control_port);
  if (!control.ok()) {
    fl::platform::Log::Error("devbroker_failed", {{"error", control.status().ToString()}});
    return 1;
  }
  if (!WriteAtomically(bootstrap_file, (*cluster)->bootstrap()) ||
      !WriteAtomically(control_file, std::to_string((*control)->port()))) {
    fl::platform::Log::Error("devbroker_failed", {{"error", "cannot write the address files"}});
    return 1;
  }
  std::printf("bootstrap=%s control=127.0.0.1:%d\n", (*cluster)->bootstrap().c_str(),
              (*control)->port());
  std::fflush(stdout);
  fl::platform::Log::Info("devbroker_ready", {{"bootstrap", (*cluster)->bootstrap()},
                                              {"control_port", (*control)->port()},
                                              {"partitions", partitions}});
  int sig = 0;
  sigwait(&signals, &sig);
  fl::platform::Log::Info("devbroker_stopping");
  control->reset();
  cluster->reset();
  if (!bootstrap_file.empty()) std::filesystem::remove(bootstrap_file);
  return 0;
}
