#include "routing/candidate_filter.h"

#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace firstline::routing {
namespace {

const Worker& Deref(const Worker& w) { return w; }
const Worker& Deref(const Worker* w) { return *w; }

template <typename Roster>
FilterResult Filter(const Roster& roster, const WorkItem& item, const Target& target,
                    absl::Time now, size_t max_listed) {
  FilterResult result;
  std::vector<std::string> skills = target.skills;
  skills.insert(skills.end(), item.skills.begin(), item.skills.end());
  const std::string organisation = target.OrganisationFor(item);
  const bool organisation_unresolved = !target.organisation.empty() && organisation.empty();
  const std::string region = item.Attribute("region");
  // Most workers share a few time zones; format each zone's local day once.
  std::map<std::string, std::string> day_by_zone;
  // Why a worker is out, formatted only when it is listed: a large roster excludes thousands
  // per decision.
  enum class Why {
    kNone,
    kNoOrganisation,
    kExcluded,
    kPool,
    kOrganisation,
    kSkill,
    kRegion,
    kShift
  };
  for (const auto& entry : roster) {
    const Worker& w = Deref(entry);
    Why why = Why::kNone;
    if (organisation_unresolved) {
      why = Why::kNoOrganisation;
    } else if (item.excluded.contains(w.id)) {
      why = Why::kExcluded;
    } else if (target.strategy != Strategy::kOwner && !w.pools.contains(target.pool)) {
      why = Why::kPool;
    } else if (!organisation.empty() && w.organisation != organisation) {
      why = Why::kOrganisation;
    } else if (!w.HasAllSkills(skills)) {
      why = Why::kSkill;
    } else if (!region.empty() && !w.regions.empty() && !w.regions.contains(region)) {
      why = Why::kRegion;
    } else if (!w.shift.OnShift(now)) {
      why = Why::kShift;
    }
    if (why == Why::kNone) {
      auto [it, fresh] = day_by_zone.try_emplace(w.shift.time_zone_name());
      if (fresh) it->second = absl::FormatCivilTime(w.shift.LocalDay(now));
      result.candidates.push_back({&w, it->second});
      continue;
    }
    if (result.exclusions.size() >= max_listed) {
      ++result.unlisted_exclusions;
      continue;
    }
    std::string reason;
    switch (why) {
      case Why::kNoOrganisation:
        reason = absl::StrCat("item has no ", target.organisation.substr(1));
        break;
      case Why::kExcluded:
        reason = "excluded from this item";
        break;
      case Why::kPool:
        reason = absl::StrCat("not in pool ", target.pool);
        break;
      case Why::kOrganisation:
        reason = absl::StrCat("not in organisation ", organisation);
        break;
      case Why::kSkill:
        reason = absl::StrCat("lacks a required skill (", absl::StrJoin(skills, ", "), ")");
        break;
      case Why::kRegion:
        reason = absl::StrCat("does not cover region ", region);
        break;
      default:
        reason = "outside shift";
    }
    result.exclusions.push_back({w.id, std::move(reason)});
  }
  return result;
}

}  // namespace

FilterResult FilterCandidates(const std::vector<Worker>& roster, const WorkItem& item,
                              const Target& target, absl::Time now, size_t max_listed) {
  return Filter(roster, item, target, now, max_listed);
}

FilterResult FilterCandidates(const std::vector<const Worker*>& roster, const WorkItem& item,
                              const Target& target, absl::Time now, size_t max_listed) {
  return Filter(roster, item, target, now, max_listed);
}

}  // namespace firstline::routing
