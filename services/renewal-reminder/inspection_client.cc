#include "renewal-reminder/inspection_client.h"

#include "absl/strings/str_cat.h"
#include "platform/grpc/status_conversion.h"

namespace firstline::renewal {

TicketDeskInspections::TicketDeskInspections(std::shared_ptr<grpc::Channel> channel,
                                             std::string auth_secret, const platform::Clock& clock,
                                             absl::Duration timeout)
    : stub_(v1::TicketDesk::NewStub(std::move(channel))),
      issuer_(std::move(auth_secret), clock),
      timeout_(timeout) {}

absl::StatusOr<std::string> TicketDeskInspections::Raise(const v1::Reminder& reminder,
                                                         const std::string& product_line) {
  auto token = issuer_.Mint({"renewal-reminder", platform::PrincipalKind::kService, "vendor"},
                            absl::Minutes(5));
  if (!token.ok()) return token.status();
  v1::CreateTicketRequest request;
  request.set_idempotency_key(reminder.reminder_id());
  request.set_account_id(reminder.account_id());
  request.mutable_product()->set_product_line(product_line);
  request.set_category(v1::TICKET_CATEGORY_INSPECTION);
  request.set_severity(v1::SEVERITY_P4);
  request.set_channel(v1::TICKET_CHANNEL_INSPECTION);
  request.set_description(absl::StrCat("periodic free inspection (", reminder.reminder_id(), ")"));
  grpc::ClientContext context;
  context.AddMetadata("authorization", "Bearer " + *token);
  context.set_deadline(absl::ToChronoTime(absl::Now() + timeout_));
  v1::CreateTicketResponse response;
  grpc::Status st = stub_->CreateTicket(&context, request, &response);
  if (!st.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(st.error_code()),
                        absl::StrCat("ticket-dispatch CreateTicket: ", st.error_message()));
  }
  return response.ticket().ticket_id();
}

}  // namespace firstline::renewal
