#pragma once

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "platform/core/page_token.h"
#include "platform/redis/redis_client.h"

namespace firstline::platform {

// How many index entries one list call reads past records its filter drops before it answers
// a short page with a next token: a rare filter must not make one call read a whole index.
inline constexpr int kMaxIndexScan = 5000;

template <typename Record>
struct IndexPage {
  std::vector<Record> records;
  std::string next_page_token;  // empty at the end of the index
};

// The same fields of each of `keys`' hashes (an HMGET each), all in one round trip: how a
// loader reads a page's records. One reply per key, in order.
template <typename Fields>
absl::StatusOr<std::vector<absl::StatusOr<RedisValue>>> ReadHashFields(
    RedisClient& redis, const std::vector<std::string>& keys, const Fields& fields) {
  std::vector<std::vector<std::string>> reads;
  reads.reserve(keys.size());
  for (const auto& key : keys) {
    reads.push_back({"HMGET", key});
    reads.back().insert(reads.back().end(), std::begin(fields), std::end(fields));
  }
  return redis.Pipeline(reads);
}

// Adds one record read for a page to a loader's answer: NOT_FOUND (archived since it was
// indexed) as nullopt; any other error is the loader's.
template <typename Record>
absl::Status AddPageRecord(absl::StatusOr<Record> record, std::vector<std::optional<Record>>& out) {
  if (absl::IsNotFound(record.status())) {
    out.emplace_back();
    return absl::OkStatus();
  }
  if (!record.ok()) return record.status();
  out.emplace_back(std::move(*record));
  return absl::OkStatus();
}

// Lists a sorted-set index newest first: up to `page_size` records that `keep` accepts, from
// `page_token`'s offset on. `load(ids)` reads a batch of records (ideally in one round trip)
// and answers one entry per id, nullopt for a record gone since it was indexed (archived).
// The next token points just past the last entry read, so filtering neither skips nor repeats
// a record, and a page is short only at the end of the index or after kMaxIndexScan entries.
//   Load: absl::StatusOr<std::vector<std::optional<Record>>>(const std::vector<std::string>&)
//   Keep: bool(const Record&)
template <typename Record, typename Load, typename Keep>
absl::StatusOr<IndexPage<Record>> ReadIndexPage(RedisClient& redis, const std::string& index,
                                                absl::string_view page_token, int page_size,
                                                Load load, Keep keep) {
  page_size = page_size <= 0 ? kDefaultPageSize : std::min(page_size, kMaxPageSize);
  auto parsed_offset = PageOffset(page_token);
  if (!parsed_offset.ok()) return parsed_offset.status();
  int64_t offset = *parsed_offset;
  IndexPage<Record> page;
  for (int scanned = 0; scanned < kMaxIndexScan;) {
    auto ids = redis.Command(
        {"ZREVRANGE", index, std::to_string(offset), std::to_string(offset + page_size - 1)});
    if (!ids.ok()) return ids.status();
    std::vector<std::string> batch;
    for (const auto& id : ids->elements) batch.push_back(id.str);
    absl::StatusOr<std::vector<std::optional<Record>>> records = load(batch);
    if (!records.ok()) return records.status();
    if (records->size() != batch.size()) {
      return absl::InternalError("index page: a record read per id expected");
    }
    for (auto& record : *records) {
      ++offset;
      ++scanned;
      if (record.has_value() && keep(*record)) page.records.push_back(std::move(*record));
      if (static_cast<int>(page.records.size()) == page_size) {
        page.next_page_token = std::to_string(offset);
        return page;
      }
    }
    if (static_cast<int>(batch.size()) < page_size) return page;  // the index ends here
  }
  page.next_page_token = std::to_string(offset);
  return page;
}

}  // namespace firstline::platform
