#pragma once

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "firstline/v1/lead_intake.pb.h"
#include "lead-intake/lead_form.h"
#include "lead-intake/registration_book.h"
#include "platform/auth/principal.h"
#include "routing/routing_engine.h"

namespace firstline::lead_intake {

// Partner opportunity registration without transport: validation, account match, conflict
// and review rules (RegistrationBook does them atomically), tenancy (a partner sees and
// changes only its own organisation's registrations).
class RegistrationDesk {
 public:
  RegistrationDesk(RegistrationBook& book, routing::RoutingEngine& engine,
                   const platform::Clock& clock, LeadLimits limits);

  absl::StatusOr<firstline::v1::Registration> Register(
      const platform::Principal& partner, const firstline::v1::RegisterOpportunityRequest& request,
      const std::string& trace_id);
  absl::StatusOr<firstline::v1::Registration> Extend(const platform::Principal& partner,
                                                     const std::string& registration_id,
                                                     const std::string& trace_id);
  absl::Status Withdraw(const platform::Principal& partner, const std::string& registration_id,
                        const std::string& trace_id);
  absl::StatusOr<firstline::v1::Registration> Review(const platform::Principal& reviewer,
                                                     const std::string& registration_id,
                                                     bool approve, const std::string& reason,
                                                     const std::string& trace_id);
  absl::StatusOr<firstline::v1::Registration> Get(const platform::Principal& caller,
                                                  const std::string& registration_id);
  absl::StatusOr<RegistrationPage> List(const platform::Principal& partner,
                                        const firstline::v1::ListRegistrationsRequest& request);
  // Ends protections whose time is up.
  absl::StatusOr<int> Sweep(int limit = 100) { return book_.ExpireDue(limit); }

 private:
  absl::StatusOr<std::string> PartnerOf(const platform::Principal& caller) const;
  absl::Status CheckId(const std::string& registration_id) const;

  RegistrationBook& book_;
  routing::RoutingEngine& engine_;
  const platform::Clock& clock_;
  LeadLimits limits_;
};

}  // namespace firstline::lead_intake
