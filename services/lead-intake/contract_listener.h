#pragma once

#include "absl/status/status.h"
#include "firstline/v1/events.pb.h"
#include "lead-intake/lead_book.h"
#include "routing/routing_engine.h"

namespace firstline::lead_intake {

// Applies contract events (renewal-reminder) to lead-intake: the account becomes a customer,
// so its next leads go to the owner first; an account without a sales owner gets the rep who
// closed the contract, or else the rep who converted its latest lead.
class ContractListener {
 public:
  ContractListener(LeadBook& book, routing::RoutingEngine& engine) : book_(book), engine_(engine) {}

  // Other event types are ignored. Applying the same event twice changes nothing more.
  absl::Status Apply(const firstline::v1::Envelope& envelope);

 private:
  LeadBook& book_;
  routing::RoutingEngine& engine_;
};

}  // namespace firstline::lead_intake
