#include "platform/grpc/live_streams.h"

namespace firstline::platform {

std::optional<uint64_t> LiveStreams::Add(Ender end) {
  std::lock_guard lock(mu_);
  if (closed_) return std::nullopt;
  const uint64_t id = next_id_++;
  streams_.emplace(id, std::move(end));
  return id;
}

void LiveStreams::Remove(uint64_t id) {
  std::lock_guard lock(mu_);
  streams_.erase(id);
}

void LiveStreams::Close(const grpc::Status& status) {
  std::lock_guard lock(mu_);
  closed_ = true;
  // Ending a stream only asks gRPC to finish it; its OnDone (and Remove) runs later, on
  // another thread, so the map is not changed under this loop.
  for (auto& [id, end] : streams_) end(status);
  streams_.clear();
}

size_t LiveStreams::size() const {
  std::lock_guard lock(mu_);
  return streams_.size();
}

grpc::Status ServerShuttingDown() {
  return grpc::Status(grpc::StatusCode::UNAVAILABLE,
                      "the server is shutting down; reconnect to have what is pending replayed");
}

}  // namespace firstline::platform
