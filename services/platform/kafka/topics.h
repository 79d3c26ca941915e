#pragma once

#include <array>
#include <string_view>

namespace firstline::platform::topics {

// Versioned topics of the Firstline bus; every message is a firstline.v1.Envelope keyed by
// account id. docs/architecture.md lists producers and consumers of each.
inline constexpr std::string_view kLeads = "firstline.leads.v1";
inline constexpr std::string_view kOpportunities = "firstline.opportunities.v1";
inline constexpr std::string_view kTickets = "firstline.tickets.v1";
inline constexpr std::string_view kContracts = "firstline.contracts.v1";
inline constexpr std::string_view kReminders = "firstline.reminders.v1";
inline constexpr std::string_view kAccounts = "firstline.accounts.v1";
inline constexpr std::string_view kAttribution = "firstline.attribution.v1";
inline constexpr std::string_view kDeadLetter = "firstline.dlq.v1";

inline constexpr std::array<std::string_view, 8> kAll = {
    kLeads, kOpportunities, kTickets, kContracts, kReminders, kAccounts, kAttribution, kDeadLetter};

}  // namespace firstline::platform::topics
