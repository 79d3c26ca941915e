#include "channel-attribution/attribution_store.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "lua/catalog_set.lua.h"
#include "lua/fold_batch.lua.h"
#include "lua/spend_record.lua.h"

namespace firstline::attribution {
namespace {

std::string SpendKey() { return absl::StrCat(kTag, ":spend"); }
std::string CatalogKey() { return absl::StrCat(kTag, ":catalog"); }

}  // namespace

AttributionStore::AttributionStore(platform::RedisClient& redis, absl::Duration seen_retention)
    : redis_(redis),
      seen_retention_(seen_retention),
      fold_("fold_batch", kFoldBatchLua),
      spend_("spend_record", kSpendRecordLua),
      catalog_("catalog_set", kCatalogSetLua) {}

absl::Status AttributionStore::Load(const std::vector<std::string>& accounts, JourneySet& set) {
  std::vector<std::string> wanted;
  std::vector<std::vector<std::string>> reads;
  for (const auto& a : accounts) {
    if (set.count(a) > 0) continue;
    set[a];  // reserved: a repeated account is read once
    wanted.push_back(a);
    reads.push_back({"HMGET", JourneyKey(a), "v", "d"});
  }
  if (reads.empty()) return absl::OkStatus();
  auto replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (size_t i = 0; i < wanted.size(); ++i) {
    const auto& r = (*replies)[i];
    if (!r.ok()) return r.status();
    JourneySlot& slot = set[wanted[i]];
    if (r->elements.size() != 2 || r->elements[0].is_nil()) continue;
    if (!absl::SimpleAtoi(r->elements[0].str, &slot.version) ||
        !slot.journey.ParseFromString(r->elements[1].str)) {
      return absl::DataLossError(absl::StrCat("journey of ", wanted[i], " is unreadable"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<AttributionStore::Outcome> AttributionStore::Commit(
    const std::vector<std::string>& event_ids, const JourneySet& journeys,
    const AggregateDelta& delta, const std::vector<OutboxEntry>& events) {
  size_t fields = 0;
  for (const auto& [key, by_field] : delta.counts()) fields += by_field.size();
  for (const auto& [key, by_field] : delta.credits()) fields += by_field.size();
  std::vector<std::string> args;
  args.reserve(8 + event_ids.size() + journeys.size() * 4 + delta.counts().size() * 2 +
               delta.credits().size() * 2 + fields * 2 + events.size() * 5);
  args.push_back(std::to_string(absl::ToInt64Seconds(seen_retention_)));
  args.push_back(std::to_string(event_ids.size()));
  args.insert(args.end(), event_ids.begin(), event_ids.end());
  size_t written = 0;
  for (const auto& [account, slot] : journeys) written += slot.changed || slot.erase ? 1 : 0;
  args.push_back(std::to_string(written));
  for (const auto& [account, slot] : journeys) {
    if (!slot.changed && !slot.erase) continue;
    args.push_back(account);
    args.push_back(std::to_string(slot.version));
    args.push_back(slot.erase ? "d" : "w");
    args.push_back(slot.erase ? "" : slot.journey.SerializeAsString());
  }
  // Each hash once, then its fields: (key, n, (field, by)...).
  args.push_back(std::to_string(delta.counts().size()));
  for (const auto& [key, by_field] : delta.counts()) {
    args.push_back(key);
    args.push_back(std::to_string(by_field.size()));
    for (const auto& [field, n] : by_field) {
      args.push_back(field);
      args.push_back(std::to_string(n));
    }
  }
  args.push_back(std::to_string(delta.credits().size()));
  for (const auto& [key, by_field] : delta.credits()) {
    args.push_back(key);
    args.push_back(std::to_string(by_field.size()));
    for (const auto& [field, x] : by_field) {
      args.push_back(field);
      args.push_back(absl::StrFormat("%.17g", x));
    }
  }
  args.push_back(std::to_string(events.size()));
  for (const auto& e : events) {
    args.insert(args.end(), {e.topic, e.partition_key, e.event_id, e.type, e.envelope});
  }
  auto r = redis_.Eval(fold_, {OutboxKey()}, args);
  if (!r.ok()) return r.status();
  if (!r->is_array() || r->elements.empty()) {
    return absl::InternalError("fold_batch: unexpected reply");
  }
  Outcome out;
  const std::string& kind = r->elements[0].str;
  out.kind = kind == "ok"     ? Outcome::Kind::kCommitted
             : kind == "seen" ? Outcome::Kind::kSeen
                              : Outcome::Kind::kConflict;
  for (size_t i = 1; i < r->elements.size(); ++i) out.names.push_back(r->elements[i].str);
  return out;
}

absl::StatusOr<std::optional<v1::StoredJourney>> AttributionStore::Journey(
    const std::string& account) {
  JourneySet set;
  if (auto st = Load({account}, set); !st.ok()) return st;
  if (set[account].version == 0) return std::nullopt;
  return std::move(set[account].journey);
}

absl::StatusOr<bool> AttributionStore::RecordSpend(
    const std::string& record, int64_t minor,
    const std::vector<std::pair<std::string, std::string>>& targets) {
  std::vector<std::string> args = {record, std::to_string(minor)};
  for (const auto& [key, field] : targets) {
    args.push_back(key);
    args.push_back(field);
  }
  auto r = redis_.Eval(spend_, {SpendKey()}, args);
  if (!r.ok()) return r.status();
  return r->integer == 1;
}

absl::StatusOr<int> AttributionStore::SetCatalog(const std::vector<v1::Channel>& channels) {
  std::vector<std::string> args;
  for (const auto& c : channels) {
    args.push_back(c.channel());
    args.push_back(c.SerializeAsString());
  }
  auto r = redis_.Eval(catalog_, {CatalogKey()}, args);
  if (!r.ok()) return r.status();
  return static_cast<int>(r->integer);
}

absl::StatusOr<std::map<std::string, v1::Channel>> AttributionStore::Catalog() {
  auto r = redis_.Command({"HGETALL", CatalogKey()});
  if (!r.ok()) return r.status();
  std::map<std::string, v1::Channel> out;
  for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
    v1::Channel c;
    if (c.ParseFromString(r->elements[i + 1].str)) out[r->elements[i].str] = std::move(c);
  }
  return out;
}

absl::StatusOr<std::map<std::string, double>> AttributionStore::Sum(
    const std::vector<std::string>& keys) {
  std::map<std::string, double> sums;
  if (keys.empty()) return sums;
  std::vector<std::vector<std::string>> reads;
  reads.reserve(keys.size());
  for (const auto& k : keys) reads.push_back({"HGETALL", k});
  auto replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (const auto& r : *replies) {
    if (!r.ok()) return r.status();
    for (size_t i = 0; i + 1 < r->elements.size(); i += 2) {
      double v = 0;
      if (absl::SimpleAtod(r->elements[i + 1].str, &v)) sums[r->elements[i].str] += v;
    }
  }
  return sums;
}

}  // namespace firstline::attribution
