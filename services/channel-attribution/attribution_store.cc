#include "channel-attribution/attribution_store.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "channel-attribution/tally.h"
#include "lua/catalog_set.lua.h"
#include "lua/fold_batch.lua.h"
#include "lua/spend_record.lua.h"
#include "lua/tally_compact.lua.h"

namespace firstline::attribution {
namespace {

std::string SpendKey() { return absl::StrCat(kTag, ":spend"); }
std::string CatalogKey() { return absl::StrCat(kTag, ":catalog"); }
std::string TallyStateKey() { return absl::StrCat(kTag, ":tally"); }

// A journey is stored as its version, zero-padded to a fixed width, then the StoredJourney
// bytes: the commit script compares the head with GETRANGE and writes with one SET (a 2-field
// hash holding a 200-byte record is a hashtable, several times the memory and CPU).
constexpr size_t kJourneyVersionWidth = 12;
std::string JourneyVersionHead(int64_t version) { return absl::StrFormat("%012d", version); }

// "<generation> <bytes>" of an aggregate's last compaction; generation 0 when never.
int64_t GenerationOf(const platform::RedisValue& state) {
  int64_t generation = 0;
  if (!state.is_nil()) {
    const absl::string_view text = state.str;
    (void)absl::SimpleAtoi(text.substr(0, text.find(' ')), &generation);
  }
  return generation;
}

}  // namespace

AttributionStore::AttributionStore(platform::RedisClient& redis, int64_t compact_min_bytes)
    : redis_(redis),
      compact_min_bytes_(compact_min_bytes),
      fold_("fold_batch", kFoldBatchLua),
      compact_("tally_compact", kTallyCompactLua),
      spend_("spend_record", kSpendRecordLua),
      catalog_("catalog_set", kCatalogSetLua) {}

absl::Status AttributionStore::Load(const std::vector<std::string>& accounts, JourneySet& set) {
  std::vector<std::string> wanted;
  std::vector<std::vector<std::string>> reads;
  for (const auto& a : accounts) {
    if (set.count(a) > 0) continue;
    set[a];  // reserved: a repeated account is read once
    wanted.push_back(a);
    reads.push_back({"GET", JourneyKey(a)});
  }
  if (reads.empty()) return absl::OkStatus();
  auto replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  std::vector<size_t> hashes;  // journeys still kept as hashes (before the string layout)
  for (size_t i = 0; i < wanted.size(); ++i) {
    const auto& r = (*replies)[i];
    if (!r.ok()) {
      if (!absl::StrContains(r.status().message(), "WRONGTYPE")) return r.status();
      hashes.push_back(i);
      continue;
    }
    if (r->is_nil()) continue;
    JourneySlot& slot = set[wanted[i]];
    const absl::string_view value = r->str;
    if (value.size() < kJourneyVersionWidth ||
        !absl::SimpleAtoi(value.substr(0, kJourneyVersionWidth), &slot.version) ||
        !slot.journey.ParseFromArray(value.data() + kJourneyVersionWidth,
                                     static_cast<int>(value.size() - kJourneyVersionWidth))) {
      return absl::DataLossError(absl::StrCat("journey of ", wanted[i], " is unreadable"));
    }
  }
  if (hashes.empty()) return absl::OkStatus();
  reads.clear();
  for (size_t i : hashes) reads.push_back({"HMGET", JourneyKey(wanted[i]), "v", "d"});
  replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  for (size_t k = 0; k < hashes.size(); ++k) {
    const auto& r = (*replies)[k];
    if (!r.ok()) return r.status();
    const std::string& account = wanted[hashes[k]];
    JourneySlot& slot = set[account];
    if (r->elements.size() != 2 || r->elements[0].is_nil() ||
        !absl::SimpleAtoi(r->elements[0].str, &slot.version) ||
        !slot.journey.ParseFromString(r->elements[1].str)) {
      return absl::DataLossError(absl::StrCat("journey of ", account, " is unreadable"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<AttributionStore::Outcome> AttributionStore::Commit(
    const JourneySet& journeys, const AggregateDelta& delta,
    const std::vector<OutboxEntry>& events) {
  // One run of entries per aggregate key; a key holding both counts and credits gets one.
  absl::flat_hash_map<std::string, std::string> tallies;
  for (const auto& [key, by_field] : delta.counts()) {
    std::string& entries = tallies[key];
    for (const auto& [field, n] : by_field) AppendTally(entries, field, static_cast<double>(n));
  }
  for (const auto& [key, by_field] : delta.credits()) {
    std::string& entries = tallies[key];
    for (const auto& [field, x] : by_field) AppendTally(entries, field, x);
  }
  std::vector<std::string> args;
  args.reserve(4 + journeys.size() * 3 + tallies.size() * 2 + events.size() * 5);
  args.push_back(std::to_string(compact_min_bytes_));
  size_t written = 0;
  for (const auto& [account, slot] : journeys) written += slot.changed || slot.erase ? 1 : 0;
  args.push_back(std::to_string(written));
  for (const auto& [account, slot] : journeys) {
    if (!slot.changed && !slot.erase) continue;
    args.push_back(JourneyKey(account));
    args.push_back(slot.version == 0 ? "" : JourneyVersionHead(slot.version));
    std::string value;
    if (!slot.erase) {
      value = JourneyVersionHead(slot.version + 1);
      if (!slot.journey.AppendToString(&value)) {
        return absl::InternalError(absl::StrCat("journey of ", account, " does not serialise"));
      }
    }
    args.push_back(std::move(value));
  }
  args.push_back(std::to_string(tallies.size()));
  for (auto& [key, entries] : tallies) {
    args.push_back(key);
    args.push_back(std::move(entries));
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
  out.kind = kind == "ok" ? Outcome::Kind::kCommitted : Outcome::Kind::kConflict;
  for (size_t i = 1; i < r->elements.size(); ++i) out.names.push_back(r->elements[i].str);
  return out;
}

absl::StatusOr<bool> AttributionStore::Compact(const std::string& key) {
  // The state is read before the entries: a compaction between the two reads then shows as a
  // newer generation when the rewrite is tried, and the rewrite is refused.
  auto read = redis_.Pipeline({{"HGET", TallyStateKey(), key}, {"GET", key}});
  if (!read.ok()) return read.status();
  for (const auto& r : *read) {
    if (!r.ok()) return r.status();
  }
  const int64_t generation = GenerationOf(*(*read)[0]);
  const std::string& bytes = (*read)[1]->str;
  TallyViews sums;
  if (auto st = AddTallies(key, bytes, sums); !st.ok()) return st;
  auto r =
      redis_.Eval(compact_, {key, TallyStateKey()},
                  {std::to_string(generation), std::to_string(bytes.size()), EncodeTallies(sums)});
  if (!r.ok()) return r.status();
  return r->integer == 1;
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
  for (const auto& k : keys) reads.push_back({"GET", k});
  auto replies = redis_.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  TallySums all;
  for (size_t i = 0; i < keys.size(); ++i) {
    const auto& r = (*replies)[i];
    if (r.ok()) {
      if (auto st = AddTallies(keys[i], r->str, all); !st.ok()) return st;
      continue;
    }
    if (!absl::StrContains(r.status().message(), "WRONGTYPE")) return r.status();
    // Still a hash (written before tally.h): the next write to it turns it into entries.
    auto fields = redis_.Command({"HGETALL", keys[i]});
    if (!fields.ok()) return fields.status();
    for (size_t f = 0; f + 1 < fields->elements.size(); f += 2) {
      double v = 0;
      if (!absl::SimpleAtod(fields->elements[f + 1].str, &v)) {
        return absl::DataLossError(absl::StrCat("aggregate ", keys[i], " field ",
                                                fields->elements[f].str, " is not a number"));
      }
      all[fields->elements[f].str] += v;
    }
  }
  for (auto& [field, value] : all) sums.emplace(field, value);
  return sums;
}

}  // namespace firstline::attribution
