#pragma once

#include <grpcpp/channel.h>

#include <memory>
#include <string>

#include "firstline/v1/ticket_dispatch.grpc.pb.h"
#include "platform/auth/tokens.h"
#include "renewal-reminder/inspection_tickets.h"

namespace firstline::renewal {

// Raises inspection tickets in ticket-dispatch (TicketDesk.CreateTicket) as the service
// principal "renewal-reminder", with a token minted from the shared secret per call.
class TicketDeskInspections final : public InspectionTickets {
 public:
  TicketDeskInspections(std::shared_ptr<grpc::Channel> channel, std::string auth_secret,
                        const platform::Clock& clock, absl::Duration timeout = absl::Seconds(5));

  absl::StatusOr<std::string> Raise(const v1::Reminder& reminder,
                                    const std::string& product_line) override;

 private:
  std::unique_ptr<v1::TicketDesk::Stub> stub_;
  platform::TokenIssuer issuer_;
  absl::Duration timeout_;
};

}  // namespace firstline::renewal
