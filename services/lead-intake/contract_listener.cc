#include "lead-intake/contract_listener.h"

#include "absl/strings/str_cat.h"
#include "platform/core/log.h"

namespace firstline::lead_intake {

absl::Status ContractListener::Apply(const firstline::v1::Envelope& e) {
  const firstline::v1::ContractTerms* terms = nullptr;
  const char* what = "";
  if (e.has_contract_signed()) {
    terms = &e.contract_signed().terms();
    what = "signed";
  } else if (e.has_contract_renewed()) {
    terms = &e.contract_renewed().terms();
    what = "renewed";
  } else if (e.has_contract_changed()) {
    terms = &e.contract_changed().terms();
    what = "changed";
  }
  if (terms == nullptr) return absl::OkStatus();  // cancellations keep the history as it is
  if (terms->account_id().empty() || terms->contract_id().empty()) {
    return absl::InvalidArgumentError("contract event without account_id or contract_id");
  }
  if (auto st = book_.MarkCustomer(terms->account_id()); !st.ok()) return st;
  std::string owner = terms->closed_by_id();
  if (owner.empty()) {
    auto converter = book_.ConvertedBy(terms->account_id());
    if (!converter.ok()) return converter.status();
    owner = *converter;
  }
  if (owner.empty()) return absl::OkStatus();
  auto set = engine_.SetOwnerIfNone(terms->account_id(), owner,
                                    absl::StrCat("contract:", terms->contract_id()),
                                    absl::StrCat("contract ", what, ": converting rep"));
  if (absl::IsNotFound(set.status())) {
    // The rep left the roster meanwhile: the account stays without owner (first responder).
    platform::Log::Warn("contract_owner_not_on_roster",
                        {{"account", terms->account_id()}, {"rep", owner}});
    return absl::OkStatus();
  }
  return set.status();
}

}  // namespace firstline::lead_intake
