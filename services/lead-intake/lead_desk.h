#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/lead_intake.pb.h"
#include "lead-intake/lead_book.h"
#include "lead-intake/lead_form.h"
#include "platform/auth/principal.h"
#include "routing/routing_engine.h"

namespace firstline::lead_intake {

struct LeadDeskConfig {
  LeadLimits limits;
  // First-response SLA when the matched rule names none.
  absl::Duration default_sla = absl::Hours(2);
  // An intake not routed after this long (the process died in between) is routed by Sweep.
  absl::Duration unrouted_grace = absl::Seconds(30);
  int sweep_batch = 100;
};

// What one Sweep() moved on.
struct SweepReport {
  int expired_offers = 0;  // decisions made after offers expired
  int sla_breaches = 0;
  int rerouted = 0;  // intakes routed after a crash
  int archived = 0;  // closed leads forgotten after their retention
};

// The lead desk: everything lead-intake does, without any transport. Normalises and takes in
// leads (LeadBook), routes them with the routing engine (owner first, partner protection,
// SLA per rule) and records where each went; accepts, declines, status changes, tenancy.
class LeadDesk {
 public:
  LeadDesk(LeadBook& book, routing::RoutingEngine& engine, const platform::Clock& clock,
           LeadDeskConfig config);

  absl::StatusOr<firstline::v1::SubmitLeadResponse> Submit(
      const platform::Principal& caller, const firstline::v1::SubmitLeadRequest& request,
      const std::string& trace_id);
  // PERMISSION_DENIED unless the caller may see the lead (see CanSee).
  absl::StatusOr<firstline::v1::Lead> Get(const platform::Principal& caller,
                                          const std::string& lead_id);
  absl::StatusOr<LeadPage> List(const platform::Principal& caller,
                                const firstline::v1::ListLeadsRequest& request);
  absl::StatusOr<firstline::v1::AcceptLeadResponse> Accept(const platform::Principal& rep,
                                                           const std::string& offer_id);
  absl::Status Decline(const platform::Principal& rep, const std::string& offer_id,
                       const std::string& reason);
  absl::StatusOr<firstline::v1::Lead> UpdateStatus(const platform::Principal& caller,
                                                   const std::string& lead_id,
                                                   firstline::v1::LeadStatus status,
                                                   const std::string& reason,
                                                   const std::string& trace_id);
  absl::Status SetAvailability(const platform::Principal& rep,
                               firstline::v1::Availability availability);
  // Presence of a rep while its offer stream is open.
  absl::Status OfferStreamOpened(const platform::Principal& rep) {
    return engine_.StreamOpened(rep.subject).status();
  }
  absl::Status OfferStreamClosed(const platform::Principal& rep) {
    return engine_.StreamClosed(rep.subject).status();
  }
  // The lead behind a routing item, for the rep's own offer feed (no tenancy check: the feed
  // only carries the rep's offers).
  absl::StatusOr<firstline::v1::Lead> LeadOfItem(const std::string& item_id) {
    return book_.Get(item_id);
  }
  absl::Status UpsertRep(const routing::Worker& rep) { return engine_.UpsertWorker(rep); }
  absl::Status RemoveRep(const std::string& rep_id) { return engine_.RemoveWorker(rep_id); }
  absl::StatusOr<std::vector<std::string>> Explain(const platform::Principal& caller,
                                                   const std::string& lead_id);
  // Returns the previous owner ("" when none).
  absl::StatusOr<std::string> TransferOwner(const platform::Principal& operator_principal,
                                            const std::string& account_id,
                                            const std::string& new_owner,
                                            const std::string& reason);

  // Expired offers move on, breached SLAs escalate, stuck intakes are routed. Safe to run on
  // every instance at once: each piece of work is claimed atomically.
  absl::StatusOr<SweepReport> Sweep();

  // Whether `caller` may read `lead`: operators and services all; a rep the leads offered or
  // assigned to it; a partner its organisation's; a call centre the leads it took.
  static bool CanSee(const platform::Principal& caller, const firstline::v1::Lead& lead);

 private:
  // Routes a lead just taken in and records where it went together with the intake's answer
  // (built here from what is known, not read back).
  absl::StatusOr<firstline::v1::SubmitLeadResponse> RouteNew(const Intake& intake,
                                                             const LeadForm& form,
                                                             const std::string& idempotency_key,
                                                             const std::string& trace_id);
  RoutingUpdate UpdateFor(const routing::Decision& decision, absl::Time received_at) const;
  absl::Status Record(const routing::Decision& decision, absl::Time received_at);
  // Records the engine's current state of a lead whose decision was never recorded.
  absl::Status Adopt(const std::string& lead_id);
  absl::StatusOr<firstline::v1::SubmitLeadResponse> Answer(const std::string& lead_id, bool merged);
  std::optional<absl::Duration> SlaOf(const routing::Decision& decision) const;

  LeadBook& book_;
  routing::RoutingEngine& engine_;
  const platform::Clock& clock_;
  LeadDeskConfig config_;
};

}  // namespace firstline::lead_intake
