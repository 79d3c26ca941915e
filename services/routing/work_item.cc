#include "routing/work_item.h"

#include "nlohmann/json.hpp"
#include "platform/core/field_errors.h"

namespace firstline::routing {
namespace {

constexpr size_t kMaxId = 128;
constexpr size_t kMaxValue = 256;
constexpr size_t kMaxAttributes = 64;

bool IdOk(const std::string& s) {
  if (s.empty() || s.size() > kMaxId) return false;
  for (char c : s) {
    // ':' and braces would break key names and hash tags.
    if (c == ':' || c == '{' || c == '}' || static_cast<unsigned char>(c) <= ' ') return false;
  }
  return true;
}

}  // namespace

absl::Status ValidateWorkItem(const WorkItem& item) {
  platform::FieldErrors errors;
  if (!IdOk(item.id)) errors.Add("id", "required; 1-128 characters without spaces, ':', '{', '}'");
  if (item.kind != "lead" && item.kind != "ticket") errors.Add("kind", "must be lead or ticket");
  if (!IdOk(item.account_id)) {
    errors.Add("account_id", "required; 1-128 characters without spaces, ':', '{', '}'");
  }
  if (item.attributes.size() > kMaxAttributes) errors.Add("attributes", "at most 64");
  for (const auto& [name, value] : item.attributes) {
    if (name.empty() || name.size() > 64) errors.Add("attributes", "names must be 1-64 characters");
    if (value.size() > kMaxValue) errors.Add("attributes." + name, "at most 256 characters");
  }
  for (size_t i = 0; i < item.skills.size(); ++i) {
    if (item.skills[i].empty() || item.skills[i].size() > 64) {
      errors.Add("skills[" + std::to_string(i) + "]", "must be 1-64 characters");
    }
  }
  if (item.excluded.size() > kMaxExcludedWorkers) errors.Add("excluded", "at most 64 workers");
  for (const auto& w : item.excluded) {
    if (!IdOk(w)) errors.Add("excluded", "worker ids must be 1-128 characters without spaces");
  }
  return errors.ToStatus();
}

absl::StatusOr<WorkItem> WorkItemFromJson(absl::string_view text) {
  auto j = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("item: not a JSON object");
  }
  platform::FieldErrors errors;
  WorkItem item;
  auto str = [&](const char* name, std::string& out) {
    if (!j.contains(name)) return;
    if (!j[name].is_string()) {
      errors.Add(name, "must be a string");
      return;
    }
    out = j[name].get<std::string>();
  };
  str("id", item.id);
  str("kind", item.kind);
  str("account_id", item.account_id);
  if (j.contains("attributes")) {
    if (!j["attributes"].is_object()) {
      errors.Add("attributes", "must be an object of strings");
    } else {
      for (const auto& [k, v] : j["attributes"].items()) {
        if (v.is_string()) {
          item.attributes[k] = v.get<std::string>();
        } else {
          errors.Add("attributes." + k, "must be a string");
        }
      }
    }
  }
  auto strings = [&](const char* name, auto add) {
    if (!j.contains(name)) return;
    if (!j[name].is_array()) {
      errors.Add(name, "must be an array of strings");
      return;
    }
    for (const auto& s : j[name]) {
      if (s.is_string()) {
        add(s.get<std::string>());
      } else {
        errors.Add(name, "must be an array of strings");
      }
    }
  };
  strings("skills", [&](std::string s) { item.skills.push_back(std::move(s)); });
  strings("excluded", [&](std::string s) { item.excluded.insert(std::move(s)); });
  if (!errors.empty()) return errors.ToStatus();
  if (auto st = ValidateWorkItem(item); !st.ok()) return st;
  return item;
}

}  // namespace firstline::routing

namespace firstline::routing {

std::string WorkItemToJson(const WorkItem& item) {
  nlohmann::json j = {{"id", item.id},
                      {"kind", item.kind},
                      {"account_id", item.account_id},
                      {"attributes", item.attributes},
                      {"skills", item.skills}};
  if (!item.excluded.empty()) j["excluded"] = item.excluded;
  return j.dump();
}

}  // namespace firstline::routing
