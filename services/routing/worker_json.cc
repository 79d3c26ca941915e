#include "routing/worker_json.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_format.h"
#include "nlohmann/json.hpp"
#include "platform/core/field_errors.h"

namespace firstline::routing {
namespace {

using nlohmann::json;

std::optional<int> ParseClock(const json& v) {
  if (!v.is_string()) return std::nullopt;
  return ParseClockMinute(v.get<std::string>());
}

std::optional<std::vector<ShiftSpan>> Spans(const json& v) {
  if (!v.is_array()) return std::nullopt;
  std::vector<ShiftSpan> out;
  for (const auto& pair : v) {
    if (!pair.is_array() || pair.size() != 2) return std::nullopt;
    auto a = ParseClock(pair[0]);
    auto b = ParseClock(pair[1]);
    if (!a || !b) return std::nullopt;
    out.push_back({*a, *b});
  }
  return out;
}

json SpansJson(const std::vector<ShiftSpan>& spans) {
  json out = json::array();
  for (const auto& s : spans)
    out.push_back({FormatClockMinute(s.start_minute), FormatClockMinute(s.end_minute)});
  return out;
}

}  // namespace

std::string WorkerToJson(const Worker& w) {
  json j = {{"id", w.id},
            {"organisation", w.organisation},
            {"pools", w.pools},
            {"skills", w.skills},
            {"regions", w.regions},
            {"capacity", w.capacity},
            {"daily_cap", w.daily_cap},
            {"weight", w.weight}};
  if (!w.shift.always()) {
    json weekly = json::array();
    for (int d = 0; d < 7; ++d) weekly.push_back(SpansJson(w.shift.weekly()[d]));
    json exceptions = json::object();
    for (const auto& [day, spans] : w.shift.exceptions()) {
      exceptions[absl::FormatCivilTime(day)] = SpansJson(spans);
    }
    j["shift"] = {
        {"time_zone", w.shift.time_zone_name()}, {"weekly", weekly}, {"exceptions", exceptions}};
  }
  return j.dump();
}

absl::StatusOr<Worker> WorkerFromJson(absl::string_view text) {
  auto j = json::parse(text.begin(), text.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return absl::InvalidArgumentError("worker: not a JSON object");
  platform::FieldErrors errors;
  Worker w;
  auto str = [&](const char* k, std::string& out) {
    if (j.contains(k) && j[k].is_string()) {
      out = j[k].get<std::string>();
    } else if (j.contains(k)) {
      errors.Add(k, "must be a string");
    }
  };
  auto set = [&](const char* k, std::set<std::string>& out) {
    if (!j.contains(k)) return;
    if (!j[k].is_array()) return errors.Add(k, "must be a list of strings");
    for (const auto& v : j[k]) {
      if (!v.is_string()) return errors.Add(k, "must be a list of strings");
      out.insert(v.get<std::string>());
    }
  };
  auto num = [&](const char* k, int& out) {
    if (!j.contains(k)) return;
    if (!j[k].is_number_integer()) return errors.Add(k, "must be a whole number");
    out = j[k].get<int>();
  };
  str("id", w.id);
  str("organisation", w.organisation);
  set("pools", w.pools);
  set("skills", w.skills);
  set("regions", w.regions);
  num("capacity", w.capacity);
  num("daily_cap", w.daily_cap);
  num("weight", w.weight);
  if (j.contains("shift")) {
    const json& s = j["shift"];
    std::array<std::vector<ShiftSpan>, 7> weekly;
    std::map<absl::CivilDay, std::vector<ShiftSpan>> exceptions;
    bool ok = s.is_object() && s.contains("time_zone") && s["time_zone"].is_string() &&
              s.contains("weekly") && s["weekly"].is_array() && s["weekly"].size() == 7;
    for (int d = 0; ok && d < 7; ++d) {
      auto spans = Spans(s["weekly"][d]);
      if (!spans)
        ok = false;
      else
        weekly[d] = *spans;
    }
    if (ok && s.contains("exceptions") && !s["exceptions"].is_object()) ok = false;
    if (ok && s.contains("exceptions")) {
      for (const auto& [day_text, spans_json] : s["exceptions"].items()) {
        absl::CivilDay day;
        auto spans = Spans(spans_json);
        if (!absl::ParseCivilTime(day_text, &day) || !spans) {
          ok = false;
          break;
        }
        exceptions[day] = *spans;
      }
    }
    if (!ok) {
      errors.Add("shift",
                 "needs time_zone, weekly (7 lists of [\"HH:MM\",\"HH:MM\"]) and "
                 "optional exceptions {\"YYYY-MM-DD\": [...]}");
    } else {
      auto calendar = ShiftCalendar::Create(s["time_zone"].get<std::string>(), weekly, exceptions);
      if (!calendar.ok()) {
        errors.Add("shift", std::string(calendar.status().message()));
      } else {
        w.shift = *calendar;
      }
    }
  }
  AddWorkerErrors(w, errors);
  if (!errors.empty()) return errors.ToStatus();
  return w;
}

}  // namespace firstline::routing
