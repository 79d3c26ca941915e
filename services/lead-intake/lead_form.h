#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "firstline/v1/lead_intake.pb.h"

namespace firstline::lead_intake {

// Limits of a submitted lead (fields are counted in bytes of UTF-8).
struct LeadLimits {
  std::string default_country_code = "86";
  absl::Duration max_age = absl::Hours(24 * 365);  // occurred_at not older than this
  absl::Duration clock_skew = absl::Minutes(5);    // nor further in the future
};

// A submitted lead after validation: the contact normalised (E.164 phone, lower-case e-mail),
// the company's domain taken from the e-mail when none was given and it is not free mail,
// and the keys duplicates and accounts are matched on.
struct LeadForm {
  firstline::v1::Lead lead;  // no id, account, status or routing yet
  std::string referrer_account_id;
  std::string phone_key;    // E.164 or empty
  std::string email_key;    // normalised e-mail or empty
  std::string domain_key;   // company domain or empty
  std::string company_key;  // CompanyMatchKey(name) + "|" + region, or empty without a name
  absl::Time occurred_at;   // when the inquiry happened (the lead's received_at is now)
};

// Checks every field of `request` and normalises it; INVALID_ARGUMENT naming each bad field
// (with a BadRequest payload) otherwise. `now` fills a missing occurred_at.
absl::StatusOr<LeadForm> ReadLeadForm(const firstline::v1::SubmitLeadRequest& request,
                                      const LeadLimits& limits, absl::Time now);

}  // namespace firstline::lead_intake
