#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "firstline/v1/renewals.pb.h"

namespace firstline::renewal {

// Where due inspections become tickets: ticket-dispatch over gRPC in production
// (renewal-reminder/inspection_client.h).
class InspectionTickets {
 public:
  virtual ~InspectionTickets() = default;
  // Raises the inspection ticket of `reminder` and returns its id. The reminder id is the
  // idempotency key, so raising again after a lost answer gives the same ticket.
  virtual absl::StatusOr<std::string> Raise(const v1::Reminder& reminder,
                                            const std::string& product_line) = 0;
};

}  // namespace firstline::renewal
