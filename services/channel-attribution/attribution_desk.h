#pragma once

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "channel-attribution/attribution_settings.h"
#include "channel-attribution/attribution_store.h"
#include "channel-attribution/event_folder.h"
#include "firstline/v1/attribution.pb.h"
#include "firstline/v1/events.pb.h"
#include "platform/core/clock.h"

namespace firstline::attribution {

// The Attribution API's logic, without gRPC: checks requests (every bad field named, nothing
// written), folds touches and events, reads reports from the per-day and per-month aggregates.
class AttributionDesk {
 public:
  AttributionDesk(AttributionStore& store, EventFolder& folder, const AttributionSettings& settings,
                  const platform::Clock& clock);

  absl::StatusOr<v1::RecordTouchResponse> RecordTouch(const v1::RecordTouchRequest& request,
                                                      const std::string& trace_id);
  absl::StatusOr<v1::RecordSpendResponse> RecordSpend(const v1::RecordSpendRequest& request);
  absl::StatusOr<v1::SetChannelCatalogResponse> SetChannelCatalog(
      const v1::SetChannelCatalogRequest& request);
  absl::StatusOr<v1::GetChannelReportResponse> ChannelReport(
      const v1::GetChannelReportRequest& request);
  absl::StatusOr<v1::CompareModelsResponse> CompareModels(const v1::CompareModelsRequest& request);
  absl::StatusOr<v1::GetFunnelResponse> Funnel(const v1::GetFunnelRequest& request);
  absl::StatusOr<v1::GetJourneyResponse> Journey(const v1::GetJourneyRequest& request);
  absl::StatusOr<v1::GetPartnerStatementResponse> PartnerStatement(
      const v1::GetPartnerStatementRequest& request);

  // Folds the events attribution uses from a consumed batch, in order, in one transaction.
  // INVALID_ARGUMENT when one of them cannot be used (the consumer isolates and dead-letters it).
  absl::Status ApplyEvents(const std::vector<v1::Envelope>& events);

 private:
  // What every model's rows over a period share: the period's date keys, its summed counts and
  // the channel catalogue.
  struct PeriodCounts {
    std::vector<std::string> dates;
    std::map<std::string, double> counts;
    std::map<std::string, v1::Channel> catalog;
  };
  absl::StatusOr<PeriodCounts> CountsOver(Grouping g, absl::Time start, absl::Time end);
  absl::StatusOr<std::vector<v1::ReportRow>> Rows(Grouping g, Model m, const PeriodCounts& basis);
  absl::StatusOr<std::map<std::string, double>> CreditSums(Grouping g, Model m,
                                                           const std::vector<std::string>& dates);

  AttributionStore& store_;
  EventFolder& folder_;
  const AttributionSettings& settings_;
  JourneyFold fold_;
  const platform::Clock& clock_;
};

}  // namespace firstline::attribution
