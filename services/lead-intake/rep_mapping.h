#pragma once

#include "absl/status/statusor.h"
#include "firstline/v1/lead_intake.pb.h"
#include "routing/worker.h"

namespace firstline::lead_intake {

// A rep on the API is a worker of the routing engine. INVALID_ARGUMENT names every bad field
// ("rep.capacity", "rep.weekly_hours[2].start", ...).
absl::StatusOr<routing::Worker> WorkerFromRep(const firstline::v1::Rep& rep);
firstline::v1::Rep RepFromWorker(const routing::Worker& worker);

}  // namespace firstline::lead_intake
