#include "routing/candidate_filter.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace firstline::routing {

FilterResult FilterCandidates(const std::vector<Worker>& roster, const WorkItem& item,
                              const Target& target, absl::Time now) {
  FilterResult result;
  std::vector<std::string> skills = target.skills;
  skills.insert(skills.end(), item.skills.begin(), item.skills.end());
  const std::string organisation = target.OrganisationFor(item);
  const bool organisation_unresolved = !target.organisation.empty() && organisation.empty();
  const std::string region = item.Attribute("region");
  // Most workers share a few time zones; format each zone's local day once.
  std::map<std::string, std::string> day_by_zone;
  for (const Worker& w : roster) {
    std::string reason;
    if (organisation_unresolved) {
      reason = absl::StrCat("item has no ", target.organisation.substr(1));
    } else if (target.strategy != Strategy::kOwner && !w.pools.contains(target.pool)) {
      reason = absl::StrCat("not in pool ", target.pool);
    } else if (!organisation.empty() && w.organisation != organisation) {
      reason = absl::StrCat("not in organisation ", organisation);
    } else if (!w.HasAllSkills(skills)) {
      reason = absl::StrCat("lacks a required skill (", absl::StrJoin(skills, ", "), ")");
    } else if (!region.empty() && !w.regions.empty() && !w.regions.contains(region)) {
      reason = absl::StrCat("does not cover region ", region);
    } else if (!w.shift.OnShift(now)) {
      reason = "outside shift";
    }
    if (reason.empty()) {
      auto [it, fresh] = day_by_zone.try_emplace(w.shift.time_zone_name());
      if (fresh) it->second = absl::FormatCivilTime(w.shift.LocalDay(now));
      result.candidates.push_back({&w, it->second});
    } else {
      result.exclusions.push_back({w.id, std::move(reason)});
    }
  }
  return result;
}

}  // namespace firstline::routing
