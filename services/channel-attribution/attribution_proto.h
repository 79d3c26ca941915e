#pragma once

#include "absl/status/statusor.h"
#include "channel-attribution/aggregate_keys.h"
#include "channel-attribution/attribution_models.h"
#include "firstline/v1/attribution.pb.h"

namespace firstline::attribution {

v1::AttributionModel ToProtoModel(Model m);
// INVALID_ARGUMENT naming `field` for an unset or unknown model.
absl::StatusOr<Model> FromProtoModel(v1::AttributionModel m, const std::string& field);
// Unset groups by channel; INVALID_ARGUMENT naming `field` for an unknown value.
absl::StatusOr<Grouping> FromProtoGrouping(v1::ReportGrouping g, const std::string& field);

}  // namespace firstline::attribution
