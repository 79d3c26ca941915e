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

// A page loader for records kept in hashes ("<key_prefix><id>"): the same `fields` of each,
// all in one round trip, each made into a record by `parse(id, replies)`, whose NOT_FOUND
// (no hash: archived since it was indexed) is answered as nullopt.
//   Parse: absl::StatusOr<Record>(const std::string& id, const std::vector<RedisValue>&)
template <typename Record, typename Fields, typename Parse>
absl::StatusOr<std::vector<std::optional<Record>>> ReadHashRecords(
    RedisClient& redis, const std::string& key_prefix, const std::vector<std::string>& ids,
    const Fields& fields, Parse parse) {
  std::vector<std::vector<std::string>> reads;
  reads.reserve(ids.size());
  for (const auto& id : ids) {
    reads.push_back({"HMGET", key_prefix + id});
    reads.back().insert(reads.back().end(), std::begin(fields), std::end(fields));
  }
  auto replies = redis.Pipeline(reads);
  if (!replies.ok()) return replies.status();
  std::vector<std::optional<Record>> out;
  out.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    if (!(*replies)[i].ok()) return (*replies)[i].status();
    absl::StatusOr<Record> record = parse(ids[i], (*replies)[i]->elements);
    if (absl::IsNotFound(record.status())) {
      out.emplace_back();
    } else if (!record.ok()) {
      return record.status();
    } else {
      out.emplace_back(std::move(*record));
    }
  }
  return out;
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
