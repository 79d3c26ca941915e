#include "platform/redis/redis_client.h"

#include <hiredis/hiredis.h>
#include <sys/time.h>

#include <algorithm>
#include <charconv>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "platform/core/backoff.h"
#include "platform/core/log.h"
#include "platform/redis/hash_tag.h"

namespace firstline::platform {
namespace {

// Runs `io` with the socket's timeout set to `timeout` (zero: the configured one, left as
// is), then puts `configured` back unless the connection broke meanwhile.
template <typename Io>
auto WithTimeout(redisContext*& ctx, absl::Duration configured, absl::Duration timeout, Io io) {
  if (timeout <= absl::ZeroDuration()) return io();
  redisSetTimeout(ctx, absl::ToTimeval(timeout));
  auto result = io();
  if (ctx != nullptr && ctx->err == 0) redisSetTimeout(ctx, absl::ToTimeval(configured));
  return result;
}

// RESP written by hand: hiredis's own formatter (sdscatfmt) cost more than the rest of a
// script call with thousands of arguments.
std::string FormatCommand(const std::vector<std::string>& argv) {
  size_t size = 16;
  for (const auto& a : argv) size += a.size() + 16;
  std::string out;
  out.reserve(size);
  char digits[24];
  auto header = [&](char kind, size_t n) {
    out.push_back(kind);
    out.append(digits, std::to_chars(digits, digits + sizeof(digits), n).ptr);
    out.append("\r\n", 2);
  };
  header('*', argv.size());
  for (const auto& a : argv) {
    header('$', a.size());
    out.append(a);
    out.append("\r\n", 2);
  }
  return out;
}

absl::StatusCode CodeFromWord(absl::string_view word) {
  static constexpr std::pair<absl::string_view, absl::StatusCode> kCodes[] = {
      {"INVALID_ARGUMENT", absl::StatusCode::kInvalidArgument},
      {"NOT_FOUND", absl::StatusCode::kNotFound},
      {"ALREADY_EXISTS", absl::StatusCode::kAlreadyExists},
      {"FAILED_PRECONDITION", absl::StatusCode::kFailedPrecondition},
      {"PERMISSION_DENIED", absl::StatusCode::kPermissionDenied},
      {"RESOURCE_EXHAUSTED", absl::StatusCode::kResourceExhausted},
      {"ABORTED", absl::StatusCode::kAborted},
      {"OUT_OF_RANGE", absl::StatusCode::kOutOfRange},
      {"UNAVAILABLE", absl::StatusCode::kUnavailable},
  };
  for (const auto& [name, code] : kCodes) {
    if (word == name) return code;
  }
  return absl::StatusCode::kUnknown;
}

absl::StatusOr<RedisValue> Convert(const redisReply* r) {
  RedisValue v;
  switch (r->type) {
    case REDIS_REPLY_ERROR:
      return ErrorReplyToStatus(absl::string_view(r->str, r->len));
    case REDIS_REPLY_NIL:
      v.type = RedisValue::Type::kNil;
      return v;
    case REDIS_REPLY_INTEGER:
      v.type = RedisValue::Type::kInteger;
      v.integer = r->integer;
      return v;
    case REDIS_REPLY_STATUS:
      v.type = RedisValue::Type::kStatus;
      v.str.assign(r->str, r->len);
      return v;
    case REDIS_REPLY_STRING:
      v.type = RedisValue::Type::kString;
      v.str.assign(r->str, r->len);
      return v;
    case REDIS_REPLY_ARRAY:
      v.type = RedisValue::Type::kArray;
      v.elements.reserve(r->elements);
      for (size_t i = 0; i < r->elements; ++i) {
        auto child = Convert(r->element[i]);
        if (!child.ok()) return child.status();
        v.elements.push_back(std::move(*child));
      }
      return v;
    default:
      return absl::InternalError(absl::StrCat("redis: unexpected reply type ", r->type));
  }
}

absl::Status CheckOneHashTag(const RedisScript& script, const std::vector<std::string>& keys) {
  for (size_t i = 1; i < keys.size(); ++i) {
    if (HashTagOf(keys[i]) != HashTagOf(keys[0])) {
      return absl::InvalidArgumentError(absl::StrCat("script ", script.name(), ": key ", keys[i],
                                                     " has another hash tag than ", keys[0]));
    }
  }
  return absl::OkStatus();
}

std::vector<std::string> EvalShaArgs(const RedisScript& script,
                                     const std::vector<std::string>& keys,
                                     const std::vector<std::string>& args) {
  std::vector<std::string> argv;
  argv.reserve(3 + keys.size() + args.size());
  argv.push_back("EVALSHA");
  argv.push_back(script.sha1());
  argv.push_back(std::to_string(keys.size()));
  argv.insert(argv.end(), keys.begin(), keys.end());
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

template <typename Send>
absl::StatusOr<RedisValue> EvalWithReload(const RedisScript& script,
                                          const std::vector<std::string>& keys,
                                          const std::vector<std::string>& args, Send&& send,
                                          std::atomic<uint64_t>* reloads) {
  if (auto st = CheckOneHashTag(script, keys); !st.ok()) return st;
  auto argv = EvalShaArgs(script, keys, args);
  auto result = send(argv);
  if (result.ok() || !absl::StartsWith(result.status().message(), "redis: NOSCRIPT")) {
    return result;
  }
  auto loaded = send({"SCRIPT", "LOAD", script.source()});
  if (!loaded.ok()) return loaded.status();
  if (loaded->str != script.sha1()) {
    return absl::InternalError(absl::StrCat("script ", script.name(), ": server sha ", loaded->str,
                                            " differs from ", script.sha1()));
  }
  if (reloads != nullptr) reloads->fetch_add(1);
  Log::Debug("redis_script_loaded", {{"script", script.name()}, {"sha1", script.sha1()}});
  return send(argv);
}

// Every command or pipeline sent on any connection of the process (see RedisRoundTrips).
std::atomic<uint64_t> round_trips{0};

}  // namespace

uint64_t RedisRoundTrips() { return round_trips.load(std::memory_order_relaxed); }

absl::Status ErrorReplyToStatus(absl::string_view text) {
  auto space = text.find(' ');
  absl::string_view word = text.substr(0, space);
  absl::StatusCode code = CodeFromWord(word);
  if (code != absl::StatusCode::kUnknown) {
    return absl::Status(code, space == absl::string_view::npos ? "" : text.substr(space + 1));
  }
  if (absl::StartsWith(text, "LOADING") || absl::StartsWith(text, "BUSY") ||
      absl::StartsWith(text, "TRYAGAIN") || absl::StartsWith(text, "MASTERDOWN")) {
    return absl::UnavailableError(absl::StrCat("redis: ", text));
  }
  return absl::InternalError(absl::StrCat("redis: ", text));
}

RedisConnection::RedisConnection(const RedisConfig& config, std::atomic<uint64_t>* epoch)
    : config_(config), epoch_(epoch) {}

RedisConnection::~RedisConnection() { Drop(); }

void RedisConnection::Drop() {
  if (ctx_ != nullptr) {
    redisFree(ctx_);
    ctx_ = nullptr;
  }
}

absl::Status RedisConnection::EnsureConnected() {
  if (ctx_ != nullptr && ctx_->err == 0 && connected_epoch_ == epoch_->load()) {
    return absl::OkStatus();
  }
  Drop();
  absl::Time now = absl::Now();
  if (now < next_connect_) {
    return absl::UnavailableError(absl::StrCat("redis ", config_.host, ":", config_.port,
                                               " unreachable; next attempt in ",
                                               absl::FormatDuration(next_connect_ - now)));
  }
  uint64_t epoch = epoch_->load();
  timeval tv = absl::ToTimeval(config_.connect_timeout);
  redisContext* ctx = redisConnectWithTimeout(config_.host.c_str(), config_.port, tv);
  auto fail = [&](std::string why) {
    if (ctx != nullptr) redisFree(ctx);
    Backoff backoff(config_.reconnect_backoff_initial, config_.reconnect_backoff_max);
    next_connect_ = absl::Now() + backoff.DelayFor(++failed_connects_);
    return absl::UnavailableError(
        absl::StrCat("redis ", config_.host, ":", config_.port, ": ", why));
  };
  if (ctx == nullptr) return fail("cannot allocate context");
  if (ctx->err != 0) return fail(ctx->errstr);
  timeval ctv = absl::ToTimeval(config_.command_timeout);
  redisSetTimeout(ctx, ctv);
  redisEnableKeepAlive(ctx);
  ctx_ = ctx;
  if (!config_.password.empty()) {
    auto auth = Command({"AUTH", config_.password});
    if (!auth.ok()) {
      ctx = nullptr;
      Drop();
      return fail(std::string(auth.status().message()));
    }
  }
  failed_connects_ = 0;
  connected_epoch_ = epoch;
  return absl::OkStatus();
}

absl::StatusOr<RedisValue> RedisConnection::Command(const std::vector<std::string>& argv,
                                                    absl::Duration timeout) {
  if (!(argv.size() >= 2 && argv[0] == "AUTH")) {
    if (auto st = EnsureConnected(); !st.ok()) return st;
  }
  const std::string command = FormatCommand(argv);
  void* raw = nullptr;
  round_trips.fetch_add(1, std::memory_order_relaxed);
  const bool answered = WithTimeout(ctx_, config_.command_timeout, timeout, [&] {
    return redisAppendFormattedCommand(ctx_, command.data(), command.size()) == REDIS_OK &&
           redisGetReply(ctx_, &raw) == REDIS_OK && raw != nullptr;
  });
  if (!answered) return Lost();
  auto* reply = static_cast<redisReply*>(raw);
  auto value = Convert(reply);
  freeReplyObject(reply);
  return value;
}

absl::StatusOr<RedisValue> RedisConnection::Lost() {
  std::string why = ctx_ != nullptr ? ctx_->errstr : "no context";
  Drop();
  epoch_->fetch_add(1);
  return absl::UnavailableError(absl::StrCat("redis ", config_.host, ":", config_.port, ": ",
                                             why.empty() ? "connection lost" : why));
}

absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> RedisConnection::Pipeline(
    const std::vector<std::vector<std::string>>& commands, absl::Duration timeout) {
  if (auto st = EnsureConnected(); !st.ok()) return st;
  if (!commands.empty()) round_trips.fetch_add(1, std::memory_order_relaxed);
  return WithTimeout(ctx_, config_.command_timeout, timeout, [&] { return SendAndRead(commands); });
}

absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> RedisConnection::SendAndRead(
    const std::vector<std::vector<std::string>>& commands) {
  for (const auto& argv : commands) {
    const std::string command = FormatCommand(argv);
    if (redisAppendFormattedCommand(ctx_, command.data(), command.size()) != REDIS_OK) {
      return Lost().status();
    }
  }
  std::vector<absl::StatusOr<RedisValue>> out;
  out.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(ctx_, &raw) != REDIS_OK || raw == nullptr) return Lost().status();
    auto* reply = static_cast<redisReply*>(raw);
    out.push_back(Convert(reply));
    freeReplyObject(reply);
  }
  return out;
}

RedisClient::RedisClient(RedisConfig config) : config_(std::move(config)) {
  config_.pool_size = std::max(1, config_.pool_size);
}

RedisClient::~RedisClient() = default;

std::unique_ptr<RedisConnection> RedisClient::Acquire() {
  std::unique_lock lock(mu_);
  auto deadline =
      std::chrono::steady_clock::now() + absl::ToChronoNanoseconds(config_.acquire_timeout);
  while (idle_.empty() && created_ >= config_.pool_size) {
    if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && idle_.empty()) {
      return nullptr;
    }
  }
  if (!idle_.empty()) {
    auto conn = std::move(idle_.back());
    idle_.pop_back();
    return conn;
  }
  ++created_;
  return std::make_unique<RedisConnection>(config_, &epoch_);
}

void RedisClient::Release(std::unique_ptr<RedisConnection> conn) {
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(conn));
  }
  cv_.notify_one();
}

absl::StatusOr<RedisValue> RedisClient::Command(const std::vector<std::string>& argv) {
  auto conn = Acquire();
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("redis pool: no connection free within acquire timeout");
  }
  auto result = conn->Command(argv);
  Release(std::move(conn));
  return result;
}

absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> RedisClient::Pipeline(
    const std::vector<std::vector<std::string>>& commands) {
  if (commands.empty()) return std::vector<absl::StatusOr<RedisValue>>();
  auto conn = Acquire();
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("redis pool: no connection free within acquire timeout");
  }
  auto result = conn->Pipeline(commands);
  Release(std::move(conn));
  return result;
}

absl::StatusOr<RedisValue> RedisClient::Eval(const RedisScript& script,
                                             const std::vector<std::string>& keys,
                                             const std::vector<std::string>& args) {
  auto conn = Acquire();
  if (conn == nullptr) {
    return absl::ResourceExhaustedError("redis pool: no connection free within acquire timeout");
  }
  auto result = EvalWithReload(
      script, keys, args, [&](const std::vector<std::string>& argv) { return conn->Command(argv); },
      &script_reloads_);
  Release(std::move(conn));
  return result;
}

absl::Status RedisClient::Ping() {
  auto r = Command({"PING"});
  return r.ok() ? absl::OkStatus() : r.status();
}

std::unique_ptr<RedisConnection> RedisClient::Dedicated() {
  return std::make_unique<RedisConnection>(config_, &epoch_);
}

absl::StatusOr<RedisValue> EvalOn(RedisConnection& conn, const RedisScript& script,
                                  const std::vector<std::string>& keys,
                                  const std::vector<std::string>& args) {
  return EvalWithReload(
      script, keys, args, [&](const std::vector<std::string>& argv) { return conn.Command(argv); },
      nullptr);
}

absl::Status FirstError(const absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>>& replies) {
  if (!replies.ok()) return replies.status();
  for (const auto& reply : *replies) {
    if (!reply.ok()) return reply.status();
  }
  return absl::OkStatus();
}

}  // namespace firstline::platform
