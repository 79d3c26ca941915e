#include "routing/worker.h"

#include <array>

#include "platform/core/field_errors.h"

namespace firstline::routing {
namespace {

constexpr std::array<std::pair<WorkerStatus, absl::string_view>, 3> kStatuses = {{
    {WorkerStatus::kAvailable, "available"},
    {WorkerStatus::kAway, "away"},
    {WorkerStatus::kOffline, "offline"},
}};

bool NameOk(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  for (char c : s) {
    if (c == ':' || c == '{' || c == '}' || c == '|' || static_cast<unsigned char>(c) <= ' ') {
      return false;
    }
  }
  return true;
}

}  // namespace

absl::string_view StatusName(WorkerStatus s) {
  for (const auto& [k, n] : kStatuses) {
    if (k == s) return n;
  }
  return "offline";
}

std::optional<WorkerStatus> ParseStatus(absl::string_view name) {
  for (const auto& [k, n] : kStatuses) {
    if (n == name) return k;
  }
  return std::nullopt;
}

bool Worker::HasAllSkills(const std::vector<std::string>& required) const {
  for (const auto& s : required) {
    if (!skills.contains(s)) return false;
  }
  return true;
}

absl::Status ValidateWorker(const Worker& w) {
  platform::FieldErrors errors;
  AddWorkerErrors(w, errors);
  return errors.ToStatus();
}

void AddWorkerErrors(const Worker& w, platform::FieldErrors& errors) {
  if (!NameOk(w.id))
    errors.Add("id", "required; 1-128 characters without spaces, ':', '|', braces");
  if (!NameOk(w.organisation)) errors.Add("organisation", "required; 1-128 characters");
  for (const auto& p : w.pools) {
    if (!NameOk(p)) errors.Add("pools", "names must be 1-128 characters without spaces or ':'");
  }
  if (w.capacity < 0 || w.capacity > 1000) errors.Add("capacity", "must be 0..1000");
  if (w.daily_cap < 0 || w.daily_cap > 100000) errors.Add("daily_cap", "must be 0..100000");
  if (w.weight < 1 || w.weight > 1000) errors.Add("weight", "must be 1..1000");
}

}  // namespace firstline::routing
