#include "channel-attribution/event_intake.h"

#include "absl/strings/str_cat.h"
#include "platform/core/proto_time.h"

namespace firstline::attribution {
namespace {

using K = FoldInput::Kind;

FoldInput Base(const v1::Envelope& e, K kind, std::string account) {
  FoldInput in;
  in.kind = kind;
  in.event_id = e.event_id();
  in.account_id = std::move(account);
  in.at = platform::FromProtoTime(e.occurred_at());
  return in;
}

void SetSource(FoldInput& in, const v1::LeadSource& s) {
  in.channel = s.channel();
  in.campaign = s.campaign();
  in.keyword = s.keyword();
}

absl::StatusOr<std::optional<FoldInput>> Contract(const v1::Envelope& e, K kind,
                                                  const v1::ContractTerms& terms,
                                                  const AttributionSettings& settings) {
  FoldInput in = Base(e, kind, terms.account_id());
  in.contract_id = terms.contract_id();
  if (terms.has_annual_fee()) {
    auto minor = settings.ToReportMinor(terms.annual_fee(), "terms.annual_fee");
    if (!minor.ok()) return minor.status();
    in.revenue_minor = *minor;
  }
  return in;
}

}  // namespace

std::string ContactJourney(const std::string& contact_id) {
  return absl::StrCat("contact:", contact_id);
}

absl::StatusOr<std::optional<FoldInput>> InputOf(const v1::Envelope& e,
                                                 const AttributionSettings& settings) {
  switch (e.payload_case()) {
    case v1::Envelope::kLeadReceived: {
      const auto& p = e.lead_received();
      FoldInput in = Base(e, K::kLead, p.account_id());
      if (p.has_occurred_at()) in.at = platform::FromProtoTime(p.occurred_at());
      in.lead_id = in.source_id = p.lead_id();
      SetSource(in, p.source());
      in.region = p.company().region();
      for (const auto& id : {p.contact().phone(), p.contact().email()}) {
        if (!id.empty()) in.contact_journeys.push_back(ContactJourney(id));
      }
      return in;
    }
    case v1::Envelope::kLeadMerged: {
      const auto& p = e.lead_merged();
      FoldInput in = Base(e, K::kLeadMerged, p.account_id());
      in.lead_id = p.lead_id();
      in.source_id = absl::StrCat("merge:", e.event_id());
      SetSource(in, p.source());
      return in;
    }
    case v1::Envelope::kLeadStatusChanged: {
      const auto& p = e.lead_status_changed();
      if (p.status() != v1::LEAD_STATUS_QUALIFIED && p.status() != v1::LEAD_STATUS_DISQUALIFIED) {
        return std::nullopt;
      }
      FoldInput in = Base(
          e, p.status() == v1::LEAD_STATUS_QUALIFIED ? K::kLeadQualified : K::kLeadDisqualified,
          p.account_id());
      in.lead_id = p.lead_id();
      return in;
    }
    case v1::Envelope::kWorkItemAssigned: {
      const auto& item = e.work_item_assigned().item();
      if (item.kind() != v1::WORK_ITEM_KIND_LEAD) return std::nullopt;
      FoldInput in = Base(e, K::kLeadAccepted, item.account_id());
      in.lead_id = item.item_id();
      return in;
    }
    case v1::Envelope::kOpportunityRegistered: {
      const auto& p = e.opportunity_registered();
      // Held for review it is no opportunity yet; lead-intake emits the event again on approval.
      if (p.status() != v1::REGISTRATION_STATUS_APPROVED) return std::nullopt;
      FoldInput in = Base(e, K::kPartnerOpportunity, p.account_id());
      in.channel = std::string(kPartnerChannel);
      in.campaign = p.partner_id();
      in.source_id = p.registration_id();
      return in;
    }
    case v1::Envelope::kContractSigned:
      return Contract(e, K::kWon, e.contract_signed().terms(), settings);
    case v1::Envelope::kContractRenewed:
      return Contract(e, K::kRenewed, e.contract_renewed().terms(), settings);
    default:
      return std::nullopt;
  }
}

}  // namespace firstline::attribution
