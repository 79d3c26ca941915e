#include "admin/policy_command.h"

#include <cstdio>
#include <fstream>
#include <memory>
#include <sstream>

#include "nlohmann/json.hpp"
#include "platform/core/clock.h"
#include "routing/candidate_filter.h"
#include "routing/policy.h"
#include "routing/worker_json.h"

namespace firstline::admin {
namespace {

struct PolicyOptions {
  std::string policy_file;
  std::string item_file;
  std::string roster_file;
  std::string live_file;
};

std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Fail(const std::string& what) {
  std::fprintf(stderr, "%s\n", what.c_str());
  return 2;
}

int DryRun(const PolicyOptions& o) {
  auto policy = routing::LoadPolicyFile(o.policy_file);
  if (!policy.ok()) return Fail(std::string(policy.status().message()));
  auto item_text = ReadFile(o.item_file);
  if (!item_text) return Fail("item file " + o.item_file + " cannot be read");
  auto item = routing::WorkItemFromJson(*item_text);
  if (!item.ok()) return Fail(o.item_file + ": " + std::string(item.status().message()));
  std::vector<routing::Worker> roster;
  if (!o.roster_file.empty()) {
    auto text = ReadFile(o.roster_file);
    if (!text) return Fail("roster file " + o.roster_file + " cannot be read");
    auto j = nlohmann::json::parse(*text, nullptr, false);
    if (j.is_discarded() || !j.is_array()) return Fail(o.roster_file + ": must be a JSON array");
    for (size_t i = 0; i < j.size(); ++i) {
      auto w = routing::WorkerFromJson(j[i].dump());
      if (!w.ok()) {
        return Fail(o.roster_file + ": worker " + std::to_string(i) + ": " +
                    std::string(w.status().message()));
      }
      roster.push_back(std::move(*w));
    }
    std::sort(roster.begin(), roster.end(),
              [](const auto& a, const auto& b) { return a.id < b.id; });
  }
  const routing::Rule& rule = policy->Match(*item);
  nlohmann::ordered_json out = {{"policy_version", policy->version}, {"rule", rule.name}};
  nlohmann::ordered_json targets = nlohmann::ordered_json::array();
  absl::Time now = platform::SystemClock::Instance().Now();
  for (size_t t = 0; t < rule.targets.size(); ++t) {
    const auto& target = rule.targets[t];
    auto filtered = routing::FilterCandidates(roster, *item, target, now);
    nlohmann::json candidates = nlohmann::json::array();
    for (const auto& c : filtered.candidates) candidates.push_back(c.worker->id);
    nlohmann::json excluded = nlohmann::json::object();
    for (const auto& e : filtered.exclusions) excluded[e.worker_id] = e.reason;
    targets.push_back(
        nlohmann::ordered_json{{"index", t},
                               {"strategy", std::string(routing::StrategyName(target.strategy))},
                               {"pool", target.pool},
                               {"organisation", target.OrganisationFor(*item)},
                               {"offer_timeout", absl::FormatDuration(target.offer_timeout)},
                               {"candidates", candidates},
                               {"excluded", excluded}});
  }
  out["targets"] = targets;
  out["note"] =
      "static filters only: live status, presence, load and daily caps are checked by the "
      "reservation at decision time";
  std::printf("%s\n", out.dump(2).c_str());
  return 0;
}

// Checks NEW and puts it in place of LIVE atomically (a temporary file beside LIVE, then a
// rename), so a service watching LIVE never reads a broken or half-written policy.
int Reload(const PolicyOptions& o) {
  auto next = routing::LoadPolicyFile(o.policy_file);
  if (!next.ok()) return Fail(std::string(next.status().message()) + " (nothing replaced)");
  auto current = routing::LoadPolicyFile(o.live_file);
  if (current.ok() && current->version == next->version) {
    return Fail(o.live_file + " already holds version " + next->version +
                ": give the new policy a new version (nothing replaced)");
  }
  auto text = ReadFile(o.policy_file);
  if (!text) return Fail("policy file " + o.policy_file + " cannot be read");
  const std::string tmp = o.live_file + ".reload.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << *text;
    out.flush();
    if (!out) {
      std::remove(tmp.c_str());
      return Fail("cannot write " + tmp + " (nothing replaced)");
    }
  }
  if (std::rename(tmp.c_str(), o.live_file.c_str()) != 0) {
    std::remove(tmp.c_str());
    return Fail("cannot replace " + o.live_file + " (nothing replaced)");
  }
  std::printf("%s: now version %s; the services watching it adopt it within a sweep interval\n",
              o.live_file.c_str(), next->version.c_str());
  return 0;
}

}  // namespace

void AddPolicyCommands(CLI::App& app, int& exit_code) {
  auto* policy = app.add_subcommand("policy", "routing policies");
  policy->require_subcommand(1);
  auto opts = std::make_shared<PolicyOptions>();
  auto* check =
      policy->add_subcommand("check", "validate a policy file; every error with its line");
  check->add_option("FILE", opts->policy_file, "policy YAML")->required();
  check->callback([opts, &exit_code] {
    auto p = routing::LoadPolicyFile(opts->policy_file);
    if (!p.ok()) {
      exit_code = Fail(std::string(p.status().message()));
      return;
    }
    std::printf("%s: ok, version %s, %zu rules\n", opts->policy_file.c_str(), p->version.c_str(),
                p->rules.size());
  });
  auto* dry = policy->add_subcommand("dry-run", "which rule, targets and candidates, and why");
  dry->add_option("FILE", opts->policy_file, "policy YAML")->required();
  dry->add_option("ITEM", opts->item_file, "work item JSON")->required();
  dry->add_option("--roster", opts->roster_file, "JSON array of workers (as UpsertWorker takes)");
  dry->callback([opts, &exit_code] { exit_code = DryRun(*opts); });
  auto* reload = policy->add_subcommand(
      "reload", "check NEW, then replace the LIVE file the services watch, atomically");
  reload->add_option("NEW", opts->policy_file, "the new policy YAML")->required();
  reload->add_option("LIVE", opts->live_file, "the file a service runs with (--policy)")
      ->required();
  reload->callback([opts, &exit_code] { exit_code = Reload(*opts); });
}

}  // namespace firstline::admin
