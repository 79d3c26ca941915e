#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

#include "absl/time/time.h"

namespace firstline::demo {

// What the simulated users saw, counted as they go (thread-safe).
enum class Count {
  kLeadsSubmitted,
  kLeadsMerged,
  kLeadOffers,
  kLeadsAccepted,
  kLeadsDeclined,
  kLeadOffersGone,  // expired or rescinded
  kLeadSlaHits,
  kLeadSlaBreaches,
  kContracts,
  kRegistrationsApproved,
  kRegistrationsHeld,
  kRegistrationsRefused,
  kTickets,
  kTicketOffers,
  kTicketsAccepted,
  kTicketsDeclined,
  kTicketOffersGone,
  kTicketsResolved,
  kTicketSlaHits,
  kTicketSlaBreaches,
  kRemindersDue,
  kRemindersCompleted,
  kRpcErrors,
  kCountOf,  // not a count: how many there are
};

class DemoTally {
 public:
  void Add(Count c, int64_t n = 1) { counts_[static_cast<size_t>(c)].fetch_add(n); }
  int64_t Get(Count c) const { return counts_[static_cast<size_t>(c)].load(); }
  void Error(std::string what);
  std::string LastError() const;

 private:
  std::array<std::atomic<int64_t>, static_cast<size_t>(Count::kCountOf)> counts_{};
  mutable std::mutex mu_;
  std::string last_error_;
};

// A channel's cost of acquisition as the channel report gives it.
struct ChannelCost {
  std::string channel;
  int64_t customers = 0;
  int64_t cac_minor = 0;  // reporting currency
  std::string currency;
};

// The one-screen summary: totals, rates over the last interval, and the cheapest channels.
struct SummaryInput {
  absl::Duration running;
  absl::Duration interval;
  int64_t leads_in_interval = 0;
  absl::Duration renewal_clock_ahead;
  std::vector<ChannelCost> cheapest;  // by CAC, best first
};
std::string RenderSummary(const DemoTally& tally, const SummaryInput& in);

}  // namespace firstline::demo
