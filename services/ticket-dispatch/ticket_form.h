#pragma once

#include <array>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "firstline/v1/ticket_dispatch.pb.h"

namespace firstline::ticket_dispatch {

// Deadlines by severity (index 0 = P1) for tickets a contract covers; billable tickets get
// `billable_factor` times as long.
struct SlaTable {
  std::array<absl::Duration, 4> accept = {absl::Minutes(15), absl::Minutes(30), absl::Hours(2),
                                          absl::Hours(8)};
  std::array<absl::Duration, 4> resolve = {absl::Hours(4), absl::Hours(8), absl::Hours(24),
                                           absl::Hours(72)};
  int billable_factor = 2;
};

// Checks every field of a CreateTicketRequest; INVALID_ARGUMENT naming each bad one (with a
// BadRequest payload). The appointment window must end in the future and after it starts.
absl::Status CheckTicketRequest(const firstline::v1::CreateTicketRequest& request, absl::Time now);

}  // namespace firstline::ticket_dispatch
