#pragma once
// The long-lived server streams open on one server (offer feeds, task feeds). They never end
// by themselves, so at shutdown they are ended at once with UNAVAILABLE: the apps reconnect
// (to another instance) and have what is pending replayed, instead of the server holding its
// drain grace for calls that cannot finish and then cancelling them.

#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>

namespace firstline::platform {

class LiveStreams {
 public:
  using Ender = std::function<void(const grpc::Status&)>;

  // Tracks a stream until Remove. nullopt once Close has run: the stream should end at once.
  std::optional<uint64_t> Add(Ender end);
  // Stops tracking; once it returns, `end` is not running and will not run.
  void Remove(uint64_t id);
  // Ends every tracked stream with `status`; later Adds are refused.
  void Close(const grpc::Status& status);

  size_t size() const;

 private:
  // Held while enders run, so Remove (from a stream's OnDone) waits for them: a stream is
  // never ended after it was deleted.
  mutable std::mutex mu_;
  std::map<uint64_t, Ender> streams_;
  uint64_t next_id_ = 1;
  bool closed_ = false;
};

// What a stream ended by Close tells the app.
grpc::Status ServerShuttingDown();

}  // namespace firstline::platform
