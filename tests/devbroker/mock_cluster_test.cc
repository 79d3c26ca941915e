// The mock brokers' accepted connections run without Nagle's algorithm, as real Kafka
// brokers' do: with it, a response written behind an unacknowledged one waited for the
// client's delayed ACK (up to 40 ms), which was most of the bus latency the benches measured.
#include "devbroker/mock_cluster.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <filesystem>
#include <optional>
#include <set>

#include "absl/strings/numbers.h"
#include "absl/time/clock.h"

namespace firstline::devbroker {
namespace {

int PortOf(int fd, bool peer) {
  sockaddr_in a{};
  socklen_t len = sizeof(a);
  const int r = peer ? getpeername(fd, reinterpret_cast<sockaddr*>(&a), &len)
                     : getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return r == 0 && a.sin_family == AF_INET ? ntohs(a.sin_port) : -1;
}

// The broker's end of the connection whose client end has local port `client_port`: a socket
// of this process whose peer is that port. Waits for the mock's thread to accept it.
std::optional<int> AcceptedEnd(int client_port) {
  const absl::Time give_up = absl::Now() + absl::Seconds(5);
  while (absl::Now() < give_up) {
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator("/proc/self/fd", ec)) {
      int fd = -1;
      if (!absl::SimpleAtoi(entry.path().filename().string(), &fd)) continue;
      if (PortOf(fd, /*peer=*/true) == client_port) return fd;
    }
    absl::SleepFor(absl::Milliseconds(10));
  }
  return std::nullopt;
}

// Connects to the first broker and reports whether the broker's end has TCP_NODELAY set.
std::optional<bool> BrokerEndHasNoDelay(const MockCluster& cluster) {
  const std::string& bootstrap = cluster.bootstrap();
  int port = 0;
  const size_t colon = bootstrap.find(':');
  const size_t comma = bootstrap.find(',');
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(bootstrap.substr(colon + 1, comma - colon - 1), &port)) {
    return std::nullopt;
  }
  const int client = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
  std::optional<bool> result;
  if (connect(client, reinterpret_cast<sockaddr*>(&to), sizeof(to)) == 0) {
    if (auto accepted = AcceptedEnd(PortOf(client, /*peer=*/false)); accepted.has_value()) {
      int on = 0;
      socklen_t len = sizeof(on);
      if (getsockopt(*accepted, IPPROTO_TCP, TCP_NODELAY, &on, &len) == 0) result = on != 0;
    }
  }
  close(client);
  return result;
}

TEST(MockClusterTest, BrokersAcceptConnectionsWithoutNagleAlsoAfterGoingDownAndUp) {
  auto cluster = MockCluster::Create(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status();
  EXPECT_EQ(BrokerEndHasNoDelay(**cluster), std::optional<bool>(true));
  ASSERT_TRUE((*cluster)->SetDown().ok());
  ASSERT_TRUE((*cluster)->SetUp().ok());
  EXPECT_EQ(BrokerEndHasNoDelay(**cluster), std::optional<bool>(true));
}

}  // namespace
}  // namespace firstline::devbroker
