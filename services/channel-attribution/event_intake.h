#pragma once

#include <optional>

#include "absl/status/statusor.h"
#include "channel-attribution/attribution_settings.h"
#include "channel-attribution/journey_fold.h"
#include "firstline/v1/events.pb.h"

namespace firstline::attribution {

// The journey of touches recorded for a contact before any lead named its account; a lead
// whose contact has that phone or e-mail takes them over.
std::string ContactJourney(const std::string& contact_id);

// What an event means to attribution: leads, their acceptance and qualification, partners'
// registrations, contracts signed and renewed. nullopt for events it does not use;
// INVALID_ARGUMENT for one it cannot use (a contract in an unknown currency: dead-lettered, so
// it can be replayed once the rate is configured).
absl::StatusOr<std::optional<FoldInput>> InputOf(const v1::Envelope& event,
                                                 const AttributionSettings& settings);

}  // namespace firstline::attribution
