#include "lead-intake/lead_form.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "lead-intake/contact_normalizer.h"
#include "platform/core/field_checks.h"
#include "platform/core/field_errors.h"

namespace firstline::lead_intake {
using google::protobuf::util::TimeUtil;

absl::StatusOr<LeadForm> ReadLeadForm(const firstline::v1::SubmitLeadRequest& request,
                                      const LeadLimits& limits, absl::Time now) {
  platform::FieldErrors errors;
  LeadForm form;
  firstline::v1::Lead& lead = form.lead;

  platform::CheckLength(errors, "idempotency_key", request.idempotency_key(), 128, true);
  const auto& source = request.source();
  platform::CheckCode(errors, "source.channel", source.channel(), 64, true);
  platform::CheckLength(errors, "source.campaign", source.campaign(), 128);
  platform::CheckLength(errors, "source.keyword", source.keyword(), 128);
  platform::CheckCode(errors, "source.call_centre_id", source.call_centre_id(), 64);
  *lead.mutable_source() = source;

  const auto& contact = request.contact();
  auto* out_contact = lead.mutable_contact();
  platform::CheckLength(errors, "contact.name", contact.name(), 100);
  platform::CheckLength(errors, "contact.title", contact.title(), 100);
  out_contact->set_name(std::string(absl::StripAsciiWhitespace(contact.name())));
  out_contact->set_title(contact.title());
  if (!firstline::v1::BuyingRole_IsValid(contact.buying_role())) {
    errors.Add("contact.buying_role", absl::StrCat("unknown value ", contact.buying_role()));
  }
  out_contact->set_buying_role(contact.buying_role());
  if (contact.phone().empty() && contact.email().empty()) {
    errors.Add("contact", "needs a phone or an e-mail");
  }
  if (!contact.phone().empty()) {
    if (contact.phone().size() > 40) {
      errors.Add("contact.phone", "is longer than 40 bytes");
    } else if (auto phone = NormalizePhone(contact.phone(), limits.default_country_code);
               !phone.ok()) {
      errors.Add("contact.phone", std::string(phone.status().message()));
    } else {
      form.phone_key = *phone;
      out_contact->set_phone(*phone);
    }
  }
  if (!contact.email().empty()) {
    if (auto email = NormalizeEmail(contact.email()); !email.ok()) {
      errors.Add("contact.email", std::string(email.status().message()));
    } else {
      form.email_key = *email;
      out_contact->set_email(*email);
    }
  }

  const auto& company = request.company();
  auto* out_company = lead.mutable_company();
  *out_company = company;
  platform::CheckLength(errors, "company.name", company.name(), 200);
  platform::CheckLength(errors, "company.industry", company.industry(), 64);
  platform::CheckCode(errors, "company.region", company.region(), 32);
  platform::CheckLength(errors, "company.city", company.city(), 64);
  if (!firstline::v1::SizeTier_IsValid(company.size_tier())) {
    errors.Add("company.size_tier", absl::StrCat("unknown value ", company.size_tier()));
  }
  std::string domain = absl::AsciiStrToLower(absl::StripAsciiWhitespace(company.domain()));
  if (!domain.empty() && !platform::IsDomainName(domain)) {
    errors.Add("company.domain", "is not a domain name like example.com");
  }
  if (domain.empty()) domain = CompanyDomainOf(form.email_key);
  if (IsFreeMailDomain(domain)) domain.clear();
  form.domain_key = domain;
  out_company->set_domain(domain);
  std::string name_key = CompanyMatchKey(company.name());
  if (!name_key.empty()) form.company_key = absl::StrCat(name_key, "|", company.region());

  if (request.product_lines_size() > 20) errors.Add("product_lines", "more than 20 entries");
  for (int i = 0; i < request.product_lines_size() && i < 20; ++i) {
    platform::CheckCode(errors, absl::StrCat("product_lines[", i, "]"), request.product_lines(i),
                        64, true);
    lead.add_product_lines(request.product_lines(i));
  }
  platform::CheckLength(errors, "notes", request.notes(), 4000);
  lead.set_notes(request.notes());
  platform::CheckCode(errors, "referrer_account_id", request.referrer_account_id(), 64);
  form.referrer_account_id = request.referrer_account_id();

  absl::Time occurred = now;
  if (request.has_occurred_at()) {
    const auto& ts = request.occurred_at();
    if (ts.seconds() < TimeUtil::kTimestampMinSeconds ||
        ts.seconds() > TimeUtil::kTimestampMaxSeconds || ts.nanos() < 0 || ts.nanos() > 999999999) {
      errors.Add("occurred_at", "is not a valid timestamp");
    } else {
      occurred = absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
      if (occurred > now + limits.clock_skew) errors.Add("occurred_at", "is in the future");
      if (occurred < now - limits.max_age) errors.Add("occurred_at", "is more than a year ago");
    }
  }
  if (!errors.empty()) return errors.ToStatus();
  form.occurred_at = occurred;
  *lead.mutable_received_at() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(now));
  return form;
}

}  // namespace firstline::lead_intake
