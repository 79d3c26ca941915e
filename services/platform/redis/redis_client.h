#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "platform/redis/redis_script.h"
#include "platform/redis/redis_value.h"

struct redisContext;

namespace firstline::platform {

struct RedisConfig {
  std::string host = "127.0.0.1";
  int port = 6379;
  std::string password;  // empty: no AUTH
  int pool_size = 8;
  absl::Duration connect_timeout = absl::Seconds(1);
  absl::Duration command_timeout = absl::Seconds(2);
  absl::Duration acquire_timeout = absl::Seconds(2);
  absl::Duration reconnect_backoff_initial = absl::Milliseconds(50);
  absl::Duration reconnect_backoff_max = absl::Seconds(2);
};

// One Redis connection that reconnects on demand, with backoff between failed connects.
// Not thread-safe; the pool hands it to one caller at a time.
class RedisConnection {
 public:
  RedisConnection(const RedisConfig& config, std::atomic<uint64_t>* epoch);
  ~RedisConnection();
  RedisConnection(const RedisConnection&) = delete;
  RedisConnection& operator=(const RedisConnection&) = delete;

  // Sends one command. Error replies map to a status whose code is the reply's first word when
  // it names an absl code (scripts return e.g. "FAILED_PRECONDITION offer expired"), INTERNAL
  // otherwise. A broken connection gives UNAVAILABLE and is re-established on the next call.
  absl::StatusOr<RedisValue> Command(const std::vector<std::string>& argv,
                                     absl::Duration timeout = absl::ZeroDuration());

  // Sends every command, then reads every reply: one round trip for the lot. Each reply is
  // its own status (an error reply fails only its command); a broken connection fails the
  // whole batch with UNAVAILABLE. `timeout` as for Command (a pipeline ending in a blocking
  // read needs longer than the default).
  absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> Pipeline(
      const std::vector<std::vector<std::string>>& commands,
      absl::Duration timeout = absl::ZeroDuration());

 private:
  absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> SendAndRead(
      const std::vector<std::vector<std::string>>& commands);
  absl::StatusOr<RedisValue> Lost();
  absl::Status EnsureConnected();
  void Drop();

  const RedisConfig& config_;
  std::atomic<uint64_t>* epoch_;  // bumped on any I/O failure so every pooled peer reconnects
  uint64_t connected_epoch_ = 0;
  redisContext* ctx_ = nullptr;
  int failed_connects_ = 0;
  absl::Time next_connect_ = absl::InfinitePast();
};

// The status an error reply stands for: its first word when that names an absl code (scripts
// answer e.g. "FAILED_PRECONDITION offer expired"), UNAVAILABLE for a server that is loading or
// busy, INTERNAL otherwise. For error replies a script hands back inside its answer.
absl::Status ErrorReplyToStatus(absl::string_view text);

// Round trips to Redis this process has begun, on every connection: a command, or a pipeline
// of them, is one (AUTH after a connect too). A blocking call costs its thread a sleep and a
// wake per round trip, so this counts what a request costs beside its CPU; exported as
// firstline_redis_round_trips_total, and the bench divides it by the work done.
uint64_t RedisRoundTrips();

// A pipeline's outcome as one status: the batch's own failure, else the first command's error
// reply, else OK (for pipelines whose commands must all succeed).
absl::Status FirstError(const absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>>& replies);

// Thread-safe pooled client. Every failure is a status; nothing throws or aborts.
class RedisClient {
 public:
  explicit RedisClient(RedisConfig config);
  ~RedisClient();

  absl::StatusOr<RedisValue> Command(const std::vector<std::string>& argv);
  // See RedisConnection::Pipeline. Reads that would take one round trip per key take one.
  absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> Pipeline(
      const std::vector<std::vector<std::string>>& commands);

  // EVALSHA, loading the script after NOSCRIPT (a restarted or flushed server). All keys must
  // share one hash tag (Cluster-ready); otherwise INVALID_ARGUMENT and nothing is sent.
  absl::StatusOr<RedisValue> Eval(const RedisScript& script, const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

  absl::Status Ping();

  // A connection outside the pool for blocking reads (XREAD BLOCK).
  std::unique_ptr<RedisConnection> Dedicated();

  // Scripts (re)loaded after NOSCRIPT since start; exported as a metric.
  uint64_t script_reloads() const { return script_reloads_.load(); }
  const RedisConfig& config() const { return config_; }

 private:
  class Lease;
  std::unique_ptr<RedisConnection> Acquire();
  void Release(std::unique_ptr<RedisConnection> conn);

  RedisConfig config_;
  std::atomic<uint64_t> epoch_{0};
  std::atomic<uint64_t> script_reloads_{0};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<RedisConnection>> idle_;
  int created_ = 0;
};

// Evaluates a script on a dedicated (non-pooled) connection, with the same NOSCRIPT handling.
absl::StatusOr<RedisValue> EvalOn(RedisConnection& conn, const RedisScript& script,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args);

}  // namespace firstline::platform
