#include "devbroker/control_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "absl/strings/str_cat.h"
#include "devbroker/control_command.h"

namespace firstline::devbroker {

absl::StatusOr<std::unique_ptr<ControlServer>> ControlServer::Start(MockCluster& cluster,
                                                                    int port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return absl::InternalError(absl::StrCat("socket: ", strerror(errno)));
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || listen(fd, 4) != 0) {
    std::string why = strerror(errno);
    close(fd);
    return absl::UnavailableError(absl::StrCat("control port ", port, ": ", why));
  }
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  return std::unique_ptr<ControlServer>(new ControlServer(cluster, fd, ntohs(addr.sin_port)));
}

ControlServer::ControlServer(MockCluster& cluster, int fd, int port)
    : cluster_(cluster), fd_(fd), port_(port) {
  thread_ = std::thread([this] { Serve(); });
}

ControlServer::~ControlServer() {
  stop_.store(true);
  if (thread_.joinable()) thread_.join();
  close(fd_);
}

void ControlServer::Serve() {
  while (!stop_.load()) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 100) <= 0) continue;
    int client = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ServeClient(client);
    close(client);
  }
}

void ControlServer::ServeClient(int client) {
  std::string buffer;
  char chunk[512];
  while (!stop_.load()) {
    pollfd p{client, POLLIN, 0};
    int ready = poll(&p, 1, 100);
    if (ready == 0) continue;
    if (ready < 0) return;
    ssize_t n = read(client, chunk, sizeof(chunk));
    if (n <= 0) return;
    buffer.append(chunk, static_cast<size_t>(n));
    if (buffer.size() > 4096) return;  // no sane command is this long
    size_t nl;
    while ((nl = buffer.find('\n')) != std::string::npos) {
      std::string reply = ExecuteControl(cluster_, buffer.substr(0, nl)) + "\n";
      buffer.erase(0, nl + 1);
      if (write(client, reply.data(), reply.size()) < 0) return;
    }
  }
}

}  // namespace firstline::devbroker
