#include "ticket-dispatch/ticket_form.h"

#include "absl/strings/str_cat.h"
#include "platform/core/field_checks.h"
#include "platform/core/field_errors.h"
#include "platform/core/proto_time.h"

namespace firstline::ticket_dispatch {
namespace {

namespace v1 = firstline::v1;

using platform::FromProtoTime;

}  // namespace

absl::Status CheckTicketRequest(const v1::CreateTicketRequest& r, absl::Time now) {
  platform::FieldErrors e;
  if (r.idempotency_key().empty()) e.Add("idempotency_key", "is required");
  if (r.idempotency_key().size() > 128) e.Add("idempotency_key", "is longer than 128 bytes");
  platform::CheckCode(e, "account_id", r.account_id(), 64, true);
  platform::CheckCode(e, "product.product_line", r.product().product_line(), 64, true);
  platform::CheckCode(e, "product.version", r.product().version(), 64, false);
  platform::CheckCode(e, "product.module", r.product().module(), 64, false);
  if (!v1::TicketCategory_IsValid(r.category())) {
    e.Add("category", absl::StrCat("unknown value ", r.category()));
  }
  if (r.severity() == v1::SEVERITY_UNSPECIFIED || !v1::Severity_IsValid(r.severity())) {
    e.Add("severity", "must be P1, P2, P3 or P4");
  }
  if (!v1::TicketChannel_IsValid(r.channel())) {
    e.Add("channel", absl::StrCat("unknown value ", r.channel()));
  }
  if (r.contact().name().size() > 100) e.Add("contact.name", "is longer than 100 bytes");
  if (r.contact().phone().size() > 40) e.Add("contact.phone", "is longer than 40 bytes");
  if (r.contact().email().size() > 254) e.Add("contact.email", "is longer than 254 bytes");
  platform::CheckCode(e, "location.region", r.location().region(), 64, r.needs_on_site());
  if (r.location().city().size() > 64) e.Add("location.city", "is longer than 64 bytes");
  if (r.location().address().size() > 300) e.Add("location.address", "is longer than 300 bytes");
  if (r.needs_on_site() && r.location().address().empty()) {
    e.Add("location.address", "is required for an on-site visit");
  }
  if (r.needs_on_site() && !r.has_appointment()) {
    e.Add("appointment", "is required for an on-site visit");
  }
  if (r.has_appointment()) {
    const auto& a = r.appointment();
    if (!a.has_start()) e.Add("appointment.start", "is required");
    if (!a.has_end()) e.Add("appointment.end", "is required");
    if (a.has_start() && a.has_end()) {
      if (FromProtoTime(a.end()) <= FromProtoTime(a.start())) {
        e.Add("appointment.end", "must be after appointment.start");
      }
      if (FromProtoTime(a.end()) <= now) e.Add("appointment", "is in the past");
    }
    absl::TimeZone zone;
    if (a.time_zone().empty() || !absl::LoadTimeZone(a.time_zone(), &zone)) {
      e.Add("appointment.time_zone", "must be an IANA time zone such as Asia/Shanghai");
    }
  }
  if (r.description().size() > 4000) e.Add("description", "is longer than 4000 bytes");
  return e.ToStatus();
}

}  // namespace firstline::ticket_dispatch
