#include "devbroker/mock_cluster.h"

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <array>
#include <filesystem>
#include <set>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"

namespace firstline::devbroker {
namespace {

// librdkafka's mock brokers leave Nagle's algorithm on for the connections they accept (its
// clients turn it off only on their own side), so a response written while the previous one
// is still unacknowledged waits for the client's delayed ACK: up to 40 ms on Linux (it was
// most of the leads bench's 50 ms p99 from the call to the event on the bus). Real Kafka
// brokers set TCP_NODELAY. Linux passes a listening socket's TCP_NODELAY on to the
// connections it accepts, so it is set on the mock brokers' listening sockets, found among
// this process's descriptors by their ports.
void DisableNagleOnBrokers(const std::string& bootstrap) {
  std::set<int> ports;
  for (absl::string_view address : absl::StrSplit(bootstrap, ',')) {
    int port = 0;
    const size_t colon = address.rfind(':');
    if (colon != absl::string_view::npos && absl::SimpleAtoi(address.substr(colon + 1), &port)) {
      ports.insert(port);
    }
  }
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
    int fd = -1;
    if (!absl::SimpleAtoi(entry.path().filename().string(), &fd)) continue;
    int listening = 0;
    socklen_t len = sizeof(listening);
    if (getsockopt(fd, SOL_SOCKET, SO_ACCEPTCONN, &listening, &len) != 0 || listening == 0) {
      continue;
    }
    sockaddr_storage local{};
    len = sizeof(local);
    if (getsockname(fd, reinterpret_cast<sockaddr*>(&local), &len) != 0) continue;
    int port = -1;
    if (local.ss_family == AF_INET) {
      port = ntohs(reinterpret_cast<sockaddr_in*>(&local)->sin_port);
    } else if (local.ss_family == AF_INET6) {
      port = ntohs(reinterpret_cast<sockaddr_in6*>(&local)->sin6_port);
    }
    if (ports.count(port) == 0) continue;
    const int on = 1;
    (void)setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof(on));  // best effort: dev only
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<MockCluster>> MockCluster::Create(int brokers) {
  if (brokers < 1 || brokers > 9) return absl::InvalidArgumentError("brokers must be 1..9");
  std::array<char, 512> err{};
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  // The handle only hosts the cluster; keep it quiet and idle.
  rd_kafka_conf_set(conf, "log_level", "3", err.data(), err.size());
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err.data(), err.size());
  if (rk == nullptr) {
    rd_kafka_conf_destroy(conf);
    return absl::InternalError(absl::StrCat("mock cluster handle: ", err.data()));
  }
  std::unique_ptr<MockCluster> self(new MockCluster());
  self->handle_ = rk;
  self->cluster_ = rd_kafka_mock_cluster_new(rk, brokers);
  if (self->cluster_ == nullptr) return absl::InternalError("rd_kafka_mock_cluster_new failed");
  self->bootstrap_ = rd_kafka_mock_cluster_bootstraps(self->cluster_);
  DisableNagleOnBrokers(self->bootstrap_);
  self->brokers_ = brokers;
  return self;
}

MockCluster::~MockCluster() {
  if (cluster_ != nullptr) rd_kafka_mock_cluster_destroy(cluster_);
  if (handle_ != nullptr) rd_kafka_destroy(handle_);
}

absl::Status MockCluster::CreateTopic(absl::string_view topic, int partitions) {
  if (partitions < 1 || partitions > 256) {
    return absl::InvalidArgumentError("partitions must be 1..256");
  }
  std::string name(topic);
  rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, std::min(brokers_, 3));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return absl::InternalError(absl::StrCat("create topic ", name, ": ", rd_kafka_err2str(err)));
  }
  return absl::OkStatus();
}

absl::Status MockCluster::SetDown() {
  for (int id = 1; id <= brokers_; ++id) {
    if (rd_kafka_mock_broker_set_down(cluster_, id) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("broker ", id, " cannot be taken down"));
    }
  }
  down_ = true;
  return absl::OkStatus();
}

absl::Status MockCluster::SetUp() {
  for (int id = 1; id <= brokers_; ++id) {
    if (rd_kafka_mock_broker_set_up(cluster_, id) != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return absl::InternalError(absl::StrCat("broker ", id, " cannot be brought up"));
    }
  }
  DisableNagleOnBrokers(bootstrap_);  // a broker brought up listens on a new socket
  down_ = false;
  return absl::OkStatus();
}

absl::Status MockCluster::InjectRequestErrors(int api_key, int error, int count) {
  if (api_key < 0 || api_key > 100) return absl::InvalidArgumentError("api key must be 0..100");
  if (count < 1 || count > 100000) return absl::InvalidArgumentError("count must be 1..100000");
  std::vector<rd_kafka_resp_err_t> errors(count, static_cast<rd_kafka_resp_err_t>(error));
  rd_kafka_mock_push_request_errors_array(cluster_, static_cast<int16_t>(api_key), errors.size(),
                                          errors.data());
  return absl::OkStatus();
}

void MockCluster::ClearRequestErrors(int api_key) {
  rd_kafka_mock_clear_request_errors(cluster_, static_cast<int16_t>(api_key));
}

absl::Status MockCluster::SetRtt(int milliseconds) {
  if (milliseconds < 0 || milliseconds > 60000) {
    return absl::InvalidArgumentError("rtt must be 0..60000 ms");
  }
  for (int id = 1; id <= brokers_; ++id) {
    rd_kafka_mock_broker_set_rtt(cluster_, id, milliseconds);
  }
  return absl::OkStatus();
}

}  // namespace firstline::devbroker
