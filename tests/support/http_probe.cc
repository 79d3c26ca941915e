#include "support/http_probe.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"

namespace firstline::testing {

int HttpGetStatus(int port, const std::string& path, std::string* body) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{2, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    close(fd);
    return -1;
  }
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n";
  if (write(fd, request.data(), request.size()) < 0) {
    close(fd);
    return -1;
  }
  std::string response;
  char buf[4096];
  ssize_t n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) response.append(buf, static_cast<size_t>(n));
  close(fd);
  if (response.size() < 12 || response.compare(0, 5, "HTTP/") != 0) return -1;
  if (body != nullptr) {
    auto split = response.find("\r\n\r\n");
    *body = split == std::string::npos ? "" : response.substr(split + 4);
  }
  return std::atoi(response.substr(9, 3).c_str());
}

std::optional<double> MetricValue(const std::string& exposition, const std::string& name) {
  const std::string line_start = "\n" + name + " ";
  const std::string text = "\n" + exposition;  // the first line starts after a newline too
  const size_t at = text.find(line_start);
  if (at == std::string::npos) return std::nullopt;
  const size_t from = at + line_start.size();
  double value = 0;
  if (!absl::SimpleAtod(absl::StripAsciiWhitespace(
                            absl::string_view(text).substr(from, text.find('\n', from) - from)),
                        &value)) {
    return std::nullopt;
  }
  return value;
}

}  // namespace firstline::testing
