#include "platform/redis/idempotent_answers.h"

#include "absl/strings/str_cat.h"
#include "platform/core/log.h"
#include "platform/core/request_fingerprint.h"

namespace firstline::platform {
namespace {

constexpr size_t kMaxKey = 128;

}  // namespace

absl::StatusOr<bool> IdempotentAnswers::Replay(const std::string& redis_key,
                                               const std::string& fingerprint,
                                               google::protobuf::Message* response) {
  auto stored = redis_.Command({"GET", redis_key});
  if (!stored.ok()) return stored.status();
  if (stored->is_nil()) return false;
  // Stored as "<16 hex fingerprint><answer bytes>".
  const std::string& v = stored->str;
  if (v.size() < 16 || v.compare(0, 16, fingerprint) != 0) {
    return absl::FailedPreconditionError(
        "idempotency_key was already used for a different request");
  }
  if (!response->ParseFromArray(v.data() + 16, static_cast<int>(v.size() - 16))) {
    return absl::DataLossError("the stored answer of this idempotency_key is unreadable");
  }
  return true;
}

absl::Status IdempotentAnswers::Run(const std::string& caller, const std::string& method,
                                    const std::string& key,
                                    const google::protobuf::Message& request,
                                    google::protobuf::Message* response,
                                    const std::function<absl::Status()>& call) {
  if (key.empty()) return call();
  if (key.size() > kMaxKey) {
    return absl::InvalidArgumentError("idempotency_key: longer than 128 bytes");
  }
  const std::string redis_key =
      absl::StrCat("ans:{", service_, ":", caller, ":", method, ":", key, "}");
  const std::string fingerprint = RequestFingerprint(request);
  auto replayed = Replay(redis_key, fingerprint, response);
  if (!replayed.ok()) return replayed.status();
  if (*replayed) return absl::OkStatus();
  absl::Status st = call();
  if (st.ok()) {
    auto stored = redis_.Command({"SET", redis_key, fingerprint + response->SerializeAsString(),
                                  "NX", "PX", std::to_string(absl::ToInt64Milliseconds(ttl_))});
    if (!stored.ok()) {
      // The call took effect; only its replay is lost. Say so, but do not fail the caller.
      Log::Warn("idempotent_answer_not_stored",
                {{"method", method}, {"error", stored.status().ToString()}});
    }
    return absl::OkStatus();
  }
  if (absl::IsFailedPrecondition(st)) {
    response->Clear();
    auto twin = Replay(redis_key, fingerprint, response);
    if (twin.ok() && *twin) return absl::OkStatus();
  }
  return st;
}

}  // namespace firstline::platform
