#include "lead-intake/registration_desk.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "google/protobuf/util/time_util.h"
#include "lead-intake/contact_normalizer.h"
#include "platform/core/field_checks.h"
#include "platform/core/ids.h"
#include "platform/core/page_token.h"
#include "platform/core/request_fingerprint.h"

namespace firstline::lead_intake {
namespace {

namespace v1 = firstline::v1;
using google::protobuf::util::TimeUtil;

constexpr absl::Duration kMaxCloseHorizon = absl::Hours(24 * 365 * 2);

bool IsCurrency(absl::string_view c) {
  if (c.size() != 3) return false;
  for (char ch : c) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(ch))) return false;
  }
  return true;
}

}  // namespace

RegistrationDesk::RegistrationDesk(RegistrationBook& book, routing::RoutingEngine& engine,
                                   const platform::Clock& clock, LeadLimits limits)
    : book_(book), engine_(engine), clock_(clock), limits_(std::move(limits)) {}

absl::StatusOr<std::string> RegistrationDesk::PartnerOf(const platform::Principal& caller) const {
  if (caller.kind != platform::PrincipalKind::kPartner || caller.organisation.empty()) {
    return absl::PermissionDeniedError(
        "only a partner organisation's users register opportunities");
  }
  return caller.organisation;
}

absl::Status RegistrationDesk::CheckId(const std::string& id) const {
  if (id.empty() || id.size() > 64 || !platform::IsCode(id)) {
    return absl::InvalidArgumentError("registration_id: must be 1-64 letters and digits");
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Registration> RegistrationDesk::Register(
    const platform::Principal& caller, const v1::RegisterOpportunityRequest& request,
    const std::string& trace_id) {
  auto partner = PartnerOf(caller);
  if (!partner.ok()) return partner.status();
  platform::FieldErrors errors;
  v1::Registration reg;
  platform::CheckLength(errors, "idempotency_key", request.idempotency_key(), 128, true);
  const auto& company = request.company();
  platform::CheckLength(errors, "company.name", company.name(), 200, true);
  platform::CheckCode(errors, "company.region", company.region(), 32, true);
  platform::CheckLength(errors, "company.industry", company.industry(), 64);
  platform::CheckLength(errors, "company.city", company.city(), 64);
  if (!v1::SizeTier_IsValid(company.size_tier())) {
    errors.Add("company.size_tier", absl::StrCat("unknown value ", company.size_tier()));
  }
  *reg.mutable_company() = company;
  std::string domain = absl::AsciiStrToLower(absl::StripAsciiWhitespace(company.domain()));
  if (!domain.empty() && !platform::IsDomainName(domain)) {
    errors.Add("company.domain", "is not a domain name like example.com");
  }
  const auto& contact = request.contact();
  *reg.mutable_contact() = contact;
  platform::CheckLength(errors, "contact.name", contact.name(), 100);
  platform::CheckLength(errors, "contact.title", contact.title(), 100);
  if (!contact.phone().empty()) {
    auto phone = NormalizePhone(contact.phone(), limits_.default_country_code);
    if (!phone.ok()) {
      errors.Add("contact.phone", std::string(phone.status().message()));
    } else {
      reg.mutable_contact()->set_phone(*phone);
    }
  }
  if (!contact.email().empty()) {
    auto email = NormalizeEmail(contact.email());
    if (!email.ok()) {
      errors.Add("contact.email", std::string(email.status().message()));
    } else {
      reg.mutable_contact()->set_email(*email);
      if (domain.empty()) domain = CompanyDomainOf(*email);
    }
  }
  if (IsFreeMailDomain(domain)) domain.clear();
  reg.mutable_company()->set_domain(domain);
  if (request.product_lines().empty()) errors.Add("product_lines", "at least one is required");
  if (request.product_lines_size() > 20) errors.Add("product_lines", "more than 20 entries");
  for (int i = 0; i < request.product_lines_size() && i < 20; ++i) {
    platform::CheckCode(errors, absl::StrCat("product_lines[", i, "]"), request.product_lines(i),
                        64, true);
    reg.add_product_lines(request.product_lines(i));
  }
  const auto& value = request.expected_value();
  if (value.minor_units() < 0) errors.Add("expected_value.minor_units", "must not be negative");
  if (!IsCurrency(value.currency())) {
    errors.Add("expected_value.currency", "must be an ISO 4217 code such as CNY");
  }
  *reg.mutable_expected_value() = value;
  const absl::Time now = clock_.Now();
  if (!request.has_expected_close()) {
    errors.Add("expected_close", "is required");
  } else {
    absl::Time close = absl::FromUnixSeconds(request.expected_close().seconds());
    if (close <= now) errors.Add("expected_close", "must be in the future");
    if (close > now + kMaxCloseHorizon) errors.Add("expected_close", "more than two years away");
    *reg.mutable_expected_close() = request.expected_close();
  }
  if (!errors.empty()) return errors.ToStatus();

  std::string name_key = CompanyMatchKey(company.name());
  std::string company_key = name_key.empty() ? "" : absl::StrCat(name_key, "|", company.region());
  auto account = book_.ResolveAccount(domain, company_key);
  if (!account.ok()) return account.status();
  // Ownership lives with the routing engine; a sales owner outside this partner is direct
  // business, so the registration goes to review.
  auto owner = engine_.Owner(*account);
  if (!owner.ok()) return owner.status();
  bool owned_by_direct = false;
  if (owner->has_value()) {
    auto worker = engine_.FindWorker(**owner);
    owned_by_direct = !worker.has_value() || worker->organisation != *partner;
  }
  reg.set_registration_id(platform::NewRandomId());
  reg.set_partner_id(*partner);
  reg.set_account_id(*account);
  auto outcome = book_.Register(reg, absl::StrCat(caller.subject, ":", request.idempotency_key()),
                                platform::RequestFingerprint(request), owned_by_direct, trace_id);
  if (!outcome.ok()) return outcome.status();
  switch (outcome->kind) {
    case RegistrationOutcome::Kind::kConflict:
      // Says until when, never who.
      return absl::AlreadyExistsError(absl::StrCat(
          "the account is protected by another registration for an overlapping product line "
          "until ",
          absl::FormatTime("%Y-%m-%d", outcome->conflict_until, absl::UTCTimeZone()), " (UTC)"));
    case RegistrationOutcome::Kind::kAlreadyHeld:
      return absl::AlreadyExistsError(absl::StrCat("your organisation already holds registration ",
                                                   outcome->registration_id,
                                                   " for this account and product line"));
    default:
      return book_.Get(outcome->registration_id);
  }
}

absl::StatusOr<v1::Registration> RegistrationDesk::Extend(const platform::Principal& caller,
                                                          const std::string& id,
                                                          const std::string& trace_id) {
  auto partner = PartnerOf(caller);
  if (!partner.ok()) return partner.status();
  if (auto st = CheckId(id); !st.ok()) return st;
  return book_.Change(id, RegistrationChange::kExtend, *partner, "", trace_id);
}

absl::Status RegistrationDesk::Withdraw(const platform::Principal& caller, const std::string& id,
                                        const std::string& trace_id) {
  auto partner = PartnerOf(caller);
  if (!partner.ok()) return partner.status();
  if (auto st = CheckId(id); !st.ok()) return st;
  return book_.Change(id, RegistrationChange::kWithdraw, *partner, "", trace_id).status();
}

absl::StatusOr<v1::Registration> RegistrationDesk::Review(const platform::Principal&,
                                                          const std::string& id, bool approve,
                                                          const std::string& reason,
                                                          const std::string& trace_id) {
  if (auto st = CheckId(id); !st.ok()) return st;
  if (!approve && reason.empty()) return absl::InvalidArgumentError("reason: required to reject");
  if (reason.size() > 500) return absl::InvalidArgumentError("reason: longer than 500 bytes");
  return book_.Change(id, approve ? RegistrationChange::kApprove : RegistrationChange::kReject, "",
                      reason, trace_id);
}

absl::StatusOr<v1::Registration> RegistrationDesk::Get(const platform::Principal& caller,
                                                       const std::string& id) {
  if (auto st = CheckId(id); !st.ok()) return st;
  auto reg = book_.Get(id);
  if (!reg.ok()) return reg.status();
  bool staff = caller.kind == platform::PrincipalKind::kOperator ||
               caller.kind == platform::PrincipalKind::kService;
  if (!staff && (caller.kind != platform::PrincipalKind::kPartner ||
                 reg->partner_id() != caller.organisation)) {
    return absl::PermissionDeniedError(
        absl::StrCat("registration ", id, " belongs to another organisation"));
  }
  return reg;
}

absl::StatusOr<RegistrationPage> RegistrationDesk::List(
    const platform::Principal& caller, const v1::ListRegistrationsRequest& request) {
  auto partner = PartnerOf(caller);
  if (!partner.ok()) return partner.status();
  if (auto size = platform::PageSize(request.page_size()); !size.ok()) {
    return size.status();
  }
  std::vector<v1::RegistrationStatus> statuses;
  for (int s : request.statuses()) statuses.push_back(static_cast<v1::RegistrationStatus>(s));
  return book_.List(*partner, statuses, request.page_size(), request.page_token());
}

}  // namespace firstline::lead_intake
