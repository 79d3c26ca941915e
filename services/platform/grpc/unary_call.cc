#include "platform/grpc/unary_call.h"

namespace firstline::platform {

std::string TraceIdOf(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find("x-trace-id");
  if (it == metadata.end() || it->second.size() > 64) return "";
  return std::string(it->second.data(), it->second.size());
}

}  // namespace firstline::platform
