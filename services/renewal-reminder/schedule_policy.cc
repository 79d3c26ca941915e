#include "renewal-reminder/schedule_policy.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "platform/core/field_errors.h"

namespace firstline::renewal {
namespace {

constexpr std::pair<v1::ValueTier, const char*> kTierNames[] = {
    {v1::VALUE_TIER_VIP, "vip"},
    {v1::VALUE_TIER_KOL, "kol"},
    {v1::VALUE_TIER_BENCHMARK, "benchmark"},
    {v1::VALUE_TIER_STRATEGIC, "strategic"},
    {v1::VALUE_TIER_KEY_ACCOUNT, "key_account"},
    {v1::VALUE_TIER_STANDARD, "standard"},
};

std::string TierName(v1::ValueTier t) {
  for (const auto& [tier, name] : kTierNames) {
    if (tier == t) return name;
  }
  return absl::StrCat(static_cast<int>(t));
}

void AddCadence(const google::protobuf::RepeatedPtrField<v1::CareCadence>& in,
                const std::string& field, std::map<v1::ValueTier, int>& out,
                platform::FieldErrors& errors) {
  for (int i = 0; i < in.size(); ++i) {
    const std::string at = absl::StrCat(field, "[", i, "]");
    const auto& c = in[i];
    if (c.value_tier() == v1::VALUE_TIER_UNSPECIFIED || !v1::ValueTier_IsValid(c.value_tier())) {
      errors.Add(at + ".value_tier", "must name a value tier");
    } else if (!out.emplace(c.value_tier(), c.every_days()).second) {
      errors.Add(at + ".value_tier", absl::StrCat(TierName(c.value_tier()), " appears twice"));
    }
    if (c.every_days() < 1 || c.every_days() > 366) {
      errors.Add(at + ".every_days", absl::StrCat("must be 1..366, not ", c.every_days()));
    }
  }
}

}  // namespace

SchedulePolicy SchedulePolicy::Default() {
  SchedulePolicy p;
  p.renewal_offset_days = {-90, -60, -30, -7, 0, 7, 30};
  for (auto t : {v1::VALUE_TIER_VIP, v1::VALUE_TIER_KOL, v1::VALUE_TIER_BENCHMARK,
                 v1::VALUE_TIER_KEY_ACCOUNT}) {
    p.care_every_days[t] = 30;
  }
  p.inspection_every_days[v1::VALUE_TIER_VIP] = 91;
  auto day = [](int y, int m, int d) { return absl::CivilDay(y, m, d); };
  p.holidays = {
      {day(2026, 9, 25), "Mid-Autumn Festival", true},
      {day(2026, 10, 1), "National Day", true},
      {day(2026, 10, 2), "National Day", false},
      {day(2026, 10, 5), "National Day", false},
      {day(2026, 10, 6), "National Day", false},
      {day(2026, 10, 7), "National Day", false},
      {day(2027, 1, 1), "New Year", true},
      {day(2027, 2, 6), "Spring Festival", true},
      {day(2027, 2, 8), "Spring Festival", false},
      {day(2027, 2, 9), "Spring Festival", false},
      {day(2027, 2, 10), "Spring Festival", false},
      {day(2027, 2, 11), "Spring Festival", false},
      {day(2027, 9, 15), "Mid-Autumn Festival", true},
      {day(2027, 10, 1), "National Day", true},
      {day(2027, 10, 4), "National Day", false},
      {day(2027, 10, 5), "National Day", false},
      {day(2027, 10, 6), "National Day", false},
      {day(2027, 10, 7), "National Day", false},
  };
  return p;
}

const Holiday* SchedulePolicy::HolidayOn(absl::CivilDay day) const {
  auto it = std::lower_bound(holidays.begin(), holidays.end(), day,
                             [](const Holiday& h, absl::CivilDay d) { return h.day < d; });
  return it != holidays.end() && it->day == day ? &*it : nullptr;
}

namespace {

// Reads `proto` into `p`, collecting every violation.
platform::FieldErrors ReadPolicy(const v1::SchedulePolicy& proto, SchedulePolicy& p) {
  platform::FieldErrors errors;
  p.version = proto.version();
  std::set<int> offsets;
  for (int i = 0; i < proto.renewal_offset_days_size(); ++i) {
    int d = proto.renewal_offset_days(i);
    const std::string at = absl::StrCat("renewal_offset_days[", i, "]");
    if (d < -365 || d > 365) errors.Add(at, absl::StrCat("must be -365..365, not ", d));
    if (!offsets.insert(d).second) errors.Add(at, absl::StrCat(d, " appears twice"));
  }
  p.renewal_offset_days.assign(offsets.begin(), offsets.end());
  AddCadence(proto.care_cadence(), "care_cadence", p.care_every_days, errors);
  AddCadence(proto.inspection_cadence(), "inspection_cadence", p.inspection_every_days, errors);
  std::set<absl::CivilDay> days;
  for (int i = 0; i < proto.holidays_size(); ++i) {
    const auto& h = proto.holidays(i);
    const std::string at = absl::StrCat("holidays[", i, "]");
    absl::CivilDay day;
    if (!absl::ParseCivilTime(h.date(), &day)) {
      errors.Add(at + ".date", absl::StrCat("'", h.date(), "' is not a date (YYYY-MM-DD)"));
      continue;
    }
    if (!days.insert(day).second) errors.Add(at + ".date", h.date() + " appears twice");
    if (h.name().empty() || h.name().size() > 100) errors.Add(at + ".name", "1-100 characters");
    p.holidays.push_back({day, h.name(), h.greeting()});
  }
  std::sort(p.holidays.begin(), p.holidays.end(),
            [](const Holiday& a, const Holiday& b) { return a.day < b.day; });
  if (proto.follow_up_delay_hours() < 0 || proto.follow_up_delay_hours() > 720) {
    errors.Add("follow_up_delay_hours", "must be 0..720 (0: 24)");
  }
  p.follow_up_delay =
      absl::Hours(proto.follow_up_delay_hours() == 0 ? 24 : proto.follow_up_delay_hours());
  if (proto.referral_extension_days() < 0 || proto.referral_extension_days() > 365) {
    errors.Add("referral_extension_days", "must be 0..365 (0: 30)");
  }
  p.referral_extension_days =
      proto.referral_extension_days() == 0 ? 30 : proto.referral_extension_days();
  const bool default_day = proto.workday_start_minute() == 0 && proto.workday_end_minute() == 0;
  if (!default_day) {
    p.workday_start_minute = proto.workday_start_minute();
    p.workday_end_minute = proto.workday_end_minute();
    if (p.workday_start_minute < 0 || p.workday_start_minute >= 24 * 60) {
      errors.Add("workday_start_minute", "must be 0..1439");
    }
    if (p.workday_end_minute <= p.workday_start_minute || p.workday_end_minute > 24 * 60) {
      errors.Add("workday_end_minute", "must be after workday_start_minute and at most 1440");
    }
  }
  return errors;
}

}  // namespace

absl::StatusOr<SchedulePolicy> SchedulePolicyFromProto(const v1::SchedulePolicy& proto) {
  SchedulePolicy p;
  platform::FieldErrors errors = ReadPolicy(proto, p);
  if (!errors.empty()) return errors.ToStatus();
  return p;
}

v1::SchedulePolicy SchedulePolicyToProto(const SchedulePolicy& p) {
  v1::SchedulePolicy out;
  out.set_version(p.version);
  for (int d : p.renewal_offset_days) out.add_renewal_offset_days(d);
  for (const auto& [tier, days] : p.care_every_days) {
    auto* c = out.add_care_cadence();
    c->set_value_tier(tier);
    c->set_every_days(days);
  }
  for (const auto& [tier, days] : p.inspection_every_days) {
    auto* c = out.add_inspection_cadence();
    c->set_value_tier(tier);
    c->set_every_days(days);
  }
  for (const auto& h : p.holidays) {
    auto* o = out.add_holidays();
    o->set_date(absl::FormatCivilTime(h.day));
    o->set_name(h.name);
    o->set_greeting(h.greeting);
  }
  out.set_follow_up_delay_hours(static_cast<int32_t>(absl::ToInt64Hours(p.follow_up_delay)));
  out.set_workday_start_minute(p.workday_start_minute);
  out.set_workday_end_minute(p.workday_end_minute);
  out.set_referral_extension_days(p.referral_extension_days);
  return out;
}

namespace {

absl::Status AtLine(const YAML::Node& n, const std::string& what) {
  return absl::InvalidArgumentError(absl::StrCat("line ", n.Mark().line + 1, ": ", what));
}

absl::StatusOr<int> MinuteOf(const YAML::Node& n, const std::string& field) {
  std::vector<std::string> hm = absl::StrSplit(n.as<std::string>(), ':');
  int h = 0, m = 0;
  if (hm.size() != 2 || !absl::SimpleAtoi(hm[0], &h) || !absl::SimpleAtoi(hm[1], &m) || h < 0 ||
      h > 24 || m < 0 || m > 59) {
    return AtLine(n, field + ": '" + n.as<std::string>() + "' is not HH:MM");
  }
  return h * 60 + m;
}

absl::Status ReadCadence(const YAML::Node& n, const std::string& field,
                         google::protobuf::RepeatedPtrField<v1::CareCadence>* out) {
  if (!n.IsMap()) return AtLine(n, field + ": expected a map of value tier to days");
  for (const auto& kv : n) {
    const std::string name = absl::AsciiStrToLower(kv.first.as<std::string>());
    v1::ValueTier tier = v1::VALUE_TIER_UNSPECIFIED;
    for (const auto& [t, known] : kTierNames) {
      if (name == known) tier = t;
    }
    if (tier == v1::VALUE_TIER_UNSPECIFIED) {
      return AtLine(kv.first, absl::StrCat(field, ": '", name,
                                           "' is not one of vip, kol, benchmark, strategic, "
                                           "key_account, standard"));
    }
    auto* c = out->Add();
    c->set_value_tier(tier);
    c->set_every_days(kv.second.as<int>());
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<SchedulePolicy> ParseSchedulePolicyYaml(const std::string& text) {
  v1::SchedulePolicy proto;
  std::map<std::string, int> line_of;  // top-level key -> line, to place field errors
  try {
    YAML::Node root = YAML::Load(text);
    if (!root.IsMap()) return absl::InvalidArgumentError("line 1: expected a map");
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      line_of[key] = kv.first.Mark().line + 1;
      const YAML::Node& v = kv.second;
      if (key == "renewal_offset_days") {
        for (const auto& d : v) proto.add_renewal_offset_days(d.as<int>());
      } else if (key == "care_every_days") {
        if (auto st = ReadCadence(v, key, proto.mutable_care_cadence()); !st.ok()) return st;
      } else if (key == "inspection_every_days") {
        if (auto st = ReadCadence(v, key, proto.mutable_inspection_cadence()); !st.ok()) return st;
      } else if (key == "follow_up_delay_hours") {
        proto.set_follow_up_delay_hours(v.as<int>());
      } else if (key == "referral_extension_days") {
        proto.set_referral_extension_days(v.as<int>());
      } else if (key == "workday") {
        auto start = MinuteOf(v["start"], "workday.start");
        if (!start.ok()) return start.status();
        auto end = MinuteOf(v["end"], "workday.end");
        if (!end.ok()) return end.status();
        proto.set_workday_start_minute(*start);
        proto.set_workday_end_minute(*end);
      } else if (key == "holidays") {
        for (const auto& h : v) {
          auto* o = proto.add_holidays();
          o->set_date(h["date"].as<std::string>());
          o->set_name(h["name"].as<std::string>());
          o->set_greeting(h["greeting"] && h["greeting"].as<bool>());
        }
      } else {
        return AtLine(kv.first, "unknown key '" + key + "'");
      }
    }
  } catch (const YAML::Exception& e) {
    return absl::InvalidArgumentError(
        absl::StrCat("line ", e.mark.line + 1, ": ", e.msg.empty() ? e.what() : e.msg));
  }
  SchedulePolicy policy;
  platform::FieldErrors errors = ReadPolicy(proto, policy);
  if (errors.empty()) return policy;
  // Say where: each field error gets the line of the key it came from.
  platform::FieldErrors placed;
  for (const auto& [field, description] : errors.violations()) {
    std::string key = field.substr(0, field.find_first_of("[."));
    if (key == "care_cadence") key = "care_every_days";
    if (key == "inspection_cadence") key = "inspection_every_days";
    if (key.rfind("workday_", 0) == 0) key = "workday";
    auto line = line_of.find(key);
    placed.Add(field, line == line_of.end()
                          ? description
                          : absl::StrCat(description, " (line ", line->second, ")"));
  }
  return placed.ToStatus();
}

}  // namespace firstline::renewal
