#include "demo/demo_tally.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace firstline::demo {

void DemoTally::Error(std::string what) {
  Add(Count::kRpcErrors);
  std::lock_guard lock(mu_);
  last_error_ = std::move(what);
}

std::string DemoTally::LastError() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

std::string RenderSummary(const DemoTally& t, const SummaryInput& in) {
  using C = Count;
  auto g = [&](C c) { return static_cast<long long>(t.Get(c)); };
  const double seconds = std::max(absl::ToDoubleSeconds(in.interval), 1e-3);
  std::string out =
      absl::StrFormat("Firstline demo — running %ds (renewal-reminder's clock %.1f days ahead)\n\n",
                      static_cast<int>(absl::ToInt64Seconds(in.running)),
                      absl::ToDoubleHours(in.renewal_clock_ahead) / 24);
  absl::StrAppendFormat(&out,
                        "leads      %6.1f/s  submitted %lld  merged %lld  offers %lld  accepted "
                        "%lld  declined %lld  expired/rescinded %lld  open offers %lld\n",
                        static_cast<double>(in.leads_in_interval) / seconds, g(C::kLeadsSubmitted),
                        g(C::kLeadsMerged), g(C::kLeadOffers), g(C::kLeadsAccepted),
                        g(C::kLeadsDeclined), g(C::kLeadOffersGone),
                        std::max(0LL, g(C::kLeadOffers) - g(C::kLeadsAccepted) -
                                          g(C::kLeadsDeclined) - g(C::kLeadOffersGone)));
  absl::StrAppendFormat(&out, "lead SLA   hits %lld  breaches %lld\n", g(C::kLeadSlaHits),
                        g(C::kLeadSlaBreaches));
  absl::StrAppendFormat(&out, "partners   approved %lld  held for review %lld  refused %lld\n",
                        g(C::kRegistrationsApproved), g(C::kRegistrationsHeld),
                        g(C::kRegistrationsRefused));
  absl::StrAppendFormat(&out, "contracts  %lld signed\n", g(C::kContracts));
  absl::StrAppendFormat(&out,
                        "tickets    raised %lld  offers %lld  accepted %lld  declined %lld  "
                        "resolved %lld  open offers %lld\n",
                        g(C::kTickets), g(C::kTicketOffers), g(C::kTicketsAccepted),
                        g(C::kTicketsDeclined), g(C::kTicketsResolved),
                        std::max(0LL, g(C::kTicketOffers) - g(C::kTicketsAccepted) -
                                          g(C::kTicketsDeclined) - g(C::kTicketOffersGone)));
  absl::StrAppendFormat(&out, "ticket SLA hits %lld  breaches %lld\n", g(C::kTicketSlaHits),
                        g(C::kTicketSlaBreaches));
  absl::StrAppendFormat(&out, "reminders  due %lld  completed %lld\n", g(C::kRemindersDue),
                        g(C::kRemindersCompleted));
  out += "top channels by CAC (W-shaped, today):";
  if (in.cheapest.empty()) out += " no customers won yet";
  out += "\n";
  for (const auto& c : in.cheapest) {
    absl::StrAppendFormat(&out, "  %-14s CAC %s %.2f  (%lld won)\n", c.channel, c.currency,
                          static_cast<double>(c.cac_minor) / 100,
                          static_cast<long long>(c.customers));
  }
  if (g(C::kRpcErrors) > 0) {
    absl::StrAppendFormat(&out, "calls refused: %lld (last: %s)\n", g(C::kRpcErrors),
                          t.LastError());
  }
  return out;
}

}  // namespace firstline::demo
