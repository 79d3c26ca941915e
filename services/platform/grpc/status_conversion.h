#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace firstline::platform {

// absl::Status → grpc::Status with the same code and message; a BadRequest payload becomes the
// standard `grpc-status-details-bin` details (google.rpc.Status wire format).
grpc::Status ToGrpcStatus(const absl::Status& status);

// grpc::Status → absl::Status (client side), keeping code and message.
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace firstline::platform
