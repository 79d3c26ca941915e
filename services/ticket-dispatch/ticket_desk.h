#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/events.pb.h"
#include "firstline/v1/ticket_dispatch.pb.h"
#include "platform/auth/principal.h"
#include "routing/routing_engine.h"
#include "ticket-dispatch/ticket_book.h"
#include "ticket-dispatch/ticket_form.h"

namespace firstline::ticket_dispatch {

struct TicketDeskConfig {
  SlaTable sla;
  absl::Duration follow_up_delay = absl::Hours(24);  // satisfaction call-back after resolution
  absl::Duration unrouted_grace = absl::Seconds(30);
  int sweep_batch = 100;
};

struct TicketSweep {
  int expired_offers = 0;
  int breaches = 0;
  int rerouted = 0;
  int archived = 0;  // closed tickets forgotten after their retention
};

// Ticket dispatch without transport: entitlement from contract events, deadlines by severity
// and entitlement, dispatch through the routing engine (service owner first, skills, region,
// on duty; P1 broadcast by policy), the engineer's status changes, satisfaction, tenancy.
class TicketDesk {
 public:
  TicketDesk(TicketBook& book, routing::RoutingEngine& engine, const platform::Clock& clock,
             TicketDeskConfig config);

  absl::StatusOr<firstline::v1::Ticket> Create(const platform::Principal& caller,
                                               const firstline::v1::CreateTicketRequest& request,
                                               const std::string& trace_id);
  absl::StatusOr<firstline::v1::Ticket> Get(const platform::Principal& caller,
                                            const std::string& ticket_id);
  absl::StatusOr<TicketPage> List(const platform::Principal& caller,
                                  const firstline::v1::ListTicketsRequest& request);
  absl::StatusOr<firstline::v1::Ticket> Cancel(const platform::Principal& caller,
                                               const std::string& ticket_id,
                                               const std::string& reason,
                                               const std::string& trace_id);
  absl::StatusOr<firstline::v1::Ticket> RecordSatisfaction(
      const platform::Principal& caller, const firstline::v1::RecordSatisfactionRequest& request,
      const std::string& trace_id);
  absl::StatusOr<std::vector<std::string>> Explain(const platform::Principal& caller,
                                                   const std::string& ticket_id);
  absl::StatusOr<firstline::v1::AcceptOfferResponse> Accept(const platform::Principal& engineer,
                                                            const std::string& offer_id);
  absl::Status Decline(const platform::Principal& engineer, const std::string& offer_id,
                       const std::string& reason);
  absl::StatusOr<firstline::v1::Ticket> UpdateStatus(
      const platform::Principal& engineer, const firstline::v1::UpdateTicketStatusRequest& request,
      const std::string& trace_id);
  absl::Status SetAvailability(const platform::Principal& engineer,
                               firstline::v1::Availability availability);
  absl::Status UpsertEngineer(const routing::Worker& engineer) {
    return engine_.UpsertWorker(engineer);
  }
  absl::Status RemoveEngineer(const std::string& id) { return engine_.RemoveWorker(id); }
  // Replaces the day's duty of every listed engineer (a dated exception of its calendar).
  absl::StatusOr<int> SetShiftRoster(const firstline::v1::SetShiftRosterRequest& request);
  absl::Status OfferStreamOpened(const platform::Principal& engineer) {
    return engine_.StreamOpened(engineer.subject).status();
  }
  void OfferStreamClosed(const platform::Principal& engineer) {
    (void)engine_.StreamClosed(engineer.subject);
  }
  absl::StatusOr<firstline::v1::Ticket> TicketOfItem(const std::string& item_id) {
    return book_.Get(TicketBook::TicketOfItem(item_id));
  }
  // Contract events keep the entitlement table.
  absl::Status ApplyContractEvent(const firstline::v1::Envelope& envelope);

  absl::StatusOr<TicketSweep> Sweep();

  static bool CanSee(const platform::Principal& caller, const firstline::v1::Ticket& ticket);

 private:
  // `stored`, when given, receives the ticket as recorded (left empty when nothing was).
  absl::Status Dispatch(const firstline::v1::Ticket& ticket, const std::string& routing_item,
                        const std::string& trace_id,
                        std::optional<firstline::v1::Ticket>* stored = nullptr);
  absl::Status Record(const routing::Decision& decision,
                      std::optional<firstline::v1::Ticket>* stored = nullptr);
  // Records the engine's current state of a round whose decision was never recorded.
  absl::Status Adopt(const std::string& ticket_id, const std::string& routing_item);

  TicketBook& book_;
  routing::RoutingEngine& engine_;
  const platform::Clock& clock_;
  TicketDeskConfig config_;
};

}  // namespace firstline::ticket_dispatch
