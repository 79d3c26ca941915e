#pragma once

#include <string>

#include "google/protobuf/message_lite.h"

namespace firstline::platform {

// FNV-1a over the request's deterministic encoding: the same request gives the same
// fingerprint in every process and release, so an idempotency key reused for a different
// request is recognised (and refused) rather than answered with the first result.
std::string RequestFingerprint(const google::protobuf::MessageLite& request);

}  // namespace firstline::platform
